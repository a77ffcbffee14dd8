import Foundation
import Testing

/// flow-exec says, after a run on a fixture machine, whether each stage given a GPU opened
/// its device file (the fixture tree's `dev/nvidia0` stands in for `/dev/nvidia0`), and
/// keeps each stage's GPU decision record in its events and run folder.
@Suite struct FlowExecGPUUseTests {
  static var gpu: [String: Any] { ["resources": ["gpu": 1, "process_on": "gpu"]] }

  func document(_ folder: ExecFolder) throws -> String {
    try folder.document([
      ExecFolder.bash(
        "trains", #"exec 3<"$FLOW_PROBE_ROOT/dev/nvidia0"; sleep 2"#,
        extra: ["environment": Self.gpu]),
      ExecFolder.bash("idles", "sleep 2", needs: ["trains"], extra: ["environment": Self.gpu]),
    ])
  }

  func run(_ folder: ExecFolder, _ arguments: [String]) throws -> ToolRun {
    try ToolRun.run(
      "flow-exec", arguments, stdin: try document(folder),
      environment: ProbeTreeEnvironment.make(tree: "nvidia-535", tools: "image-bin"))
  }

  @Test func gpuGrantedButUnusedIsReportedInTheEventsAndTheRunFolder() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try run(folder, ["--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let ends = ExecFolder.events(run.stdout).filter { $0["type"] as? String == "stage-end" }
    let uses = Dictionary(
      uniqueKeysWithValues: ends.map {
        let data = $0["data"] as! [String: Any]
        return (data["stage"] as! String, data["gpu_use"] as? [String: Any] ?? [:])
      })
    #expect(uses["trains"]?["state"] as? String == "used")
    #expect(
      uses["trains"]?["opened"] as? [String]
        == [ProbeTreeEnvironment.fixtures + "/nvidia-535/dev/nvidia0"])
    #expect(uses["idles"]?["state"] as? String == "unused")
    #expect((uses["idles"]?["looks"] as? Int ?? 0) >= 1)
    #expect(
      run.stderr.contains(
        "stage 'idles' was granted gpu 0 but never opened it"))
    let kept = folder.read(".flow/runs/latest/events.jsonl") ?? ""
    #expect(kept.contains(#""gpu_use":{"state":"unused""#))
    #expect(kept.contains(#""gpu_decision":{"#))
    let plan = folder.read(".flow/runs/latest/plan.json") ?? ""
    #expect(plan.contains(#""gpu_decision":{"#))
  }

  @Test func theTerminalSummarySaysWhichStageLeftItsGPUUnused() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try run(folder, ["--format", "text"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout.contains(
        "note: stage 'idles' was granted gpu 0 but never opened it (looked "))
    #expect(!run.stdout.contains("stage 'trains' was granted"))
  }

  /// The record flow-exec keeps is the one flow-sched --explain prints, with the ids the
  /// run planned.
  @Test func dryRunShowsEachStagesGPUDecision() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let json = try run(folder, ["--dry-run", "--format", "json"])
    #expect(json.status == 0, "\(json.stderr)")
    let decisions = ExecFolder.events(json.stdout).compactMap {
      ($0["data"] as? [String: Any])?["gpu_decision"] as? [String: Any]
    }
    let pretty = try decisions.map {
      String(
        decoding: try JSONSerialization.data(
          withJSONObject: $0, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
    }
    try Golden.expect(pretty.joined(separator: "\n") + "\n", "gpu/flow-exec-dry-run-decisions.json")
    let text = try run(folder, ["--dry-run", "--format", "text"])
    #expect(text.stdout.contains("    gpu decision: gpu 0\n"), "\(text.stdout)")
  }

  /// apptainer's local image files are inspected for the CUDA they need, as podman's
  /// images are: this one needs a newer CUDA than driver 535 runs.
  @Test func apptainerImageFileNeedingANewerCUDAIsRefused() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    #expect(FileManager.default.createFile(atPath: folder.path + "/cuda-app.sif", contents: Data()))
    let stage = ExecFolder.bash(
      "fit", "true",
      extra: [
        "environment": ["image": "cuda-app.sif", "resources": ["gpu": 1, "process_on": "gpu"]]
      ])
    var environment = ProbeTreeEnvironment.make(tree: "nvidia-535", tools: "image-bin")
    environment["FLOW_TEST_APPTAINER_VERSION"] = "1.5.0"
    let refused = try ToolRun.run(
      "flow-exec", ["--dry-run", "--format", "json", "--engine", "apptainer"],
      stdin: try folder.document([stage]), environment: environment)
    #expect(refused.status != 0)
    #expect(
      refused.stderr.contains(
        "image cuda-app.sif needs cuda>=12.6 but driver 535.104.05 runs CUDA 12.2 at most"),
      "\(refused.stderr)")
  }
}
