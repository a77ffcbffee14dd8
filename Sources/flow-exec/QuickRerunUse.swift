import FlowCommand
import FlowCore

/// How flow-exec uses `QuickRerun`: when one may be tried, whether it holds, and keeping
/// one after a full run.
extension FlowExec {
  /// The workflow file (absolute) whose quick rerun may be tried with these options: a file
  /// rather than standard input, run rather than explained or shown, with no stage forced
  /// and no lock named. nil otherwise.
  var quickRerunFile: String? {
    guard rerun.isEmpty, !noCache, lock.path == nil, !lock.locked else { return nil }
    return workflowFileRun
  }

  /// The workflow file (absolute) when it is one and its stages are run: a run that
  /// leaves what a kept quick rerun says behind.
  private var workflowFileRun: String? {
    guard file != "-", !why, !dryRun else { return nil }
    return PathText.absolute(file, relativeTo: PathText.currentDirectory)
  }

  /// The quick rerun kept for `file` when its context holds now (nothing the run depends
  /// on besides its stages' files changed), with the stages found unchanged.
  func quickRerun(of file: String, host: EnvironmentMap, capacity: PlanCapacity)
    -> QuickRerun.Unchanged?
  {
    guard let quick = QuickRerun.read(for: file) else { return nil }
    let watched = QuickRerun.stamps(quick.watched)
    let context = QuickRerun.context(
      arguments: Self.arguments, environment: host, capacity: capacity,
      countsMemory: quick.countsMemory, watched: watched)
    guard context == quick.context else { return nil }
    return quick.unchanged(folder: PathText.directory(of: file), watched: watched)
  }

  /// The files a full run reads before its stages, stamped before it reads them, for
  /// `keepQuickRerun`: the workflow file, a duration history, a lock beside the workflow (a
  /// lock that appears is kept to from then on). Empty when no quick rerun will be kept.
  func stampsBeforeReading() -> [(path: String, stamp: FileStamp?)] {
    guard let file = quickRerunFile else { return [] }
    return QuickRerun.stamps(
      [file, PathText.directory(of: file) + "/flow.lock"] + (history.map { [$0] } ?? []))
  }

  /// The variable files the stages of `workflow` name, stamped before they are read.
  func variableFileStamps(_ workflow: Workflow) -> [(path: String, stamp: FileStamp?)] {
    guard quickRerunFile != nil else { return [] }
    var paths: [String] = []
    for stage in workflow.stages {
      for source in stage.environment.variables {
        if case .file(let path) = source.content, !paths.contains(path) { paths.append(path) }
      }
    }
    return QuickRerun.stamps(paths)
  }

  /// After a full run: keeps what it found for a quick rerun when the next run with nothing
  /// changed would find every stage cached, and removes an older one either way. `stamped`
  /// holds the files read before the stages, stamped before they were read.
  func keepQuickRerun(
    launches: [StageLaunch], results: [StageResult], cache: StageCache?, workflow: Workflow,
    stamped: [(path: String, stamp: FileStamp?)], keepsLock: Bool, notes: [String],
    host: EnvironmentMap, capacity: PlanCapacity
  ) {
    if let ran = workflowFileRun { QuickRerun.remove(for: ran) }
    guard let file = quickRerunFile else { return }
    let folder = PathText.directory(of: file)
    // Packages resolved in this run came from catalogues it does not watch.
    guard !keepsLock, RunPreparation.folder(of: workflow) == folder,
      !DocumentCompletion.gaps(workflow).contains(where: { $0.tool == "flow-resolve" }),
      results.allSatisfy({ $0.outcome == .succeeded || $0.outcome == .cached }),
      let cache, let recorded = cache.filesOfRecords,
      let (files, stages) = QuickRerun.stages(
        of: launches, folder: folder, recorded: recorded, keys: cache.keysOfStages)
    else { return }
    // The records as this run leaves them, its own among them: another run's record, or a log
    // compacted, changes the folder or a file in it. (No run compacts a log while this one
    // holds it open.)
    let store = CacheStore(workflowFolder: folder, environment: host)
    let logs = (DirectoryListing.names(in: store.folder) ?? []).sorted().map {
      store.folder + "/" + $0
    }
    let watched = stamped + QuickRerun.stamps([store.folder] + logs)
    let countsMemory = stages.contains { $0.demand.memory > 0 }
    let context = QuickRerun.context(
      arguments: Self.arguments, environment: host, capacity: capacity,
      countsMemory: countsMemory, watched: watched)
    // Not kept, the next run takes the full way: nothing to tell anyone.
    try? QuickRerun(
      context: context, watched: watched.map(\.path), notes: notes, files: files, stages: stages
    ).write(for: file)
  }
}
