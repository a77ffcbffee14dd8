import ArgumentParser
import FlowCore

/// The capacity to plan and run for, laid over what the probe finds; flow-sched and
/// flow-exec share these options, so they read and check them the same way.
public struct CapacityOptions: ParsableArguments {
  @Option(help: "CPUs to plan for, instead of the probed ones.")
  public var cpus: Double?

  @Option(help: "Memory to plan for (8Gi, 16G, bytes), instead of the probed amount.")
  public var memory: String?

  @Option(help: "GPUs to plan for: a count, or ids separated by commas.")
  public var gpus: String?

  @Option(
    name: .customLong("resource"),
    help: ArgumentHelp("Capacity of a named counter; repeatable.", valueName: "NAME=N"))
  public var resources: [String] = []

  public init() {}

  /// Whether CPUs, memory and GPUs are all given, so the probe is not needed for them.
  public var replacesProbe: Bool { cpus != nil && memory != nil && gpus != nil }

  /// The probed capacity (one CPU and no memory without a probe) with the options laid
  /// over it. A GPU count takes the probed GPUs first, then numbers the rest.
  public func capacity(over machine: MachineDescription?) throws(CommandFailure) -> PlanCapacity {
    var capacity = machine.map(PlanCapacity.init(machine:)) ?? PlanCapacity(cpu: 1, memory: 0)
    if let cpus {
      if let problem = NumberOption.problem(
        cpus, "--cpus", from: 0, upTo: NumberOption.mostCPUs, lowestExcluded: true)
      {
        throw CommandFailure(problem, status: .usage)
      }
      capacity.cpu = cpus
    }
    if let memory {
      guard let bytes = Quantity.bytes(memory) else {
        throw CommandFailure(
          "--memory: '\(memory)' is not an amount of memory (8Gi, 512M)", status: .usage)
      }
      capacity.memory = bytes
    }
    if let gpus {
      if let count = Int(gpus) {
        if let problem = NumberOption.problem(count, "--gpus", in: 0...NumberOption.mostGPUs) {
          throw CommandFailure(problem, status: .usage)
        }
        let probed = machine?.gpus.map(\.id) ?? []
        capacity.gpuIDs =
          probed.count >= count ? Array(probed.prefix(count)) : (0..<count).map(String.init)
      } else {
        capacity.gpuIDs = gpus.split(separator: ",").map { String($0.filter { $0 != " " }) }
      }
    }
    for assignment in resources {
      guard let counter = PlanCapacity.counterAssignment(assignment),
        counter.amount <= QuantityLimit.maximumCounter
      else {
        throw CommandFailure(
          "--resource: expected NAME=N with a whole N from 0 to \(QuantityLimit.maximumCounter),"
            + " got '\(assignment)'", status: .usage)
      }
      capacity.counters[counter.name] = counter.amount
    }
    return capacity
  }
}
