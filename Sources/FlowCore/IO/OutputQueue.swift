import Glibc

/// Bytes for one descriptor, written by a thread of their own so that a reader that stops
/// reading (a pipe whose reader stalls, a terminal held by Ctrl-S) never holds up the
/// writer: a run keeps serving its timers and stop signals while its events wait.
///
/// Writes are never refused and never wait. A caller that produces bytes without bound
/// asks `isBacklogged` and holds back while it is true (flow-exec stops reading the stages'
/// output, which then waits in their pipes and slows them down), so what waits here stays
/// near `limit`. After a write fails nothing more is written; `finish` returns the error.
public final class OutputQueue: @unchecked Sendable {
  /// Bytes waiting beyond which the queue counts as backlogged.
  public static let defaultLimit = 4 << 20

  private let descriptor: Int32
  private let limit: Int
  private let lock = ThreadLock()
  // Guarded by `lock`. The bytes are kept in one buffer, not as the arrays they came in:
  // an event line's array may reserve many times its length, and thousands waiting would
  // hold that many times the memory.
  private var pending: [UInt8] = []
  private var waiting = 0
  private var finishing = false
  private var failure: SystemError?
  private var thread: QuietThread?

  public init(descriptor: Int32, limit: Int = OutputQueue.defaultLimit) {
    self.descriptor = descriptor
    self.limit = limit
  }

  deinit { finish() }

  /// Queues `bytes` for the descriptor; returns at once.
  public func write(_ bytes: [UInt8]) {
    guard !bytes.isEmpty else { return }
    lock.withLock {
      guard failure == nil, !finishing else { return }
      pending += bytes
      waiting += bytes.count
      if thread == nil { startThread() }
      lock.broadcast()
    }
  }

  /// Whether more than the limit waits to be written.
  public var isBacklogged: Bool { lock.withLock { waiting > limit } }

  /// Waits until everything queued is written or a write failed, then ends the thread.
  /// Returns the first write error.
  @discardableResult
  public func finish() -> SystemError? {
    let running: QuietThread? = lock.withLock {
      finishing = true
      lock.broadcast()
      defer { thread = nil }
      return thread
    }
    running?.join()
    return lock.withLock { failure }
  }

  /// Called with the lock held.
  /// How long the writer waits after the first bytes for more to come, and how many
  /// waiting bytes end that wait early.
  private static let gatheringMicroseconds: UInt32 = 500
  private static let gatheringLimit = 1 << 16

  private func startThread() {
    do throws(SystemError) {
      thread = try QuietThread { [self] in writeUntilFinished() }
    } catch {
      // No thread: the bytes are written here and now, as an unqueued write would be.
      failure = Self.write(pending, to: descriptor)
      pending = []
      waiting = 0
    }
  }

  private func writeUntilFinished() {
    while true {
      let woken: Bool = lock.withLock {
        while pending.isEmpty && !finishing { lock.wait() }
        return !finishing && pending.count < Self.gatheringLimit
      }
      // Bytes come in bursts of short lines (an event per stage, thousands a second when
      // a rerun skips them): lines gathered for a moment go out in one write, where each
      // line would cost a wake-up of this thread and a write of its own.
      if woken { usleep(Self.gatheringMicroseconds) }
      let batch: [UInt8]? = lock.withLock {
        if pending.isEmpty { return nil }
        defer { pending = [] }
        return pending
      }
      guard let batch else { return }
      let error = Self.write(batch, to: descriptor)
      lock.withLock {
        waiting -= batch.count
        if failure == nil { failure = error }
        if failure != nil {
          waiting -= pending.count
          pending = []
        }
        lock.broadcast()
      }
    }
  }

  private static func write(_ bytes: [UInt8], to descriptor: Int32) -> SystemError? {
    do throws(SystemError) {
      try Descriptor.writeAll(bytes, to: descriptor)
      return nil
    } catch {
      return error
    }
  }
}
