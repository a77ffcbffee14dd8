/// One build of a package version among several (rez's variants): a plugin built once per
/// Houdini, say. Its requirements add to the version's own, and its environment changes
/// apply after the version's own; a resolve chooses one variant of a chosen version.
public struct PackageVariant: Sendable, Hashable {
  public var requires: [PackageRequirement]
  /// Environment changes per variable, applied after those of the version.
  public var variables: [VariableChange]
  /// For a rez package's variant, the folder its payload lies in (`PackageVersion.root`).
  public var root: String?

  public init(requires: [PackageRequirement] = [], variables: [VariableChange] = []) {
    self.requires = requires
    self.variables = variables
  }
}

extension PackageVersion {
  /// What the solver chooses among: the version itself when it has no variants, else one
  /// candidate per variant, in written order, each with the variant's requirements after the
  /// version's and its environment after the version's, `variant` set and no variants left.
  public var candidates: [PackageVersion] {
    if variants.isEmpty { return [self] }
    return variants.indices.map { candidate(variant: $0) }
  }

  /// The candidate of variant `index` (one of `variants`' indices), made alone.
  func candidate(variant index: Int) -> PackageVersion {
    var candidate = self
    candidate.variants = []
    candidate.variant = index
    candidate.requires += variants[index].requires
    candidate.variables += variants[index].variables
    candidate.root = variants[index].root ?? root
    return candidate
  }

  /// The version key with the variant index, as messages name a candidate: `1.2.0[1]`.
  public var candidateKey: String { variant.map { "\(key)[\($0)]" } ?? key }
}
