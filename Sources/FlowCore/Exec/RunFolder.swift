import Glibc

/// Where a run is kept: `.flow/runs/<id>/` beside the workflow, with its stages' logs
/// (`logs/`), its events (`events.jsonl`), its trace (`trace.json`), its plan
/// (`plan.json`) and its report (`report.html`). `.flow/runs/latest` names the newest run;
/// the oldest are removed past a count.
///
/// A run id is the UTC time the run began, to the microsecond, and flow-exec's process id,
/// `20261202-140424.250113-4711`: ids sort in the order runs began (process ids do not:
/// they wrap, and 991 sorts after 1000), and two runs started at once differ.
public struct RunFolder: Sendable {
  /// How many runs are kept when not told (`--keep-runs`).
  public static let defaultKept = 20

  public let id: String
  /// The `runs` folder the run is in.
  public let runs: String

  /// The run folder for a run beginning now, under `base/.flow/runs` (nothing is made).
  public init(base: String, now: timespec = RunFolder.realTime(), pid: Int32 = getpid()) {
    var moment = tm()
    var seconds = now.tv_sec
    gmtime_r(&seconds, &moment)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
    let micro = String(now.tv_nsec / 1000)
    id =
      "\(moment.tm_year + 1900)\(two(moment.tm_mon + 1))\(two(moment.tm_mday))-"
      + "\(two(moment.tm_hour))\(two(moment.tm_min))\(two(moment.tm_sec))."
      + String(repeating: "0", count: max(0, 6 - micro.count)) + micro + "-\(pid)"
    runs = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/.flow/runs"
  }

  /// The run folder for a run beginning at `now`, a whole second.
  public init(base: String, now: time_t, pid: Int32 = getpid()) {
    self.init(base: base, now: timespec(tv_sec: now, tv_nsec: 0), pid: pid)
  }

  /// The time of day now, to the nanosecond.
  public static func realTime() -> timespec {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return now
  }

  public var path: String { runs + "/" + id }
  public var logs: String { path + "/logs" }
  public var events: String { path + "/events.jsonl" }
  public var trace: String { path + "/trace.json" }
  public var plan: String { path + "/plan.json" }
  public var report: String { path + "/report.html" }

  /// Makes the folder, with its logs folder unless the logs go elsewhere; `false` when
  /// they cannot be made.
  public func make(withLogs: Bool = true) -> Bool { Directories.make(withLogs ? logs : path) }

  /// Points `latest` at this run, replacing what it named (a new link renamed over it,
  /// so a reader never finds it missing).
  public func markLatest() -> String? {
    let link = runs + "/latest"
    let fresh = runs + "/.latest-\(getpid())"
    unlink(fresh)
    guard symlink(id, fresh) == 0, rename(fresh, link) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(fresh)
      return "\(link): \(reason)"
    }
    return nil
  }

  /// Removes the oldest runs so that `kept` remain, this one among them; returns what
  /// could not be removed. Only entries named as run ids are touched, links are removed,
  /// never followed, and a run whose flow-exec is still alive is left alone (under
  /// `make -j` several run at once, and one must not take another's logs away).
  public func prune(keeping kept: Int) -> [String] {
    let names = (DirectoryListing.names(in: runs) ?? []).filter {
      Self.isRunID($0) && $0 != id && !Self.isRunning($0)
    }
    var problems: [String] = []
    for name in names.dropLast(max(kept - 1, 0)) {
      if let problem = Self.removeTree(runs + "/" + name) { problems.append(problem) }
    }
    return problems
  }

  /// Whether `name` has the shape of a run id: 8 digits, a dash, 6 digits, a dot and 6
  /// digits (or none, as ids were once written), a dash, digits.
  static func isRunID(_ name: String) -> Bool {
    let parts = name.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 8 else { return false }
    let time = parts[1].split(separator: ".", omittingEmptySubsequences: false)
    guard time[0].count == 6, time.count == 1 || (time.count == 2 && time[1].count == 6) else {
      return false
    }
    return ([parts[0], parts[2]] + time).allSatisfy {
      !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber)
    }
  }

  /// Whether the flow-exec of run `id` (its process id is the id's last part) is alive.
  static func isRunning(_ id: String) -> Bool {
    guard let pid = id.split(separator: "-").last.flatMap({ Int32($0) }), pid > 0 else {
      return false
    }
    return kill(pid, 0) == 0 || errno == EPERM
  }

  /// Removes `path` and everything under it without following a link; what went wrong.
  static func removeTree(_ path: String) -> String? {
    var status = stat()
    guard lstat(path, &status) == 0 else { return errno == ENOENT ? nil : failure(path) }
    if status.st_mode & S_IFMT != S_IFDIR {
      return unlink(path) == 0 ? nil : failure(path)
    }
    for name in DirectoryListing.names(in: path) ?? [] {
      if let problem = removeTree(path + "/" + name) { return problem }
    }
    return rmdir(path) == 0 ? nil : failure(path)
  }

  private static func failure(_ path: String) -> String {
    "cannot remove \(path): \(String(cString: strerror(errno)))"
  }
}
