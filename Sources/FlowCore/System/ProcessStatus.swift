/// How a child process ended, decoded once from a wait status.
public enum ProcessStatus: Sendable, Equatable {
  case exited(Int32)
  case signalled(Int32)

  /// Decodes a status from `waitpid`/`wait4`.
  public init(waitStatus status: Int32) {
    let signal = status & 0x7f
    self = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
  }

  /// The status a shell reports for it: the exit status, or 128 plus the signal.
  public var shellStatus: Int32 {
    switch self {
    case .exited(let code): code
    case .signalled(let signal): ExitStatus.signalled(signal)
    }
  }

  /// The signal that ended it, if one did.
  public var signal: Int32? {
    if case .signalled(let signal) = self { return signal }
    return nil
  }

  public var succeeded: Bool { self == .exited(0) }
}
