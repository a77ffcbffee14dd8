/// Where a stage's work runs.
public enum ProcessOn: String, Sendable, Hashable, CaseIterable {
  case cpu
  case gpu
  /// A GPU when one is there, else the CPU.
  case gpuIfAvailable = "gpu_if_available"
}

/// What a stage needs of the machine. Unset fields take the global value, then the
/// defaults documented in flow-json(5): 1 CPU, no memory reserved, no GPU, on the CPU.
public struct Resources: Sendable, Hashable {
  /// Bytes of memory reserved; 0 reserves none.
  public var memory: Int64?
  /// CPUs, possibly fractional.
  public var cpu: Double?
  /// Whole GPUs.
  public var gpu: Int?
  /// A share of one GPU, above 0 and below 1 (`gpu: 0.25`): stages with shares are packed
  /// together onto one device.
  public var gpuFraction: Double?
  /// Bytes of one GPU's memory (`gpu_memory: 20Gi`): a share of one device as large as
  /// this part of its memory.
  public var gpuMemory: Int64?
  public var processOn: ProcessOn?
  /// Site-rationed things by name (`houdini_license: 1`), in the order written.
  public var counters: [(name: String, amount: Int64)]

  public init(
    memory: Int64? = nil, cpu: Double? = nil, gpu: Int? = nil, processOn: ProcessOn? = nil,
    counters: [(name: String, amount: Int64)] = []
  ) {
    self.memory = memory
    self.cpu = cpu
    self.gpu = gpu
    self.processOn = processOn
    self.counters = counters
  }

  public static func == (left: Resources, right: Resources) -> Bool {
    left.memory == right.memory && left.cpu == right.cpu && left.gpu == right.gpu
      && left.gpuFraction == right.gpuFraction && left.gpuMemory == right.gpuMemory
      && left.processOn == right.processOn
      && left.counters.map(\.name) == right.counters.map(\.name)
      && left.counters.map(\.amount) == right.counters.map(\.amount)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(memory)
    hasher.combine(cpu)
    hasher.combine(gpu)
    hasher.combine(gpuFraction)
    hasher.combine(gpuMemory)
    hasher.combine(processOn)
    for counter in counters {
      hasher.combine(counter.name)
      hasher.combine(counter.amount)
    }
  }

  /// These resources with every unset field taken from `defaults`; counters merge by
  /// name, the stage's own first.
  public func overlaying(_ defaults: Resources) -> Resources {
    var result = Resources(
      memory: memory ?? defaults.memory, cpu: cpu ?? defaults.cpu, gpu: gpu ?? defaults.gpu,
      processOn: processOn ?? defaults.processOn, counters: counters)
    // A stage that says how much GPU it wants takes none of the global GPU amounts.
    if asksForGPU {
      result.gpu = gpu
      result.gpuFraction = gpuFraction
      result.gpuMemory = gpuMemory
    } else {
      result.gpuFraction = defaults.gpuFraction
      result.gpuMemory = defaults.gpuMemory
    }
    for counter in defaults.counters where !counters.contains(where: { $0.name == counter.name }) {
      result.counters.append(counter)
    }
    return result
  }

  /// Every field set: what the document carries for each stage.
  public var completed: Resources {
    let placement = processOn ?? .cpu
    let gpus = gpu ?? (placement == .cpu || sharesAGPU ? 0 : 1)
    var result = Resources(
      memory: memory ?? 0, cpu: cpu ?? 1, gpu: gpus, processOn: placement, counters: counters)
    result.gpuFraction = gpuFraction
    result.gpuMemory = gpuMemory
    return result
  }

  /// Whether a share of one GPU is asked for, by fraction or by memory.
  public var sharesAGPU: Bool {
    (gpuFraction ?? 0) > 0 || (gpuMemory ?? 0) > 0
  }

  /// Whether any GPU amount is set: whole GPUs, a fraction or memory.
  var asksForGPU: Bool { gpu != nil || gpuFraction != nil || gpuMemory != nil }
}
