import FlowCommand
import FlowCore
import Glibc

/// What a run leaves in its run folder (`RunFolder`) and in `--report`: the events as they
/// come, then the trace, the plan and the HTML report once the run is over.
final class RunKeeping {
  let folder: RunFolder
  private let events: OutputQueue?
  private let descriptor: Int32

  /// Makes the run folder, points `latest` at it and prunes past `kept` runs; what went
  /// wrong on the way is said through `console`.
  init(_ folder: RunFolder, kept: Int, withLogs: Bool, console: Console) throws(CommandFailure) {
    self.folder = folder
    guard folder.make(withLogs: withLogs) else {
      throw CommandFailure(
        "cannot create the run folder \(folder.path): \(String(cString: strerror(errno)))",
        status: .toolFailed)
    }
    for problem in [folder.markLatest()].compactMap({ $0 }) + folder.prune(keeping: kept) {
      console.report(problem)
    }
    descriptor = open(folder.events, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if descriptor < 0 {
      console.report("\(folder.events): \(String(cString: strerror(errno)))")
      events = nil
    } else {
      events = OutputQueue(descriptor: descriptor)
    }
  }

  func record(_ line: [UInt8]) { events?.write(line) }

  /// Writes the trace, the plan and the report into the run folder, and the report to
  /// `reportPath` too; returns what could not be written (the first for `reportPath`
  /// fails the run, as a trace that cannot be written does).
  func finish(
    timeline: RunTimeline, trace: JSONValue, status: Int32, reportPath: String?
  ) -> (reportFailed: Bool, problems: [String]) {
    if let events {
      if let failure = events.finish() { return (false, ["\(folder.events): \(failure)"]) }
      close(descriptor)
    }
    let html = Array(
      RunHTMLReport.render(timeline, status: status, title: "flow-exec run \(folder.id)").utf8)
    var problems: [String] = []
    for (bytes, path) in [
      (JSONCodec.encode(trace) + [10], folder.trace),
      (timeline.planText + [10], folder.plan), (html, folder.report),
    ] {
      do throws(IOError) {
        try OutputFile.write(bytes, to: path)
      } catch {
        problems.append(error.description)
      }
    }
    guard let reportPath else { return (false, problems) }
    do throws(IOError) {
      try OutputFile.write(html, to: reportPath)
    } catch {
      return (true, problems + [error.description])
    }
    return (false, problems)
  }
}
