import Foundation
import Testing

/// flow-exec refuses, before anything starts, a GPU stage whose container could not use
/// the GPU, and sends one asking `gpu_if_available` to the CPU with the reason.
@Suite struct FlowExecGPUPreflightTests {
  func environment(tree: String) -> [String: String] {
    ProbeTreeEnvironment.make(tree: tree, tools: "image-bin")
  }

  func stage(image: String, on: String) -> [String: Any] {
    ExecFolder.bash(
      "fit", "true",
      extra: ["environment": ["image": image, "resources": ["gpu": 1, "process_on": on]]])
  }

  func run(tree: String, image: String, on: String, folder: ExecFolder) throws -> ToolRun {
    try ToolRun.run(
      "flow-exec", ["--dry-run", "--format", "json", "--engine", "podman"],
      stdin: try folder.document([stage(image: image, on: on)]),
      environment: environment(tree: tree))
  }

  @Test func staleCDISpecificationIsRefusedBeforeAnythingStarts() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let refused = try run(
      tree: "nvidia-stale-cdi", image: "localhost/app:1", on: "gpu", folder: folder)
    #expect(refused.status != 0)
    #expect(
      refused.stderr.contains(
        "stage 'fit' can never run: the CDI specification /etc/cdi/nvidia.yaml was generated for"
          + " driver 535.104.05 but driver 550.54.15 is loaded"))
    #expect(!refused.stdout.contains("\"argv\""))

    let fallback = try run(
      tree: "nvidia-stale-cdi", image: "localhost/app:1", on: "gpu_if_available", folder: folder)
    #expect(fallback.status == 0, "\(fallback.stderr)")
    #expect(fallback.stderr.contains("stage 'fit' runs on the cpu: the CDI specification"))
    #expect(!fallback.stdout.contains("nvidia.com/gpu"))
  }

  @Test func imageNeedingANewerCUDAThanTheDriverIsRefused() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let refused = try run(
      tree: "nvidia-535", image: "localhost/cuda-app:12.6", on: "gpu", folder: folder)
    #expect(refused.status != 0)
    #expect(
      refused.stderr.contains(
        "image localhost/cuda-app:12.6 needs cuda>=12.6 but driver 535.104.05 runs CUDA 12.2 at most"
      ))
    let fine = try run(tree: "nvidia-535", image: "localhost/other:1", on: "gpu", folder: folder)
    #expect(fine.status == 0, "\(fine.stderr)")
    #expect(fine.stdout.contains("nvidia.com/gpu=0"))
  }
}

/// The environment of a run on a fake machine tree of `Tests/Fixtures/probe/`, with the
/// stand-in tools of one of its folders first on `PATH` and no GPU visibility variable.
enum ProbeTreeEnvironment {
  static let fixtures = ToolRun.root.appendingPathComponent("Tests/Fixtures/probe").path

  static func make(tree: String, tools: String) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["FLOW_PROBE_ROOT"] = "\(fixtures)/\(tree)"
    environment["PATH"] = "\(fixtures)/\(tools):" + (environment["PATH"] ?? "/usr/bin:/bin")
    for name in ["CUDA_VISIBLE_DEVICES", "SLURM_JOB_GPUS", "NVIDIA_VISIBLE_DEVICES"] {
      environment[name] = nil
    }
    return environment
  }
}
