import Glibc

/// Finds out what this machine lets stages use. It reads `/sys`, `/proc` and `/dev` below
/// a root (the option, else `FLOW_PROBE_ROOT`, else `/`) and takes the environment as a
/// value, so fixture trees and variables stand in for real hardware.
public struct MachineProbe: Sendable {
  public var files: ProbeFileSystem
  public var environment: EnvironmentMap
  /// Whether to ask `nvidia-smi` and `rocm-smi` for details (names, memory).
  public var queriesTools: Bool
  /// How long a detail tool may take, in seconds.
  public var toolTimeout: Double

  public init(
    root: String? = nil, environment: EnvironmentMap, queriesTools: Bool = true,
    toolTimeout: Double = 2
  ) {
    let chosen = root ?? environment["FLOW_PROBE_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "/"
    self.files = ProbeFileSystem(root: chosen)
    self.environment = environment
    self.queriesTools = queriesTools
    self.toolTimeout = toolTimeout
  }

  public func probe() -> MachineDescription {
    let cgroups = CgroupReader(files: files)
    var description = MachineDescription(usableCPUs: ProbeFact(1, from: "default"))
    description.onlineCPUs = onlineCPUs()
    description.affinityCPUs = affinityCPUs()
    description.cpuQuota = cgroups.cpuQuota()
    let counted = description.affinityCPUs ?? description.onlineCPUs
    var usable = counted.map { ProbeFact(Double($0.value), from: $0.source) }
    if let quota = description.cpuQuota, usable == nil || quota.value < usable!.value {
      usable = quota
    }
    description.usableCPUs = usable ?? ProbeFact(1, from: "default: nothing readable")

    let meminfo = MemoryInformation(text: files.read("/proc/meminfo"))
    description.totalMemory = meminfo.total.map { ProbeFact($0, from: "/proc/meminfo MemTotal") }
    description.availableMemory = meminfo.available.map {
      ProbeFact($0, from: "/proc/meminfo MemAvailable")
    }
    var usableMemory = description.availableMemory
    if let (limit, used) = cgroups.memoryLimit() {
      description.memoryLimit = limit
      let left = ProbeFact(
        max(0, limit.value - (used ?? 0)),
        from: used == nil ? limit.source : "\(limit.source) less usage")
      if usableMemory == nil || left.value < usableMemory!.value { usableMemory = left }
    }
    description.usableMemory = usableMemory

    var gpuProbe = GPUProbe(files: files, environment: environment)
    gpuProbe.queriesTools = queriesTools
    gpuProbe.toolTimeout = toolTimeout
    let gpus = gpuProbe.probe()
    description.gpus = gpus.devices
    description.notes = gpus.notes
    return description
  }

  private func onlineCPUs() -> ProbeFact<Int>? {
    let path = "/sys/devices/system/cpu/online"
    guard let text = files.readValue(path), let count = CPUList.count(text) else { return nil }
    return ProbeFact(count, from: path)
  }

  /// The glibc call is declared only under `_GNU_SOURCE`, so it is looked up by name.
  private static func affinityCount() -> Int? {
    typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity") else {
      return nil
    }
    let getAffinity = unsafeBitCast(symbol, to: GetAffinity.self)
    var mask = [UInt64](repeating: 0, count: 64)
    let result = mask.withUnsafeMutableBytes { getAffinity(0, $0.count, $0.baseAddress!) }
    guard result == 0 else { return nil }
    return mask.reduce(0) { $0 + $1.nonzeroBitCount }
  }

  private func affinityCPUs() -> ProbeFact<Int>? {
    if files.isLiveRoot {
      if let count = Self.affinityCount(), count > 0 {
        return ProbeFact(count, from: "sched_getaffinity")
      }
    }
    guard let status = files.read("/proc/self/status") else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("Cpus_allowed_list:") {
      let list = line.dropFirst("Cpus_allowed_list:".count).trimmedString
      if let count = CPUList.count(list) {
        return ProbeFact(count, from: "/proc/self/status Cpus_allowed_list")
      }
    }
    return nil
  }
}

/// The kernel's CPU list syntax: `0-3,6,8-9`.
enum CPUList {
  static func count(_ text: String) -> Int? {
    var total = 0
    for part in text.split(separator: ",") {
      let bounds = part.split(separator: "-")
      guard let low = Int(bounds[0].trimmedString) else { return nil }
      let high = bounds.count > 1 ? Int(bounds[1].trimmedString) : low
      guard let high, high >= low, bounds.count <= 2 else { return nil }
      total += high - low + 1
    }
    return total > 0 ? total : nil
  }
}

/// The fields of `/proc/meminfo` the probe uses, in bytes.
struct MemoryInformation {
  var total: Int64?
  var available: Int64?

  init(text: String?) {
    for line in (text ?? "").split(separator: "\n") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count >= 2, let kilobytes = Int64(fields[1]) else { continue }
      switch fields[0] {
      case "MemTotal:": total = kilobytes * 1024
      case "MemAvailable:": available = kilobytes * 1024
      default: break
      }
    }
  }
}
