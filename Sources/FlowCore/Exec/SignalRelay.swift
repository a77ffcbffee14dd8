import Glibc

/// Turns SIGINT, SIGTERM, SIGCHLD and SIGHUP into bytes on a pipe, so a `poll` loop wakes
/// for them (the self-pipe trick). SIGPIPE is ignored: a closed standard output must not
/// stop the stages that are running.
///
/// A signal handler cannot capture anything, so the write end sits in one static slot:
/// one relay at a time. A runner owns its relay for the length of its run and calls
/// `restore()` at the end, which puts the handlers back and closes both ends; a second
/// relay while one is installed is refused rather than silently taking over. A relay made
/// with `handlingSignals: false` installs nothing: its pipe stays quiet (for tests that
/// share their process with others).
public final class SignalRelay {
  public let readDescriptor: Int32
  private var writeDescriptor: Int32
  private let handlesSignals: Bool
  private static let relayed = [SIGINT, SIGTERM, SIGCHLD, SIGHUP]
  /// The installed relay's write end, for the handler; -1 when none is installed.
  nonisolated(unsafe) private static var installedWriteDescriptor: Int32 = -1

  public convenience init() throws(ExecError) {
    try self.init(handlingSignals: true)
  }

  init(handlingSignals: Bool) throws(ExecError) {
    guard !handlingSignals || Self.installedWriteDescriptor < 0 else {
      throw .system(call: "signal relay (one is already installed)", errno: EBUSY)
    }
    let ends: (read: Int32, write: Int32)
    do throws(SystemError) {
      ends = try Descriptor.makePipe(nonBlockingRead: true)
    } catch {
      throw .system(call: "pipe", errno: error.code)
    }
    _ = fcntl(ends.write, F_SETFL, O_NONBLOCK)
    readDescriptor = ends.read
    writeDescriptor = ends.write
    handlesSignals = handlingSignals
    guard handlingSignals else { return }
    Self.installedWriteDescriptor = ends.write
    for signalNumber in Self.relayed {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { number in
        let saved = errno
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(SignalRelay.installedWriteDescriptor, &byte, 1)
        errno = saved
      }
      action.sa_flags = SA_RESTART | SA_NOCLDSTOP
      sigaction(signalNumber, &action, nil)
    }
    signal(SIGPIPE, SIG_IGN)
    // A file-size limit (`ulimit -f`) then fails a write with EFBIG, reported as any
    // write error is, instead of killing the run with its stages left unrecorded.
    signal(SIGXFSZ, SIG_IGN)
    // A parent may have started this process with these signals blocked.
    var wanted = sigset_t()
    sigemptyset(&wanted)
    for signalNumber in Self.relayed { sigaddset(&wanted, signalNumber) }
    sigprocmask(SIG_UNBLOCK, &wanted, nil)
  }

  /// The stop signals received since the last call (SIGCHLD only wakes the loop).
  public func drain() -> [Int32] {
    drainAll().filter { $0 != SIGCHLD }
  }

  /// Every signal received since the last call, SIGCHLD included.
  func drainAll() -> [Int32] {
    var received: [Int32] = []
    var buffer = [UInt8](repeating: 0, count: 64)
    while true {
      let count = SystemCall.retrying { read(readDescriptor, &buffer, buffer.count) }
      if count <= 0 { break }
      received += buffer.prefix(count).map { Int32($0) }
    }
    return received
  }

  /// Passes `signalNumber` on to whoever reads this relay, as if it had been received
  /// (SIGCHLD only wakes the reader). A relay that installs nothing is fed this way by the
  /// one that does.
  func forward(_ signalNumber: Int32) {
    guard writeDescriptor >= 0 else { return }
    var byte = UInt8(truncatingIfNeeded: signalNumber)
    _ = write(writeDescriptor, &byte, 1)
  }

  /// Puts the default handlers back and closes the pipe; the relay is spent.
  public func restore() {
    guard writeDescriptor >= 0 else { return }
    if handlesSignals {
      for signalNumber in Self.relayed { signal(signalNumber, SIG_DFL) }
      Self.installedWriteDescriptor = -1
    }
    close(writeDescriptor)
    close(readDescriptor)
    writeDescriptor = -1
  }

  deinit { restore() }
}
