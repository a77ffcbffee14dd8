import Glibc

extension CatalogueIndex {
  /// Opens the index for `sources` at `path`, or at `defaultPath` when nil: an up-to-date
  /// index as it is, else one compiled now. The index is a cache: when it cannot be written
  /// (a read-only or full file system, a cache folder that is not private), the resolve goes
  /// on from the compiled catalogue in memory, with one warning saying why.
  public static func open(
    sources: [String], at path: String?, environment: EnvironmentMap, kind: Kind = .catalogue
  ) throws -> CatalogueIndex {
    if let path {
      return try open(sources: sources, at: path, kind: kind, environment: environment)
    }
    return try open(
      sources: sources, directories: UserDirectories(environment: environment), kind: kind,
      environment: environment)
  }

  /// What an index is compiled from; each has its own source key and compiler, and one file
  /// format.
  public enum Kind: Sendable {
    /// TOML catalogues (`config.toml` and `config.d`).
    case catalogue
    /// Rez repositories (`RezIndex`).
    case rez

    func key(of sources: [String]) throws -> [UInt8] {
      switch self {
      case .catalogue: return try sourceKey(of: sources)
      case .rez: return try RezIndex.sourceKey(of: sources)
      }
    }

    /// `environment`: the process's, which a rez package file's functions may read.
    func compile(_ sources: [String], key: [UInt8], environment: EnvironmentMap) throws
      -> [UInt8]
    {
      switch self {
      case .catalogue: return try Catalogue(sources: sources).compiled.encode(key: key)
      case .rez:
        return try RezIndex.compile(sources, key: key, host: RezHost(environment: environment))
      }
    }
  }

  /// Opens the index at its default path under `directories`' cache.
  static func open(
    sources: [String], directories: UserDirectories, kind: Kind = .catalogue,
    environment: EnvironmentMap = ProcessEnvironment.current
  ) throws -> CatalogueIndex {
    if let folder = directories.privateFolder, let problem = directories.checkPrivateFolder() {
      let warning = Diagnostic(
        file: folder, position: nil,
        message: "cache folder not used (\(problem)); resolving from the catalogue in memory")
      return try compile(
        sources, key: try kind.key(of: sources), writingTo: nil, [warning], kind: kind,
        environment: environment)
    }
    return try open(
      sources: sources, at: defaultPath(sources: sources, directories: directories), kind: kind,
      environment: environment)
  }

  /// Opens the index at `path` for `sources`, compiling it first when it is missing, stale,
  /// damaged or not to be trusted (owned by another user, writable by others), or when what
  /// its package files read of the environment (`environment`) or the machine differs.
  public static func open(
    sources: [String], at path: String, kind: Kind = .catalogue,
    environment: EnvironmentMap = ProcessEnvironment.current
  ) throws -> CatalogueIndex {
    try open(sources: sources, path: path, kind: kind, environment: environment) {
      () throws(IndexRefusal) in try IndexBytes(mapping: path)
    }
  }

  /// Reads an index already in memory (a copy of its file) as `open(sources:at:)` reads the
  /// file, except that an index compiled again stays in memory.
  public static func open(
    sources: [String], copying index: [UInt8], kind: Kind = .catalogue,
    environment: EnvironmentMap = ProcessEnvironment.current
  ) throws -> CatalogueIndex {
    try open(sources: sources, path: nil, kind: kind, environment: environment) {
      () throws(IndexRefusal) in IndexBytes(copying: index)
    }
  }

  private static func open(
    sources: [String], path: String?, kind: Kind, environment: EnvironmentMap,
    bytes: () throws(IndexRefusal) -> IndexBytes
  ) throws -> CatalogueIndex {
    let key = try kind.key(of: sources)
    var warnings: [Diagnostic] = []
    do throws(IndexRefusal) {
      let index = try CatalogueIndex(
        try bytes(), expectedKey: key, rebuilt: false, sources: sources, path: path, kind: kind,
        environment: environment)
      // As rez runs the functions again, so is the index compiled again: silently, as when
      // its files changed.
      if index.hostReadings.isEmpty
        || RezHost(environment: environment).firstChanged(index.hostReadings) == nil
      {
        return index
      }
    } catch {
      if let reason = error.reason {
        warnings.append(
          Diagnostic(
            file: path ?? sources.joined(separator: ", "), position: nil,
            message: "catalogue index not used: \(reason); rebuilding it from the catalogue"))
      }
    }
    return try compile(
      sources, key: key, writingTo: path, warnings, kind: kind, environment: environment)
  }

  /// The default index location for these sources, under `${XDG_CACHE_HOME:-~/.cache}/flow`.
  public static func defaultPath(sources: [String], environment: EnvironmentMap) -> String {
    defaultPath(sources: sources, directories: UserDirectories(environment: environment))
  }

  private static func defaultPath(sources: [String], directories: UserDirectories) -> String {
    // The canonical paths with a NUL between each two, hashed one after another: joining
    // them first took the generic `joined(separator:)`, whose types are looked up at run
    // time, a tenth of a small resolve's instructions.
    var hash = FNV1a()
    for (position, source) in sources.enumerated() {
      if position > 0 { hash.add(0) }
      hash.add(CatalogueFiles.canonical(source))
    }
    let hex = String(hash.value, radix: 16)
    return directories.flowCache + "/catalogue-"
      + String(repeating: "0", count: 16 - hex.count) + hex + ".index"
  }

  /// Compiles the catalogue, writes it to `path` when given and possible, and opens it: from
  /// the file when written, else from memory.
  static func compile(
    _ sources: [String], key: [UInt8], writingTo path: String?, _ warnings: [Diagnostic],
    kind: Kind = .catalogue, environment: EnvironmentMap = ProcessEnvironment.current
  ) throws -> CatalogueIndex {
    var warnings = warnings
    let bytes = try kind.compile(sources, key: key, environment: environment)
    if let path {
      if let failure = write(bytes, to: path) {
        warnings.append(
          Diagnostic(
            file: path, position: nil,
            message: "cannot write the catalogue index (\(failure)); "
              + "resolving from the catalogue in memory"))
      } else if let index = try? CatalogueIndex(
        IndexBytes(mapping: path), expectedKey: key, rebuilt: true, sources: sources, path: path,
        kind: kind, environment: environment)
      {
        index.warnings = warnings
        return index
      }
    }
    // Read as a file would be: the same checks, so that no second reader exists.
    let index = try CatalogueIndex(
      IndexBytes(copying: bytes), expectedKey: key, rebuilt: true, sources: sources, path: nil,
      kind: kind, environment: environment)
    index.warnings = warnings
    return index
  }

  /// Writes the index under a unique temporary name beside `path` and renames it into place,
  /// so that concurrent builders never share a file and a reader's mapped file is never
  /// rewritten. Folders it makes are private (0700). Nil when written, else why not.
  static func write(_ bytes: [UInt8], to path: String) -> String? {
    let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
      .joined(separator: "/")
    if !folder.isEmpty && !Directories.make(folder, mode: 0o700) {
      return "cannot create the folder \(folder): \(SystemError(errno))"
    }
    do throws(IOError) {
      try OutputFile.writeAtomically(bytes, to: path, newMode: 0o644, keepingAttributes: false)
    } catch {
      return error.reason
    }
    return nil
  }

  /// Paths, sizes and modification times of the sources' files, as stored in the header.
  static func sourceKey(of sources: [String]) throws -> [UInt8] {
    var files: [String] = []
    for source in sources {
      files += try Catalogue.files(of: source, main: "config.toml", folder: "config.d")
    }
    // Keyed by canonical paths, so `cat.toml` and `/abs/cat.toml` share one index.
    return try sourceKey(files.map(CatalogueFiles.canonical))
  }

  static func sourceKey(_ files: [String]) throws -> [UInt8] {
    var key: [UInt8] = []
    key.appendNumber(files.count)
    for file in files {
      guard let status = CatalogueFiles.status(file) else {
        throw ResolveError.missingCatalogue(
          Diagnostic(file: file, position: nil, message: "no such catalogue"))
      }
      key.appendText(file)
      key.appendNumber(Int(status.size))
      key.appendNumber(Int(status.modifiedSeconds))
      key.appendNumber(Int(status.modifiedNanoseconds))
    }
    return key
  }
}

extension IndexRefusal: CustomStringConvertible {
  var description: String { "catalogue index not usable: " + (reason ?? "\(self)") }
}
