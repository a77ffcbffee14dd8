/// The installed software: every package's versions, read from Lifeblood-format TOML.
///
/// Files are read in order and deep-merged, later over earlier. A version entry that cannot
/// be read is reported in `problems` with its `file:line` and skipped; the rest still
/// resolves. A file that is not valid TOML is an error.
///
/// The entries are held compiled (`CompiledCatalogue`), however the catalogue was made, and
/// decoded a package at a time when asked for.
public struct Catalogue: Sendable {
  /// Versions per package, ascending. This decodes every entry.
  public var packages: [String: [PackageVersion]] {
    var result: [String: [PackageVersion]] = [:]
    for name in names { result[name] = compiled.versions(of: name) }
    return result
  }
  /// Package names in the order first written.
  public var names: [String] { compiled.names }
  /// The packages every entry of which was skipped, each with its problem.
  public var namesWithoutVersions: [String] { compiled.namesWithoutVersions }
  /// Entries skipped because they could not be read.
  public var problems: [Diagnostic] { compiled.problems }
  /// The files read, in order.
  public private(set) var files: [String] = []
  private(set) var compiled = CompiledCatalogue()

  public init() { _ = compiled.finish() }

  /// A catalogue of these versions, each defined where its `definedAt` says. Of entries of
  /// one package with one key, the first is kept; of equal versions, as in files, the first
  /// is kept and the others are problems.
  public init(packages: [PackageVersion]) {
    var origins: [String: Int] = [:]
    var keys: Set<[String]> = []
    for entry in packages where keys.insert([entry.name, entry.key]).inserted {
      let package = compiled.package(entry.name)
      let place = compiled.begin(of: package)
      if origins[entry.definedAt] == nil {
        origins[entry.definedAt] = origins.count
        compiled.addFile(entry.definedAt)
      }
      let file = origins[entry.definedAt]!
      compiled.requirements.clear()
      do {
        _ = try compiled.requirements.read(entry.requires.map(\.description), field: "requires")
        _ = try compiled.requirements.read(
          entry.conflicts.map(\.description), field: "conflicts")
        for (index, variant) in entry.variants.enumerated() {
          _ = try compiled.requirements.read(
            variant.requires.map(\.description), field: "variants[\(index)]")
        }
      } catch {
        let problem = Catalogue.diagnostic(
          entry.definedAt, "\(entry.name) \(entry.key): \(error); skipped")
        compiled.skip(entry.key, place: place, of: package, problem: problem)
        continue
      }
      // A line below 0: the origin is the whole text.
      compiled.add(entry, place: place, of: package, file: file, line: -1)
    }
    _ = compiled.finish()
  }

  /// Reads and merges the given TOML texts, `(file name, text)`, in order.
  public init(texts: [(file: String, text: String)]) throws {
    try self.init(contents: texts.map { ($0.file, Array($0.text.utf8)) })
  }

  /// Reads and merges the given TOML files' bytes, `(file name, bytes)`, in order.
  public init(contents: [(file: String, bytes: [UInt8])]) throws {
    var merged = TOMLTable()
    for (file, bytes) in contents {
      try merge(Catalogue.parse(bytes, file: file), into: &merged, file: file)
    }
    build(from: consume merged)
  }

  /// Parses a catalogue file's bytes; an invalid document (bytes that are not UTF-8
  /// included) is an error at its place.
  private static func parse(_ bytes: [UInt8], file: String) throws -> TOMLTable {
    do {
      return try TOMLReader.parse(bytes)
    } catch {
      throw ResolveError.invalidCatalogue(
        Diagnostic(file: file, position: error.position, message: "invalid TOML: \(error.message)"))
    }
  }

  /// Adds `file`, parsed as `table`: the first is taken as it is, later ones merge key by key.
  private mutating func merge(
    _ table: consuming TOMLTable, into merged: inout TOMLTable, file: String
  ) {
    if !files.isEmpty { table.setFile(files.count) }
    files.append(file)
    if merged.count == 0 {
      merged = table
    } else {
      merged.merge(table)
    }
  }

  /// Reads catalogue sources: each a TOML file, or a folder holding `config.toml` then
  /// `config.d/*.toml` (Lifeblood's layout). A missing source is an error.
  ///
  /// The files are compiled entry by entry as they are read (`CatalogueCompiler`); what that
  /// cannot follow (an entry written again in a later file, packages written as values or
  /// with dotted keys, any error) is read again as whole documents, which gives the same
  /// entries, or the error with its place.
  public init(sources: [String]) throws {
    var files: [String] = []
    for source in sources {
      files += try Catalogue.files(of: source, main: "config.toml", folder: "config.d")
    }
    if let compiled = CatalogueCompiler.compile(files) {
      self.init(compiled: compiled)
    } else {
      try self.init(documentsOf: files)
    }
  }

  init(compiled: CompiledCatalogue) {
    files = compiled.files
    self.compiled = compiled
  }

  /// Reads the files as whole documents, merged.
  init(documentsOf files: [String]) throws {
    // Each file is parsed as soon as it is read, so only one file's bytes are held at once.
    var merged = TOMLTable()
    for file in files {
      let bytes: [UInt8]
      do {
        bytes = try InputFile.read(file)
      } catch {
        throw ResolveError.unreadableCatalogue(
          Diagnostic(file: file, position: nil, message: "cannot read the file: \(error.reason)"))
      }
      try merge(Catalogue.parse(bytes, file: file), into: &merged, file: file)
    }
    build(from: consume merged)
  }

  /// The files a source stands for, in reading order. A folder holds `config.toml` then
  /// `config.d/*.toml`, or is Lifeblood's configuration root, whose resolver keeps them in
  /// `standard_environment_resolver/`. A folder holding neither is an error, as an empty
  /// catalogue would only turn every request into "no such package".
  static func files(of source: String, main: String, folder: String, required: Bool = true)
    throws -> [String]
  {
    guard let status = CatalogueFiles.status(source) else {
      if !required { return [] }
      throw ResolveError.missingCatalogue(
        Diagnostic(file: source, position: nil, message: "no such catalogue"))
    }
    if !status.isDirectory { return [source] }
    func contents(of directory: String) -> [String] {
      var result: [String] = []
      let mainFile = directory + "/" + main
      if CatalogueFiles.status(mainFile) != nil { result.append(mainFile) }
      let extra = directory + "/" + folder
      result += CatalogueFiles.list(extra, suffix: ".toml").map { extra + "/" + $0 }
      return result
    }
    let direct = contents(of: source)
    if !direct.isEmpty { return direct }
    let resolver = source + "/" + Catalogue.lifebloodResolverFolder
    if CatalogueFiles.status(resolver)?.isDirectory == true {
      let nested = contents(of: resolver)
      if !nested.isEmpty { return nested }
    }
    if !required { return [] }
    throw ResolveError.missingCatalogue(
      Diagnostic(
        file: source, position: nil,
        message: "no catalogue in this folder: expected \(main), \(folder)/*.toml or "
          + "\(Catalogue.lifebloodResolverFolder)/ holding them (a Lifeblood configuration root)"))
  }

  /// The folder of Lifeblood's configuration root that holds its standard environment
  /// resolver's files.
  public static let lifebloodResolverFolder = "standard_environment_resolver"

  /// Where to look without `--catalog`, first that applies:
  /// 1. `FLOW_CATALOG` (colon-separated);
  /// 2. `LIFEBLOOD_CONFIG_LOCATION`, Lifeblood's configuration root, whose
  ///    `standard_environment_resolver/` folder must then hold a catalogue;
  /// 3. `REZ_PACKAGES_PATH`, rez's repositories (colon-separated), as rez reads it: `~`
  ///    expanded, and a folder that holds no package passed over (missing or empty, as a
  ///    user's `~/packages` often is), so none when no folder holds one;
  /// 4. `${XDG_CONFIG_HOME:-~/.config}/flow/packages.toml` then `packages.d/*.toml`, when any
  ///    exists;
  /// 5. Lifeblood's default root, `~/lifeblood` (`~/Library/Preferences/lifeblood` on macOS),
  ///    when its resolver folder holds a catalogue;
  /// 6. the folders of rez's `packages_path` as rez's configuration files give it
  ///    (`RezConfiguration`), or rez's default (`~/packages`, `~/.rez/packages/int`,
  ///    `~/.rez/packages/ext`), those that hold packages.
  ///
  /// An empty variable counts as unset.
  public static func defaultSources(environment: EnvironmentMap) -> [String] {
    if let list = environment["FLOW_CATALOG"], !list.isEmpty {
      return list.split(separator: ":").map(String.init)
    }
    let directories = UserDirectories(environment: environment)
    if let root = environment["LIFEBLOOD_CONFIG_LOCATION"], !root.isEmpty {
      return [lifebloodResolver(root: expandingHome(root, home: directories.home))]
    }
    if let list = environment["REZ_PACKAGES_PATH"], !list.isEmpty {
      return rezRepositories(list.split(separator: ":").map(String.init), home: directories.home)
    }
    // Without a home folder the configuration lies under /tmp: only read when private.
    if directories.privateFolder != nil && directories.checkPrivateFolder() != nil { return [] }
    let folder = directories.flowConfig
    var result: [String] = []
    if CatalogueFiles.status(folder + "/packages.toml") != nil {
      result.append(folder + "/packages.toml")
    }
    let extra = folder + "/packages.d"
    result += CatalogueFiles.list(extra, suffix: ".toml").map { extra + "/" + $0 }
    if result.isEmpty, let home = directories.home {
      let lifeblood = lifebloodResolver(root: home + lifebloodDefaultRoot)
      let files = (try? files(of: lifeblood, main: "config.toml", folder: "config.d")) ?? []
      if !files.isEmpty { result.append(lifeblood) }
    }
    if result.isEmpty,
      case .folders(let folders) = RezConfiguration.packagesPath(
        environment: environment, home: directories.home)
    {
      result = rezRepositories(folders, home: directories.home)
    }
    return result
  }

  /// The folders of a rez `packages_path` that hold packages, `~` expanded, as rez reads
  /// them: a missing or empty one (a user's `~/packages` not made yet) holds none.
  private static func rezRepositories(_ folders: [String], home: String?) -> [String] {
    folders.map { expandingHome($0, home: home) }.filter(RezRepository.isRepository)
  }

  /// The variable `defaultSources` took its answer from, when one did: a catalogue it names
  /// that is missing is reported with it, as the user may not know it is set.
  public static func defaultSourcesVariable(environment: EnvironmentMap) -> String? {
    ["FLOW_CATALOG", "LIFEBLOOD_CONFIG_LOCATION", "REZ_PACKAGES_PATH"].first {
      !(environment[$0] ?? "").isEmpty
    }
  }

  /// `error` for a resolve that used the default lookup (`defaultSources`): a missing
  /// catalogue a variable named says which variable; a failed resolve where the lookup found
  /// no catalogue at all says so and how to give one, since "no package houdini" alone
  /// reads as if the catalogue had been read.
  public static func explainingDefaultLookup(
    _ error: ResolveError, sources: [String], environment: EnvironmentMap
  ) -> ResolveError {
    guard case .unsatisfiable(let explanation) = error, sources.isEmpty else {
      return namingVariable(error, environment: environment)
    }
    let directories = UserDirectories(environment: environment)
    let why: String
    if defaultSourcesVariable(environment: environment) == "REZ_PACKAGES_PATH" {
      why =
        "no folder REZ_PACKAGES_PATH names holds a rez package: "
        + (environment["REZ_PACKAGES_PATH"] ?? "")
    } else if case .unread(let file) = RezConfiguration.packagesPath(
      environment: environment, home: directories.home)
    {
      why =
        "rez's packages_path in \(file) is not a list of strings (or rez's ModifyList of one)"
        + " flow works out without running the file: set REZ_PACKAGES_PATH"
    } else {
      why =
        "no catalogue was found: give --catalog FILE, set FLOW_CATALOG, "
        + "LIFEBLOOD_CONFIG_LOCATION or REZ_PACKAGES_PATH, or write \(directories.flowConfig)"
        + "/packages.toml ('flow-resolve generate' writes one from what is installed)"
    }
    return .unsatisfiable(explanation: explanation + "\n" + why)
  }

  /// `error`, when it is a missing catalogue that a variable named, saying which.
  public static func namingVariable(_ error: ResolveError, environment: EnvironmentMap)
    -> ResolveError
  {
    guard case .missingCatalogue(var diagnostic) = error,
      let variable = defaultSourcesVariable(environment: environment)
    else { return error }
    diagnostic.message += " (from \(variable))"
    return .missingCatalogue(diagnostic)
  }

  /// Lifeblood's default configuration root below the home folder.
  #if os(macOS)
    static let lifebloodDefaultRoot = "/Library/Preferences/lifeblood"
  #else
    static let lifebloodDefaultRoot = "/lifeblood"
  #endif

  /// The resolver's folder in a Lifeblood configuration root.
  static func lifebloodResolver(root: String) -> String {
    (root.hasSuffix("/") ? root : root + "/") + lifebloodResolverFolder
  }

  /// `~` and `~/…` with the home folder, as Lifeblood expands its configuration root; any
  /// other path (`~user` included) as it is.
  static func expandingHome(_ path: String, home: String?) -> String {
    guard let home, path == "~" || path.hasPrefix("~/") else { return path }
    return home + path.dropFirst()
  }

  /// The versions of `name`, ascending. Each call decodes them: a caller asking often for
  /// the same package keeps the answer.
  public func versions(of name: String) -> [PackageVersion] { compiled.versions(of: name) }

  /// The number of versions in all packages.
  public var versionCount: Int { compiled.versionCount }

  /// Compiles the entries, releasing each package's part of the document once it is read.
  private mutating func build(from document: consuming TOMLTable) {
    for file in files { compiled.addFile(file) }
    defer { _ = compiled.finish() }
    guard var packageTable = document.take("packages")?.table else { return }
    _ = consume document
    for name in packageTable.keys {
      let package = compiled.package(name)
      guard let versionTable = packageTable.take(name)?.table else {
        let problem = Catalogue.diagnostic(
          origin(of: name, in: packageTable), "package '\(name)' is not a table; skipped")
        compiled.skip("", place: compiled.begin(of: package), of: package, problem: problem)
        continue
      }
      for key in versionTable.keys {
        let place = compiled.begin(of: package)
        let file = versionTable.file(of: key) ?? 0
        let line = versionTable.position(of: key)?.line ?? 0
        compiled.requirements.clear()
        switch Catalogue.readEntry(
          name: name, key: key, value: versionTable[key]!, origin: "\(files[file]):\(line)",
          requirements: &compiled.requirements)
        {
        case .failure(let problem):
          compiled.skip(key, place: place, of: package, problem: problem)
        case .success(let entry):
          compiled.add(entry, place: place, of: package, file: file, line: line)
        }
      }
    }
  }

  /// `file:line` where `key` of `table` was first written.
  private func origin(of key: String, in table: TOMLTable) -> String {
    guard let file = table.file(of: key), let position = table.position(of: key) else {
      return ""
    }
    return "\(files[file]):\(position.line)"
  }

  struct EntryError: Error {
    var message: String
  }
}
