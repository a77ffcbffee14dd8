/// What a stage holds while it runs.
public struct StageDemand: Sendable, Equatable {
  public var cpu: Double
  public var memory: Int64
  public var gpu: Int
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

  public init(cpu: Double, memory: Int64, gpuIDs: [String] = [], counters: [String: Int64] = [:]) {
    self.cpu = cpu
    self.memory = memory
    self.gpuIDs = gpuIDs
    self.counters = counters
  }

  /// The capacity the probe found: usable CPUs, usable memory and visible GPUs.
  public init(machine: MachineDescription) {
    self.init(
      cpu: machine.usableCPUs.value, memory: machine.usableMemory?.value ?? Int64.max,
      gpuIDs: machine.gpus.map(\.id))
  }
}
