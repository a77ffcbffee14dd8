#if canImport(Glibc)
  import Glibc
#endif

/// The write end of the pipe the signal handler writes the signal number to.
nonisolated(unsafe) private var relayWriteDescriptor: Int32 = -1

/// Turns SIGINT, SIGTERM and SIGCHLD into bytes on a pipe, so a `poll` loop wakes for them
/// (the self-pipe trick). SIGPIPE is ignored: a closed standard output must not stop the
/// stages that are running.
public final class SignalRelay {
  public let readDescriptor: Int32

  public init() throws(ExecError) {
    var descriptors: [Int32] = [0, 0]
    guard pipe(&descriptors) == 0 else { throw .system(call: "pipe", errno: errno) }
    for descriptor in descriptors {
      _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
      _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
    }
    readDescriptor = descriptors[0]
    relayWriteDescriptor = descriptors[1]
    for signalNumber in [SIGINT, SIGTERM, SIGCHLD, SIGHUP] {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { number in
        let saved = errno
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(relayWriteDescriptor, &byte, 1)
        errno = saved
      }
      action.sa_flags = SA_RESTART | SA_NOCLDSTOP
      sigaction(signalNumber, &action, nil)
    }
    signal(SIGPIPE, SIG_IGN)
    // A parent may have started this process with these signals blocked.
    var wanted = sigset_t()
    sigemptyset(&wanted)
    for signalNumber in [SIGINT, SIGTERM, SIGCHLD, SIGHUP] { sigaddset(&wanted, signalNumber) }
    sigprocmask(SIG_UNBLOCK, &wanted, nil)
  }

  /// The stop signals received since the last call (SIGCHLD only wakes the loop).
  public func drain() -> [Int32] {
    var stops: [Int32] = []
    var buffer = [UInt8](repeating: 0, count: 64)
    while true {
      let count = read(readDescriptor, &buffer, buffer.count)
      if count <= 0 { break }
      for byte in buffer.prefix(count) where Int32(byte) != SIGCHLD { stops.append(Int32(byte)) }
    }
    return stops
  }

  /// Puts the default handlers back.
  public func restore() {
    for signalNumber in [SIGINT, SIGTERM, SIGCHLD, SIGHUP] { signal(signalNumber, SIG_DFL) }
  }
}
