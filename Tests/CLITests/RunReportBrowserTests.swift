import Foundation
import Testing

/// The run report in a real headless browser (Debian's chromium): the page renders, its
/// chart has one row per stage, and a screenshot is kept under `.build/report-screenshots`
/// to be looked at.
@Suite(.serialized) struct RunReportBrowserTests {
  static let browser = "/usr/bin/chromium"
  static let canRun = FileManager.default.isExecutableFile(atPath: browser)
  static let screenshots = ToolRun.root.appendingPathComponent(".build/report-screenshots")

  /// Runs chromium headless on `page` with `arguments`; what it printed on stdout.
  func chromium(_ page: String, _ arguments: [String]) throws -> ToolRun {
    let profile = try ToolRun.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: profile) }
    // No sandbox: it needs user namespaces or a setuid helper, which a test machine (or
    // a root account) may not give; the page is our own file.
    return try ToolRun.run(
      Self.browser,
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
        "--no-first-run",
      ] + arguments + ["file://" + page],
      environment: ["PATH": "/usr/bin:/bin", "HOME": profile.path])
  }

  /// The rows the browser counted in the chart, and the screenshot saved as `name`.png.
  func look(at page: String, name: String, height: Int) throws -> (rows: Int?, shot: URL) {
    let dom = try chromium(page, ["--dump-dom"])
    let rows = dom.stdout.firstMatch(of: /data-rows="([0-9]+)"/).flatMap { Int($0.1) }
    try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
    let shot = Self.screenshots.appendingPathComponent(name + ".png")
    try? FileManager.default.removeItem(at: shot)
    _ = try chromium(page, ["--screenshot=\(shot.path)", "--window-size=1300,\(height)"])
    return (rows, shot)
  }

  @Test(.enabled(if: canRun))
  func theDiamondsReportRendersWithARowPerStage() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    try FileManager.default.copyItem(
      at: ToolRun.root.appendingPathComponent("examples/diamond/workflow.yaml"),
      to: folder.url.appendingPathComponent("workflow.yaml"))
    let run = try ToolRun.run("flow-exec", ["workflow.yaml"], in: folder.url)
    #expect(run.status == 0, "\(run.stderr)")
    let page = folder.path + "/.flow/runs/latest/report.html"
    let (rows, shot) = try look(at: page, name: "diamond", height: 700)
    #expect(rows == 5)
    let size = (try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
    #expect(size > 10_000, "a screenshot with something drawn in it")
  }

  @Test(.enabled(if: canRun))
  func aGeneratedWorkflowOf200StagesRendersWithARowEach() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    var text = "stages:\n"
    for index in 0..<200 {
      let needs = index < 10 ? "" : ", needs: [s\(index % 10 + (index / 10 - 1) * 10)]"
      let command = index % 37 == 5 ? "exit 1" : "true"
      text +=
        "  - {name: s\(index), type: BashOperator, kwargs: {bash_command: \"\(command)\"}\(needs)}\n"
    }
    try text.write(
      to: folder.url.appendingPathComponent("workflow.yaml"), atomically: true, encoding: .utf8)
    let report = folder.path + "/report.html"
    let run = try ToolRun.run(
      "flow-exec", ["--keep-going", "--report", report, "workflow.yaml"], in: folder.url)
    #expect(run.status == 1, "\(run.stderr)")
    let (rows, shot) = try look(at: report, name: "generated-200", height: 4400)
    #expect(rows == 200)
    #expect(FileManager.default.fileExists(atPath: shot.path))
  }
}
