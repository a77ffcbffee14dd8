/// Stages checked and turned into numbers: durations, a demand row per stage over the
/// resources (cpu, memory, gpu, then named counters in name order), a capacity row, and
/// the dependency graph as successor and predecessor lists in topological order.
public struct PlanProblem: Sendable {
  public let names: [String]
  public let durations: [Double]
  public let durationSources: [DurationSource]
  public let resourceNames: [String]
  public let capacity: [Double]
  /// `demand[stage * resourceCount + resource]`.
  public let demand: [Double]
  public let successors: [[Int]]
  public let predecessors: [[Int]]
  /// Stages with every predecessor first.
  public let topologicalOrder: [Int]
  /// Whether each stage runs on a GPU.
  public let onGPU: [Bool]
  /// Lowercase sentences about choices made (GPU fallback).
  public let notes: [String]

  public var count: Int { names.count }
  public var resourceCount: Int { resourceNames.count }
  public static let gpuResource = 2

  public func demand(_ stage: Int, _ resource: Int) -> Double {
    demand[stage * resourceNames.count + resource]
  }

  /// `wholeGPUs` gives each stage that asks for a share of a GPU a whole one instead.
  public init(
    stages: [PlanStage], capacity: PlanCapacity, history: DurationHistory = DurationHistory(),
    wholeGPUs: Bool = false
  ) throws(PlanError) {
    var index: [String: Int] = [:]
    for (position, stage) in stages.enumerated() {
      guard index.updateValue(position, forKey: stage.name) == nil else {
        throw .duplicateStage(stage.name)
      }
    }
    var counterNames = Set<String>()
    for stage in stages { counterNames.formUnion(stage.demand.counters.keys) }
    let counters = counterNames.sorted()
    for counter in counters where capacity.counters[counter] == nil {
      let users = stages.filter { $0.demand.counters[counter] != nil }.map(\.name)
      throw .counterWithoutCapacity(counter: counter, stages: users)
    }
    let resourceNames = ["cpu", "memory", "gpu"] + counters
    let capacityRow =
      [capacity.cpu, Double(capacity.memory), Double(capacity.gpuIDs.count)]
      + counters.map { Double(capacity.counters[$0]!) }
    let hasGPU = !capacity.gpuIDs.isEmpty

    var durations: [Double] = []
    var sources: [DurationSource] = []
    var demand: [Double] = []
    var onGPU: [Bool] = []
    var notes: [String] = []
    var successors = [[Int]](repeating: [], count: stages.count)
    var predecessors = [[Int]](repeating: [], count: stages.count)
    durations.reserveCapacity(stages.count)
    demand.reserveCapacity(stages.count * resourceNames.count)
    for (position, stage) in stages.enumerated() {
      if let estimate = stage.duration {
        durations.append(estimate)
        sources.append(.estimate)
      } else if let recorded = history.seconds[stage.name] {
        durations.append(recorded)
        sources.append(.history)
      } else {
        durations.append(1)
        sources.append(.unit)
      }
      guard durations[position].isFinite, durations[position] >= 0 else {
        throw .invalidDuration(stage: stage.name, value: durations[position])
      }
      var gpus = Double(stage.demand.gpu)
      if gpus == 0, stage.processOn != .gpuIfAvailable || hasGPU {
        gpus = try Self.share(of: stage, capacity: capacity, whole: wholeGPUs)
      }
      switch stage.processOn {
      case .gpu:
        guard hasGPU else { throw .gpuRequired(stage: stage.name) }
        if gpus == 0 { gpus = 1 }
      case .gpuIfAvailable where hasGPU:
        if gpus == 0 { gpus = 1 }
      case .gpuIfAvailable:
        gpus = 0
        notes.append(
          "stage '\(stage.name)' runs on the cpu: no gpu is available (gpu_if_available)")
      case .cpu:
        break
      }
      onGPU.append(gpus > 0)
      let cpu = capacity.cpuGranted(to: stage.demand.cpu)
      if cpu < stage.demand.cpu {
        notes.append(
          "stage '\(stage.name)' asks \(Self.format(stage.demand.cpu, resource: "cpu")) cpu"
            + " but only \(Self.format(cpu, resource: "cpu")) is available: it runs on"
            + " \(Self.format(cpu, resource: "cpu")), slower")
      }
      let row =
        [cpu, Double(stage.demand.memory), gpus]
        + counters.map { Double(stage.demand.counters[$0] ?? 0) }
      for (resource, amount) in row.enumerated() {
        guard amount.isFinite, amount >= 0 else {
          throw .invalidDemand(stage: stage.name, resource: resourceNames[resource])
        }
        if amount > capacityRow[resource] {
          throw .neverFits(
            stage: stage.name, resource: resourceNames[resource],
            demand: Self.format(amount, resource: resourceNames[resource]),
            capacity: Self.format(capacityRow[resource], resource: resourceNames[resource]))
        }
      }
      demand += row
      for need in stage.needs {
        guard let predecessor = index[need] else {
          throw .unknownNeed(stage: stage.name, need: need)
        }
        successors[predecessor].append(position)
        predecessors[position].append(predecessor)
      }
    }
    self.names = stages.map(\.name)
    self.durations = durations
    self.durationSources = sources
    self.resourceNames = resourceNames
    self.capacity = capacityRow
    self.demand = demand
    self.successors = successors
    self.predecessors = predecessors
    self.onGPU = onGPU
    self.notes = notes
    self.topologicalOrder = try Self.topologicalOrder(
      names: self.names, successors: successors, predecessors: predecessors)
  }

  /// The part of one device a stage holds when it asks for a share (`GPUShare.held`), 1
  /// with `whole`, else 0. Memory is a share of the smallest device, so the share fits
  /// whichever device the stage is given.
  private static func share(of stage: PlanStage, capacity: PlanCapacity, whole: Bool)
    throws(PlanError) -> Double
  {
    var fraction = stage.demand.gpuFraction
    if fraction <= 0, stage.demand.gpuMemory > 0, !capacity.gpuIDs.isEmpty {
      let sizes = capacity.gpuIDs.map { capacity.gpuMemory[$0] }
      if let unknown = capacity.gpuIDs.first(where: { capacity.gpuMemory[$0] == nil }) {
        throw .gpuMemoryUnknown(stage: stage.name, gpu: unknown)
      }
      let smallest = sizes.compactMap { $0 }.min()!
      guard stage.demand.gpuMemory <= smallest else {
        throw .neverFits(
          stage: stage.name, resource: "gpu memory",
          demand: ByteCount.describe(stage.demand.gpuMemory),
          capacity: ByteCount.describe(smallest) + " on one gpu")
      }
      fraction = Double(stage.demand.gpuMemory) / Double(smallest)
    } else if fraction <= 0, stage.demand.gpuMemory > 0 {
      fraction = 1
    }
    guard fraction > 0 else { return 0 }
    return whole ? 1 : GPUShare.held(fraction: fraction)
  }

  private static func format(_ amount: Double, resource: String) -> String {
    // A stage built by hand (not read) may ask for more than an Int64 holds.
    if resource == "memory", amount < 9e18 { return ByteCount.describe(Int64(amount)) }
    return QuantityLimit.text(amount)
  }

  /// Kahn's order; when stages are left over, the cycle among them, walked from one.
  private static func topologicalOrder(
    names: [String], successors: [[Int]], predecessors: [[Int]]
  ) throws(PlanError) -> [Int] {
    var remaining = predecessors.map(\.count)
    var order = remaining.indices.filter { remaining[$0] == 0 }
    order.reserveCapacity(names.count)
    var next = 0
    while next < order.count {
      for successor in successors[order[next]] {
        remaining[successor] -= 1
        if remaining[successor] == 0 { order.append(successor) }
      }
      next += 1
    }
    guard order.count < names.count else { return order }
    // Every stage left has a predecessor left; walking back through them must repeat.
    var seenAt: [Int: Int] = [:]
    var path: [Int] = []
    var stage = remaining.firstIndex(where: { $0 > 0 })!
    while seenAt[stage] == nil {
      seenAt[stage] = path.count
      path.append(stage)
      stage = predecessors[stage].first(where: { remaining[$0] > 0 })!
    }
    var loop = Array(path[seenAt[stage]!...].reversed())
    // Told from the stage written first in the workflow.
    let first = loop.indices.min { loop[$0] < loop[$1] }!
    loop = Array(loop[first...] + loop[..<first])
    throw .cycle((loop + [loop[0]]).map { names[$0] })
  }
}

/// Byte counts written for people: `512 MiB`, `8 GiB`.
enum ByteCount {
  static func describe(_ bytes: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    let rounded = (value * 10).rounded() / 10
    let text = rounded.rounded() == rounded ? String(Int64(rounded)) : String(rounded)
    return "\(text) \(units[unit])"
  }
}
