import Testing

@testable import FlowCore

/// How NVIDIA GPUs and registry images reach apptainer, before and after CDI `--device`.
@Suite struct ApptainerGPUTests {
  let gpus = Array(ProbeFixture.probe("nvidia-four").gpus[1...2])

  func invocation(_ version: ApptainerVersion?) -> ContainerInvocation {
    var invocation = ContainerInvocation(
      engine: .apptainer, image: "docker://rootproject/root:6.30", name: "flow-7-fit",
      folder: "/work/w", gpus: gpus)
    invocation.apptainerVersion = version
    return invocation
  }

  @Test(arguments: [
    ("apptainer version 1.5.0", ApptainerVersion(1, 5, 0)),
    ("apptainer version 1.3.4-1.el9\n", ApptainerVersion(1, 3, 4)),
    ("apptainer version 1.4", ApptainerVersion(1, 4, 0)),
  ])
  func versionIsReadFromItsOutput(output: String, version: ApptainerVersion) {
    #expect(ApptainerVersion(output: output) == version)
  }

  @Test func versionWithoutNumbersIsUnknown() {
    #expect(ApptainerVersion(output: "apptainer version unknown") == nil)
  }

  @Test func apptainerFromOnePointFivePassesOnlyTheStagesGPUsAsCDIDevices() {
    let argv = invocation(ApptainerVersion(1, 5, 0)).argv(command: ["nvidia-smi"], environment: [:])
    #expect(
      argv == [
        "apptainer", "exec", "--cleanenv", "--no-eval",
        #"--mount=type=bind,"source=/work/w","destination=/work/w""#, "--pwd=/work/w",
        "--device", "nvidia.com/gpu=1", "--device", "nvidia.com/gpu=2",
        "docker://rootproject/root:6.30", "nvidia-smi",
      ])
    // Inside, only the two GPUs exist: host indices 1 and 2 would name nothing.
    let client = invocation(ApptainerVersion(1, 5, 0)).clientEnvironment(
      host: [:], stage: ["CUDA_VISIBLE_DEVICES": "1,2"])
    #expect(
      client["APPTAINERENV_CUDA_VISIBLE_DEVICES"]
        == "GPU-00000001-aaaa-bbbb-cccc-000000000001,GPU-00000002-aaaa-bbbb-cccc-000000000002")
  }

  @Test(arguments: [ApptainerVersion(1, 4, 5), nil])
  func apptainerBeforeOnePointFiveUsesNvAndKeepsTheStageToItsIDs(version: ApptainerVersion?) {
    let argv = invocation(version).argv(command: ["nvidia-smi"], environment: [:])
    #expect(argv.contains("--nv"))
    #expect(!argv.contains("--device"))
    // --nv binds every GPU of the machine, numbered as on the host.
    let client = invocation(version).clientEnvironment(host: [:], stage: [:])
    #expect(client["APPTAINERENV_CUDA_VISIBLE_DEVICES"] == "1,2")
  }

  @Test func podmanNamesTheStagesGPUsInsideByUUID() {
    let podman = ContainerInvocation(
      engine: .podman, image: "alpine", name: "n", folder: "/w", gpus: Array(gpus.prefix(1)))
    let argv = podman.argv(command: [], environment: ["CUDA_VISIBLE_DEVICES": "1"])
    #expect(argv.contains("nvidia.com/gpu=1"))
    #expect(argv.contains("--env=CUDA_VISIBLE_DEVICES=GPU-00000001-aaaa-bbbb-cccc-000000000001"))
  }

  @Test func gpusWithoutUUIDAreNumberedFromZeroInside() {
    let devices = ProbeFixture.probe("nvidia-dev-only").gpus
    let podman = ContainerInvocation(
      engine: .podman, image: "alpine", name: "n", folder: "/w", gpus: [devices[1]])
    #expect(podman.argv(command: [], environment: [:]).contains("--env=CUDA_VISIBLE_DEVICES=0"))
  }

  @Test(arguments: [
    ("rootproject/root:6.30", "docker://rootproject/root:6.30"),
    ("alpine", "docker://alpine"),
    ("ghcr.io/x/y:1", "docker://ghcr.io/x/y:1"),
    ("images/root.sif", "/w/images/root.sif"),
    ("./sandbox", "/w/./sandbox"),
    ("/opt/img/x.sif", "/opt/img/x.sif"),
    ("oras://ghcr.io/x/y:1", "oras://ghcr.io/x/y:1"),
    ("My Image", "/w/My Image"),
  ])
  func apptainerGetsRegistryImagesAsDockerReferences(image: String, expected: String) throws {
    #expect(try ContainerImage.argument(image, engine: .apptainer, folder: "/w") == expected)
  }

  @Test func aLocalFolderNamedLikeAnImageStaysLocal() throws {
    let folder = ProbeFixture.folder
    #expect(
      try ContainerImage.argument("nvidia-one", engine: .apptainer, folder: folder)
        == folder + "/nvidia-one")
  }
}
