import Foundation
import Testing

/// flow-sched and flow-exec read `--cpus`, `--memory`, `--gpus` and `--resource` alike:
/// the same quantities, the same checks, the same messages and status.
@Suite struct CapacityOptionsCLITests {
  let document = #"{"flow": 1, "source": "/w.yaml", "stages": []}"#

  @Test(arguments: [
    (["--memory", "lots"], "--memory: 'lots' is not an amount of memory (8Gi, 512M)"),
    (["--cpus", "0"], "--cpus takes a number above 0 and up to 1048576, got 0"),
    (
      ["--resource", "licence"],
      "--resource: expected NAME=N with a whole N from 0 to 1000000000, got 'licence'"
    ),
    // A counter past the readers' bound used to be taken, up to Int64.max.
    (
      ["--resource", "licence=9223372036854775807"],
      "--resource: expected NAME=N with a whole N from 0 to 1000000000,"
        + " got 'licence=9223372036854775807'"
    ),
  ])
  func theSameMistakeIsTheSameUsageError(arguments: [String], message: String) throws {
    for tool in ["flow-sched", "flow-exec"] {
      let run = try ToolRun.run(tool, arguments, stdin: document)
      #expect(run.status == 64, "\(tool)")
      #expect(run.stderr == "\(tool): \(message)\n")
    }
  }

  @Test func flowExecPlansWithTheGivenMemoryAndGPUs() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let stage = ExecFolder.bash(
      "fit", "true",
      extra: [
        "environment": ["resources": ["gpu": 1, "memory": 4_294_967_296, "process_on": "gpu"]]
      ])
    let document = try folder.document([stage])
    let run = try ToolRun.run(
      "flow-exec", ["--dry-run", "--format", "json", "--memory", "8Gi", "--gpus", "7,9"],
      stdin: document)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains(#""gpus":["7"]"#))
    let small = try ToolRun.run(
      "flow-exec", ["--dry-run", "--format", "json", "--memory", "1Gi", "--gpus", "1"],
      stdin: document)
    #expect(small.status == 125)
    #expect(small.stderr.contains("memory"))
  }
}
