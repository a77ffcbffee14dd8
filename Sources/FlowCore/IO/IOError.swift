import Glibc

/// A failure to read or write a file or stream.
public struct IOError: ToolFailure, Hashable, Sendable {
  public enum Kind: Hashable, Sendable {
    /// The input does not exist or cannot be opened (exit 66).
    case missing
    /// Reading or writing failed part way (exit 74).
    case failed
    /// The reader of a pipe went away: the tool ends quietly, as by SIGPIPE, the way Unix
    /// filters end under `| head`.
    case readerGone
  }

  public var kind: Kind
  public var path: String
  public var reason: String

  public init(_ kind: Kind, path: String, errno code: Int32) {
    self.kind = kind
    self.path = path
    self.reason = String(cString: strerror(code)).lowercased()
  }

  public init(_ kind: Kind, path: String, reason: String) {
    self.kind = kind
    self.path = path
    self.reason = reason
  }

  public var description: String { "\(path): \(reason)" }

  public var exitStatus: ExitStatus { kind == .missing ? .noInput : .ioError }
}
