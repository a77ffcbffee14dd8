/// Where the solver finds a package's versions: a catalogue read from TOML, or its compiled
/// index, which reads only the packages a resolve touches.
public protocol PackageSource: AnyObject, Sendable {
  /// The versions of `name`, ascending; empty when the package is unknown.
  func versions(of name: String) -> [PackageVersion]

  /// The versions with at least `version`, `key`, `requires` and `conflicts` filled in, which
  /// is all the solver reads; a source may leave the rest out to decode less.
  func candidates(of name: String) -> [PackageVersion]

  /// The full entry of the `index`-th version of `name`, ascending.
  func entry(of name: String, at index: Int) -> PackageVersion?

  /// The versions of `name` with requirements as numbers, or nil when the source does not
  /// number them (the solver then numbers what `candidates(of:)` gives).
  func candidateTable(of name: String) -> CandidateTable?

  /// The requirement a number of `candidateTable(of:)` stands for.
  func requirement(numbered number: Int) -> PackageRequirement?
}

extension PackageSource {
  public func candidates(of name: String) -> [PackageVersion] { versions(of: name) }

  public func entry(of name: String, at index: Int) -> PackageVersion? {
    let all = versions(of: name)
    return index < all.count ? all[index] : nil
  }

  public func candidateTable(of name: String) -> CandidateTable? { nil }

  public func requirement(numbered number: Int) -> PackageRequirement? { nil }
}

/// A catalogue as a package source.
public final class CatalogueSource: PackageSource {
  public let catalogue: Catalogue

  public init(_ catalogue: Catalogue) { self.catalogue = catalogue }

  public func versions(of name: String) -> [PackageVersion] { catalogue.versions(of: name) }
}
