internal import CFlowSystem
import Glibc

/// The one lock for state that several threads share, with the condition its holders wait
/// on: a queue's writer thread waits for bytes, a run's threads for each other's news.
final class ThreadLock: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

  init() {
    pthread_mutex_init(mutex, nil)
    pthread_cond_init(changed, nil)
  }

  deinit {
    pthread_cond_destroy(changed)
    pthread_mutex_destroy(mutex)
    changed.deallocate()
    mutex.deallocate()
  }

  /// Runs `body` with the lock held.
  func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }

  /// Inside `withLock`: lets the lock go until another holder calls `broadcast`, then takes
  /// it again. The caller checks its condition again after, as a wake-up may be spurious.
  func wait() { pthread_cond_wait(changed, mutex) }

  /// Inside `withLock`: wakes every holder waiting in `wait`.
  func broadcast() { pthread_cond_broadcast(changed) }
}

/// A thread of flow's own. Every signal is blocked on it: signals go to the thread that
/// serves them (a run's main thread), never to a writer or a backend.
final class QuietThread {
  private var thread: pthread_t?

  /// Starts `body` on a new thread; `elsewhere`: on another CPU than the caller's where it
  /// may use one (`flow_start_elsewhere`), for work split to run at once on both, which
  /// allocates on its own heap where the process keeps a second one
  /// (`ProcessMemory.takeSecondHeap`).
  init(elsewhere: Bool = false, _ body: @escaping () -> Void) throws(SystemError) {
    final class Start {
      let body: () -> Void
      let elsewhere: Bool
      /// The CPUs to take back once started elsewhere.
      var allowed = flow_cpu_mask()
      var placed = false
      init(_ body: @escaping () -> Void, elsewhere: Bool) {
        self.body = body
        self.elsewhere = elsewhere
      }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    let start = Start(body, elsewhere: elsewhere)
    if elsewhere { start.placed = flow_start_elsewhere(&attributes, &start.allowed) == 0 }
    var started = pthread_t()
    let context = Unmanaged.passRetained(start).toOpaque()
    let result = pthread_create(
      &started, &attributes,
      { context in
        let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        if start.placed { _ = flow_allow_cpus(&start.allowed) }
        if start.elsewhere { ProcessMemory.takeSecondHeap() }
        start.body()
        return nil
      }, context)
    guard result == 0 else {
      Unmanaged<Start>.fromOpaque(context).release()
      throw SystemError(result)
    }
    thread = started
  }

  /// Waits for the thread's body to return; at most once.
  func join() {
    guard let running = thread else { return }
    thread = nil
    pthread_join(running, nil)
  }
}

/// Runs `here` on this thread and `there` on a thread of its own, started on another CPU
/// where the process may use one (`QuietThread(elsewhere:)`), and returns once both have
/// returned: for work split in two to run at once. Where no thread can be started, runs
/// `there`, then `here`.
func runAtOnce(here: () -> Void, there: @escaping () -> Void) {
  let thread = try? QuietThread(elsewhere: true, there)
  if thread == nil { there() }
  here()
  thread?.join()
}

/// The `count` elements `make` makes from their indices, the second half made on a thread
/// of its own while this one makes the first (`runAtOnce`), each in place in the array made
/// for all, so that nothing is copied after. Where `make` fails, the failure of the first
/// element in order that failed is thrown, as when they are made one by one.
func makeInTwoHalves<Element, Failure: Error>(
  count: Int, _ make: (Int) throws(Failure) -> Element
) throws(Failure) -> [Element] {
  guard count > 1 else { return try (0..<count).map { (index) throws(Failure) in try make(index) } }
  let half = count / 2
  var failure: Failure?
  let made = withoutActuallyEscaping(make) { make in
    [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
      let base = buffer.baseAddress!
      // One variable per half, each changed by one thread: two members of one tuple would
      // be one variable changed by both.
      var firstMade = 0
      var secondMade = 0
      var firstFailure: Failure?
      var secondFailure: Failure?
      func makeElements(_ range: Range<Int>, made: inout Int, failure: inout Failure?) {
        for index in range {
          do throws(Failure) {
            (base + index).initialize(to: try make(index))
            made += 1
          } catch {
            failure = error
            return
          }
        }
      }
      runAtOnce(
        here: { makeElements(0..<half, made: &firstMade, failure: &firstFailure) },
        there: { makeElements(half..<count, made: &secondMade, failure: &secondFailure) })
      if let first = firstFailure ?? secondFailure {
        base.deinitialize(count: firstMade)
        (base + half).deinitialize(count: secondMade)
        failure = first
        initialized = 0
      } else {
        initialized = count
      }
    }
  }
  if let failure { throw failure }
  return made
}
