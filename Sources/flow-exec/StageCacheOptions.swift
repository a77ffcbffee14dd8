import FlowCommand
import FlowCore

/// How flow-exec's options about the stage cache (`--rerun`, `--no-cache`, `--why`) become
/// the run's `StageCache`.
struct StageCacheOptions {
  var rerun: [String]
  var noCache: Bool

  /// The cache for `launches`: none when the workflow has no folder to keep them in.
  /// `unchanged` names the stages a kept quick rerun found unchanged.
  func cache(
    for launches: [StageLaunch], workflow: Workflow, environment: EnvironmentMap, console: Console,
    unchanged: QuickRerun.Unchanged? = nil
  ) throws(ExecError) -> StageCache? {
    let names = Set(launches.map(\.name))
    if let unknown = rerun.first(where: { !names.contains($0) }) {
      throw .unknownStage(unknown, suggestion: Suggestion.closest(to: unknown, among: names))
    }
    guard let folder = RunPreparation.folder(of: workflow) else { return nil }
    return StageCache(
      launches: launches, workflow: workflow.source, folder: folder,
      store: CacheStore(workflowFolder: folder, environment: environment),
      forced: Set(rerun), forcesAll: noCache, unchanged: unchanged,
      warn: { console.report($0) })
  }

  /// What `--why` prints: one line per stage, its name and why it would run.
  static func whyTable(_ rows: [(stage: String, reason: String)]) -> String {
    let width = max(5, rows.map(\.stage.count).max() ?? 0)
    var text = "STAGE" + String(repeating: " ", count: width - 5) + "  WHY\n"
    for (stage, reason) in rows {
      text += stage + String(repeating: " ", count: width - stage.count) + "  " + reason + "\n"
    }
    return text
  }
}
