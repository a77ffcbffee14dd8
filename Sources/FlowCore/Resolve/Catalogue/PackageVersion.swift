/// One version of one package in the catalogue, as its TOML entry describes it.
public struct PackageVersion: Sendable, Hashable {
  public var name: String
  public var version: Version
  /// The version key as written in the catalogue.
  public var key: String
  public var label: String?
  /// Packages apply in ascending priority; Lifeblood's default is 50.
  public var priority: Int
  /// Environment changes per variable, in the order the catalogue gives them.
  public var variables: [VariableChange]
  public var requires: [PackageRequirement]
  public var conflicts: [PackageRequirement]
  /// When the version was released, as written in the catalogue (`released`); nil when not
  /// given. `--time` hides versions released after its date.
  public var released: String?
  /// Where the entry is defined, `file:line`.
  public var definedAt: String
  /// The builds of this version, each with requirements and environment of its own
  /// (`variants` in the catalogue); empty when the version has one build.
  public var variants: [PackageVariant] = []
  /// In a resolution, the index of the variant chosen; nil for a version without variants.
  public var variant: Int?
  /// The versions of other packages this one carries inside it (`provides`), each
  /// standing in for that package while this version is selected.
  public var provides: [ProvidedVersion] = []
  /// In a resolution, for a version another package provides: that package's version,
  /// `houdini 20.0.547`; nil for a package of the catalogue's own.
  public var providedBy: String?
  /// For a rez package, the folder its payload lies in (rez's `root`): its version's folder,
  /// or in a resolution its variant's; nil elsewhere.
  public var root: String?
  /// For a rez package, its version's folder (rez's `base`), whichever variant is chosen;
  /// nil elsewhere.
  public var base: String?

  public init(
    name: String, version: Version, key: String, label: String? = nil, priority: Int = 50,
    variables: [VariableChange] = [], requires: [PackageRequirement] = [],
    conflicts: [PackageRequirement] = [], released: String? = nil, definedAt: String = ""
  ) {
    self.released = released
    self.name = name
    self.version = version
    self.key = key
    self.label = label
    self.priority = priority
    self.variables = variables
    self.requires = requires
    self.conflicts = conflicts
    self.definedAt = definedAt
  }

  /// `released` as a time; nil when not given (or, in a value built in code, not readable).
  public var releaseTime: ReleaseTime? { released.flatMap(ReleaseTime.init(parsing:)) }
}

/// What one package does to one variable: prepend, append (each a list of values, kept in
/// order) and set (a list joins with `:`), in one of rez's phases.
public struct VariableChange: Sendable, Hashable {
  /// When a change applies among every package's: rez runs each package's `pre_commands`,
  /// then their `commands`, then their `post_commands`. A catalogue's are all `commands`.
  public enum Phase: Int, Sendable, Hashable, CaseIterable {
    case commands = 0
    case pre = 1
    case post = 2

    /// The phases in the order they apply.
    public static let applied: [Phase] = [.pre, .commands, .post]
  }

  public var name: String
  public var prepend: [String]
  public var append: [String]
  public var set: [String]?
  public var phase: Phase
  /// For a rez package's change read inside an `if` on the resolve (`'maya' in resolve`):
  /// what must hold of the chosen packages for it to apply, as `RezExpression` reads it
  /// then; nil for a change that always applies.
  public var condition: String?
  /// Whether the variable is removed first (rez's `unsetenv`), its prepends and appends
  /// then starting it anew; a set replaces it anyway.
  public var unset: Bool
  /// What is changed: a variable, or one of rez's other effects, kept in order with them.
  public var kind: Kind

  public enum Kind: String, Sendable, Hashable {
    case variable
    /// The shell function `name`, running `set`'s one text with its arguments (rez's
    /// `alias()`, `ShellFunction`).
    case alias
    /// The environment cannot be made: rez's `stop()`, its message `set`'s one text, its
    /// `name` empty. Under a condition, only where it holds.
    case stop
    /// rez's `env.keys()` holds the variables `set` lists from here on (under a condition,
    /// where it holds), `name` empty: the commands named them through `env` (`env.NAME`,
    /// `env['NAME']`, `{env.NAME}`), which rez's `'NAME' in env.keys()` (and `in env`) of
    /// later commands tests. With `unset`, they perhaps named them (a line flow left out
    /// names them, or a part Python may not evaluate), so such a test of one is not known;
    /// with `set` nil, they may have named any variable so.
    case key
  }

  public init(
    name: String, prepend: [String] = [], append: [String] = [], set: [String]? = nil,
    phase: Phase = .commands, condition: String? = nil, unset: Bool = false,
    kind: Kind = .variable
  ) {
    self.unset = unset
    self.kind = kind
    self.name = name
    self.prepend = prepend
    self.append = append
    self.set = set
    self.phase = phase
    self.condition = condition
  }
}
