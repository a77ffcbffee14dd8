#if canImport(Glibc)
  import Glibc
#endif

/// Runs a program found on `PATH` with an argv array (never a shell), collects its
/// standard output, and kills it when it takes longer than the timeout.
struct ToolRunner {
  var environment: [String: String]
  var timeout: Double

  enum Outcome: Equatable {
    case finished(status: Int32, output: String)
    case timedOut
    case notFound
    case failedToStart(String)
  }

  /// The first executable file called `name` in the environment's `PATH`.
  func locate(_ name: String) -> String? {
    for folder in (environment["PATH"] ?? "").split(separator: ":") where !folder.isEmpty {
      let candidate = "\(folder)/\(name)"
      if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
  }

  func run(_ name: String, arguments: [String]) -> Outcome {
    guard let path = locate(name) else { return .notFound }
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { return .failedToStart("pipe failed") }
    // Other threads may spawn at the same time: their children must not hold this pipe.
    _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group, so a timeout stops the tool and anything it started.
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    let argv = [path] + arguments
    let environmentLines = environment.map { "\($0.key)=\($0.value)" }
    var processID: pid_t = 0
    let status = withCStrings(argv) { argvPointers in
      withCStrings(environmentLines) { environmentPointers in
        posix_spawn(&processID, path, &actions, &attributes, argvPointers, environmentPointers)
      }
    }
    close(pipeEnds[1])
    defer { close(pipeEnds[0]) }
    guard status == 0 else { return .failedToStart(String(cString: strerror(status))) }

    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    let deadline = monotonicSeconds() + timeout
    var open = true
    while open {
      let left = deadline - monotonicSeconds()
      if left <= 0 {
        kill(-processID, SIGKILL)
        var ignored: Int32 = 0
        waitpid(processID, &ignored, 0)
        return .timedOut
      }
      var poller = pollfd(fd: pipeEnds[0], events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, Int32(min(left * 1000, 100)) + 1)
      if ready < 0 && errno != EINTR { break }
      guard ready > 0 else { continue }
      let count = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, 4096) }
      if count > 0 {
        output.append(contentsOf: buffer[0..<count])
      } else if count == 0 {
        open = false
      }
    }
    var waitStatus: Int32 = 0
    while waitpid(processID, &waitStatus, 0) < 0 && errno == EINTR {}
    let exitStatus = (waitStatus & 0x7f) == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f)
    return .finished(status: exitStatus, output: String(decoding: output, as: UTF8.self))
  }

  private func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<Result>(
  _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result
) -> Result {
  let pointers = strings.map { strdup($0) } + [nil]
  defer { pointers.forEach { free($0) } }
  return body(pointers)
}
