import Foundation
import Testing

/// `flow-resolve` with weak and conflict references, `--exclude` and `--time`, as arguments
/// and in a pipe document.
@Suite final class FlowResolveFilterCLITests {
  let folder: URL
  let index: String
  let catalogue: String

  static let text = """
    [packages.app."1.0.0"]
    requires = ["~numpy>=1.20", "python >=3.9"]
    released = 2024-01-10T00:00:00Z

    [packages.app."2.0.0"]
    requires = ["!python <3.11", "python"]
    released = 2024-06-01T00:00:00Z

    [packages.python."3.10.0"]
    env.PYTHONHOME = "/opt/python3.10"

    [packages.python."3.11.0"]
    released = 2024-03-01
    env.PYTHONHOME = "/opt/python3.11"

    [packages.numpy."1.19.0"]
    [packages.numpy."1.26.0"]

    [packages.tool."1.0.0"]
    requires = ["numpy"]
    """

  init() throws {
    folder = try ToolRun.temporaryFolder()
    index = folder.appendingPathComponent("catalogue.index").path
    catalogue = folder.appendingPathComponent("catalogue.toml").path
    try Self.text.write(toFile: catalogue, atomically: true, encoding: .utf8)
  }

  deinit { try? FileManager.default.removeItem(at: folder) }

  func resolve(_ arguments: [String], stdin: String? = nil) throws -> ToolRun {
    try ToolRun.run(
      "flow-resolve", ["--catalog", catalogue, "--index", index] + arguments, stdin: stdin)
  }

  func chosen(_ run: ToolRun) throws -> [String] {
    let document = try #require(
      JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let packages = document["packages"] as? [[String: Any]] ?? []
    return packages.map { "\($0["name"] ?? "") \($0["version"] ?? "")" }
  }

  @Test func weakAndConflictRequestsFromTheCommandLine() throws {
    let weak = try resolve(["~numpy <1.20", "tool"])
    #expect(weak.status == 0)
    #expect(try chosen(weak) == ["numpy 1.19.0", "tool 1.0.0"])
    #expect(try chosen(try resolve(["app"])) == ["app 2.0.0", "python 3.11.0"])
    #expect(try chosen(try resolve(["app", "!python >=3.11"])) == ["app 1.0.0", "python 3.10.0"])
    let refused = try resolve(["!python", "app"])
    #expect(refused.status == 65)
    #expect(
      refused.stderr.contains("!python is requested (a conflict: python must not be selected)"))
  }

  @Test func excludeHidesVersionsAndIsRepeatable() throws {
    let run = try resolve([
      "--exclude", "python >=3.11", "--exclude", "app 2", "app", "--explain", "--format", "sh",
    ])
    #expect(run.status == 0)
    #expect(run.stdout == "export PYTHONHOME='/opt/python3.10'\n")
    #expect(
      run.stderr.contains(
        "app 1.0.0: requested as app; the newest version not hidden; versions hidden: "
          + "2.0.0 (excluded by --exclude 'app 2')"))
    let failed = try resolve(["--exclude", "numpy", "tool"])
    #expect(failed.status == 65)
    #expect(failed.stderr.contains("every version of numpy is hidden: 1.26.0 (excluded by"))
    let marked = try resolve(["--exclude", "~numpy", "tool"])
    #expect(marked.status == 64)
  }

  @Test func timeChoosesWhatWasNewestOnThatDate() throws {
    #expect(
      try chosen(try resolve(["--time", "2024-05-01", "app"])) == [
        "app 1.0.0", "python 3.11.0",
      ])
    #expect(
      try chosen(try resolve(["--time", "2024-02-01", "app"])) == [
        "app 1.0.0", "python 3.10.0",
      ])
    let explained = try resolve(["--time", "2024-02-01", "app", "--explain"])
    #expect(explained.stdout.contains("released 2024-06-01T00:00:00Z, after --time 2024-02-01"))
    let bad = try resolve(["--time", "yesterday", "app"])
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("invalid time 'yesterday'"))
  }

  @Test func pipeStagesMayUseWeakAndConflictReferences() throws {
    let workflow = folder.appendingPathComponent("workflow.yaml").path
    try """
    stages:
      - name: build
        type: fasthep_flow.operators.BashOperator
        kwargs: {bash_command: make}
        environment:
          requirements: ["tool", "~numpy <1.20"]
      - name: render
        type: fasthep_flow.operators.BashOperator
        kwargs: {bash_command: render}
        environment:
          requirements: {app: "", "!python": ">=3.11"}
    """.write(toFile: workflow, atomically: true, encoding: .utf8)
    let parsed = try ToolRun.run("flow-parse", [workflow])
    #expect(parsed.status == 0, "\(parsed.stderr)")
    let run = try resolve(["--time", "2024-05-01"], stdin: parsed.stdout)
    #expect(run.status == 0, "\(run.stderr)")
    let document = try #require(
      JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let stages = try #require(document["stages"] as? [[String: Any]])
    let resolutions = stages.map {
      (($0["resolution"] as? [String: Any])?["packages"] as? [[String: Any]] ?? []).map {
        "\($0["name"] ?? "") \($0["version"] ?? "")"
      }
    }
    #expect(resolutions == [["tool 1.0.0", "numpy 1.19.0"], ["app 1.0.0", "python 3.10.0"]])
  }
}
