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

  func containerGPUStage(on: String) -> [String: Any] {
    ExecFolder.bash(
      "fit", "true",
      extra: [
        "environment": [
          "image": "localhost/flow-test:1", "resources": ["gpu": 1, "process_on": on],
        ]
      ])
  }

  @Test func dockerGetsTheGivenGPUAndItsVisibilityVariable() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try ToolRun.run(
      "flow-exec", ["--dry-run", "--format", "json", "--engine", "docker"],
      stdin: try folder.document([containerGPUStage(on: "gpu")]),
      environment: environment(tree: "nvidia-four"))
    #expect(run.status == 0, "\(run.stderr)")
    let data = ExecFolder.events(run.stdout).first?["data"] as? [String: Any]
    let argv = data?["argv"] as? [String] ?? []
    let gpus = data?["gpus"] as? [String] ?? []
    #expect(gpus.count == 1)
    let flag = argv.firstIndex(of: "--gpus").map { argv[$0 + 1] }
    #expect(flag == "\"device=\(gpus.first ?? "")\"")
    // Inside, docker shows only the given GPU: it is named by UUID, not by its host index.
    let id = gpus.first ?? ""
    #expect(
      argv.contains("--env=CUDA_VISIBLE_DEVICES=GPU-0000000\(id)-aaaa-bbbb-cccc-00000000000\(id)"))
  }

  @Test func podmanWithoutCDIRunsGPUIfAvailableOnTheCPU() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let fallback = try ToolRun.run(
      "flow-exec", ["--dry-run", "--format", "json", "--engine", "podman"],
      stdin: try folder.document([containerGPUStage(on: "gpu_if_available")]),
      environment: environment(tree: "nvidia-four"))
    #expect(fallback.status == 0, "\(fallback.stderr)")
    #expect(
      fallback.stderr.contains("stage 'fit' runs on the cpu: podman has no CDI specification"))
    #expect(!fallback.stdout.contains("nvidia.com/gpu"))

    let required = try ToolRun.run(
      "flow-exec", ["--dry-run", "--format", "json", "--engine", "podman"],
      stdin: try folder.document([containerGPUStage(on: "gpu")]),
      environment: environment(tree: "nvidia-four"))
    #expect(required.status == 125)
    #expect(required.stderr.contains("stage 'fit' needs a gpu: podman has no CDI specification"))
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
