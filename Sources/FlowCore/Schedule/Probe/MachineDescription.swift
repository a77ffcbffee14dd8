/// What the machine offers to stages: CPUs, memory and GPUs, each with its source.
public struct MachineDescription: Sendable, Equatable {
  /// CPUs the system has online.
  public var onlineCPUs: ProbeFact<Int>?
  /// CPUs in the process's affinity mask.
  public var affinityCPUs: ProbeFact<Int>?
  /// The cgroup CPU quota, in CPUs (may be fractional).
  public var cpuQuota: ProbeFact<Double>?
  /// The CPUs stages may use together: the tightest of the above.
  public var usableCPUs: ProbeFact<Double>

  public var totalMemory: ProbeFact<Int64>?
  public var availableMemory: ProbeFact<Int64>?
  public var memoryLimit: ProbeFact<Int64>?
  /// The memory stages may use together: the tightest of the above.
  public var usableMemory: ProbeFact<Int64>?

  /// GPUs stages may use, in the order their ids are handed out.
  public var gpus: [GPUDevice]
  /// Things seen and set aside, or that limited what was found (lowercase sentences).
  public var notes: [String]

  public init(
    onlineCPUs: ProbeFact<Int>? = nil, affinityCPUs: ProbeFact<Int>? = nil,
    cpuQuota: ProbeFact<Double>? = nil, usableCPUs: ProbeFact<Double>,
    totalMemory: ProbeFact<Int64>? = nil, availableMemory: ProbeFact<Int64>? = nil,
    memoryLimit: ProbeFact<Int64>? = nil, usableMemory: ProbeFact<Int64>? = nil,
    gpus: [GPUDevice] = [], notes: [String] = []
  ) {
    self.onlineCPUs = onlineCPUs
    self.affinityCPUs = affinityCPUs
    self.cpuQuota = cpuQuota
    self.usableCPUs = usableCPUs
    self.totalMemory = totalMemory
    self.availableMemory = availableMemory
    self.memoryLimit = memoryLimit
    self.usableMemory = usableMemory
    self.gpus = gpus
    self.notes = notes
  }
}

extension MachineDescription {
  /// The description as the `--probe` document shows it.
  public var jsonValue: JSONValue {
    func fact<V>(_ fact: ProbeFact<V>?, _ value: (V) -> JSONValue) -> JSONValue {
      guard let fact else { return .null }
      return .object(JSONObject([("value", value(fact.value)), ("source", .string(fact.source))]))
    }
    let integer = { (value: Int) in JSONValue.integer(Int64(value)) }
    let bytes = { (value: Int64) in JSONValue.integer(value) }
    let number = { (value: Double) in
      value.rounded() == value ? JSONValue.integer(Int64(value)) : JSONValue.number(value)
    }
    let cpu = JSONObject([
      ("usable", fact(usableCPUs, number)), ("online", fact(onlineCPUs, integer)),
      ("affinity", fact(affinityCPUs, integer)), ("quota", fact(cpuQuota, number)),
    ])
    let memory = JSONObject([
      ("usable", fact(usableMemory, bytes)), ("total", fact(totalMemory, bytes)),
      ("available", fact(availableMemory, bytes)), ("limit", fact(memoryLimit, bytes)),
    ])
    let devices = gpus.map { device -> JSONValue in
      var object = JSONObject()
      object["vendor"] = .string(device.vendor.rawValue)
      object["id"] = .string(device.id)
      object["variable"] = .string(device.vendor.visibilityVariable)
      object["hardware_index"] = .integer(Int64(device.hardwareIndex))
      object["uuid"] = device.uuid.map(JSONValue.string) ?? .null
      object["name"] = device.name.map(JSONValue.string) ?? .null
      object["memory"] = device.memoryBytes.map(JSONValue.integer) ?? .null
      object["pci_bus_id"] = device.pciBusID.map(JSONValue.string) ?? .null
      object["mig_parent"] = device.migParent.map(JSONValue.string) ?? .null
      object["sources"] = .array(device.sources.map(JSONValue.string))
      object["device_nodes"] = .array(device.deviceNodes.map(JSONValue.string))
      return .object(object)
    }
    return .object(
      JSONObject([
        ("cpu", .object(cpu)), ("memory", .object(memory)), ("gpus", .array(devices)),
        ("notes", .array(notes.map(JSONValue.string))),
      ]))
  }
}
