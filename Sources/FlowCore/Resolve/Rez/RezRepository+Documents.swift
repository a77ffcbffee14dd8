/// Rez repositories where a pipe document's requirements are resolved: by flow-resolve in a
/// pipe and by flow-exec completing a document flow-resolve did not see, the same way.
extension RezRepository {
  /// The rez repositories among `sources` to resolve against, or nil when the requirements
  /// are read against TOML catalogues: with `--syntax rez` every source must be one (else
  /// the error names the first that is not); by default, when every source is one.
  public static func roots(of sources: [String], syntax: VersionSpec.SyntaxChoice) throws
    -> [String]?
  {
    switch syntax {
    case .rez:
      for source in sources where !isRepository(source) {
        throw ResolveError.missingCatalogue(
          Diagnostic(
            file: source, position: nil,
            message: "not a rez repository (expected NAME/VERSION/package.py or package.yaml)"))
      }
      return sources
    case .auto:
      guard !sources.isEmpty, sources.allSatisfy(isRepository) else { return nil }
      return sources
    case .lifeblood, .node:
      return nil
    }
  }

  /// A requirement as a document writes it. A list item in rez's own form (`houdini-20+`,
  /// `~numpy-1.20+<2`, `foo==1.2.3`) is split by flow-parse at its first operator, so the
  /// package may hold the start of the range: rez's names hold no `-`, so a package with one
  /// is joined to its spec and read as rez reads a request. A package with a spec of its own
  /// (`houdini: "20+"`) reads the spec as a rez range.
  public func requirement(package: String, spec: String, syntax: VersionSpec.SyntaxChoice)
    throws -> PackageRequirement
  {
    let spec = spec.trimmedString
    if spec.isEmpty || package.contains("-") { return try requirement(parsing: package + spec) }
    let kind = package.utf8.first.map(PackageRequirement.kind(marked:)) ?? .required
    return PackageRequirement(
      name: kind == .required ? package : String(package.dropFirst()),
      spec: try self.spec(parsing: spec, syntax: syntax), kind: kind)
  }
}
