/// rez's `packages_path` as rez's own configuration gives it, where no variable names the
/// catalogue (`Catalogue.defaultSources`): the files `REZ_CONFIG_FILE` names (separated by
/// colons), then `~/.rezconfig` unless `REZ_DISABLE_HOME_CONFIG` is `1`, `t` or `true`,
/// each read as rez reads it (`NAME.py` beside the path when it exists, as Python, else the
/// path as YAML), a later setting replacing an earlier one; without any, rez's default list.
/// The Python is never run: `packages_path` is read where flow works it out as Python would
/// (a list of strings, literal or built from the file's names, `os.path.join`,
/// `os.getenv`, `os.environ`, `os.path.expanduser` of the environment flow runs in), and
/// rez's `ModifyList(prepend=…, append=…)`, which adds to what the files before (or rez's
/// default) give, as rez layers its configuration.
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
    var folders = defaultPackagesPath
    for file in files {
      switch setting(in: file, environment: environment, before: folders) {
      case .folders(let set)?: folders = set
      case let unread?: return unread
      case nil: continue
      }
    }
    return .folders(folders)
  }

  /// What `file` sets `packages_path` to, `before` being what the files before gave; nil
  /// when it does not exist or does not set it.
  private static func setting(in file: String, environment: EnvironmentMap, before: [String])
    -> PackagesPath?
  {
    let python = pythonPath(of: file)
    let read: PythonLiteral?
    if CatalogueFiles.status(python)?.isDirectory == false {
      guard let bytes = try? InputFile.read(python) else { return .unread(file: file) }
      return pythonSetting(bytes, file: file, environment: environment, before: before)
    } else if CatalogueFiles.status(file)?.isDirectory == false {
      guard let bytes = try? InputFile.read(file),
        let fields = try? RezPackage.yamlFields(bytes, file: file, fields: ["packages_path"])
      else { return .unread(file: file) }
      read = fields["packages_path"]?.value
    } else {
      return nil
    }
    guard let read else { return nil }
    return folders(RezExpression.Value(read)).map(PackagesPath.folders) ?? .unread(file: file)
  }

  /// A list (or tuple) of strings; nil for anything else, which rez refuses.
  private static func folders(_ value: RezExpression.Value) -> [String]? {
    guard case .tuple(let items) = value else { return nil }
    var folders: [String] = []
    for item in items {
      guard case .string(let folder) = item, !item.refersToVariables else { return nil }
      folders.append(folder)
    }
    return folders
  }

  /// What the Python configuration file `file` (`bytes`) sets `packages_path` to, over
  /// `before`; nil when it does not set it. Its top-level names are worked out as rez loads
  /// the file, reading `environment`; the last top-level assignment counts, and one inside
  /// a block leaves it unread.
  private static func pythonSetting(
    _ bytes: [UInt8], file: String, environment: EnvironmentMap, before: [String]
  ) -> PackagesPath? {
    let unread = PackagesPath.unread(file: file)
    let host = RezHost(environment: environment)
    var reader = PythonModuleReader(bytes: bytes)
    guard let module = try? reader.read(fields: [], bodies: [], host: host) else { return unread }
    let text = String(decoding: bytes, as: UTF8.self)
    // Each statement naming it first: all plain assignments at the top level, or unknown.
    let statements = RezCommands.statements(of: [text], firstLine: 1).filter { statement in
      var reader = PythonModuleReader(bytes: Array(statement.text.utf8))
      return reader.identifier() == "packages_path"
    }
    guard let last = statements.last else { return nil }
    guard statements.allSatisfy({ $0.depth == 0 && assigns("packages_path", $0.text) }) else {
      return unread
    }
    let scope = RezExpression.Scope(
      package: [:], locals: module.names, kind: .module, host: host)
    // After `packages_path =`: rez's `ModifyList(prepend=LIST, append=LIST)`, its
    // arguments the file's values, or a list.
    var call = PythonModuleReader(bytes: Array(last.text.utf8))
    _ = call.identifier()
    call.skipSpaces()
    call.index += 1
    call.skipSpaces()
    if call.identifier() == "ModifyList" {
      call.skipSpaces()
      guard call.peek == UInt8(ascii: "(") else { return unread }
      call.index += 1
      guard let (positional, named) = RezExpression.arguments(reading: &call, in: scope),
        positional.count + named.count <= 2,
        Set(named.keys).isSubset(of: ["prepend", "append"]),
        positional.count < 2 || named.isEmpty,
        positional.isEmpty || named["prepend"] == nil
      else { return unread }
      call.skipSpaces()
      guard call.peek == nil || call.peek == UInt8(ascii: "#") else { return unread }
      func list(_ value: RezExpression.Value?) -> [String]? {
        guard let value, value != RezExpression.Value.none else { return [] }
        return folders(value)
      }
      guard let prepend = list(named["prepend"] ?? positional.first),
        let append = list(named["append"] ?? (positional.count > 1 ? positional[1] : nil))
      else { return unread }
      return .folders(prepend + before + append)
    }
    guard case .some(.some(let value)) = module.names["packages_path"] else { return unread }
    return folders(value).map(PackagesPath.folders) ?? unread
  }

  /// Whether `statement` assigns `name` (`name = …`, not `name == …`).
  private static func assigns(_ name: String, _ statement: String) -> Bool {
    var reader = PythonModuleReader(bytes: Array(statement.utf8))
    guard reader.identifier() == name else { return false }
    reader.skipSpaces()
    guard reader.peek == UInt8(ascii: "=") else { return false }
    reader.index += 1
    return reader.peek != UInt8(ascii: "=")
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
