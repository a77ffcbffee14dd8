import Glibc

/// What `/proc` tells about the processes of this machine: the ones of this user that
/// carry a mark in their environment, the children of this process, and when a process
/// started (which, with its PID, names it for good: PIDs are reused, start times are not).
enum ProcessTable {
  /// The processes of this user whose environment holds an entry starting with `entry`
  /// (see `holds`), this process and zombies excepted. The environment read is
  /// the one the process was started with, which its children inherit.
  static func processes(withEnvironmentEntry entry: String) -> [pid_t] {
    let wanted = Array(entry.utf8)
    let user = getuid()
    let own = getpid()
    var found: [pid_t] = []
    for name in DirectoryListing.names(in: "/proc") ?? [] {
      guard let pid = pid_t(name), pid != own else { continue }
      var status = stat()
      guard stat("/proc/\(name)", &status) == 0, status.st_uid == user,
        let environment = read("/proc/\(name)/environ", limit: 1 << 22),
        holds(environment, wanted)
      else { continue }
      found.append(pid)
    }
    return found
  }

  /// The children of this process now, from each of its threads' `children` lists.
  static func children() -> [pid_t] {
    var found: [pid_t] = []
    for thread in DirectoryListing.names(in: "/proc/self/task") ?? [] {
      let text = read("/proc/self/task/\(thread)/children", limit: 1 << 20) ?? []
      found += text.split(separator: UInt8(ascii: " ")).compactMap {
        pid_t(String(decoding: $0, as: UTF8.self))
      }
    }
    return found
  }

  /// When `pid` started, in clock ticks since boot (field 22 of `/proc/PID/stat`); nil
  /// when no such process is running.
  static func startTime(of pid: pid_t) -> UInt64? {
    guard let text = read("/proc/\(pid)/stat", limit: 4096),
      let close = text.lastIndex(of: UInt8(ascii: ")"))
    else { return nil }
    // The command name, in parentheses, may hold spaces; the fields after it do not.
    let fields = text[(close + 1)...].split(separator: UInt8(ascii: " "))
    guard fields.count > 19 else { return nil }
    return UInt64(String(decoding: fields[19], as: UTF8.self))
  }

  /// Whether `environment` (`NAME=VALUE` entries, each ended by a zero byte) holds an
  /// entry that starts with `wanted`; a `wanted` that ends with a zero byte matches a
  /// whole entry only.
  static func holds(_ environment: [UInt8], _ wanted: [UInt8]) -> Bool {
    var start = 0
    while start < environment.count {
      let end = (environment[start...].firstIndex(of: 0) ?? environment.count - 1) + 1
      if environment[start..<end].starts(with: wanted) { return true }
      start = end
    }
    return false
  }

  private static func read(_ path: String, limit: Int) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    return try? Descriptor.readAll(from: descriptor, limit: limit)
  }
}
