/// flow-envfile's section of the lock: each variable file a stage reads, with a digest of
/// its bytes and one of each value, so that a change is told at the line that made it.
public struct VariableFileLock: Sendable {
  /// One file as read now: how the lock names it, where it is, its digests, and where
  /// each key is last defined.
  public struct File: Sendable {
    public var name: String
    public var path: String
    public var locked: LockedVariableFile
    public var places: [String: SourcePosition]
  }

  /// The files, by the name the lock gives them.
  public private(set) var files: [String: File] = [:]

  /// Reads every variable file the stages of `workflow` name (those at `selected` when
  /// given) in `dialect`; a file that cannot be read is left out (the merge reports it).
  public init(
    _ workflow: Workflow, selected: [Int]? = nil, lockFolder: String, dialect: EnvFileDialect
  ) {
    for index in selected ?? Array(workflow.stages.indices) {
      for source in workflow.stages[index].environment.variables {
        guard case .file(let path) = source.content else { continue }
        let name = LockFile.name(of: path, in: lockFolder)
        if files[name] != nil { continue }
        guard let bytes = try? InputFile.read(path) else { continue }
        var values: [String: String] = [:]
        var places: [String: SourcePosition] = [:]
        for entry in EnvFileText(file: path, bytes: bytes).parse(dialect).entries {
          // A bare KEY (no value) and an empty value differ: the digest tells them apart.
          values[entry.key] = "sha256:" + SHA256.hex(entry.value.map { "=" + $0 } ?? "unset")
          places[entry.key] = entry.position
        }
        var hasher = SHA256()
        hasher.add(bytes)
        files[name] = File(
          name: name, path: path,
          locked: LockedVariableFile(digest: "sha256:" + hasher.finish(), values: values),
          places: places)
      }
    }
  }

  /// The section: `earlier`'s files that were not read now kept, when `keeping` says so.
  public func section(keeping earlier: [String: LockedVariableFile]? = nil) -> [String:
    LockedVariableFile]
  {
    var section = earlier ?? [:]
    for (name, file) in files { section[name] = file.locked }
    return section
  }

  /// What differs from `locked`, one line per change, each at the line of the file that
  /// made it where there is one; empty when nothing does. The files read now are
  /// compared, and when these are all the workflow's (`complete`), a locked file no longer
  /// read is one too.
  public func changes(from locked: [String: LockedVariableFile], complete: Bool = false)
    -> [String]
  {
    var lines: [String] = []
    if complete {
      for name in locked.keys.sorted() where files[name] == nil {
        lines.append("\(name): in \(LockFile.name) but no longer read")
      }
    }
    for name in files.keys.sorted() {
      let file = files[name]!
      guard let before = locked[name] else {
        lines.append("\(file.path): not in \(LockFile.name)")
        continue
      }
      if before.digest == file.locked.digest { continue }
      var told = false
      for key in file.locked.values.keys.sorted()
      where before.values[key] != file.locked.values[key] {
        let place = file.places[key].map { "\(file.path):\($0)" } ?? file.path
        lines.append(
          before.values[key] == nil
            ? "\(place): \(key) added" : "\(place): \(key) changed its value")
        told = true
      }
      for key in before.values.keys.sorted() where file.locked.values[key] == nil {
        lines.append("\(file.path): \(key) removed")
        told = true
      }
      if !told { lines.append("\(file.path): changed (no value changed: comments or layout)") }
    }
    return lines
  }
}
