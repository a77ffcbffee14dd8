import Glibc

extension FailureClass {
  /// The class of a failed attempt that ran on this machine, as a process or in a container.
  /// - Parameters:
  ///   - containerMemory: the container's memory limit in bytes, when it ran in one.
  ///   - stoppedByRunner: flow-exec itself signalled the stage (its timeout, a stop signal).
  ///   - kernelOOMKill: the kernel's OOM killer killed a process of flow-exec's cgroup
  ///     while the stage ran (`OOMKillCount`).
  public init(
    local result: StageResult, containerMemory: Int64?, stoppedByRunner: Bool,
    kernelOOMKill: Bool
  ) {
    if result.timedOut {
      self = .timeout
    } else if !stoppedByRunner, let containerMemory, containerMemory > 0, result.signal == nil,
      result.status == ExitStatus.signalled(SIGKILL)
    {
      // The engine reports its command's SIGKILL as 137. Under a memory limit, with flow
      // sending none, that is the OOM killer: podman with runc on cgroups v1 was seen to
      // say OOMKilled=false in `inspect` even then, so the status is what tells.
      self = .oom
    } else if !stoppedByRunner, result.signal == SIGKILL, kernelOOMKill {
      self = .oom
    } else {
      self = .failed
    }
  }
}

extension SlurmJobState {
  /// The class of a failed job: `OUT_OF_MEMORY` is `oom`, `TIMEOUT` and `DEADLINE` are
  /// `timeout`, `NODE_FAIL`, `PREEMPTED` and `BOOT_FAIL` are `lost`, any other `failed`.
  public var failureClass: FailureClass {
    switch state {
    case "OUT_OF_MEMORY": .oom
    case "TIMEOUT", "DEADLINE": .timeout
    case "NODE_FAIL", "PREEMPTED", "BOOT_FAIL": .lost
    default: .failed
    }
  }
}

/// How many processes the kernel's OOM killer has killed in this process's memory cgroup
/// so far: `oom_kill` of `memory.events` (cgroups v2) or of `memory.oom_control` (v1).
/// Nil where neither can be read.
public enum OOMKillCount {
  public static func current(
    cgroupFile: String = "/proc/self/cgroup", root: String = "/sys/fs/cgroup"
  ) -> Int64? {
    guard let listing = text(cgroupFile) else { return nil }
    var candidates: [String] = []
    for line in listing.split(separator: "\n") {
      let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3 else { continue }
      let path = fields[2] == "/" ? "" : String(fields[2])
      if fields[0] == "0" && fields[1].isEmpty {
        candidates += [root + path + "/memory.events", root + "/memory.events"]
      } else if fields[1].split(separator: ",").contains("memory") {
        candidates += [
          root + "/memory" + path + "/memory.oom_control", root + "/memory/memory.oom_control",
        ]
      }
    }
    for candidate in candidates {
      guard let contents = text(candidate) else { continue }
      for line in contents.split(separator: "\n") {
        let words = line.split(separator: " ")
        if words.count == 2, words[0] == "oom_kill", let count = Int64(words[1]) { return count }
      }
    }
    return nil
  }

  private static func text(_ path: String) -> String? {
    guard let bytes = try? InputFile.read(path, limit: 65536) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }
}
