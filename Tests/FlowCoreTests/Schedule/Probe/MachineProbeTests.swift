import Testing

@testable import FlowCore

/// The fake machine trees in `Tests/Fixtures/probe/`.
enum ProbeFixture {
  static let folder: String = {
    var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    components.removeLast(4)
    return components.joined(separator: "/") + "/Fixtures/probe"
  }()

  static func probe(
    _ tree: String, _ environment: EnvironmentMap = [:], tools: Bool = false
  ) -> MachineDescription {
    var variables = environment
    variables["FLOW_PROBE_ROOT"] = "\(folder)/\(tree)"
    if tools { variables["PATH"] = "\(folder)/bin:/usr/bin:/bin" }
    return MachineProbe(environment: variables, queriesTools: tools, toolTimeout: 1).probe()
  }
}

@Suite struct MachineProbeTests {
  @Test func machineWithoutGPUHasCPUsMemoryAndNoGPU() {
    let machine = ProbeFixture.probe("no-gpu")
    #expect(machine.usableCPUs == ProbeFact(8, from: "/proc/self/status Cpus_allowed_list"))
    #expect(machine.onlineCPUs?.value == 8)
    #expect(machine.cpuQuota == nil)
    #expect(
      machine.usableMemory
        == ProbeFact(Int64(32_768_000) * 1024, from: "/proc/meminfo MemAvailable"))
    #expect(machine.totalMemory?.value == Int64(65_536_000) * 1024)
    #expect(machine.gpus.isEmpty)
    #expect(machine.notes.isEmpty)
  }

  @Test func oneNvidiaGPUFromTheDriverProcEntry() throws {
    let machine = ProbeFixture.probe("nvidia-one")
    try #require(machine.gpus.count == 1)
    let gpu = machine.gpus[0]
    #expect(gpu.vendor == .nvidia)
    #expect(gpu.id == "0")
    #expect(gpu.uuid == "GPU-6f1e2c4a-0d6b-4c7e-9a51-1f0b6de2a7a1")
    #expect(gpu.name == "Tesla V100-SXM2-16GB")
    #expect(gpu.pciBusID == "0000:3b:00.0")
    #expect(gpu.sources == ["/proc/driver/nvidia/gpus/0000:3b:00.0/information"])
  }

  @Test func deviceNodesCountWhenTheProcEntryIsMissing() {
    let machine = ProbeFixture.probe("nvidia-dev-only")
    #expect(machine.gpus.map(\.id) == ["0", "1"])
    #expect(machine.gpus.map(\.sources) == [["/dev/nvidia0"], ["/dev/nvidia1"]])
  }

  @Test func cudaVisibleDevicesKeepsItsOrder() {
    let machine = ProbeFixture.probe("nvidia-four", ["CUDA_VISIBLE_DEVICES": "2,0"])
    #expect(machine.gpus.map(\.id) == ["2", "0"])
    #expect(machine.gpus.map(\.pciBusID) == ["0000:3d:00.0", "0000:1a:00.0"])
    #expect(machine.gpus.allSatisfy { $0.sources.last == "CUDA_VISIBLE_DEVICES" })
    #expect(machine.notes.isEmpty)
  }

  @Test(arguments: [
    ("0,2,-1,1", ["0", "2"]), ("", []), ("-1", []), ("1,7,2", ["1"]), ("3,3", ["3"]),
    (" 1 , 3 ", ["1", "3"]), ("GPU-00000003", ["3"]), ("GPU-0000000", []),
    ("GPU-00000001-aaaa-bbbb-cccc-000000000001,0", ["1", "0"]), ("all", []),
  ])
  func cudaVisibleDevicesStopsAtTheFirstInvalidEntry(value: String, expected: [String]) {
    let machine = ProbeFixture.probe("nvidia-four", ["CUDA_VISIBLE_DEVICES": value])
    #expect(machine.gpus.map(\.id) == expected)
  }

  @Test func cutListSaysWhatWasIgnored() {
    let machine = ProbeFixture.probe("nvidia-four", ["CUDA_VISIBLE_DEVICES": "0,2,-1,1"])
    #expect(
      machine.notes == [
        "CUDA_VISIBLE_DEVICES: entry '-1' names no visible device, so '-1,1' is ignored"
      ])
  }

  @Test(arguments: ["void", "none"])
  func nvidiaVisibleDevicesCanHideEveryNvidiaGPU(value: String) {
    let machine = ProbeFixture.probe("nvidia-four", ["NVIDIA_VISIBLE_DEVICES": value])
    #expect(machine.gpus.isEmpty)
    #expect(machine.notes == ["NVIDIA_VISIBLE_DEVICES=\(value): no nvidia gpu is visible"])
  }

  @Test func migInstancesAreTheDevices() {
    let machine = ProbeFixture.probe("nvidia-mig")
    let parent = "GPU-5c1a2b3c-1111-2222-3333-444455556666"
    #expect(machine.gpus.map(\.id) == ["MIG-\(parent)/1/0", "MIG-\(parent)/2/0"])
    #expect(machine.gpus.allSatisfy { $0.migParent == parent && $0.uuid == nil })
    #expect(machine.gpus[1].sources.last == "/proc/driver/nvidia/capabilities/gpu0/mig/gi2/ci0")
  }

  @Test func cudaVisibleDevicesSelectsOneMIGInstance() {
    let parent = "GPU-5c1a2b3c-1111-2222-3333-444455556666"
    let selected = ProbeFixture.probe("nvidia-mig", ["CUDA_VISIBLE_DEVICES": "MIG-\(parent)/2/0"])
    #expect(selected.gpus.map(\.id) == ["MIG-\(parent)/2/0"])
    let wholeGPU = ProbeFixture.probe("nvidia-mig", ["CUDA_VISIBLE_DEVICES": "GPU-5c1a"])
    #expect(wholeGPU.gpus.count == 2)
  }

  @Test func mi300xIsAProcessingAcceleratorWithKFDNodes() throws {
    let machine = ProbeFixture.probe("amd-mi300x")
    try #require(machine.gpus.count == 2)
    #expect(machine.gpus.map(\.vendor) == [.amd, .amd])
    #expect(machine.gpus.map(\.id) == ["0", "1"])
    #expect(machine.gpus.map(\.pciBusID) == ["0000:0c:00.0", "0000:22:00.0"])
    #expect(machine.gpus[0].name == "gfx904")
    #expect(machine.gpus[0].memoryBytes == 206_158_430_208)
    #expect(machine.gpus[0].minor == 128)
    #expect(
      machine.gpus[0].sources.prefix(2) == [
        "/dev/kfd", "/sys/class/kfd/kfd/topology/nodes/1/properties",
      ])
    #expect(machine.usableCPUs.value == 96)
  }

  @Test func rocrThenHIPVisibleDevices() {
    let machine = ProbeFixture.probe(
      "amd-mi300x", ["ROCR_VISIBLE_DEVICES": "1,0", "HIP_VISIBLE_DEVICES": "1"])
    #expect(machine.gpus.map(\.id) == ["0"])
    #expect(machine.gpus[0].sources.suffix(2) == ["ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES"])
  }

  @Test func consumerAMDCardCounts() {
    let machine = ProbeFixture.probe("amd-consumer")
    #expect(machine.gpus.map(\.vendor) == [.amd])
    #expect(machine.gpus.first?.name == "gfx1100")
    #expect(machine.gpus.first?.uuid == nil)
  }

  @Test func integratedAMDGPUIsNotForCompute() {
    let machine = ProbeFixture.probe("amd-apu")
    #expect(machine.gpus.isEmpty)
    #expect(
      machine.notes == ["kfd node 0 is an integrated gpu (it has cpu cores): not used for compute"])
  }

  @Test func intelIntegratedGraphicsIsNotAComputeGPU() {
    let machine = ProbeFixture.probe("intel-igpu")
    #expect(machine.gpus.isEmpty)
    #expect(
      machine.notes == [
        "/sys/bus/pci/devices/0000:00:02.0 (intel, i915) is a display adapter, not a compute gpu"
      ])
  }

  @Test func cgroupVersion2QuotaAndMemoryLimit() {
    let machine = ProbeFixture.probe("cgroup-v2-container")
    #expect(machine.affinityCPUs?.value == 16)
    #expect(machine.cpuQuota == ProbeFact(1.5, from: "/sys/fs/cgroup/cpu.max"))
    #expect(machine.usableCPUs.value == 1.5)
    #expect(machine.memoryLimit == ProbeFact(4_294_967_296, from: "/sys/fs/cgroup/memory.max"))
    #expect(machine.usableMemory?.value == 3_221_225_472)
  }

  @Test func cgroupVersion1QuotaAndMemoryLimitTakeTheTightestLevel() {
    let machine = ProbeFixture.probe("cgroup-v1-container")
    #expect(
      machine.cpuQuota
        == ProbeFact(2, from: "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us"))
    #expect(machine.usableCPUs.value == 2)
    #expect(machine.memoryLimit?.value == 2_147_483_648)
    #expect(machine.usableMemory?.value == 1_610_612_736)
  }

  @Test func nvidiaSMIAddsDetailToKnownGPUs() {
    let machine = ProbeFixture.probe("nvidia-four", ["CUDA_VISIBLE_DEVICES": "3"], tools: true)
    #expect(machine.gpus.map(\.id) == ["3"])
    #expect(machine.gpus[0].memoryBytes == Int64(16384) * 1024 * 1024)
    #expect(machine.gpus[0].sources.contains("nvidia-smi"))
  }

  @Test func nvidiaSMIFailureOnlyLosesDetail() {
    let machine = ProbeFixture.probe("nvidia-one", tools: true)
    #expect(machine.gpus.count == 1)
    #expect(machine.gpus[0].memoryBytes == nil)
    #expect(machine.notes == ["nvidia-smi failed with status 9: gpu details are missing"])
  }

  @Test func slowNvidiaSMIIsStopped() {
    let machine = ProbeFixture.probe("nvidia-four", ["FAKE_NVIDIA_SMI_SLEEP": "30"], tools: true)
    #expect(machine.gpus.count == 4)
    #expect(machine.notes == ["nvidia-smi took longer than 1.0 s: gpu details are missing"])
  }

  @Test func rocmSMIAddsNamesToKFDDevices() {
    let machine = ProbeFixture.probe("amd-mi300x", tools: true)
    #expect(machine.gpus.map(\.name) == ["AMD Instinct MI300X", "AMD Instinct MI300X"])
    #expect(machine.gpus.map(\.memoryBytes) == [206_158_430_208, 206_158_430_208])
    #expect(machine.gpus.allSatisfy { $0.sources.last == "rocm-smi" })
    #expect(machine.notes.isEmpty)
  }

  @Test func rocmSMIFailureOnlyLosesDetail() {
    let machine = ProbeFixture.probe("amd-consumer", tools: true)
    #expect(machine.gpus.map(\.name) == ["gfx1100"])
    #expect(machine.notes == ["rocm-smi failed with status 2: gpu details are missing"])
  }

  @Test func liveMachineReportsAtLeastOneCPU() {
    let machine = MachineProbe(environment: [:], queriesTools: false).probe()
    #expect(machine.usableCPUs.value >= 1)
    #expect(machine.affinityCPUs?.source == "sched_getaffinity")
  }

  @Test func jsonCarriesEachFactWithItsSource() {
    let machine = ProbeFixture.probe("cgroup-v2-container")
    let cpu = machine.jsonValue["cpu"]?["usable"]
    #expect(cpu?["value"] == .number(1.5))
    #expect(cpu?["source"] == .string("/sys/fs/cgroup/cpu.max"))
  }
}
