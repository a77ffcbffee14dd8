/// Where the solver finds a package's versions: a catalogue read from TOML, or its compiled
/// index, which reads only the packages a resolve touches.
public protocol PackageSource: AnyObject, Sendable {
  /// The versions of `name`, ascending; empty when the package is unknown.
  func versions(of name: String) -> [PackageVersion]
}

/// A catalogue as a package source.
public final class CatalogueSource: PackageSource {
  public let catalogue: Catalogue

  public init(_ catalogue: Catalogue) { self.catalogue = catalogue }

  public func versions(of name: String) -> [PackageVersion] { catalogue.versions(of: name) }
}
