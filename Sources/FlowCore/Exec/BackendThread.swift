import Synchronization

/// One executor's backend running on a thread of its own, beside the others of the run.
/// Its signals go to the coordinator's thread, which passes them on (`QuietThread`).
final class BackendThread {
  private let ended = Atomic<Bool>(false)
  private var thread: QuietThread?

  /// Starts `body` on a new thread.
  init(_ body: @escaping () -> Void) throws(ExecError) {
    do throws(SystemError) {
      thread = try QuietThread { [self] in
        body()
        ended.store(true, ordering: .releasing)
      }
    } catch {
      throw .system(call: "pthread_create", errno: error.code)
    }
  }

  /// Whether `body` returned.
  var hasEnded: Bool { ended.load(ordering: .acquiring) }

  /// Waits for `body` to return.
  func join() { thread?.join() }
}
