import Glibc

/// Where stage records live: `.flow/cache` beside the workflow, or the folder
/// `FLOW_CACHE` names (which workflows and people may share). A record is found by its
/// key (`records/KEY.json`, for a hit), and the newest record of each stage of a
/// workflow by the stage (`stages/DIGEST.json`, to say why a stage reruns). Each is
/// written whole to a temporary file and renamed into place, so a crash, a kill -9 or a
/// full disk leaves the previous record or none, never part of one.
public struct CacheStore: Sendable {
  public let folder: String

  public init(folder: String) {
    self.folder = folder
  }

  /// The store for a workflow in `workflowFolder`: `FLOW_CACHE` when set and not empty.
  public init(workflowFolder: String, environment: EnvironmentMap) {
    if let shared = environment["FLOW_CACHE"], !shared.isEmpty {
      folder = shared
    } else {
      folder = workflowFolder + "/.flow/cache"
    }
  }

  public enum Lookup: Sendable {
    case absent
    case record(CacheRecord)
    /// A file is there but cannot be believed: the path and why.
    case corrupt(path: String, reason: String)
  }

  func recordPath(key: String) -> String { folder + "/records/" + key + ".json" }

  func latestPath(workflow: String, stage: String) -> String {
    folder + "/stages/" + SHA256.hex(workflow + "\u{0}" + stage) + ".json"
  }

  public func record(key: String) -> Lookup { read(recordPath(key: key)) }

  /// The newest record of a stage of the workflow at `workflow`.
  public func latest(workflow: String, stage: String) -> Lookup {
    read(latestPath(workflow: workflow, stage: stage))
  }

  private func read(_ path: String) -> Lookup {
    let bytes: [UInt8]
    do throws(IOError) {
      bytes = try InputFile.read(path)
    } catch {
      return error.kind == .missing ? .absent : .corrupt(path: path, reason: error.reason)
    }
    switch CacheRecord.read(bytes) {
    case .success(let record): return .record(record)
    case .failure(let problem) where problem.isOtherFormat: return .absent
    case .failure(let problem): return .corrupt(path: path, reason: problem.reason)
    }
  }

  /// Creates the store's folders; the path of one that cannot be made.
  public func makeFolders() -> String? {
    ["/records", "/stages"].map { folder + $0 }.first { !Directories.make($0) }
  }

  /// Writes `record` under its key and as its stage's newest (`makeFolders` first).
  public func write(_ record: CacheRecord) throws(IOError) {
    let bytes = record.bytes
    for path in [
      recordPath(key: record.key), latestPath(workflow: record.workflow, stage: record.stage),
    ] {
      // Not flushed to disk one by one: a record lost with the machine's power is only a
      // stage that runs again, and a torn one is refused when read.
      try OutputFile.writeAtomically(bytes, to: path, durable: false, keepingAttributes: false)
    }
  }
}
