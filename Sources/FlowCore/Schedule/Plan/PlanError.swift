/// Why a set of stages cannot be planned.
public enum PlanError: ToolFailure, Equatable, Sendable {
  case duplicateStage(String)
  case unknownNeed(stage: String, need: String)
  /// The stages of a cycle in order, the first repeated at the end.
  case cycle([String])
  case neverFits(stage: String, resource: String, demand: String, capacity: String)
  case gpuRequired(stage: String)
  /// A stage asks for `gpu_memory` and the memory of this GPU is not known.
  case gpuMemoryUnknown(stage: String, gpu: String)
  case counterWithoutCapacity(counter: String, stages: [String])
  case invalidDuration(stage: String, value: Double)
  case invalidDemand(stage: String, resource: String)

  /// 64 for a named counter the command line gave no capacity for, else 65.
  public var exitStatus: ExitStatus {
    if case .counterWithoutCapacity = self { return .usage }
    return .dataError
  }

  public var description: String {
    switch self {
    case .duplicateStage(let name):
      return "stage '\(name)' is defined twice"
    case .unknownNeed(let stage, let need):
      return "stage '\(stage)' needs unknown stage '\(need)'"
    case .cycle(let path):
      return "stages depend on each other in a cycle: "
        + path.map { "'\($0)'" }.joined(separator: " -> ")
    case .neverFits(let stage, let resource, let demand, let capacity):
      return
        "stage '\(stage)' can never run: it needs \(demand) \(resource) but only \(capacity) is available"
    case .gpuRequired(let stage):
      return "stage '\(stage)' must run on a gpu (process_on: gpu) but no gpu is available"
    case .gpuMemoryUnknown(let stage, let gpu):
      return
        "stage '\(stage)' asks for gpu_memory but the memory of gpu \(gpu) is unknown "
        + "(nvidia-smi told none); ask for a share of one gpu instead, like gpu: 0.25"
    case .counterWithoutCapacity(let counter, let stages):
      let names = ListedText.listed(stages.lazy.map { "'\($0)'" }, atMost: 5)
      return
        "resource '\(counter)' has no capacity (give --resource \(counter)=N); used by \(names)"
    case .invalidDuration(let stage, let value):
      return "stage '\(stage)' has an invalid duration \(value)"
    case .invalidDemand(let stage, let resource):
      return "stage '\(stage)' asks for a negative or invalid amount of \(resource)"
    }
  }
}
