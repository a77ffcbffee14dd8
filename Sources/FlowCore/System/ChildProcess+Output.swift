import Glibc

extension ChildProcess {
  /// How a program that ran to its end (or past its time) ended, and what it wrote.
  public struct Finished: Sendable, Equatable {
    /// Nil when it ran past its timeout and was killed.
    public var status: ProcessStatus?
    /// Its output, unless it was handed on as it came; at most `outputLimit` bytes.
    public var output: [UInt8]
    /// It wrote more than `outputLimit` bytes: the rest was read and dropped.
    public var isTruncated = false

    public var text: String { String(decoding: output, as: UTF8.self) }
  }

  /// Runs the program to its end through a pipe and collects its output (ripgrep's
  /// `CommandReader`, SwiftPM's `AsyncProcess`).
  ///
  /// - Parameters:
  ///   - timeout: seconds after which its process group is killed (SIGKILL); the result
  ///     then has no status.
  ///   - wake: a descriptor watched meanwhile (a signal relay's); when it is readable,
  ///     `onWake` is called with the child's PID, and the child is still waited for.
  ///   - onOutput: takes the output as it arrives instead of collecting it.
  ///   - outputLimit: bytes collected at most; a program that writes without end is read
  ///     to its end all the same, so it never blocks, but this process's memory is bounded.
  public func run(
    timeout: Double? = nil, wake: Int32? = nil, onWake: (pid_t) -> Void = { _ in },
    onOutput: (([UInt8]) -> Void)? = nil, outputLimit: Int = 1 << 26
  ) throws(Failure) -> Finished {
    let ends: (read: Int32, write: Int32)
    do throws(SystemError) {
      ends = try Descriptor.makePipe()
    } catch {
      throw Failure(status: .toolFailed, message: "pipe: \(error)")
    }
    defer { close(ends.read) }
    let pid: pid_t
    do throws(Failure) {
      pid = try start(output: ends.write)
      close(ends.write)
    } catch {
      close(ends.write)
      throw error
    }
    let deadline = timeout.map { MonotonicClock.now() + $0 }
    var finished = Finished(status: nil, output: [])
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var watched = [pollfd(fd: ends.read, events: Int16(POLLIN), revents: 0)]
    if let wake { watched.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
    while true {
      var wait: Int32 = -1
      if let deadline {
        let left = deadline - MonotonicClock.now()
        guard left > 0 else {
          _ = kill(ownsProcessGroup ? -pid : pid, SIGKILL)
          _ = Self.wait(for: pid)
          return finished
        }
        wait = Int32(min(left * 1000, 1000).rounded(.up))
      }
      guard SystemCall.retrying({ poll(&watched, nfds_t(watched.count), wait) }) >= 0 else { break }
      if watched.count > 1, watched[1].revents != 0 { onWake(pid) }
      guard watched[0].revents != 0 else { continue }
      let count = SystemCall.retrying { read(ends.read, &buffer, buffer.count) }
      if count <= 0 { break }
      if let onOutput {
        onOutput(Array(buffer[..<count]))
      } else {
        let room = max(0, outputLimit - finished.output.count)
        finished.output += buffer[..<min(count, room)]
        if count > room { finished.isTruncated = true }
      }
    }
    finished.status = Self.wait(for: pid)
    return finished
  }
}
