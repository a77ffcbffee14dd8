/// rez's `packages_path` as rez's own configuration gives it, where no variable names the
/// catalogue (`Catalogue.defaultSources`): the files `REZ_CONFIG_FILE` names (separated by
/// colons), then `~/.rezconfig` unless `REZ_DISABLE_HOME_CONFIG` is `1`, `t` or `true`,
/// each read as rez reads it (`NAME.py` beside the path when it exists, as Python, else the
/// path as YAML), a later setting replacing an earlier one; without any, rez's default list.
/// The Python is never run: only a `packages_path` written as a literal list of strings,
/// the one form rez takes there, is read.
enum RezConfiguration {
  /// rez's own default (`rezconfig.py` in rez 3).
  static let defaultPackagesPath = ["~/packages", "~/.rez/packages/int", "~/.rez/packages/ext"]

  /// What rez's configuration gives as `packages_path`.
  enum PackagesPath: Equatable {
    /// The folders it lists, `~` not yet expanded.
    case folders([String])
    /// A file sets it in a way flow cannot read without running it (a `ModifyList`, a
    /// computed list), or cannot be read: rez's answer is unknown.
    case unread(file: String)
  }

  static func packagesPath(environment: EnvironmentMap, home: String?) -> PackagesPath {
    var files = (environment["REZ_CONFIG_FILE"] ?? "").split(separator: ":").map(String.init)
    let disabled = (environment["REZ_DISABLE_HOME_CONFIG"] ?? "").lowercased()
    if !["1", "t", "true"].contains(disabled), let home { files.append(home + "/.rezconfig") }
    var paths = PackagesPath.folders(defaultPackagesPath)
    for file in files {
      guard let set = setting(in: file) else { continue }
      if case .unread = set { return set }
      paths = set
    }
    return paths
  }

  /// What `file` sets `packages_path` to; nil when it does not exist or does not set it.
  private static func setting(in file: String) -> PackagesPath? {
    let python = pythonPath(of: file)
    let read: PythonLiteral?
    if CatalogueFiles.status(python)?.isDirectory == false {
      guard let bytes = try? InputFile.read(python) else { return .unread(file: file) }
      var reader = PythonModuleReader(bytes: bytes)
      guard let module = try? reader.read(fields: ["packages_path"], bodies: []),
        module.unread["packages_path"] == nil
      else { return .unread(file: file) }
      read = module.assignments["packages_path"]?.value
    } else if CatalogueFiles.status(file)?.isDirectory == false {
      guard let bytes = try? InputFile.read(file),
        let fields = try? RezPackage.yamlFields(bytes, file: file, fields: ["packages_path"])
      else { return .unread(file: file) }
      read = fields["packages_path"]?.value
    } else {
      return nil
    }
    guard let read else { return nil }
    var folders: [String] = []
    for item in read.items ?? [.none] {
      guard case .string(let folder) = item else { return .unread(file: file) }
      folders.append(folder)
    }
    return .folders(folders)
  }

  /// Python's `os.path.splitext(path)[0] + ".py"`: the extension of the last part (after a
  /// dot that does not start it) replaced.
  static func pythonPath(of path: String) -> String {
    let start = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
    let name = path[start...]
    let leadingDots = name.prefix { $0 == "." }.count
    guard let dot = name.dropFirst(leadingDots).lastIndex(of: ".") else { return path + ".py" }
    return String(path[..<dot]) + ".py"
  }
}
