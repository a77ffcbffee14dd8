#if canImport(Glibc)
  import Glibc
#endif

/// Runs one of Slurm's commands (`sbatch`, `squeue`, `scontrol`, `sacct`, `scancel`) to
/// its end and returns its status and what it wrote (standard output and error together).
/// It finds the cluster through the environment it is given (`SLURM_CONF`).
public struct SlurmCommand: Sendable {
  public var environment: [String: String]

  public init(environment: [String: String]) {
    self.environment = environment
  }

  public struct Outcome: Sendable, Equatable {
    public var status: Int32
    public var output: String

    /// The output's lines without blank ones and without surrounding white space.
    public var lines: [String] {
      output.split(separator: "\n").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
  }

  /// - Parameters:
  ///   - wake: a descriptor watched while the command runs (a signal relay's); when it
  ///     becomes readable, `onWake` is called and the command is still waited for.
  public func run(_ argv: [String], wake: Int32? = nil, onWake: () -> Void = {}) -> Outcome {
    var descriptors: [Int32] = [0, 0]
    guard pipe(&descriptors) == 0 else {
      return Outcome(status: 125, output: "pipe: \(String(cString: strerror(errno)))")
    }
    _ = fcntl(descriptors[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(descriptors[1], F_SETFD, FD_CLOEXEC)
    let pid: pid_t
    do throws(ProcessSpawner.Failure) {
      pid = try ProcessSpawner.spawn(
        argv: argv, environment: environment, directory: nil, output: descriptors[1])
    } catch {
      close(descriptors[0])
      close(descriptors[1])
      return Outcome(status: error.status, output: error.message)
    }
    close(descriptors[1])
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    var watched = [pollfd(fd: descriptors[0], events: Int16(POLLIN), revents: 0)]
    if let wake { watched.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
    while true {
      if poll(&watched, nfds_t(watched.count), -1) < 0 {
        if errno == EINTR { continue }
        break
      }
      if watched.count > 1, watched[1].revents != 0 { onWake() }
      guard watched[0].revents != 0 else { continue }
      let count = read(descriptors[0], &buffer, buffer.count)
      if count > 0 {
        bytes += buffer.prefix(count)
      } else if count == 0 || errno != EINTR {
        break
      }
    }
    close(descriptors[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code = (status & 0x7f) != 0 ? 128 + (status & 0x7f) : (status >> 8) & 0xff
    return Outcome(status: code, output: String(decoding: bytes, as: UTF8.self))
  }
}

extension Substring {
  func trimmingWhitespace() -> String {
    let kept = drop { $0.isWhitespace }
    return String(kept.reversed().drop { $0.isWhitespace }.reversed())
  }
}
