import Testing

@testable import FlowCore

@Suite struct ContainerImageTests {
  static let digest = "sha256:" + String(repeating: "ab", count: 32)

  @Test(arguments: [
    "alpine", "alpine:3.19", "docker.io/library/alpine:3", "localhost/flow-test:1",
    "localhost:5000/a/b:tag", "registry.example.com:443/ns/img@\(digest)",
    "ghcr.io/a_b/c__d/e-f.g:1.0-rc_1", "[::1]:5000/x", "x@\(digest)", "My-Registry.io/x:V1",
    "8ecc4527e43d",
  ])
  func referencesPassToPodmanAndDockerUnchanged(image: String) throws {
    for engine in [ContainerEngine.podman, .docker] {
      #expect(try ContainerImage.argument(image, engine: engine, folder: "/w") == image)
    }
  }

  /// An image named `--privileged` reached podman as an option.
  @Test(arguments: [
    "--privileged", "-v", "--volume=/:/host", "", "Alpine", "a//b", "a:", ":tag", "a/",
    "a@sha256:abc", "a b", "img;rm -rf x", "a/-b", "a..b", "a___b", "a:-tag",
    "host:port/x", "a\nb", "/abs/path", "./x", "café",
  ])
  func nonReferencesAreRefusedByPodmanAndDocker(image: String) {
    for engine in [ContainerEngine.podman, .docker] {
      #expect(throws: ContainerInvocation.Refusal.self) {
        try ContainerImage.argument(image, engine: engine, folder: "/w")
      }
    }
  }

  @Test func theRefusalNamesTheStage() throws {
    let error = #expect(throws: ExecError.self) {
      try prepare(image: "--privileged", engine: .podman)
    }
    guard case .refused(let stage, let reason)? = error else {
      Issue.record("not a refusal: \(String(describing: error))")
      return
    }
    #expect(stage == "fit")
    #expect(reason.hasPrefix("image \"--privileged\" is not an image reference"))
    #expect(error?.description.hasPrefix("stage 'fit' can never run: image") == true)
  }

  @Test(arguments: [
    "docker://alpine:3", "oras://ghcr.io/x/y:1", "library://alpine:3.11",
    "library://user/collection/name:tag", "docker://localhost:5000/a@\(digest)",
  ])
  func apptainerSourcesPassUnchanged(image: String) throws {
    #expect(try ContainerImage.argument(image, engine: .apptainer, folder: "/w") == image)
  }

  @Test(arguments: [
    "docker://--privileged", "oras://", "library://-x", "library://a//b", "shub://x/y",
    "https://example.com/x.sif", "", "docker://Alpine",
  ])
  func apptainerRefusesOtherSources(image: String) {
    #expect(throws: ContainerInvocation.Refusal.self) {
      try ContainerImage.argument(image, engine: .apptainer, folder: "/w")
    }
  }

  /// A local image path that starts with `-` never reaches apptainer's argv as it is.
  @Test func apptainerLocalImagesAreMadeAbsolute() throws {
    #expect(try ContainerImage.argument("-x.sif", engine: .apptainer, folder: "/w") == "/w/-x.sif")
    #expect(try ContainerImage.argument("img.sif", engine: .apptainer, folder: "/") == "/img.sif")
    #expect(try ContainerImage.argument("/i/x.sif", engine: .apptainer, folder: "/w") == "/i/x.sif")
    let argv = try ContainerInvocation.checked(
      engine: .apptainer, image: "--fakeroot", name: "n", folder: "/w", homes: []
    ).argv(command: ["true"], environment: [:])
    #expect(argv.contains("/w/--fakeroot"))
    #expect(!argv.contains("--fakeroot"))
  }

  /// Podman and docker get the image after `--` as well.
  @Test func theImageFollowsTheEndOfOptions() throws {
    for engine in [ContainerEngine.podman, .docker] {
      let argv = try ContainerInvocation.checked(
        engine: engine, image: "alpine", name: "n", folder: "/w", homes: []
      ).argv(command: ["true"], environment: [:])
      #expect(Array(argv.suffix(3)) == ["--", "alpine", "true"])
    }
  }

  func prepare(image: String, engine: ContainerEngine, source: String = "/work/w/w.yaml")
    throws(ExecError) -> [StageLaunch]
  {
    let text = """
      {"flow": 1, "source": "\(source)", "stages": [
        {"name": "fit", "type": "BashOperator", "kwargs": {"bash_command": "true"}, "needs": [],
         "environment": {"image": "alpine", "variables": {"merged": {}},
                         "resources": {"cpu": 1}}}]}
      """
    // The document readers refuse such images too; the run checks again on its own.
    var workflow = try! Workflow(document: try! JSONCodec.decode(Array(text.utf8)), file: "d")
    workflow.stages[0].environment.image = image
    var preparation = RunPreparation(
      baseEnvironment: [:], logDirectory: "/l", engine: engine, runID: "1",
      machine: MachineProbe(environment: [:], queriesTools: false).probe(),
      capacity: PlanCapacity(cpu: 2, memory: 1 << 30))
    preparation.homes = ["/home/me"]
    return try preparation.prepare(workflow, selected: [0])
  }
}
