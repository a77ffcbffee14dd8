/// Reading a lock: strict JSON first (a torn file stops at the place it breaks), then its
/// shape, each problem said at `FILE:LINE:COLUMN`.
extension LockFile {
  /// The lock at `path`; nil when there is none.
  public static func read(_ path: String) throws(LockFailure) -> LockFile? {
    switch readText(path) {
    case .missing: return nil
    case .unreadable(let failure): throw failure
    case .text(let bytes): return try parse(bytes, file: path)
    }
  }

  /// A lock's text read; `file` names it in messages.
  public static func parse(_ bytes: [UInt8], file: String) throws(LockFailure) -> LockFile {
    let advice = " (a lock that was cut short or edited by hand: restore it, or delete it"
    let remedy = advice + " and let the tools write a new one)"
    do throws(JSONSyntaxError) {
      _ = try JSONCodec.decode(bytes)
    } catch {
      throw LockFailure("\(file):\(error.position): not valid JSON: \(error.message)\(remedy)")
    }
    // JSON is YAML: the YAML reader gives every value its place for the messages below.
    let root: YAMLNode?
    do throws(Diagnostic) {
      root = try YAMLLoader().load(bytes, file: file).root
    } catch {
      throw LockFailure(error.description + remedy)
    }
    var reader = LockReader(file: file, remedy: remedy)
    return try reader.lock(root)
  }
}

/// Walks a lock's tree, refusing the first value that is not what the format says.
private struct LockReader {
  let file: String
  let remedy: String

  func failure(_ node: YAMLNode?, _ message: String) -> LockFailure {
    let place = node.map { "\(file):\($0.position)" } ?? file
    return LockFailure("\(place): \(message)\(remedy)")
  }

  func mapping(_ node: YAMLNode, _ what: String) throws(LockFailure) -> [(
    key: String, keyNode: YAMLNode, value: YAMLNode
  )] {
    guard let pairs = node.mapping else {
      throw failure(node, "expected \(what) (an object), found \(node.kindDescription)")
    }
    return pairs.map { (key: $0.key.scalar?.text ?? "", keyNode: $0.key, value: $0.value) }
  }

  func string(_ node: YAMLNode, _ what: String) throws(LockFailure) -> String {
    guard let scalar = node.scalar, scalar.style == .doubleQuoted else {
      throw failure(node, "expected \(what) (a string), found \(node.kindDescription)")
    }
    return scalar.text
  }

  func digest(_ node: YAMLNode, _ what: String) throws(LockFailure) -> String {
    let text = try string(node, what)
    let hex = text.dropFirst("sha256:".count)
    guard text.hasPrefix("sha256:"), hex.utf8.count == 64,
      hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
    else {
      throw failure(
        node, "expected \(what) as sha256: and 64 hex digits, found \(text.debugDescription)")
    }
    return text
  }

  func strings(_ node: YAMLNode, _ what: String) throws(LockFailure) -> [String: String] {
    var map: [String: String] = [:]
    for pair in try mapping(node, what) { map[pair.key] = try string(pair.value, what) }
    return map
  }

  mutating func lock(_ root: YAMLNode?) throws(LockFailure) -> LockFile {
    guard let root else { throw failure(nil, "empty; expected a JSON object") }
    var lock = LockFile()
    var sawVersion = false
    for (key, keyNode, value) in try mapping(root, "the lock") {
      switch key {
      case "version":
        guard let scalar = value.scalar, scalar.style == .plain,
          Int64(scalar.text) == LockFile.formatVersion
        else {
          throw failure(
            value,
            "expected version \(LockFile.formatVersion), found \(value.scalar?.text.debugDescription ?? value.kindDescription)"
          )
        }
        sawVersion = true
      case LockFile.Section.resolve.rawValue: lock.packages = try packages(value)
      case LockFile.Section.envfile.rawValue: lock.variableFiles = try files(value)
      case LockFile.Section.exec.rawValue:
        for (part, partKey, partValue) in try mapping(value, "the flow-exec section") {
          switch part {
          case "images": lock.images = try strings(partValue, "an image digest")
          case "probe": lock.probe = try strings(partValue, "a machine fact")
          default: throw failure(partKey, "unknown key \(part.debugDescription) in flow-exec")
          }
        }
        if lock.images == nil && lock.probe == nil { lock.images = [:] }
      default:
        let known = ["version"] + LockFile.Section.allCases.map(\.rawValue)
        let hint = Suggestion.closest(to: key, among: known).map { "; did you mean '\($0)'?" } ?? ""
        throw failure(keyNode, "unknown key \(key.debugDescription)\(hint)")
      }
    }
    if !sawVersion { throw failure(root, "no \"version\"; expected \"version\": 1") }
    return lock
  }

  func packages(_ node: YAMLNode) throws(LockFailure) -> [String: [String: LockedPackage]] {
    var stages: [String: [String: LockedPackage]] = [:]
    for (key, keyNode, value) in try mapping(node, "the flow-resolve section") {
      guard key == "stages" else {
        throw failure(keyNode, "unknown key \(key.debugDescription) in flow-resolve")
      }
      for (stage, _, packages) in try mapping(value, "the stages") {
        var chosen: [String: LockedPackage] = [:]
        for (name, _, entry) in try mapping(packages, "the packages of stage '\(stage)'") {
          chosen[name] = try package(entry, name: name)
        }
        stages[stage] = chosen
      }
    }
    return stages
  }

  func package(_ node: YAMLNode, name: String) throws(LockFailure) -> LockedPackage {
    var version: String?
    var entry: String?
    var variant: Int?
    for (key, keyNode, value) in try mapping(node, "package \(name)") {
      switch key {
      case "version": version = try string(value, "the version of \(name)")
      case "entry":
        let text = try string(value, "the entry digest of \(name)")
        entry = text == PackageLock.machineEntry ? text : try digest(value, "the entry digest")
      case "variant":
        guard let scalar = value.scalar, scalar.style == .plain, let number = Int(scalar.text),
          number >= 0
        else { throw failure(value, "expected the variant of \(name) as a whole number") }
        variant = number
      default: throw failure(keyNode, "unknown key \(key.debugDescription) in package \(name)")
      }
    }
    guard let version, let entry else {
      throw failure(node, "package \(name) needs \"version\" and \"entry\"")
    }
    return LockedPackage(version: version, entry: entry, variant: variant)
  }

  func files(_ node: YAMLNode) throws(LockFailure) -> [String: LockedVariableFile] {
    var files: [String: LockedVariableFile] = [:]
    for (key, keyNode, value) in try mapping(node, "the flow-envfile section") {
      guard key == "files" else {
        throw failure(keyNode, "unknown key \(key.debugDescription) in flow-envfile")
      }
      for (path, _, file) in try mapping(value, "the variable files") {
        var digest: String?
        var values: [String: String] = [:]
        for (part, partKey, partValue) in try mapping(file, "variable file \(path)") {
          switch part {
          case "digest": digest = try self.digest(partValue, "the digest of \(path)")
          case "values":
            for (name, _, text) in try mapping(partValue, "the values of \(path)") {
              values[name] = try self.digest(text, "the digest of \(name)")
            }
          default: throw failure(partKey, "unknown key \(part.debugDescription) in \(path)")
          }
        }
        guard let digest else { throw failure(file, "variable file \(path) needs \"digest\"") }
        files[path] = LockedVariableFile(digest: digest, values: values)
      }
    }
    return files
  }
}
