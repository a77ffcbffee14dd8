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

  /// This user's processes (this one and zombies excepted), each with its process group
  /// and, when its environment holds an entry starting with `prefix`, the rest of that
  /// entry.
  static func scan(markPrefix prefix: String) -> [(pid: pid_t, group: pid_t, mark: String?)] {
    let wanted = Array(prefix.utf8)
    let user = getuid()
    let own = getpid()
    var found: [(pid: pid_t, group: pid_t, mark: String?)] = []
    for name in DirectoryListing.names(in: "/proc") ?? [] {
      guard let pid = pid_t(name), pid != own else { continue }
      var status = stat()
      guard stat("/proc/\(name)", &status) == 0, status.st_uid == user,
        let group = processGroup(of: pid)
      else { continue }
      let environment = read("/proc/\(name)/environ", limit: 1 << 22) ?? []
      found.append((pid, group, entry(in: environment, startingWith: wanted)))
    }
    return found
  }

  /// The files `pid` holds open, as the links in `/proc/PID/fd` name them; empty when
  /// they cannot be read.
  static func openFiles(of pid: pid_t) -> [String] {
    var files: [String] = []
    var buffer = [CChar](repeating: 0, count: 4096)
    for descriptor in DirectoryListing.names(in: "/proc/\(pid)/fd") ?? [] {
      let count = readlink("/proc/\(pid)/fd/\(descriptor)", &buffer, buffer.count - 1)
      guard count > 0 else { continue }
      files.append(
        String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return files
  }

  /// The process group of `pid` (field 5 of `/proc/PID/stat`); nil when it has ended.
  static func processGroup(of pid: pid_t) -> pid_t? {
    guard let fields = statFields(of: pid), fields.count > 2 else { return nil }
    return pid_t(fields[2])
  }

  /// The rest of the first entry of `environment` that starts with `wanted`.
  private static func entry(in environment: [UInt8], startingWith wanted: [UInt8]) -> String? {
    var start = 0
    while start < environment.count {
      let end = environment[start...].firstIndex(of: 0) ?? environment.count
      if environment[start..<end].starts(with: wanted) {
        return String(decoding: environment[(start + wanted.count)..<end], as: UTF8.self)
      }
      start = end + 1
    }
    return nil
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
    guard let fields = statFields(of: pid), fields.count > 19 else { return nil }
    return UInt64(fields[19])
  }

  /// The fields of `/proc/PID/stat` after the command name, from the state (field 3) on;
  /// nil when no such process is running.
  private static func statFields(of pid: pid_t) -> [String]? {
    guard let text = read("/proc/\(pid)/stat", limit: 4096),
      let close = text.lastIndex(of: UInt8(ascii: ")"))
    else { return nil }
    // The command name, in parentheses, may hold spaces; the fields after it do not.
    return text[(close + 1)...].split(separator: UInt8(ascii: " ")).map {
      String(decoding: $0, as: UTF8.self)
    }
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
