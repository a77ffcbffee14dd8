import Glibc

/// The local runs of this user in progress: one empty file per run, named after the run
/// (`PID-START-N`, see `RunProcesses`), in a folder only the user may enter. A run whose
/// flow-exec was killed (SIGKILL leaves no time to clean up) keeps its file, so the next
/// run finds it at start-up, sees that no process has that PID and start time any more,
/// and stops what still carries the dead run's mark.
public struct RunRecords: Sendable {
  public let folder: String

  public init(folder: String) {
    self.folder = folder
  }

  /// `$XDG_RUNTIME_DIR/flow/runs` when that is set, else `runs` in flow's cache folder.
  public init(environment: [String: String]) {
    if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
      folder = runtime + "/flow/runs"
    } else {
      folder = UserDirectories(environment: environment).flowCache + "/runs"
    }
  }

  /// Stops the processes left by runs whose flow-exec is gone and forgets those runs;
  /// returns one note per run that had left processes.
  public func sweepStale() -> [String] {
    guard isPrivateFolder() else { return [] }
    var notes: [String] = []
    for name in DirectoryListing.names(in: folder) ?? [] {
      let parts = name.split(separator: "-")
      guard parts.count == 3, let pid = pid_t(parts[0]), let started = UInt64(parts[1]) else {
        continue
      }
      if ProcessTable.startTime(of: pid) == started { continue }
      let stopped = Self.stop(run: name)
      if stopped > 0 {
        notes.append(
          "stopped \(stopped) process\(stopped == 1 ? "" : "es") left running by an earlier run "
            + "whose flow-exec (PID \(pid)) is gone")
      }
      unlink(folder + "/" + name)
    }
    return notes
  }

  /// Records `run` as in progress; false when the folder cannot be made private.
  @discardableResult
  func add(_ run: String) -> Bool {
    guard isPrivateFolder() else { return false }
    let descriptor = open(folder + "/" + run, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
    guard descriptor >= 0 else { return false }
    close(descriptor)
    return true
  }

  /// Forgets `run`: it ended and took its processes with it.
  func remove(_ run: String) {
    unlink(folder + "/" + run)
  }

  /// Kills what carries `run`'s mark, looking again for what was forked meanwhile;
  /// returns how many processes were found.
  static func stop(run: String) -> Int {
    var stopped: Set<pid_t> = []
    for _ in 0..<10 {
      let found = ProcessTable.processes(withEnvironmentEntry: "\(RunProcesses.variable)=\(run)/")
      if found.isEmpty { break }
      for pid in found where kill(pid, SIGKILL) == 0 { stopped.insert(pid) }
    }
    return stopped.count
  }

  /// Makes the folder (mode 0700) when missing; true when it is a real folder of this
  /// user that no one else may read or write, so no one else can plant or remove a run.
  private func isPrivateFolder() -> Bool {
    _ = Directories.make(folder, mode: 0o700)
    var status = stat()
    guard lstat(folder, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR,
      status.st_uid == getuid()
    else { return false }
    if status.st_mode & 0o077 != 0 { return chmod(folder, 0o700) == 0 }
    return true
  }
}
