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
  private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  // Guarded by `lock`. The bytes are kept in one buffer, not as the arrays they came in:
  // an event line's array may reserve many times its length, and thousands waiting would
  // hold that many times the memory.
  private var pending: [UInt8] = []
  private var waiting = 0
  private var finishing = false
  private var failure: SystemError?
  private var thread: pthread_t?

  public init(descriptor: Int32, limit: Int = OutputQueue.defaultLimit) {
    self.descriptor = descriptor
    self.limit = limit
    pthread_mutex_init(lock, nil)
    pthread_cond_init(changed, nil)
  }

  deinit {
    finish()
    pthread_cond_destroy(changed)
    pthread_mutex_destroy(lock)
    changed.deallocate()
    lock.deallocate()
  }

  /// Queues `bytes` for the descriptor; returns at once.
  public func write(_ bytes: [UInt8]) {
    guard !bytes.isEmpty else { return }
    locked {
      guard failure == nil, !finishing else { return }
      pending += bytes
      waiting += bytes.count
      if thread == nil { startThread() }
      pthread_cond_broadcast(changed)
    }
  }

  /// Whether more than the limit waits to be written.
  public var isBacklogged: Bool { locked { waiting > limit } }

  /// Waits until everything queued is written or a write failed, then ends the thread.
  /// Returns the first write error.
  @discardableResult
  public func finish() -> SystemError? {
    let running: pthread_t? = locked {
      finishing = true
      pthread_cond_broadcast(changed)
      defer { thread = nil }
      return thread
    }
    if let running { pthread_join(running, nil) }
    return locked { failure }
  }

  private func locked<T>(_ body: () -> T) -> T {
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    return body()
  }

  /// Called with the lock held.
  private func startThread() {
    var started = pthread_t()
    let context = Unmanaged.passRetained(self).toOpaque()
    let result = pthread_create(
      &started, nil,
      { context in
        let queue = Unmanaged<OutputQueue>.fromOpaque(context!).takeRetainedValue()
        // Signals go to the thread that serves them, never to this one.
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        queue.writeUntilFinished()
        return nil
      }, context)
    if result == 0 {
      thread = started
    } else {
      // No thread: the bytes are written here and now, as an unqueued write would be.
      Unmanaged<OutputQueue>.fromOpaque(context).release()
      failure = Self.write(pending, to: descriptor)
      pending = []
      waiting = 0
    }
  }

  private func writeUntilFinished() {
    while true {
      let batch: [UInt8]? = locked {
        while pending.isEmpty && !finishing { pthread_cond_wait(changed, lock) }
        if pending.isEmpty { return nil }
        defer { pending = [] }
        return pending
      }
      guard let batch else { return }
      let error = Self.write(batch, to: descriptor)
      locked {
        waiting -= batch.count
        if failure == nil { failure = error }
        if failure != nil {
          waiting -= pending.count
          pending = []
        }
        pthread_cond_broadcast(changed)
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
