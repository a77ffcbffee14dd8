/// Where stage records live: `.flow/cache` beside the workflow, or the folder
/// `FLOW_CACHE` names (which workflows and people may share), in one log per user
/// (`CacheLog`) read whole when first asked. A record is found by its key (for a hit),
/// and the newest record of each stage of a workflow by the stage (to say why a stage
/// reruns).
public struct CacheStore: Sendable {
  public let folder: String
  private let log: CacheLog

  public init(folder: String) {
    self.folder = folder
    log = CacheLog(folder: folder)
  }

  /// The store for a workflow in `workflowFolder`: `FLOW_CACHE` when set and not empty.
  public init(workflowFolder: String, environment: EnvironmentMap) {
    if let shared = environment["FLOW_CACHE"], !shared.isEmpty {
      self.init(folder: shared)
    } else {
      self.init(folder: workflowFolder + "/.flow/cache")
    }
  }

  public enum Lookup: Sendable {
    case absent
    case record(CacheRecord)
    /// A record is there but cannot be believed: where it lies and why.
    case corrupt(path: String, reason: String)
  }

  /// Reads the records, once; what a person should be warned of (damaged records, which
  /// are skipped).
  public func open() -> [String] { log.open() }

  public func record(key: String) -> Lookup { log.record(key: key) }

  /// The newest record of a stage of the workflow at `workflow`.
  public func latest(workflow: String, stage: String) -> Lookup {
    log.latest(CacheLog.StageName(workflow: workflow, stage: stage))
  }

  /// Creates the store's folder; its path when it cannot be made.
  public func makeFolders() -> String? {
    Directories.make(folder) ? nil : folder
  }

  /// Appends `record` to this user's log (`makeFolders` first).
  public func write(_ record: CacheRecord) throws(IOError) {
    try log.append(record)
  }
}
