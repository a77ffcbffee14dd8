/// The installed software: every package's versions, read from Lifeblood-format TOML.
///
/// Files are read in order and deep-merged, later over earlier. A version entry that cannot
/// be read is reported in `problems` with its `file:line` and skipped; the rest still
/// resolves. A file that is not valid TOML is an error.
public struct Catalogue: Sendable {
  /// Versions per package, ascending.
  public private(set) var packages: [String: [PackageVersion]] = [:]
  /// Package names in the order first written.
  public private(set) var names: [String] = []
  /// Entries skipped because they could not be read.
  public private(set) var problems: [Diagnostic] = []
  /// The files read, in order.
  public private(set) var files: [String] = []

  public init() {}

  public init(packages: [PackageVersion]) {
    for entry in packages { add(entry) }
    sortVersions()
  }

  /// Reads and merges the given TOML texts, `(file name, text)`, in order.
  public init(texts: [(file: String, text: String)]) throws {
    var merged = CatalogueTable()
    for (file, text) in texts {
      merged.merge(try CatalogueValue.parse(text, file: file))
      files.append(file)
    }
    build(from: merged)
  }

  /// Reads catalogue sources: each a TOML file, or a folder holding `config.toml` then
  /// `config.d/*.toml` (Lifeblood's layout). A missing source is an error.
  public init(sources: [String]) throws {
    var texts: [(file: String, text: String)] = []
    for source in sources {
      let files = try Catalogue.files(of: source, main: "config.toml", folder: "config.d")
      for file in files {
        guard let bytes = CatalogueFiles.readBytes(file) else {
          throw ResolveError.invalidCatalogue(
            Diagnostic(file: file, position: nil, message: "cannot read the file"))
        }
        texts.append((file, try CatalogueValue.text(of: bytes, file: file)))
      }
    }
    try self.init(texts: texts)
  }

  /// The files a source stands for, in reading order.
  static func files(of source: String, main: String, folder: String, required: Bool = true)
    throws -> [String]
  {
    guard let status = CatalogueFiles.status(source) else {
      if !required { return [] }
      throw ResolveError.invalidCatalogue(
        Diagnostic(file: source, position: nil, message: "no such catalogue"))
    }
    if !status.isDirectory { return [source] }
    var result: [String] = []
    let mainFile = source + "/" + main
    if CatalogueFiles.status(mainFile) != nil { result.append(mainFile) }
    let extra = source + "/" + folder
    result += CatalogueFiles.list(extra, suffix: ".toml").map { extra + "/" + $0 }
    return result
  }

  /// Where to look without `--catalog`: `FLOW_CATALOG` (colon-separated), else
  /// `${XDG_CONFIG_HOME:-~/.config}/flow/packages.toml` then `packages.d/*.toml`.
  public static func defaultSources(environment: [String: String]) -> [String] {
    if let list = environment["FLOW_CATALOG"], !list.isEmpty {
      return list.split(separator: ":").map(String.init)
    }
    let home = environment["HOME"] ?? ""
    let config =
      environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
    let folder = config + "/flow"
    var result: [String] = []
    if CatalogueFiles.status(folder + "/packages.toml") != nil {
      result.append(folder + "/packages.toml")
    }
    let extra = folder + "/packages.d"
    result += CatalogueFiles.list(extra, suffix: ".toml").map { extra + "/" + $0 }
    return result
  }

  public func versions(of name: String) -> [PackageVersion] { packages[name] ?? [] }

  /// The number of versions in all packages.
  public var versionCount: Int { packages.values.reduce(0) { $0 + $1.count } }

  mutating func add(_ entry: PackageVersion) {
    if packages[entry.name] == nil {
      names.append(entry.name)
      packages[entry.name] = []
    }
    packages[entry.name]!.append(entry)
  }

  mutating func sortVersions() {
    for name in names { packages[name]!.sort { $0.version < $1.version } }
  }

  private mutating func build(from document: CatalogueTable) {
    guard let packageTable = document["packages"]?.table else { return }
    var specs: [String: VersionSpec] = [:]
    for name in packageTable.keys {
      guard let versionTable = packageTable[name]?.table else {
        problems.append(
          diagnostic(packageTable.origin(of: name), "package '\(name)' is not a table; skipped"))
        continue
      }
      var seen: [Version: String] = [:]
      for key in versionTable.keys {
        let origin = versionTable.origin(of: key)
        do {
          let entry = try Catalogue.entry(
            name: name, key: key, value: versionTable[key]!, origin: origin, specs: &specs)
          if let earlier = seen[entry.version] {
            problems.append(
              diagnostic(
                origin, "\(name) \(key): the same version as '\(earlier)'; skipped"))
            continue
          }
          seen[entry.version] = key
          add(entry)
        } catch let error as EntryError {
          problems.append(diagnostic(origin, "\(name) \(key): \(error.message); skipped"))
        } catch {
          problems.append(diagnostic(origin, "\(name) \(key): \(error); skipped"))
        }
      }
    }
    sortVersions()
  }

  private func diagnostic(_ origin: String, _ message: String) -> Diagnostic {
    let parts = origin.split(separator: ":")
    if parts.count >= 2, let line = Int(parts.last!) {
      return Diagnostic(
        file: parts.dropLast().joined(separator: ":"),
        position: SourcePosition(line: line, column: 1), message: message)
    }
    return Diagnostic(file: origin, position: nil, message: message)
  }

  struct EntryError: Error {
    var message: String
  }
}
