import FlowCore
import Glibc

/// Event lines on standard output. A reader that went away (EPIPE) does not stop the run
/// and is no error: the stages go on, as a run's work is in its logs. Any other failure
/// (a full disk, an I/O error) is kept, no later event is written, and flow-exec ends
/// with 74 once the run is over, saying so once.
final class StandardOutput {
  /// The first write error other than EPIPE.
  private(set) var failure: SystemError?

  func write(_ bytes: [UInt8]) {
    guard failure == nil else { return }
    do throws(SystemError) {
      try Descriptor.writeAll(bytes, to: STDOUT_FILENO)
    } catch {
      if error.code != EPIPE { failure = error }
    }
  }
}
