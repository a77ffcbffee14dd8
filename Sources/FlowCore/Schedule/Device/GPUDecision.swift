/// Why a stage got the GPUs it got, or none: what it asked, the visibility variables and
/// kernel evidence the GPUs came from, the driver, what the container engine can pass,
/// what the image needs, and the outcome with ids. Made for every stage that asks for a
/// GPU; written into the stage's `plan` and shown by `flow-sched --explain`.
public struct GPUDecision: Sendable, Equatable {
  public enum Outcome: String, Sendable {
    /// Runs with the GPUs in `gpuIDs`.
    case gpu
    /// Asked `gpu_if_available` and runs on the CPU, for `reason`.
    case cpu
    /// Cannot work: nothing starts, for `reason`.
    case refused
  }

  public var stage: String
  public var request: Resources
  /// The visibility variables set when the GPUs were probed, by name.
  public var visibility: [(name: String, value: String)]
  /// The GPUs stages may use, each with where it was found.
  public var devices: [GPUDevice]
  public var driver: NvidiaDriver?
  /// The engine that runs the stage's image and how it passes GPUs; nil without image.
  public var engine: String?
  /// The CDI specification the engine reads, with its driver, when it uses one.
  public var cdi: CDISpecification?
  public var image: String?
  /// What the image needs, or nil with `imageUnknown` saying why it is not known.
  public var imageRequirement: ImageCUDARequirement?
  public var imageUnknown: String?
  public var outcome: Outcome
  public var reason: String?
  public var gpuIDs: [String] = []

  public static func == (left: GPUDecision, right: GPUDecision) -> Bool {
    left.json == right.json
  }

  /// Whether a stage with these resources asks for a GPU at all.
  public static func asksForGPU(_ resources: Resources) -> Bool {
    let completed = resources.completed
    return completed.processOn != .cpu || (completed.gpu ?? 0) > 0 || completed.sharesAGPU
  }

  /// The visibility variables a record names when they are set.
  static let visibilityVariables = [
    "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "SLURM_JOB_GPUS", "SLURM_STEP_GPUS",
    "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL",
  ]

  /// The record as the stage's `plan.gpu_decision` holds it.
  public var json: JSONValue {
    let completed = request.completed
    var asked = JSONObject()
    asked["process_on"] = .string((completed.processOn ?? .cpu).rawValue)
    asked["gpu"] = completed.gpuDocument
    asked["gpu_memory"] = completed.gpuMemory.map(JSONValue.integer) ?? .null
    var found = JSONObject()
    for variable in visibility { found[variable.name] = .string(variable.value) }
    let evidence = devices.map { device -> JSONValue in
      var object = JSONObject()
      object["id"] = .string(device.id)
      object["name"] = device.name.map(JSONValue.string) ?? .null
      object["memory"] = device.memoryBytes.map(JSONValue.integer) ?? .null
      object["sources"] = .array(device.sources.map(JSONValue.string))
      return .object(object)
    }
    var driverObject: JSONValue = .null
    if let driver {
      driverObject = .object(
        JSONObject([
          ("version", .string(driver.version)),
          ("highest_cuda", driver.highestCUDA.map { .string($0.description) } ?? .null),
          ("source", .string(NvidiaDriver.versionFile)),
        ]))
    }
    var engineObject: JSONValue = .null
    if let engine {
      var object = JSONObject([("name", .string(engine))])
      if let cdi {
        object["cdi"] = .object(
          JSONObject([
            ("path", .string(cdi.path)),
            ("driver", cdi.driverVersion.map(JSONValue.string) ?? .null),
            ("matches", .bool(driver.map { cdi.staleness(against: $0) == nil } ?? true)),
          ]))
      }
      engineObject = .object(object)
    }
    var imageObject: JSONValue = .null
    if let image {
      var object = JSONObject([("name", .string(image))])
      if let imageRequirement {
        object["cuda"] = imageRequirement.cuda.map { .string($0.description) } ?? .null
        object["requirement"] = imageRequirement.requirement.map(JSONValue.string) ?? .null
        object["source"] = .string(imageRequirement.source)
      } else {
        object["cuda"] = .string(imageUnknown ?? "none asked")
      }
      imageObject = .object(object)
    }
    return .object(
      JSONObject([
        ("request", .object(asked)), ("visibility", .object(found)),
        ("evidence", .array(evidence)), ("driver", driverObject), ("engine", engineObject),
        ("image", imageObject), ("outcome", .string(outcome.rawValue)),
        ("reason", reason.map(JSONValue.string) ?? .null),
        ("gpu_ids", .array(gpuIDs.map(JSONValue.string))),
      ]))
  }

  /// The record for people, as `flow-sched --explain` prints it.
  public var text: String {
    let completed = request.completed
    var asked = ["process_on \((completed.processOn ?? .cpu).rawValue)"]
    if let memory = completed.gpuMemory, memory > 0 {
      asked.append("gpu_memory \(ByteCount.describe(memory))")
    } else if let fraction = completed.gpuFraction, fraction > 0 {
      asked.append("gpu \(fraction) (a share of one)")
    } else {
      asked.append("gpu \(completed.gpu ?? 0)")
    }
    var lines = ["stage \(stage)", "  request: " + asked.joined(separator: ", ")]
    let found = visibility.map { "\($0.name)=\($0.value)" }
    lines.append(
      "  visibility: " + (found.isEmpty ? "no variable set" : found.joined(separator: " ")))
    if devices.isEmpty { lines.append("  evidence: no usable gpu") }
    for device in devices {
      var facts = [device.name, device.memoryBytes.map(ByteCount.describe)].compactMap { $0 }
      facts.append("from " + device.sources.joined(separator: ", "))
      lines.append("  evidence: gpu \(device.id): " + facts.joined(separator: ", "))
    }
    if let driver {
      let cuda = driver.highestCUDA.map { "CUDA \($0) at most" } ?? "CUDA limit unknown"
      lines.append("  driver: \(driver.version), \(cuda) (\(NvidiaDriver.versionFile))")
    }
    if let engine {
      var line = "  engine: \(engine)"
      if let cdi {
        let matches = driver.map { cdi.staleness(against: $0) == nil } ?? true
        line +=
          ", CDI specification \(cdi.path) for driver \(cdi.driverVersion ?? "unknown")"
          + (matches ? "" : " (stale)")
      }
      lines.append(line)
    }
    if let image {
      if let imageRequirement {
        let needs = imageRequirement.requirement ?? imageRequirement.cuda.map { "cuda>=\($0)" }
        lines.append("  image: \(image) needs \(needs ?? "nothing") (\(imageRequirement.source))")
      } else {
        lines.append("  image: \(image), CUDA requirement \(imageUnknown ?? "none asked")")
      }
    }
    lines.append("  outcome: \(summary)")
    return lines.joined(separator: "\n") + "\n"
  }

  /// The outcome in a few words: `gpu 0,1`, `cpu: no gpu is available`.
  public var summary: String {
    var text = outcome.rawValue
    if outcome == .gpu { text += " " + gpuIDs.joined(separator: ",") }
    if let reason { text += ": \(reason)" }
    return text
  }
}
