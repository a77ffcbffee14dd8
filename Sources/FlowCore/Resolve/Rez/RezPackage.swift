/// One version of one package in a rez repository, as its `package.py` or `package.yaml`
/// declares it: what a resolve needs, read without executing anything.
public struct RezPackage: Sendable {
  public var name: String
  public var version: RezVersion
  /// Requirements in rez's syntax (`python-3.7+<4`, `~maya-2020`, `!foo`), as written.
  public var requires: [String]
  /// Each variant's extra requirements, in the order written (its index is its position).
  public var variants: [[String]]
  /// When the package was released, in seconds since 1970, when the file says.
  public var timestamp: Int64?
  /// Whether `requires` is an `@late()` function of the resolve's request, which rez runs
  /// for each resolve (`requires` holds its value for a request naming nothing): worked out
  /// again for each (`written(file:combined:host:requests:)`).
  public var requiresPerResolve = false
  /// The environment changes its `commands` make, when they are simple ones; for a version
  /// with variants, each variant's (`variantVariables`) instead.
  public var variables: [VariableChange]
  /// Per variant, the changes its `commands` make: `{root}` is the variant's own folder.
  public var variantVariables: [[VariableChange]] = []
  /// Per variant, its own folder (`variantRoot(base:_:hashed:)`).
  public var variantRoots: [String] = []
  /// The package file.
  public var file: String
  /// What was left out (commands not understood, a version that differs from its folder).
  public var warnings: [Diagnostic]

  /// The fields read; others are left alone.
  static let fields: Set<String> = [
    "name", "version", "requires", "variants", "timestamp", "commands", "hashed_variants",
    "pre_commands", "post_commands",
  ]

  /// The fields of a combined package file (`NAME.py` at the repository's top): its
  /// versions, and what differs for some of them.
  static let combinedFields = fields.union(["versions", "version_overrides"])

  /// What rez gives a package of a combined file as its `base` and `root`, and so as
  /// `{root}` and `REZ_NAME_ROOT`: such a package has no folder of its own.
  static let combinedBase = "None"

  /// The version's folder of the package file `file` (rez's `base`): its folder, or
  /// `combinedBase` for a combined package file, which rez's version files never are named.
  static func base(ofFile file: String) -> String {
    // Told by the name's end, byte by byte: a resolve asks this for each package it chose.
    var file = file
    let named = file.withUTF8 { path in
      let start = (path.lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1
      let name = UnsafeBufferPointer(rebasing: path[start...])
      return RezRepository.packageFiles.contains { name.elementsEqual($0.utf8) }
    }
    return named ? PathText.directory(of: file) : combinedBase
  }

  /// The functions of commands, each with its phase: rez runs every package's
  /// `pre_commands`, then their `commands`, then their `post_commands`.
  static let commandPhases: [(function: String, phase: VariableChange.Phase)] = [
    ("pre_commands", .pre), ("commands", .commands), ("post_commands", .post),
  ]

  /// A package file's fields as literals with their places, and the lines of its
  /// commands' functions, not yet checked.
  struct Written {
    var file: String
    var fields: [String: (value: PythonLiteral, position: SourcePosition)] = [:]
    /// Per phase's function name, its lines and the line of the first.
    var commandLines: [String: (lines: [String], firstLine: Int)] = [:]
    /// What the commands read as `this.NAME` beyond rez's own bindings: the values the
    /// file's top level gave its names (nil: not worked out), without the fields rez reads
    /// into objects of its own (`requires`, `variants`, …), whose items are not strings.
    var attributes: [String: RezExpression.Value?] = [:]
    /// What reading the file left out: fields rez leaves out (plain functions), lines of a
    /// field's function not read.
    var warnings: [Diagnostic] = []
    /// Whether `requires` is worked out again for each resolve (`RezPackage`).
    var requiresPerResolve = false
  }

  /// The fields the repository's folders (or a combined file's name and list) give: the
  /// file's are only compared with them, and one flow cannot work out is not compared.
  static let foldersGive: Set = ["name", "version"]
  static let notCompared = "; not compared, what the folders say is used"

  /// The fields rez gives its commands as objects of its own, not as written.
  static let fieldsAsObjects: Set<String> = [
    "name", "version", "requires", "build_requires", "private_build_requires", "variants",
    "config", "base", "root",
  ]

  /// Reads the package file `file` as written (`combined`: a combined package file);
  /// `host` is what its top level and its fields' functions read of the environment and
  /// the machine as rez loads it (nil: unknown), and `requests` the request of the resolve
  /// its `@late()` functions run for (nil: none known, as when the index is compiled).
  static func written(
    file: String, combined: Bool = false, host: RezHost? = nil,
    requests: [String: String]? = nil
  ) throws(Diagnostic) -> Written {
    let bytes: [UInt8]
    do {
      bytes = try InputFile.read(file)
    } catch {
      throw Diagnostic(file: file, position: nil, message: "cannot read the file: \(error.reason)")
    }
    var written = Written(file: file)
    let fields = combined ? combinedFields : fields
    var module: PythonModuleReader.Module?
    if file.hasSuffix(".yaml") {
      written.fields = try yamlFields(bytes, file: file, fields: fields)
    } else {
      var reader = PythonModuleReader(bytes: bytes)
      do throws(PythonModuleReader.Failure) {
        let read = try reader.read(
          fields: fields, bodies: Set(RezPackage.commandPhases.map(\.function)),
          compared: foldersGive, host: host)
        for (key, assignment) in read.assignments {
          written.fields[key] = (assignment.value, assignment.position)
        }
        for (key, body) in read.functions {
          written.commandLines[key] = (body.lines, body.firstLine)
        }
        // A combined file's versions may each override fields: none is read as `this.NAME`.
        if !combined {
          written.attributes = read.names.filter { !fieldsAsObjects.contains($0.key) }
        }
        for (_, failure) in read.unread.sorted(by: { $0.key < $1.key }) {
          written.warnings.append(
            Diagnostic(
              file: file, position: failure.position, message: failure.message + notCompared))
        }
        module = read
      } catch {
        throw Diagnostic(file: file, position: error.position, message: error.message)
      }
    }
    // Worked out once the reader's failures are behind: these throw the package's own.
    guard let module else { return written }
    for (key, function) in module.fieldFunctions.sorted(by: { $0.key < $1.key }) {
      try fieldValue(
        key, function, names: module.names, host: host, requests: requests, into: &written)
    }
    for (key, position) in module.plainFunctions.sorted(by: { $0.key < $1.key }) {
      written.warnings.append(
        Diagnostic(
          file: file, position: position,
          message: "'\(key)' is a function without @early() or @late(): rez leaves it out of "
            + "the package, and so does flow"))
    }
    return written
  }

  /// The value of field `key` written as a function (`@early()`, `@late()`), worked out
  /// as rez would run it (`RezCommands.value(returnedBy:late:names:host:requests:)`), into
  /// `written`. One flow cannot work out is an error, as a field that is no literal is, except the
  /// name and version, which the folders give: those are then not compared. An `@late()`
  /// `requires` worked out only with the request known is worked out for each resolve
  /// (`requiresPerResolve`): for none yet, with the request of one naming nothing.
  private static func fieldValue(
    _ key: String, _ function: PythonModuleReader.FieldFunction,
    names: [String: RezExpression.Value?], host: RezHost?, requests: [String: String]?,
    into written: inout Written
  ) throws(Diagnostic) {
    let file = written.file
    let decorator = function.isLate ? "@late()" : "@early()"
    func value(_ requests: [String: String]?) -> RezCommands.FieldValue {
      RezCommands.value(
        returnedBy: function.body, late: function.isLate, names: names, host: host,
        requests: requests)
    }
    var result = value(requests)
    if case .unknown = result, requests == nil, key == "requires", function.isLate {
      let forNoRequest = value([:])
      if case .value = forNoRequest {
        written.requiresPerResolve = true
        result = forNoRequest
      }
    }
    switch result {
    case .value(let value, let leftOut):
      written.fields[key] = (value, function.position)
      for (line, text) in leftOut {
        written.warnings.append(
          Diagnostic(
            file: file, position: SourcePosition(line: line, column: 1),
            message: "line of the \(decorator) function '\(key)' not read, left out: \(text)"))
      }
    case .unknown(let line, let text):
      let problem =
        "'\(key)' is a \(decorator) function whose value flow cannot work out without running "
        + "it (line \(line) is not read: \(text))"
      guard foldersGive.contains(key) else {
        throw Diagnostic(file: file, position: function.position, message: problem)
      }
      written.warnings.append(
        Diagnostic(file: file, position: function.position, message: problem + notCompared))
    }
  }

  /// The versions a combined package file lists (`versions`), ascending as written; empty
  /// for an unversioned package.
  static func combinedVersions(of written: Written) throws(Diagnostic) -> [RezVersion] {
    guard let (value, position) = written.fields["versions"] else { return [] }
    let problem = Diagnostic(
      file: written.file, position: position, message: "'versions' must be a list of versions")
    guard let items = value.items else { throw problem }
    var versions: [RezVersion] = []
    for item in items {
      guard let text = item.string, let version = try? RezVersion(parsing: text) else {
        throw problem
      }
      versions.append(version)
    }
    return versions
  }

  /// Reads the package file `file` of the version folder `root`, whose folder names give
  /// `name` and `version` (rez's layout, which wins over what the file says); `host` as
  /// `written(file:combined:host:)` reads it.
  static func read(
    file: String, root base: String, name: String, version: RezVersion, host: RezHost? = nil
  ) throws(Diagnostic) -> RezPackage {
    try read(
      try written(file: file, host: host), base: base, name: name, version: version,
      combined: false)
  }

  /// One version of a package file read (`written(file:combined:)`): of a version folder
  /// `base`, or of a combined package file, with `version_overrides` applied whose range
  /// holds `version`, as rez applies them (in order, each replacing the fields it gives).
  static func read(
    _ written: Written, base: String, name: String, version: RezVersion, combined: Bool
  ) throws(Diagnostic) -> RezPackage {
    let file = written.file
    var fields = written.fields
    var commandLines = written.commandLines
    var requiresPerResolve = written.requiresPerResolve
    if combined, fields["versions"] != nil, let (overrides, position) = fields["version_overrides"]
    {
      let problem = Diagnostic(
        file: file, position: position,
        message: "'version_overrides' must map version ranges to fields")
      guard case .dictionary(let ranges) = overrides else { throw problem }
      for (key, value) in ranges {
        guard let text = key.string, let range = try? RezRange(parsing: text),
          case .dictionary(let changes) = value
        else { throw problem }
        guard range.contains(version) else { continue }
        for (field, value) in changes {
          guard let field = field.string, RezPackage.fields.contains(field) else { continue }
          fields[field] = (value, position)
          commandLines[field] = nil
          if field == "requires" { requiresPerResolve = false }
        }
      }
    }
    var package = RezPackage(
      name: name, version: version, requires: [], variants: [], timestamp: nil,
      requiresPerResolve: requiresPerResolve, variables: [], file: file,
      warnings: written.warnings)
    func problem(_ key: String, _ expected: String) -> Diagnostic {
      Diagnostic(
        file: file, position: fields[key]?.position, message: "'\(key)' must be \(expected)")
    }
    if let (value, position) = fields["name"], value.string != name {
      package.warnings.append(
        Diagnostic(
          file: file, position: position,
          message: "name \(value.string.map { "'\($0)'" } ?? "is not a string") differs from "
            + (combined
              ? "its file's name '\(name)': the file's name is used"
              : "its folder '\(name)': the folder's is used")))
    }
    if let (value, position) = fields["version"], !(combined && fields["versions"] != nil) {
      let written = value.string.flatMap { try? RezVersion(parsing: $0) }
      if written != version {
        package.warnings.append(
          Diagnostic(
            file: file, position: position,
            message: "version differs from its folder '\(version)': the folder's is used"))
      }
    }
    // Lists, as rez validates them: a tuple is refused.
    func strings(_ value: PythonLiteral) -> [String]? {
      guard case .list(let items) = value else { return nil }
      let strings = items.compactMap(\.string)
      return strings.count == items.count ? strings : nil
    }
    if let (value, _) = fields["requires"] {
      guard let requires = strings(value) else {
        throw problem("requires", "a list of requirement strings (a tuple is not one to rez)")
      }
      package.requires = requires
    }
    if let (value, _) = fields["variants"] {
      let expected = "a list of lists of requirement strings (a tuple is not one to rez)"
      guard case .list(let variants) = value else { throw problem("variants", expected) }
      for variant in variants {
        guard let requires = strings(variant) else { throw problem("variants", expected) }
        package.variants.append(requires)
      }
    }
    if let (value, _) = fields["timestamp"] {
      switch value {
      case .integer(let seconds): package.timestamp = seconds
      case .float(let seconds): package.timestamp = Int64(seconds)
      case .none: break
      default: throw problem("timestamp", "a number of seconds since 1970")
      }
    }
    for (function, _) in commandPhases {
      guard let (value, position) = fields[function] else { continue }
      // The string form: the body of the function as text.
      guard let text = value.string else { throw problem(function, "a function or a string") }
      commandLines[function] = (
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
        position.line
      )
    }
    let hashed = fields["hashed_variants"]?.value == .boolean(true)
    package.variantRoots = package.variants.map {
      combined ? base : variantRoot(base: base, $0, hashed: hashed)
    }
    // rez's bindings of the package: `version.major` and the others are its first tokens.
    let tokens = RezVersion.tokens(of: version.text)
    func expansions(root: String) -> [String: String] {
      var result = ["root": root, "version": version.text, "name": name, "base": base]
      for (place, part) in ["major", "minor", "patch"].enumerated() where place < tokens.count {
        result["version." + part] = tokens[place]
      }
      return result
    }
    // Each phase's changes, for the version's folder or each variant's.
    func changes(root: String, warn: Bool) -> [VariableChange] {
      var result: [VariableChange] = []
      for (function, phase) in commandPhases {
        guard let body = commandLines[function] else { continue }
        let commands = RezCommands(
          lines: body.lines, firstLine: body.firstLine,
          expansions: expansions(root: root), attributes: written.attributes, phase: phase)
        result += commands.variables + commands.named
        guard warn else { continue }
        for (line, text) in commands.skipped {
          package.warnings.append(
            Diagnostic(
              file: file, position: SourcePosition(line: line, column: 1),
              message: "rez package \(name)-\(version): command not read, left out: \(text)"))
        }
      }
      return result
    }
    if package.variants.isEmpty {
      package.variables = changes(root: base, warn: true)
    } else {
      // The lines are the same for each variant: the first's reading reports what is left out.
      package.variantVariables = package.variantRoots.enumerated().map { place, root in
        changes(root: root, warn: place == 0)
      }
    }
    return package
  }

  /// The folder a variant's payload lies in, as rez places it: under the version's folder
  /// `base`, a folder per requirement of the variant, each written as rez writes it
  /// (`python-2.7/maya-2020`); with `hashed_variants`, the SHA-1 of the list as Python
  /// writes it (`['python-2.7']`), or the link to that folder rez made in `_v` when there is
  /// one. A variant whose requirements cannot be read keeps the version's folder (the
  /// version is skipped for it).
  static func variantRoot(base: String, _ variant: [String], hashed: Bool) -> String {
    guard let texts = try? variant.map({ try RezRequirement(parsing: $0).rezText }) else {
      return base
    }
    guard hashed else { return ([base] + texts).joined(separator: "/") }
    let folder = SHA1.hex("[" + texts.map { "'\($0)'" }.joined(separator: ", ") + "]")
    let links = base + "/_v"
    for link in DirectoryListing.names(in: links) ?? [] {
      if let target = PathText.linkTarget(links + "/" + link),
        PathText.absolute(target, relativeTo: links) == PathText.normalized(base + "/" + folder)
      {
        return links + "/" + link
      }
    }
    return base + "/" + folder
  }

  /// The top-level keys of a `package.yaml`, as literals: scalars are strings, except a
  /// plain integer (a `timestamp`).
  static func yamlFields(_ bytes: [UInt8], file: String, fields: Set<String>)
    throws(Diagnostic) -> [String: (
      value: PythonLiteral, position: SourcePosition
    )]
  {
    guard let root = try YAMLLoader().load(bytes, file: file).root else { return [:] }
    guard let pairs = root.mapping else {
      throw Diagnostic(file: file, position: root.position, message: "expected a mapping of fields")
    }
    func literal(_ node: YAMLNode) -> PythonLiteral {
      switch node.content {
      case .scalar(let scalar):
        if scalar.style == .plain, let number = Int64(scalar.text) { return .integer(number) }
        if scalar.style == .plain && scalar.isNull { return .none }
        return .string(scalar.text)
      case .sequence(let items): return .list(items.map(literal))
      case .mapping(let pairs):
        return .dictionary(pairs.map { (literal($0.key), literal($0.value)) })
      }
    }
    var result: [String: (value: PythonLiteral, position: SourcePosition)] = [:]
    for (key, value) in pairs {
      guard let name = key.scalar?.text, fields.contains(name) else { continue }
      result[name] = (literal(value), value.position)
    }
    return result
  }
}
