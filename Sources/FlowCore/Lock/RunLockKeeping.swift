/// How flow-exec keeps to the lock: the sections of the steps it completed itself (the
/// variable files it loaded, the packages it resolved) as flow-envfile and flow-resolve
/// keep theirs, and its own, the images and the machine's facts.
public final class RunLockKeeping: @unchecked Sendable {
  public let use: LockUse
  /// What the lock holds now, with each section settled so far.
  private var current: LockFile
  /// Under `--locked`, the changes of the sections settled so far: all are told at once.
  private var refused: [String] = []

  public init(_ use: LockUse) {
    self.use = use
    current = use.lock ?? LockFile()
  }

  /// The locked versions a resolve keeps while they fit.
  public var packagePreferences: [String: [String: PreferredVersion]] {
    use.lock?.packages.map { PackageLock.preferences($0, moving: nil) } ?? [:]
  }

  /// Checks (`--locked`) or records the variable files loaded and the packages resolved
  /// here, for the stages at `selected`.
  public func keep(_ workflow: Workflow, selected: [Int], variables: Bool, packages: Bool)
    throws(ExecError)
  {
    do throws(LockFailure) {
      if variables {
        let files = VariableFileLock(
          workflow, selected: selected, lockFolder: use.folder, dialect: .compose)
        var updated = current
        updated.variableFiles = files.section(keeping: current.variableFiles)
        try settle(.envfile, updated, files.changes(from: current.variableFiles ?? [:]))
      }
      if packages {
        let section = PackageLock.section(of: workflow, keeping: current.packages)
        var updated = current
        updated.packages = section
        let places = Dictionary(
          workflow.stages.compactMap { stage in workflow.place(of: stage).map { (stage.name, $0) } }
        ) { first, _ in first }
        try settle(
          .resolve, updated,
          PackageLock.changes(from: current.packages ?? [:], to: section, places: places))
      }
    } catch {
      throw .lock(error)
    }
  }

  /// Checks (`--locked`) or records the images and machine facts of this run; under
  /// `--locked`, refuses what changed in any section, all told at once.
  public func keep(_ observed: RunLock) throws(ExecError) {
    var updated = current
    updated.images = observed.images(keeping: current.images ?? [:])
    updated.probe = (current.probe ?? [:]).merging(observed.probe) { $1 }
    do throws(LockFailure) {
      try settle(
        .exec, updated,
        observed.changes(images: current.images ?? [:], probe: current.probe ?? [:]))
      if !refused.isEmpty { throw use.refusal(refused) }
    } catch {
      throw .lock(error)
    }
  }

  private func settle(_ section: LockFile.Section, _ updated: LockFile, _ changes: [String])
    throws(LockFailure)
  {
    if use.locked {
      refused += changes
      return
    }
    var use = self.use
    use.lock = current
    try use.settle(section, updated: updated, changes: changes)
    current = updated
  }
}
