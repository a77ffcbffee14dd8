/// The probe's findings for a terminal: one fact per line with its source.
public enum MachineText {
  public static func render(_ machine: MachineDescription) -> String {
    func line<V>(_ label: String, _ fact: ProbeFact<V>?, _ show: (V) -> String) -> String {
      guard let fact else { return "" }
      return "\(label): \(show(fact.value))  (\(fact.source))\n"
    }
    let count = { (value: Double) in Seconds.describe(value) }
    var text = line("cpus usable", machine.usableCPUs, count)
    text += line("cpus online", machine.onlineCPUs, String.init)
    text += line("cpus in affinity mask", machine.affinityCPUs, String.init)
    text += line("cpu quota", machine.cpuQuota, count)
    text += line("memory usable", machine.usableMemory, ByteCount.describe)
    text += line("memory total", machine.totalMemory, ByteCount.describe)
    text += line("memory available", machine.availableMemory, ByteCount.describe)
    text += line("memory limit", machine.memoryLimit, ByteCount.describe)
    text += "gpus: \(machine.gpus.count)\n"
    for gpu in machine.gpus {
      var details = [gpu.vendor.rawValue, "\(gpu.vendor.visibilityVariable)=\(gpu.id)"]
      if let name = gpu.name { details.append(name) }
      if let memory = gpu.memoryBytes { details.append(ByteCount.describe(memory)) }
      if let bus = gpu.pciBusID { details.append(bus) }
      text +=
        "  gpu \(gpu.id): \(details.joined(separator: ", "))  (\(gpu.sources.joined(separator: ", ")))\n"
    }
    for note in machine.notes { text += "note: \(note)\n" }
    return text
  }
}
