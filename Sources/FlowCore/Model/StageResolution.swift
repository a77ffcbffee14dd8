/// What flow-resolve chose for a stage's requirements: the packages and, in the order they
/// apply, the environment actions they bring.
public struct StageResolution: Sendable, Hashable {
  /// The requirements solved, as written (`root>=6.30`).
  public var requirements: [String]
  public var packages: [ResolvedPackage]
  /// Rez's ephemerals the resolve requires, each with the range left of it (`.foo-2.5+<2_`).
  public var ephemerals: [String]
  public var actions: [EnvironmentActions.Action]

  public init(
    requirements: [String] = [], packages: [ResolvedPackage] = [], ephemerals: [String] = [],
    actions: [EnvironmentActions.Action] = []
  ) {
    self.requirements = requirements
    self.packages = packages
    self.ephemerals = ephemerals
    self.actions = actions
  }
}

/// One package version of a resolution.
public struct ResolvedPackage: Sendable, Hashable {
  public var name: String
  public var version: String
  public var label: String?
  public var priority: Int
  /// The catalogue file and place that defines this version.
  public var definedAt: String
  /// Why it was chosen, with `--explain`.
  public var because: [String]?
  /// The index of the variant chosen, for a version with variants.
  public var variant: Int?
  /// For a version another package carries inside it (`provides`): that package and its
  /// version, `houdini 20.0.547`. Such a version brings no actions.
  public var providedBy: String?
  /// The digest of the catalogue entry chosen (`PackageLock.digest(of:)`), which flow.lock
  /// and the stage cache's key hold; nil for a fact of the machine, which no catalogue
  /// holds.
  public var entry: String?

  public init(
    name: String, version: String, label: String? = nil, priority: Int = 0, definedAt: String = "",
    because: [String]? = nil, variant: Int? = nil, providedBy: String? = nil
  ) {
    self.variant = variant
    self.providedBy = providedBy
    self.name = name
    self.version = version
    self.label = label
    self.priority = priority
    self.definedAt = definedAt
    self.because = because
  }
}
