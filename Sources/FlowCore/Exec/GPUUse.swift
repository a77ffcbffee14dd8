import Glibc

/// Whether a stage given GPUs opened any of their device files while it ran: a GPU
/// granted but never opened is a GPU other stages could have had (the stage's program was
/// built without GPU support, or it picked the CPU on its own). What is seen is what the
/// stage's processes held open at the runner's looks, so a device held for less than the
/// time between two looks can be missed: `unused` says "not seen open", with how many
/// looks there were.
public struct GPUUse: Sendable, Equatable {
  public enum State: String, Sendable {
    /// A process of the stage held one of its GPUs' device files open.
    case used
    /// The stage's processes were looked at, and none held one open.
    case unused
    /// Nothing could be seen, for `reason`.
    case unknown
  }

  public var state: State
  /// The device files seen open, sorted.
  public var opened: [String]
  /// How many times the stage's processes were looked at.
  public var looks: Int
  /// Why the state is unknown.
  public var reason: String?
  /// The GPU ids the stage was given.
  public var gpus: [String] = []

  public init(
    state: State, opened: [String] = [], looks: Int = 0, reason: String? = nil,
    gpus: [String] = []
  ) {
    self.state = state
    self.opened = opened
    self.looks = looks
    self.reason = reason
    self.gpus = gpus
  }

  /// The `gpu_use` member of a `stage-end` event.
  public var json: JSONValue {
    var object = JSONObject([
      ("state", .string(state.rawValue)), ("opened", .array(opened.map(JSONValue.string))),
      ("looks", .integer(Int64(looks))),
    ])
    if let reason { object["reason"] = .string(reason) }
    return .object(object)
  }

  /// What a person is told about a stage whose GPUs were granted but not seen in use;
  /// nil for any other.
  public func note(stage: String) -> String? {
    guard state == .unused else { return nil }
    let times = looks == 1 ? "once" : "\(looks) times"
    return "stage '\(stage)' was granted gpu \(gpus.joined(separator: ",")) but never opened it"
      + " (looked \(times)): it ran without the gpu"
  }
}

/// Watches the stages given GPUs while they run: at the runner's ticks, at most every
/// `interval` seconds, lists the files their processes hold open (`/proc/PID/fd`) and
/// notes the GPU device files among them. A stage's processes are those carrying its
/// mark (`RunProcesses`) and those in its process group, which keeps a process that
/// emptied its environment. A stage already seen using its GPUs is not looked at again.
final class GPUUseWatch {
  private struct Watched {
    var leader: pid_t
    var gpus: [String]
    var nodes: Set<String>
    var opened: Set<String> = []
    var looks = 0
    var unknown: String?
  }

  /// Seconds between two looks.
  static let interval = 0.5
  private var watched: [Int: Watched] = [:]
  private var lastLook = -Double.infinity

  /// Whether a stage is being watched, so the runner wakes often enough to look.
  var isWatching: Bool { watched.values.contains { $0.unknown == nil && $0.opened.isEmpty } }

  /// Starts watching `stage`, whose leader is `leader`, for `nodes`; with `unknown` set,
  /// nothing is looked at and the stage's use is unknown for that reason.
  func begin(stage: Int, leader: pid_t, gpus: [String], nodes: [String], unknown: String?) {
    var entry = Watched(leader: leader, gpus: gpus, nodes: Set(nodes))
    entry.unknown = unknown ?? (nodes.isEmpty ? "unknown: the probe named no device file" : nil)
    watched[stage] = entry
  }

  /// Looks at the watched stages' open files when `interval` has passed since the last look.
  func look(now: Double, run: String) {
    let pending = watched.filter { $0.value.unknown == nil && $0.value.opened.isEmpty }
    guard !pending.isEmpty, now - lastLook >= Self.interval else { return }
    lastLook = now
    let leaders = Dictionary(pending.map { ($0.value.leader, $0.key) }) { first, _ in first }
    var processes: [Int: [pid_t]] = [:]
    for found in ProcessTable.scan(markPrefix: "\(RunProcesses.variable)=\(run)/") {
      if let stage = found.mark.flatMap({ Int($0) }), pending[stage] != nil {
        processes[stage, default: []].append(found.pid)
      } else if let stage = leaders[found.group] {
        processes[stage, default: []].append(found.pid)
      }
    }
    for (stage, entry) in pending {
      var seen = entry
      seen.looks += 1
      for pid in processes[stage] ?? [] {
        seen.opened.formUnion(ProcessTable.openFiles(of: pid).filter(entry.nodes.contains))
      }
      watched[stage] = seen
    }
  }

  /// Stops watching `stage` and says what was seen; nil for a stage not watched.
  func end(stage: Int) -> GPUUse? {
    guard let entry = watched.removeValue(forKey: stage) else { return nil }
    var use = GPUUse(state: .unused, looks: entry.looks)
    if let unknown = entry.unknown {
      use = GPUUse(state: .unknown, reason: unknown)
    } else if !entry.opened.isEmpty {
      use = GPUUse(state: .used, opened: entry.opened.sorted(), looks: entry.looks)
    } else if entry.looks == 0 {
      use.state = .unknown
      use.reason = "unknown: the stage ended before its processes were looked at"
    }
    use.gpus = entry.gpus
    return use
  }
}
