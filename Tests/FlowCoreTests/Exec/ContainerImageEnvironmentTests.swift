import Foundation
import Testing

@testable import FlowCore

@Suite struct ContainerImageEnvironmentTests {
  func inspection(_ environment: String) throws -> JSONValue {
    try JSONCodec.decode(Array(#"[{"Id": "1", "Config": {"Env": \#(environment)}}]"#.utf8))
  }

  @Test func readsTheImagesEnvFromInspect() throws {
    let listed = #"["PATH=/usr/local/bin:/usr/bin:/bin","LANG=C.UTF-8","EMPTY=","EQ=a=b"]"#
    #expect(
      ContainerImageEnvironment.environment(inInspection: try inspection(listed))
        == ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "EMPTY": "", "EQ": "a=b"])
    #expect(ContainerImageEnvironment.environment(inInspection: try inspection("null")) == [:])
    #expect(ContainerImageEnvironment.environment(inInspection: .array([])) == nil)
    #expect(ContainerImageEnvironment.environment(inInspection: try inspection(#"["=x"]"#)) == nil)
  }

  @Test func asksTheEngineForTheWholeImageOnce() {
    #expect(
      ImageInspections.argv(engine: .podman, image: "localhost/x:1")
        == ["podman", "image", "inspect", "--", "localhost/x:1"])
    #expect(
      ImageInspections.argv(engine: .apptainer, image: "/x.sif")
        == ["apptainer", "inspect", "--json", "--labels", "--environment", "/x.sif"])
    #expect(ImageInspections.argv(engine: .apptainer, image: "docker://x:1") == nil)
  }

  /// The image's environment and its CUDA requirement come from one `image inspect`.
  @Test func oneInspectionPerImageGivesTheEnvironmentAndTheCUDARequirement() throws {
    let log = FileManager.default.temporaryDirectory
      .appendingPathComponent("flow-inspect-\(getpid())-\(UInt64.random(in: 0...UInt64.max))").path
    defer { unlink(log) }
    let fixtures = ProbeFixture.folder
    let inspections = ImageInspections(environment: [
      "PATH": fixtures + "/image-bin:/usr/bin:/bin", "FLOW_PROBE_ROOT": fixtures + "/nvidia-535",
      "FLOW_TEST_INSPECT_LOG": log,
    ])
    for _ in 0..<2 {
      let environment = ContainerImageEnvironment.read(
        engine: .podman, image: "localhost/cuda-app:12.6", inspections: inspections)
      #expect(environment?["CUDA_VERSION"] == "12.6.3")
      let found = ImageCUDARequirement.inspect(
        "localhost/cuda-app:12.6", engine: .podman, inspections: inspections)
      #expect(found.requirement?.requirement == "cuda>=12.6")
      #expect(found.requirement?.source == "podman image inspect")
    }
    let missing = ImageCUDARequirement.inspect(
      "localhost/other:1", engine: .podman, inspections: inspections)
    #expect(missing.unknown == "unknown: the image is not stored locally")
    let calls = try String(contentsOfFile: log, encoding: .utf8)
    #expect(
      calls
        == "podman image inspect -- localhost/cuda-app:12.6\n"
        + "podman image inspect -- localhost/other:1\n")
  }

  /// Resolved actions prepend to the image's PATH, so the image's own programs are found.
  @Test func packagesPrependToTheImagesPath() {
    let actions = EnvironmentActions(actions: [
      .init(kind: .prepend, variable: "PATH", value: "/opt/hfs20/bin", package: "houdini")
    ])
    let environment = StageEnvironment(actions: actions).build(
      base: ["PATH": "/usr/bin:/bin"], stage: "s", workflow: "w", gpus: nil)
    #expect(environment["PATH"] == "/opt/hfs20/bin:/usr/bin:/bin")
  }
}
