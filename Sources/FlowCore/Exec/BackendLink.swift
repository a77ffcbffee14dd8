import Glibc

/// What ties one executor's backend to the others in a run of several executors, whose
/// backends run at the same time (see `ExecutorCoordinator`).
///
/// Only the coordinator handles the process's signals. A linked backend listens on
/// `relay`, a relay of its own that installs nothing: the coordinator passes each stop
/// signal on to every backend, and wakes the local one (with SIGCHLD, which only wakes)
/// when one of its children ended or a stage it waits for ended elsewhere. A backend that
/// is handed its stages before their needs on other executors ended asks
/// `needsElsewhereSucceeded` before it starts one; and without `--keep-going`, a failure
/// elsewhere stops its new starts as its own failure would (`stopsStarts`).
public final class BackendLink {
  let relay: SignalRelay
  /// Each of the backend's stages' needs on other executors, as stage indexes of the run.
  private let needsElsewhere: [[Int]]
  private let lock = ThreadLock()
  private var state = State()  // guarded by `lock`

  private struct State {
    /// Whether each stage of the run that ended succeeded, by its index in the run.
    var succeeded: [Int: Bool] = [:]
    var stopsStarts = false
  }

  /// - Parameter needsElsewhere: for each of the backend's stages, in its order, the run's
  ///   indexes of the stages on other executors it needs.
  init(needsElsewhere: [[Int]]) throws(ExecError) {
    relay = try SignalRelay(handlingSignals: false)
    self.needsElsewhere = needsElsewhere
  }

  /// Whether the backend's `stage` needs stages on other executors.
  func hasNeedsElsewhere(_ stage: Int) -> Bool {
    stage < needsElsewhere.count && !needsElsewhere[stage].isEmpty
  }

  /// Whether the needs of the backend's `stage` on other executors all succeeded: false
  /// once one did not, nil while one has not ended.
  func needsElsewhereSucceeded(_ stage: Int) -> Bool? {
    let needs = stage < needsElsewhere.count ? needsElsewhere[stage] : []
    guard !needs.isEmpty else { return true }
    return lock.withLock {
      let ends = needs.map { state.succeeded[$0] }
      if ends.contains(false) { return false }
      return ends.contains(nil) ? nil : true
    }
  }

  /// Whether no stage of this backend starts any more: one failed on another executor and
  /// the run does not keep going.
  var stopsStarts: Bool { lock.withLock { state.stopsStarts } }

  /// Tells the backend that the run's stage `stage` ended; wakes it when it waits for it.
  func ended(_ stage: Int, succeeded: Bool) {
    lock.withLock { state.succeeded[stage] = succeeded }
    if needsElsewhere.contains(where: { $0.contains(stage) }) { relay.forward(SIGCHLD) }
  }

  /// Stops the backend's new starts, and wakes it to see so.
  func stopStarts() {
    lock.withLock { state.stopsStarts = true }
    relay.forward(SIGCHLD)
  }
}

extension SignalRelay {
  /// The relay a backend's run listens on: its link's when it runs beside others (which
  /// the run's owner of signals feeds, and which the backend does not restore), else one
  /// it installs for its run.
  static func forRun(linkedBy link: BackendLink?, handlingSignals: Bool = true) throws(ExecError)
    -> SignalRelay
  {
    if let link { return link.relay }
    return try SignalRelay(handlingSignals: handlingSignals)
  }
}
