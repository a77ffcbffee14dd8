import FlowCore
import Glibc

/// Event lines on standard output, written through a queue so that a reader that stalls
/// never stops the run's timers and signals. A reader that went away (EPIPE) does not
/// stop the run and is no error: the stages go on, as a run's work is in its logs. Any
/// other failure (a full disk, an I/O error) ends the writing, and flow-exec ends with 74
/// once the run is over, saying so once.
final class StandardOutput {
  let queue = OutputQueue(descriptor: STDOUT_FILENO)

  func write(_ bytes: [UInt8]) { queue.write(bytes) }

  /// Waits until every event is written; returns the first write error other than EPIPE.
  func finish() -> SystemError? {
    guard let failure = queue.finish(), failure.code != EPIPE else { return nil }
    return failure
  }
}
