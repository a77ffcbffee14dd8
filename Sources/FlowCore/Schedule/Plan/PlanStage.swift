/// What a stage holds while it runs.
public struct StageDemand: Sendable, Equatable {
  public var cpu: Double
  public var memory: Int64
  public var gpu: Int
  /// A share of one GPU below 1, packed with others on one device (`gpu: 0.25`).
  public var gpuFraction: Double = 0
  /// Bytes of one GPU's memory, a share of the device by memory (`gpu_memory: 20Gi`).
  public var gpuMemory: Int64 = 0
  /// Named counters (licences, database connections), by name.
  public var counters: [String: Int64]

  public init(cpu: Double = 1, memory: Int64 = 0, gpu: Int = 0, counters: [String: Int64] = [:]) {
    self.cpu = cpu
    self.memory = memory
    self.gpu = gpu
    self.counters = counters
  }
}

/// A stage as the planner sees it.
public struct PlanStage: Sendable, Equatable {
  public var name: String
  public var needs: [String]
  /// The stage's own estimate in seconds, when the workflow gives one.
  public var duration: Double?
  public var demand: StageDemand
  public var processOn: ProcessOn

  public init(
    name: String, needs: [String] = [], duration: Double? = nil,
    demand: StageDemand = StageDemand(),
    processOn: ProcessOn = .cpu
  ) {
    self.name = name
    self.needs = needs
    self.duration = duration
    self.demand = demand
    self.processOn = processOn
  }
}

/// What the machine lets stages use at once.
public struct PlanCapacity: Sendable, Equatable {
  public var cpu: Double
  public var memory: Int64
  /// The GPU ids handed out to stages; their number is the GPU capacity.
  public var gpuIDs: [String]
  public var counters: [String: Int64]
  /// Each GPU's memory in bytes, by id, where known: what `gpu_memory` shares are of.
  public var gpuMemory: [String: Int64] = [:]

  public init(cpu: Double, memory: Int64, gpuIDs: [String] = [], counters: [String: Int64] = [:]) {
    self.cpu = cpu
    self.memory = memory
    self.gpuIDs = gpuIDs
    self.counters = counters
  }

  /// The CPUs a stage asking `demand` is given: all it asks, or the whole machine when it
  /// asks more. CPUs are shared in time, so a stage asking 4 on a 2-CPU machine runs there,
  /// slower (as Snakemake scales `threads` down to `--cores`); memory, GPUs and counters
  /// cannot be stretched, so a stage asking more of them than there is can never run.
  public func cpuGranted(to demand: Double) -> Double { min(demand, cpu) }

  /// The capacity the probe found: usable CPUs, usable memory and visible GPUs.
  public init(machine: MachineDescription) {
    self.init(
      cpu: machine.usableCPUs.value, memory: machine.usableMemory?.value ?? Int64.max,
      gpuIDs: machine.gpus.map(\.id))
    for gpu in machine.gpus {
      if let bytes = gpu.memoryBytes { gpuMemory[gpu.id] = bytes }
    }
  }
}
