import Testing

@testable import FlowCore

@Suite struct SlurmPartitionCapacityTests {
  let capacity = SlurmPartitionCapacity(
    sinfo: """
      login1|debug*|2|2000|(null)
      gpu01|gpu|32|256000|gpu:a100:4(S:0-1),shard:8
      gpu02|gpu|32|256000|gpu:2,gpu:v100:1
      broken line
      """)

  func stage(cpu: Double = 1, memory: Int64 = 0, gpu: Int = 0) -> StageLaunch {
    StageLaunch(
      name: "train", demand: StageDemand(cpu: cpu, memory: memory, gpu: gpu), logPath: "/l",
      command: { _ in ([], [:]) })
  }

  @Test func readsNodesPartitionsAndGPUsFromSinfo() {
    #expect(capacity.nodes.map(\.name) == ["login1", "gpu01", "gpu02"])
    #expect(capacity.nodes.map(\.gpus) == [0, 4, 3])
    #expect(capacity.nodes[0].isDefault && capacity.nodes[0].partition == "debug")
    #expect(capacity.nodes[1].memory == 256_000)
  }

  @Test func aStageFittingNoNodeOfItsPartitionIsRefusedWithTheNumbers() {
    #expect(capacity.refusal(stage(cpu: 8, gpu: 2), partition: "gpu") == nil)
    // The default partition when none is chosen: the login-sized debug nodes.
    #expect(
      capacity.refusal(stage(cpu: 4, memory: 8 << 30, gpu: 2), partition: nil)
        == "it needs 4 cpu, 8192 MiB and 2 gpu, which no node of Slurm partition 'debug' has"
        + " (login1: 2 cpu, 2000 MiB, 0 gpu)")
    #expect(
      capacity.refusal(stage(gpu: 5), partition: "gpu")?.contains(
        "gpu01: 32 cpu, 256000 MiB, 4 gpu; gpu02: 32 cpu, 256000 MiB, 3 gpu") == true)
    // A partition sinfo does not list is left to sbatch.
    #expect(capacity.refusal(stage(gpu: 5), partition: "other") == nil)
  }
}
