import Foundation
import Testing

/// Each run kept in `.flow/runs/<id>` beside the workflow: its logs, events, trace, plan
/// and report, `latest` naming the newest, the oldest pruned past `--keep-runs`.
@Suite struct FlowExecRunFolderTests {
  func runs(in folder: ExecFolder) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path + "/.flow/runs"))
    return (names ?? []).filter { $0 != "latest" }.sorted()
  }

  @Test func eachRunIsKeptWithItsLogsEventsTracePlanAndReport() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([ExecFolder.bash("a", "echo hello")])
    // The second run would find the first one's stage in the stage cache: it runs again.
    for _ in 0..<2 {
      let run = try ToolRun.run("flow-exec", ["--no-cache"], stdin: document)
      #expect(run.status == 0, "\(run.stderr)")
    }
    let kept = runs(in: folder)
    #expect(kept.count == 2)
    let latest = try FileManager.default.destinationOfSymbolicLink(
      atPath: folder.path + "/.flow/runs/latest")
    #expect(latest == kept.last)
    #expect(folder.read(".flow/runs/latest/logs/a.log") == "hello\n")
    let events = ExecFolder.events(folder.read(".flow/runs/latest/events.jsonl") ?? "")
    #expect(events.map { $0["type"] as? String } == ["stage-start", "stage-end", "summary"])
    #expect(folder.read(".flow/runs/latest/trace.json")?.contains("traceEvents") == true)
    #expect(folder.read(".flow/runs/latest/plan.json")?.contains("\"makespan\"") == true)
    #expect(folder.read(".flow/runs/latest/report.html")?.contains("<svg") == true)
  }

  @Test func theOldestRunsArePrunedPastKeepRuns() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([ExecFolder.bash("a", "true")])
    var made: [String] = []
    for _ in 0..<3 {
      let run = try ToolRun.run("flow-exec", ["--keep-runs", "2"], stdin: document)
      #expect(run.status == 0, "\(run.stderr)")
      made.append(
        try FileManager.default.destinationOfSymbolicLink(
          atPath: folder.path + "/.flow/runs/latest"))
    }
    #expect(runs(in: folder) == Array(made.dropFirst()))
    let refused = try ToolRun.run("flow-exec", ["--keep-runs", "0"], stdin: document)
    #expect(refused.status == 64 && refused.stderr.contains("--keep-runs"), "\(refused.stderr)")
  }

  @Test func aDocumentWithoutAFolderKeepsItsRunsUnderTheCurrentFolderByAbsolutePath() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document =
      #"{"flow":1,"source":"<stdin>","stages":[{"name":"a","type":"BashOperator","#
      + #""kwargs":{"bash_command":"true"},"needs":[]}]}"#
    let run = try ToolRun.run("flow-exec", [], stdin: document, in: folder.url)
    #expect(run.status == 0, "\(run.stderr)")
    let start = ExecFolder.events(run.stdout).first { $0["type"] as? String == "stage-start" }
    let log = (start?["data"] as? [String: Any])?["log"] as? String ?? ""
    let real = URL(fileURLWithPath: folder.path).resolvingSymlinksInPath().path
    #expect(log.hasPrefix(real + "/.flow/runs/") && log.hasSuffix("/logs/a.log"), "\(log)")
  }

  @Test func logDirStillTakesTheLogs() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([ExecFolder.bash("a", "echo here")])
    let logs = folder.path + "/elsewhere"
    let run = try ToolRun.run("flow-exec", ["--log-dir", logs], stdin: document)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.read("elsewhere/a.log") == "here\n")
    #expect(folder.read(".flow/runs/latest/events.jsonl") != nil)
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/.flow/runs/latest/logs"))
  }

  @Test func reportWritesTheHTMLReportToo() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([ExecFolder.bash("a", "true")])
    let page = folder.path + "/run.html"
    let run = try ToolRun.run("flow-exec", ["--report", page], stdin: document)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.read("run.html") == folder.read(".flow/runs/latest/report.html"))
    let unwritable = try ToolRun.run(
      "flow-exec", ["--report", folder.path + "/missing/run.html"], stdin: document)
    #expect(unwritable.status == 125, "\(unwritable.stderr)")
    #expect(unwritable.stderr.contains("missing/run.html"))
  }

  @Test func formatTextOffATerminalShowsTheRunWithoutJSONOrLiveBlock() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("a", "echo hi"), ExecFolder.bash("b", "exit 4", needs: ["a"]),
    ])
    let run = try ToolRun.run("flow-exec", ["--format", "text"], stdin: document)
    #expect(run.status == 4)
    #expect(!run.stdout.contains("{\"type\"") && !run.stdout.contains("\u{1b}"), "\(run.stdout)")
    #expect(run.stdout.contains("a | hi\n"))
    #expect(run.stdout.contains("FAILED: b (failed, exit status 4"))
    #expect(run.stdout.contains("2 stages: 1 succeeded, 1 failed"))
    #expect(folder.read(".flow/runs/latest/events.jsonl")?.contains("\"summary\"") == true)
  }
}
