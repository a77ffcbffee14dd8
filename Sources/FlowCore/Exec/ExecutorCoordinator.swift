import Glibc

/// Runs stages that go to different executors in one run: each stage on its own executor
/// (this machine, Slurm, Dask), `needs` honoured across them, one stream of events, and
/// the executors' backends at the same time, each on a thread of its own.
///
/// The local backend gets every local stage at the start, since this machine's CPUs,
/// memory, GPUs and job slots are one pool that only local stages share: a local stage
/// that needs one on another executor waits in it, and starts as soon as the coordinator
/// tells it that one succeeded (see `BackendLink`). The cluster backends get groups of
/// stages as they become ready: a group is the first ready stage (in the plan's order)
/// with every other stage of the same executor not yet handed out that can run once the
/// group's own stages are done. Inside a group the backend chains the stages itself
/// (Slurm with `--dependency=afterok`, Dask on the cluster); a stage that needs one on
/// another executor goes into a later group, handed out the moment that one succeeded,
/// beside whatever else runs. Groups of one cluster executor may run at once: the
/// cluster shares itself among them.
///
/// The coordinator alone handles the process's signals: it passes each stop signal on to
/// every backend at once, which stop what they started as each does alone (a second one
/// kills the local stages at once), and it hands out nothing more. Without
/// `--keep-going`, a failure on any executor stops new starts on all of them: no group is
/// handed out and the local and Slurm backends start or submit nothing more (a Dask group
/// already handed to its bridge goes on with its own stages).
public final class ExecutorCoordinator: StageRunner {
  /// Makes the backend for a group: its executor, its stages (with `needs` among them),
  /// its link to the rest of the run (for the local group, which stages wait for which
  /// stages elsewhere), and where it reports (stage indexes among the group's stages).
  public typealias Backend = (
    _ executor: Executor, _ stages: [StageLaunch], _ link: BackendLink,
    _ report: @escaping (RunEvent) -> Void
  ) throws(ExecError) -> any StageRunner

  private let stages: [StageLaunch]
  private let keepGoing: Bool
  private let backend: Backend
  private let report: (RunEvent) -> Void
  /// Guards what the backends' threads touch: the results, the failure, the links and
  /// the outer `report`, which therefore gets one stream of events in order.
  private let lock = ThreadLock()
  private var results: [StageResult?]
  private var handedOut: Set<Int> = []
  private var links: [BackendLink] = []
  private var failed = false
  /// A backend that could not run (a refusal, an unreachable cluster): the run stops and
  /// ends with it.
  private var failure: ExecError?
  private var receivedStop: Int32?
  /// The stop signal received, if any.
  public var stopSignal: Int32? { lock.withLock { receivedStop } }
  /// The executors that ran a group of this run.
  public private(set) var executorsUsed: Set<Executor> = []
  /// Whether the run takes over the stop signals and SIGCHLD (see `LocalRunner`).
  var handlesSignals = true

  public init(
    stages: [StageLaunch], keepGoing: Bool, backend: @escaping Backend,
    report: @escaping (RunEvent) -> Void
  ) {
    self.stages = stages
    self.keepGoing = keepGoing
    self.backend = backend
    self.report = report
    results = Array(repeating: nil, count: stages.count)
  }

  public func run() throws(ExecError) -> [StageResult] {
    let relay = try SignalRelay(handlingSignals: handlesSignals)
    defer { relay.restore() }
    var threads: [BackendThread] = []
    var localLink: BackendLink?
    var stoppedForFailure = false
    let local = stages.indices.filter { stages[$0].executor == .local }
    var groups = local.isEmpty ? [] : [local]
    lock.withLock { handedOut.formUnion(local) }
    while true {
      for group in groups {
        do throws(ExecError) {
          let (thread, link) = try launch(group, wake: relay)
          threads.append(thread)
          if stages[group[0]].executor == .local { localLink = link }
        } catch {
          lock.withLock { if failure == nil { failure = error } }
        }
      }
      // Ended before the look below, so none of their events is missed.
      let backendsEnded = threads.allSatisfy(\.hasEnded)
      let (handOut, stopping, allLinks) = lock.withLock { () -> ([[Int]], Bool, [BackendLink]) in
        var ready: [[Int]] = []
        if receivedStop == nil, failure == nil, !(failed && !keepGoing) {
          skipUnreachable()
          while let group = Self.nextGroup(stages, finished: results, handedOut: handedOut) {
            handedOut.formUnion(group)
            ready.append(group)
          }
        }
        return (ready, failure != nil, links)
      }
      if stopping && !stoppedForFailure {
        // A backend that could not run ends the run: the others stop what they started.
        stoppedForFailure = true
        for link in allLinks { link.relay.forward(SIGTERM) }
      }
      groups = handOut
      if groups.isEmpty && backendsEnded { break }
      var descriptor = pollfd(fd: relay.readDescriptor, events: Int16(POLLIN), revents: 0)
      _ = poll(&descriptor, 1, groups.isEmpty ? (handlesSignals ? 1000 : 20) : 0)
      let received = relay.drainAll()
      // A child ended, maybe a local stage's: its backend looks.
      if received.contains(SIGCHLD) { localLink?.relay.forward(SIGCHLD) }
      for signalNumber in received where signalNumber != SIGCHLD {
        let first = lock.withLock {
          guard receivedStop == nil else { return false }
          receivedStop = signalNumber
          report(.stopping(signal: signalNumber, at: MonotonicClock.now()))
          return true
        }
        if first { groups = [] }
        // Each backend stops at the first and, where it does so, kills at the second.
        for link in allLinks { link.relay.forward(signalNumber) }
      }
    }
    for thread in threads { thread.join() }
    if let failure = lock.withLock({ failure }) { throw failure }
    return lock.withLock {
      for index in stages.indices where results[index] == nil {
        end(index, .notStarted(stopped: receivedStop != nil, afterFailure: failed))
      }
      return results.map { $0! }
    }
  }

  /// Makes the backend of `group` and starts its run on a thread of its own, which wakes
  /// `wake` as its events come and when it ends.
  private func launch(_ group: [Int], wake: SignalRelay) throws(ExecError) -> (
    BackendThread, BackendLink
  ) {
    let executor = stages[group[0]].executor
    let inGroup = Set(group)
    let members = Self.members(group, of: stages)
    let link = try lock.withLock { () throws(ExecError) -> BackendLink in
      let needsElsewhere = group.map { index in stages[index].needs.filter { !inGroup.contains($0) }
      }
      let link = try BackendLink(needsElsewhere: needsElsewhere)
      for need in Set(needsElsewhere.joined()) {
        if let result = results[need] {
          link.ended(need, succeeded: result.outcome.letsDependantsRun)
        }
      }
      links.append(link)
      executorsUsed.insert(executor)
      return link
    }
    let runner = try backend(executor, members, link) { [self] event in
      let renumbered = Self.renumbered(event, group)
      lock.withLock { record(renumbered) }
      // An ended stage may make a group ready.
      if case .ended = renumbered { wake.forward(SIGCHLD) }
    }
    let thread = try BackendThread { [self] in
      do throws(ExecError) {
        let ends = try runner.run()
        lock.withLock {
          for (offset, result) in ends.enumerated() { results[group[offset]] = result }
        }
      } catch {
        lock.withLock { if failure == nil { failure = error } }
      }
      wake.forward(SIGCHLD)
    }
    return (thread, link)
  }

  /// Takes a backend's event (with the run's stage indexes), with the lock held: an ended
  /// stage goes to every backend that waits for it, a failure without `--keep-going`
  /// stops the starts of all. The coordinator reports a stop signal itself, once.
  private func record(_ event: RunEvent) {
    switch event {
    case .stopping:
      return
    case .ended(let stage, let result, _):
      results[stage] = result
      for link in links { link.ended(stage, succeeded: result.outcome.letsDependantsRun) }
      if result.outcome == .failed {
        failed = true
        if !keepGoing { for link in links { link.stopStarts() } }
      }
    default:
      break
    }
    report(event)
  }

  /// The stages of the next group, in the order of `stages`: stages not yet `handedOut`
  /// to a backend, of one executor; nil when no stage is ready.
  public static func nextGroup(
    _ stages: [StageLaunch], finished: [StageResult?], handedOut: Set<Int> = []
  ) -> [Int]? {
    let succeeded = { (index: Int) in finished[index]?.outcome.letsDependantsRun == true }
    let waiting = { (index: Int) in finished[index] == nil && !handedOut.contains(index) }
    let order = stages.indices.sorted {
      (stages[$0].priority, $0) < (stages[$1].priority, $1)
    }
    guard
      let first = order.first(where: { index in
        waiting(index) && stages[index].needs.allSatisfy(succeeded)
      })
    else { return nil }
    let executor = stages[first].executor
    var group: Set<Int> = [first]
    var grew = true
    while grew {
      grew = false
      for index in stages.indices
      where waiting(index) && !group.contains(index)
        && stages[index].executor == executor
        && stages[index].needs.allSatisfy({ succeeded($0) || group.contains($0) })
      {
        group.insert(index)
        grew = true
      }
    }
    return group.sorted()
  }

  /// Ends as skipped every stage not handed out that needs one that did not succeed (a
  /// backend skips its own such stages).
  private func skipUnreachable() {
    var changed = true
    while changed {
      changed = false
      for index in stages.indices where results[index] == nil && !handedOut.contains(index) {
        let blocked = stages[index].needs.contains { need in
          results[need].map { !$0.outcome.letsDependantsRun } ?? false
        }
        if blocked {
          end(
            index,
            StageResult(outcome: .skipped, status: 0, message: "a stage it needs did not succeed"))
          changed = true
        }
      }
    }
  }

  /// Ends a stage no backend ran, with the lock held.
  private func end(_ index: Int, _ result: StageResult) {
    record(.ended(stage: index, result: result, at: MonotonicClock.now()))
  }

  /// The stages at `group` (indexes of `stages`) as a backend of that group gets them:
  /// `needs` among the group only, numbered by their places in it.
  static func members(_ group: [Int], of stages: [StageLaunch]) -> [StageLaunch] {
    let position = Dictionary(uniqueKeysWithValues: group.enumerated().map { ($1, $0) })
    return group.map { index in
      var launch = stages[index]
      launch.needs = launch.needs.compactMap { position[$0] }
      return launch
    }
  }

  /// An event of a group's backend, its stage index turned into the run's.
  static func renumbered(_ event: RunEvent, _ group: [Int]) -> RunEvent {
    switch event {
    case .started(let stage, let pid, let gpus, let time):
      return .started(stage: group[stage], pid: pid, gpus: gpus, at: time)
    case .ended(let stage, let result, let time):
      return .ended(stage: group[stage], result: result, at: time)
    case .output(let stage, let line, let time):
      return .output(stage: group[stage], line: line, at: time)
    case .submitted(let stage, let job, let time):
      return .submitted(stage: group[stage], job: job, at: time)
    case .retrying(let stage, let failed, let next, let time):
      return .retrying(stage: group[stage], failed: failed, next: next, at: time)
    case .stopping, .cancelling:
      return event
    }
  }
}
