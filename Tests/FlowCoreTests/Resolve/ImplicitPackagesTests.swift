import FlowTestSupport
import Testing

@testable import FlowCore

/// The machine's facts as packages: read from probe fixture trees, they choose a renderer's
/// GPU variant on a GPU machine and its CPU variant elsewhere.
@Suite struct ImplicitPackagesTests {
  static func facts(_ tree: String) -> ImplicitPackages {
    let probe = MachineProbe(
      root: "\(ProbeFixture.folder)/\(tree)", environment: [:], queriesTools: false)
    return ImplicitPackages(machine: probe.probe(), files: probe.files)
  }

  static func chosen(_ requests: [String], facts: ImplicitPackages) throws -> Resolution {
    return try Resolution.resolving(
      try requests.map { try PackageRequirement(parsing: $0) },
      source: CatalogueSource(try VariantTests.catalogue()), implicits: facts)
  }

  @Test func theProbeGivesGPUAndTheDriversCUDA() {
    let gpu = Self.facts("nvidia-one")
    #expect(
      gpu.facts.map { "\($0.name) \($0.version)" } == [
        "gpu 1", "cuda_driver 12.4", "platform linux", "arch x86_64", "os Ubuntu-22.04",
      ])
    #expect(gpu.facts[1].source == "/sys/module/nvidia/version (driver 550.54.14)")
    // Versions that are not numbers cannot be written in Lifeblood's syntax.
    #expect(gpu.requests.map(\.description) == ["~gpu ==1", "~cuda_driver ==12.4"])
    // A fixture tree is not this machine: its C library is not the running process's.
    #expect(
      Self.facts("no-gpu").facts.map { "\($0.name) \($0.version)" } == [
        "gpu 0", "platform linux", "arch aarch64", "os debian-12",
      ])
  }

  @Test func platformArchAndOSFollowRezsDefaultImplicitPackages() {
    // lsb-release first, as rez reads it first; os-release otherwise.
    let ubuntu = MachineIdentity(ProbeFileSystem(root: "\(ProbeFixture.folder)/nvidia-one"))
    #expect(ubuntu.os?.value == "Ubuntu-22.04")
    #expect(ubuntu.os?.source == "/etc/lsb-release")
    #expect(ubuntu.arch?.source == "/proc/sys/kernel/arch")
    // A tree without them says only the platform: the running machine's are not its.
    let bare = MachineIdentity(ProbeFileSystem(root: "\(ProbeFixture.folder)/amd-apu"))
    #expect(bare.facts.map(\.name) == ["platform"])
    #expect(
      MachineIdentity.assignments("ID='rhel'\nVERSION_ID=\"9.4\"\n") == [
        "ID": "rhel", "VERSION_ID": "9.4",
      ])
  }

  /// Where `lsb_release` is installed, rez takes what it says before `/etc/os-release`:
  /// Debian's capitalises the distributor (`Debian-12`, where rez reads `debian-12` without
  /// it); flow works that out rather than running it.
  @Test func theOSIsWhatLsbReleaseWouldSayWhereItIsInstalled() throws {
    let tree = try TemporaryFolder()
    try tree.write("etc/os-release", "NAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"12\"\n")
    let plain = MachineIdentity(ProbeFileSystem(root: tree.path))
    #expect(plain.os?.value == "debian-12")
    try tree.write("usr/bin/lsb_release", "#!/bin/sh\n")
    let withTool = MachineIdentity(ProbeFileSystem(root: tree.path))
    #expect(withTool.os?.value == "Debian-12")
    #expect(withTool.os?.source == "/etc/os-release, as lsb_release gives it")
    #expect(MachineIdentity.lsbReleaseOS("NAME=Rocky\nID=rocky\n") == "Rocky-n/a")
    #expect(
      MachineIdentity.lsbReleaseOS("NAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID=9.3\n")
        == "Rocky-9.3")
  }

  @Test func aGPUMachineTakesTheGPUVariantAndACPUMachineTheOther() throws {
    let onGPU = try Self.chosen(["renderer"], facts: Self.facts("nvidia-one"))
    #expect(
      onGPU.packages.map { "\($0.name) \($0.candidateKey)" } == [
        "renderer 2.0.0[0]", "gpu 1", "cuda_driver 12.4",
      ])
    #expect(onGPU.packages[1].definedAt.hasPrefix("implicit: "))
    // The facts are weak requests behind the scenes, not the stage's requirements.
    #expect(onGPU.stageResolution().requirements == ["renderer"])
    let onCPU = try Self.chosen(["renderer"], facts: Self.facts("no-gpu"))
    #expect(onCPU.packages.map { "\($0.name) \($0.candidateKey)" } == ["renderer 2.0.0[1]"])
    let because = try #require(onCPU.stageResolution(explain: true).packages[0].because)
    #expect(
      because.contains(
        "variant 0 not chosen: it requires gpu 1, which the request ~gpu ==0 rules out"))
  }

  @Test func anOldDriverRulesTheGPUVariantOut() throws {
    let old = ImplicitPackages(facts: [
      .init(name: "gpu", version: "1", source: "test"),
      .init(name: "cuda_driver", version: "11.8", source: "test"),
    ])
    let resolution = try Self.chosen(["renderer"], facts: old)
    #expect(resolution.packages.map(\.candidateKey) == ["2.0.0[1]"])
  }

  @Test func stagesOnOtherExecutorsOrPlannedWithoutAGPUGetTheirOwnFacts() {
    let facts = Self.facts("nvidia-one")
    var stage = Stage(name: "render")
    #expect(facts.forStage(stage)?.facts == facts.facts)
    stage.plan = StagePlan(device: "cpu")
    #expect(facts.forStage(stage)?.facts.first?.version == "0")
    stage.environment.executor = .slurm
    #expect(facts.forStage(stage) == nil)
  }

  @Test func aPipeDocumentChoosesPerStage() throws {
    let document = try JSONCodec.decode(
      Array(
        """
        {"flow": 1, "source": "w.yaml", "stages": [
          {"name": "gpu", "environment": {"requirements": [{"package": "renderer", "spec": ""}]}},
          {"name": "cpu", "environment": {"requirements": [{"package": "renderer", "spec": ""}]},
           "plan": {"device": "cpu"}}
        ]}
        """.utf8))
    var workflow = try Workflow(document: document, file: "w.json")
    var resolution = PipeResolution(source: CatalogueSource(try VariantTests.catalogue()))
    resolution.implicits = Self.facts("nvidia-one")
    #expect(try resolution.annotate(&workflow) == 2)
    #expect(workflow.stages.map { $0.resolution?.packages.first?.variant } == [0, 1])
  }
}
