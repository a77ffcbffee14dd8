import Foundation
import Testing

/// flow-exec runs stages that share a GPU by memory together on it, and never more than
/// fit: the 80 GB fixture GPU takes four stages of 20 GiB at once.
@Suite struct FlowExecGPUSharingTests {
  static let twentyGiB = 20 << 30

  var environment: [String: String] {
    ProbeTreeEnvironment.make(tree: "nvidia-80gb", tools: "bin")
  }

  static func sharing(_ name: String, _ script: String) -> [String: Any] {
    ExecFolder.bash(
      name, script,
      extra: [
        "timeout": 20,
        "environment": [
          "resources": ["gpu_memory": twentyGiB, "process_on": "gpu", "cpu": 1]
        ],
      ])
  }

  @Test func fourStagesOfTwentyGibibytesRunTogetherOnOneGPU() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    // Each waits until all four are running: it only succeeds if they run together.
    let meet =
      "echo \"$CUDA_VISIBLE_DEVICES\" > $FLOW_STAGE.gpus; touch $FLOW_STAGE.here;"
      + " for i in $(seq 200); do [ $(ls *.here | wc -l) -ge 4 ] && exit 0; sleep 0.05; done;"
      + " exit 9"
    let stages = (1...4).map { Self.sharing("s\($0)", meet) }
    let run = try ToolRun.run(
      "flow-exec", ["--cpus", "8"], stdin: try folder.document(stages), environment: environment)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    for stage in 1...4 {
      #expect(folder.read("s\(stage).gpus") == "0\n")
    }
  }

  @Test func neverMoreStagesOnTheGPUThanItsMemoryHolds() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let counting = try folder.countingStages((1...8).map { "s\($0)" })
    let stages = counting.map { stage -> [String: Any] in
      var shared = stage
      shared["environment"] = [
        "resources": ["gpu_memory": Self.twentyGiB, "process_on": "gpu", "cpu": 1]
      ]
      return shared
    }
    let run = try ToolRun.run(
      "flow-exec", ["--cpus", "8"], stdin: try folder.document(stages), environment: environment)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    #expect(folder.counts.count == 8)
    #expect(folder.counts.max()! <= 4)
  }
}
