import Glibc
import Synchronization

/// One executor's backend running on a thread of its own, beside the others of the run.
/// Every signal is blocked there: the coordinator's thread serves them and passes them on.
final class BackendThread {
  private let body: () -> Void
  private let ended = Atomic<Bool>(false)
  private var thread: pthread_t?

  /// Starts `body` on a new thread.
  init(_ body: @escaping () -> Void) throws(ExecError) {
    self.body = body
    var started = pthread_t()
    let context = Unmanaged.passRetained(self).toOpaque()
    let result = pthread_create(
      &started, nil,
      { context in
        let backend = Unmanaged<BackendThread>.fromOpaque(context!).takeRetainedValue()
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        backend.body()
        backend.ended.store(true, ordering: .releasing)
        return nil
      }, context)
    guard result == 0 else {
      Unmanaged<BackendThread>.fromOpaque(context).release()
      throw .system(call: "pthread_create", errno: result)
    }
    thread = started
  }

  /// Whether `body` returned.
  var hasEnded: Bool { ended.load(ordering: .acquiring) }

  /// Waits for `body` to return.
  func join() {
    guard let running = thread else { return }
    thread = nil
    pthread_join(running, nil)
  }
}
