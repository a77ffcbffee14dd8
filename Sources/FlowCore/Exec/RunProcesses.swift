import Glibc

/// Every process a run's stages started, wherever it went: into a process group or a
/// session of its own (`setsid`, GNU `timeout`), or up to this process when its parent
/// died. Each stage starts with `FLOW_RUN_TOKEN=<run>/<stage>` in its environment, which
/// every descendant inherits; what carries it is found in `/proc`. cgroup v2 would hold
/// them all, but is not delegated to users everywhere: the mark works without it.
///
/// A process that empties its environment loses the mark. When the runner owns its
/// process (`adoptsOrphans`), its children that are not stage leaders are such
/// leftovers too: as a child subreaper it inherits every orphan of its stages.
final class RunProcesses {
  static let variable = "FLOW_RUN_TOKEN"

  /// This run's name: this process's PID and start time (which, unlike the PID, is not
  /// reused) and the moment the run began (several runs may share a process).
  let run: String
  private let adoptsOrphans: Bool
  /// Whether this process is a child subreaper (`PR_SET_CHILD_SUBREAPER` succeeded).
  var isSubreaper = false
  /// Processes signalled here that may end as this process's children, to be reaped.
  private var signalled: Set<pid_t> = []

  init(adoptsOrphans: Bool) {
    let own = getpid()
    let started = ProcessTable.startTime(of: own) ?? 0
    run = "\(own)-\(started)-\(UInt64(MonotonicClock.now() * 1e9))"
    self.adoptsOrphans = adoptsOrphans
  }

  /// The mark of `stage`'s processes, as `NAME` and `VALUE`.
  func mark(stage: Int) -> (name: String, value: String) {
    (Self.variable, "\(run)/\(stage)")
  }

  /// The run a mark's value belongs to: `RUN/STAGE` without `/STAGE`.
  static func run(ofMark value: String) -> Substring {
    value.prefix { $0 != "/" }
  }

  /// Sends `signal` to everything that carries `stage`'s mark, outside the stage's own
  /// process group as well as in it.
  func signal(stage: Int, _ signal: Int32) {
    send(signal, to: ProcessTable.processes(withEnvironmentEntry: entry(stage: stage)))
  }

  /// Sends `signal` to everything of the run: every stage's marked processes and, when
  /// this process is the runner's own, the orphans it adopted (its children that are not
  /// among `leaders`).
  func signalAll(_ signal: Int32, leaders: Set<pid_t>) {
    send(signal, to: ProcessTable.processes(withEnvironmentEntry: "\(Self.variable)=\(run)/"))
    if adoptsOrphans {
      send(signal, to: ProcessTable.children().filter { !leaders.contains($0) })
    }
  }

  /// Kills everything left of `stage` until nothing carries its mark; a process forked
  /// while the last ones were killed is found by the next look. The stages still running
  /// (`leaders`) are not reaped here.
  func killAll(stage: Int, leaders: Set<pid_t>) {
    // A child subreaper inherits every orphan below it, so whatever of the stage is left
    // is one of its children or below one: with no child but the running stages' leaders,
    // nothing is left, and reading every process's environment (a cost paid per stage,
    // and growing with what else the machine runs) is spared.
    if adoptsOrphans && isSubreaper && ProcessTable.children().allSatisfy(leaders.contains) {
      reap(leaders: leaders)
      return
    }
    for _ in 0..<10 {
      let found = ProcessTable.processes(withEnvironmentEntry: entry(stage: stage))
      if found.isEmpty { break }
      send(SIGKILL, to: found)
    }
    reap(leaders: leaders)
  }

  /// Reaps what was signalled here and, when adopting, every orphan that ended; never a
  /// stage leader, whose status the runner collects itself.
  func reap(leaders: Set<pid_t>) {
    var status: Int32 = 0
    for pid in signalled where !leaders.contains(pid) {
      let reaped = waitpid(pid, &status, WNOHANG)
      if reaped == pid || (reaped < 0 && kill(pid, 0) != 0) { signalled.remove(pid) }
    }
    guard adoptsOrphans else { return }
    for pid in ProcessTable.children() where !leaders.contains(pid) {
      _ = waitpid(pid, &status, WNOHANG)
    }
  }

  /// Kills everything of the run and reaps it, giving up after `limit` seconds.
  func killEverything(leaders: Set<pid_t>, limit: Double = 5) {
    let giveUp = MonotonicClock.now() + limit
    while true {
      signalAll(SIGKILL, leaders: leaders)
      reap(leaders: leaders)
      let left =
        ProcessTable.processes(withEnvironmentEntry: "\(Self.variable)=\(run)/").count
        + (adoptsOrphans ? ProcessTable.children().filter { !leaders.contains($0) }.count : 0)
      if left == 0 || MonotonicClock.now() > giveUp { break }
      usleep(1000)
    }
  }

  private func entry(stage: Int) -> String {
    // The zero byte ends the entry: stage 1's mark is not the start of stage 10's.
    "\(Self.variable)=\(run)/\(stage)\u{0}"
  }

  private func send(_ signal: Int32, to pids: [pid_t]) {
    for pid in pids where kill(pid, signal) == 0 { signalled.insert(pid) }
  }
}
