/// Reads CPU and memory limits from the cgroup the process belongs to, version 1 or 2,
/// taking the tightest limit on the way up to the hierarchy's root.
struct CgroupReader {
  let files: ProbeFileSystem

  /// A hierarchy the process is in: where it is mounted and the process's folder in it.
  struct Membership {
    var controllers: [String]
    var path: String
  }

  /// The lines of `/proc/self/cgroup`: `0::/path` (v2) or `4:memory:/path` (v1).
  func memberships() -> [Membership] {
    guard let text = files.read("/proc/self/cgroup") else { return [] }
    var result: [Membership] = []
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3 else { continue }
      let controllers = fields[1].split(separator: ",").map(String.init)
      result.append(Membership(controllers: controllers, path: String(fields[2])))
    }
    return result
  }

  /// The folders to read a v1 controller's files from, leaf first.
  private func folders(controller: String) -> [String] {
    for membership in memberships() where membership.controllers.contains(controller) {
      let mountCandidates = [
        "/sys/fs/cgroup/" + membership.controllers.joined(separator: ","),
        "/sys/fs/cgroup/" + controller,
      ]
      for mount in mountCandidates where files.exists(mount) {
        return walk(mount: mount, path: membership.path)
      }
    }
    return []
  }

  /// The folders to read v2 files from, leaf first.
  private func unifiedFolders() -> [String] {
    guard let membership = memberships().first(where: { $0.controllers.isEmpty }) else {
      return []
    }
    for mount in ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"]
    where files.exists(mount + "/cgroup.controllers") {
      return walk(mount: mount, path: membership.path)
    }
    return []
  }

  /// The folder for the path and each of its parents up to the mount. A path that is not
  /// there (a container seeing its own cgroup as the root) reads the mount alone.
  private func walk(mount: String, path: String) -> [String] {
    var components = path.split(separator: "/").map(String.init)
    guard files.exists(mount + "/" + components.joined(separator: "/")) else { return [mount] }
    var result: [String] = []
    while true {
      result.append(components.isEmpty ? mount : mount + "/" + components.joined(separator: "/"))
      if components.isEmpty { break }
      components.removeLast()
    }
    return result
  }

  /// The CPU quota in CPUs (quota / period), the tightest on the way up.
  func cpuQuota() -> ProbeFact<Double>? {
    var best: ProbeFact<Double>?
    func consider(_ value: Double, _ source: String) {
      if best == nil || value < best!.value { best = ProbeFact(value, from: source) }
    }
    for folder in unifiedFolders() {
      guard let text = files.readValue(folder + "/cpu.max") else { continue }
      let fields = text.split(separator: " ")
      guard fields.count == 2, let quota = Double(fields[0]), let period = Double(fields[1]),
        quota > 0, period > 0
      else { continue }
      consider(quota / period, folder + "/cpu.max")
    }
    for folder in folders(controller: "cpu") {
      guard let quotaText = files.readValue(folder + "/cpu.cfs_quota_us"),
        let periodText = files.readValue(folder + "/cpu.cfs_period_us"),
        let quota = Double(quotaText), let period = Double(periodText), quota > 0, period > 0
      else { continue }
      consider(quota / period, folder + "/cpu.cfs_quota_us")
    }
    return best
  }

  /// The memory limit in bytes and the memory already used in that cgroup.
  func memoryLimit() -> (limit: ProbeFact<Int64>, used: Int64?)? {
    var best: (limit: ProbeFact<Int64>, used: Int64?)?
    func consider(_ value: Int64, _ source: String, used: Int64?) {
      if best == nil || value < best!.limit.value {
        best = (ProbeFact(value, from: source), used)
      }
    }
    for folder in unifiedFolders() {
      guard let text = files.readValue(folder + "/memory.max"), let limit = Int64(text) else {
        continue
      }
      consider(
        limit, folder + "/memory.max",
        used: files.readValue(folder + "/memory.current").flatMap { Int64($0) })
    }
    for folder in folders(controller: "memory") {
      guard let text = files.readValue(folder + "/memory.limit_in_bytes"),
        let limit = Int64(text), limit < (Int64(1) << 60)
      else { continue }
      consider(
        limit, folder + "/memory.limit_in_bytes",
        used: files.readValue(folder + "/memory.usage_in_bytes").flatMap { Int64($0) })
    }
    return best
  }
}
