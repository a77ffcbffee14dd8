import Foundation
import Testing

/// GPUs handed out from the probe's fixture trees, and job slots shared with GNU make.
@Suite struct FlowExecSlotTests {
  static let probeTrees = ToolRun.root.path + "/Tests/Fixtures/probe/"

  func environment(tree: String) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["FLOW_PROBE_ROOT"] = Self.probeTrees + tree
    for name in ["CUDA_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES"] {
      environment[name] = nil
    }
    return environment
  }

  func gpuStage(_ name: String, gpus: Int, on: String) -> [String: Any] {
    ExecFolder.bash(
      name, "echo \"${CUDA_VISIBLE_DEVICES-unset}\" > $FLOW_STAGE.gpus",
      extra: ["environment": ["resources": ["gpu": gpus, "process_on": on]]])
  }

  @Test func stagesSeeOnlyTheGPUsTheyAreGiven() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      gpuStage("two", gpus: 2, on: "gpu"), gpuStage("one", gpus: 1, on: "gpu"),
      gpuStage("none", gpus: 0, on: "cpu"),
    ])
    let run = try ToolRun.run(
      "flow-exec", ["--cpus", "4"], stdin: document, environment: environment(tree: "nvidia-four"))
    #expect(run.status == 0, "\(run.stderr)")
    let two = (folder.read("two.gpus") ?? "").dropLast().split(separator: ",")
    let one = (folder.read("one.gpus") ?? "").dropLast().split(separator: ",")
    #expect(two.count == 2 && one.count == 1)
    #expect(Set(two).count == 2)
    #expect(folder.read("none.gpus") == "unset\n")
  }

  @Test func gpuIfAvailableRunsOnTheCPUWithoutAGPUAndGPUFails() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let fallback = try ToolRun.run(
      "flow-exec", [],
      stdin: try folder.document([gpuStage("maybe", gpus: 1, on: "gpu_if_available")]),
      environment: environment(tree: "no-gpu"))
    #expect(fallback.status == 0, "\(fallback.stderr)")
    #expect(folder.read("maybe.gpus") == "unset\n")

    let required = try ToolRun.run(
      "flow-exec", [], stdin: try folder.document([gpuStage("must", gpus: 1, on: "gpu")]),
      environment: environment(tree: "no-gpu"))
    #expect(required.status == 125)
    #expect(required.stderr.contains("'must'"))
    #expect(folder.read("must.gpus") == nil)
  }

  /// Three flow-exec runs of four stages each under `make -j3`: with the jobserver no more
  /// than three stages ever run at once, although each run alone would allow four.
  @Test func makeJobserverCapsTheTotal() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    for part in ["a", "b", "c"] {
      let stages = try folder.countingStages((1...4).map { "\(part)\($0)" })
      try folder.document(stages).write(
        to: folder.url.appendingPathComponent("\(part).json"), atomically: true, encoding: .utf8)
    }
    let flowExec = ToolRun.binaries.appendingPathComponent("flow-exec").path
    let makefile = """
      all: a b c
      a b c:
      \t+@\(flowExec) --cpus 8 $@.json > $@.events

      """
    try makefile.write(
      to: folder.url.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
    let run = try ToolRun.run("/usr/bin/make", ["-s", "-j3"], in: folder.url)
    #expect(run.status == 0, "\(run.stderr)")
    let counts = folder.counts
    #expect(counts.count == 12)
    #expect(counts.max()! <= 3)
    #expect(counts.max()! >= 2)
  }
}
