import Glibc

/// One tool's use of the lock in one run: which file, what it held when read, and whether
/// `--locked` forbids changing it.
public struct LockUse: Sendable {
  public var path: String
  /// The lock as read; nil when the file does not exist yet (`--lock FILE` creates it).
  public var lock: LockFile?
  /// `--locked`: any change is refused, with what would change.
  public var locked: Bool
  /// Checks only, never writes: a run that runs nothing (`--dry-run`, `--why`).
  public var readOnly = false

  /// The folder the lock names its files relative to.
  public var folder: String { LockFile.folder(of: path) }

  /// The lock for `workflow`: `explicit` (`--lock FILE`) when given, else `flow.lock` beside
  /// the workflow file the document names when one exists there. A lock is only created
  /// where the user names it: a run from standard input has none unless `--lock FILE`.
  /// nil when none applies; `--locked` without a lock is refused.
  public static func open(explicit: String?, locked: Bool, workflow: Workflow) throws(LockFailure)
    -> LockUse?
  {
    let beside = RunPreparation.folder(of: workflow).map { $0 + "/" + LockFile.name }
    let path: String
    if let explicit {
      path = PathText.absolute(explicit, relativeTo: PathText.currentDirectory)
      // A folder, a pipe or a device is never read or replaced as a lock.
      if access(path, F_OK) == 0 && !InputFile.isRegularFile(path) {
        throw LockFailure("--lock \(explicit): not a regular file", status: .usage)
      }
    } else if let beside, InputFile.isRegularFile(beside) {
      path = beside
    } else {
      guard locked else { return nil }
      let looked = beside.map { "no \($0)" } ?? "the document names no workflow file"
      throw LockFailure(
        "--locked: no lock to keep to (\(looked); --lock FILE names one)", status: .dataError)
    }
    let lock = try LockFile.read(path)
    if locked && lock == nil {
      throw LockFailure("--locked: \(path) does not exist (create it without --locked first)")
    }
    return LockUse(path: path, lock: lock, locked: locked)
  }

  /// Ends the tool's part: with `--locked`, refuses `changes` when there are any; else
  /// writes `updated`'s `section` when it differs from what the lock holds.
  public func settle(_ section: LockFile.Section, updated: LockFile, changes: [String])
    throws(LockFailure)
  {
    if locked {
      guard changes.isEmpty else { throw refusal(changes) }
      return
    }
    if readOnly { return }
    if let lock, lock.json(of: section) == updated.json(of: section) { return }
    // A section with nothing in it is not worth creating.
    if lock?.has(section) != true,
      updated.json(of: section) == LockFile().with(section).json(of: section)
    {
      return
    }
    try updated.write(section, to: path)
  }
}

extension LockUse {
  /// What `--locked` says of `changes`: one line each, under the lock's name.
  public func refusal(_ changes: [String]) -> LockFailure {
    LockFailure(
      "\(path) would change, which --locked refuses:\n"
        + changes.map { "  " + $0 }.joined(separator: "\n"))
  }
}

extension LockFile {
  /// This lock with `section` present and empty.
  func with(_ section: Section) -> LockFile {
    var copy = self
    switch section {
    case .resolve: copy.packages = [:]
    case .envfile: copy.variableFiles = [:]
    case .exec: copy.images = [:]; copy.probe = [:]
    }
    return copy
  }
}
