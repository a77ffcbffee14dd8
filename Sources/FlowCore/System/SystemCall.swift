import Glibc

// flow runs on Linux only: the core imports Glibc directly, and the few glibc calls the
// Glibc module leaves out come from the CFlowSystem shim header.

/// A failed system call's errno.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
  public var code: Int32

  public init(_ code: Int32) {
    self.code = code
  }

  /// The errno of the call that just failed.
  static var current: SystemError { SystemError(errno) }

  /// `strerror`'s text, lowercased as flow's messages are.
  public var description: String { String(cString: strerror(code)).lowercased() }
}

/// The one rule for calls a signal can interrupt: a call that fails with EINTR is made
/// again (swift-system's `retryOnInterrupt`).
enum SystemCall {
  @inline(__always)
  static func retrying<Result: SignedInteger>(_ call: () -> Result) -> Result {
    while true {
      let result = call()
      if result >= 0 || errno != EINTR { return result }
    }
  }
}
