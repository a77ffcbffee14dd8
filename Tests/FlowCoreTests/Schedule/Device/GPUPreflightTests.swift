import Testing

@testable import FlowCore

/// The facts a stage's GPU decision rests on: the loaded driver, the CDI specification
/// and what an image asks of the driver.
@Suite struct GPUPreflightTests {
  static func files(_ tree: String) -> ProbeFileSystem {
    ProbeFileSystem(root: ProbeFixture.folder + "/" + tree)
  }

  @Test func driverVersionFromTheProprietaryAndTheOpenModule() {
    #expect(NvidiaDriver(files: Self.files("nvidia-535"))?.version == "535.104.05")
    #expect(NvidiaDriver(files: Self.files("nvidia-stale-cdi"))?.version == "550.54.15")
    #expect(NvidiaDriver(files: Self.files("no-gpu")) == nil)
  }

  @Test(arguments: [
    ("535.104.05", "12.2"), ("550.54.15", "12.4"), ("525.60.13", "12.0"), ("470.82.01", "11.4"),
    ("580.65.06", "13.0"),
  ])
  func highestCUDAOfADriver(version: String, cuda: String) {
    #expect(NvidiaDriver(version: version).highestCUDA?.description == cuda)
  }

  @Test func aBranchNewerThanTheTableHasNoKnownLimit() {
    #expect(NvidiaDriver(version: "999.1").highestCUDA == nil)
  }

  @Test func cdiSpecificationNamesTheDriverItWasMadeFor() throws {
    let found = CDISpecification.found(files: Self.files("nvidia-stale-cdi"))
    #expect(found == [CDISpecification(path: "/etc/cdi/nvidia.yaml", driverVersion: "535.104.05")])
    let stale = try #require(found.first?.staleness(against: NvidiaDriver(version: "550.54.15")))
    #expect(stale.contains("generated for driver 535.104.05 but driver 550.54.15 is loaded"))
    #expect(found.first?.staleness(against: NvidiaDriver(version: "535.104.05")) == nil)
  }

  func requirement(_ environment: [String]) -> ImageCUDARequirement? {
    let document = JSONValue.array([
      .object(
        JSONObject([
          ("Config", .object(JSONObject([("Env", .array(environment.map(JSONValue.string)))])))
        ]))
    ])
    return ImageCUDARequirement(inspect: document, source: "podman image inspect")
  }

  @Test func imageNeedingANewerCUDAThanTheDriverIsRefused() throws {
    let image = try #require(requirement(["CUDA_VERSION=12.6.3"]))
    let problem = image.problem(with: NvidiaDriver(version: "535.104.05"), image: "app")
    #expect(
      problem?.hasPrefix("image app needs cuda>=12.6 but driver 535.104.05 runs CUDA 12.2") == true)
    #expect(image.problem(with: NvidiaDriver(version: "560.28.03"), image: "app") == nil)
  }

  /// NVIDIA's images list driver branches with forward compatibility as alternatives.
  @Test func anyAlternativeOfTheRequirementIsEnough() throws {
    let image = try #require(
      requirement([
        "NVIDIA_REQUIRE_CUDA=cuda>=12.6 brand=tesla,driver>=470,driver<471 brand=tesla,driver>=535,driver<536"
      ]))
    #expect(image.problem(with: NvidiaDriver(version: "535.104.05"), image: "app") == nil)
    #expect(image.problem(with: NvidiaDriver(version: "545.23.08"), image: "app") != nil)
  }

  @Test func disabledRequirementOrNoneAsksNothing() {
    #expect(requirement(["CUDA_VERSION=12.6.3", "NVIDIA_DISABLE_REQUIRE=1"]) == nil)
    #expect(requirement(["PATH=/bin"]) == nil)
  }
}

/// apptainer's local image files say which CUDA they need in their environment scripts.
@Suite struct ApptainerImageCUDATests {
  @Test func sifEnvironmentScriptsNameTheCUDAVersion() throws {
    let text = try #require(
      ProbeFileSystem(root: ProbeFixture.folder + "/nvidia-535").read(
        "/apptainer-images/cuda-app.sif.json"))
    let document = try JSONCodec.decode(Array(text.utf8))
    let found = try #require(
      ImageCUDARequirement(apptainer: document, source: "apptainer inspect"))
    #expect(found.cuda == CUDAVersion("12.6.3"))
    #expect(found.requirement == "cuda>=12.6")
    #expect(
      found.problem(with: NvidiaDriver(version: "535.104.05"), image: "/w/cuda-app.sif")?
        .hasPrefix("image /w/cuda-app.sif needs cuda>=12.6 but driver 535.104.05") == true)
  }

  @Test func exportLinesAreReadWithTheirDefaults() {
    let script = """
      #!/bin/sh
      export A="${A:-"x y"}"
      export B='b'
      export C=c
      D=not-exported
      """
    #expect(
      ImageCUDARequirement.exports(script).map { "\($0.0)=\($0.1)" } == ["A=x y", "B=b", "C=c"])
  }
}
