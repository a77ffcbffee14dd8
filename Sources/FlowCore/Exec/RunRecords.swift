import Glibc

/// The local runs of this user in progress: one file per run, named after the run
/// (`PID-START-N`, see `RunProcesses`), in a folder only the user may enter, holding the
/// removal argv of each container the run started (a JSON array a line). A run whose
/// flow-exec was killed (SIGKILL leaves no time to clean up) keeps its file, so the next
/// run finds it at start-up, sees that no process has that PID and start time any more,
/// stops what still carries the dead run's mark and removes its containers (which run
/// under the engine, not under the run). A run's Slurm jobs are recorded too (a JSON
/// object a line, see `RunRecords+Slurm`): the next run cancels those still queued.
public struct RunRecords: Sendable {
  public let folder: String
  /// The environment Slurm's commands run in when a stale run's jobs are cancelled.
  public var slurmEnvironment: EnvironmentMap = [:]

  public init(folder: String) {
    self.folder = folder
  }

  /// `$XDG_RUNTIME_DIR/flow/runs` when that is set, else `runs` in flow's cache folder.
  public init(environment: EnvironmentMap) {
    if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
      folder = runtime + "/flow/runs"
    } else {
      folder = UserDirectories(environment: environment).flowCache + "/runs"
    }
    slurmEnvironment = environment
  }

  /// Stops the processes and removes the containers left by runs whose flow-exec is gone,
  /// and forgets those runs; returns one note per run that had left something.
  public func sweepStale() -> [String] {
    guard isPrivateFolder() else { return [] }
    var notes: [String] = []
    for name in DirectoryListing.names(in: folder) ?? [] {
      let fields = name.split(separator: "-")
      guard fields.count == 3, let pid = pid_t(fields[0]), let started = UInt64(fields[1]) else {
        continue
      }
      if ProcessTable.startTime(of: pid) == started { continue }
      let stopped = Self.stop(run: name)
      let removed = containerRemovals(of: name).filter { ContainerRemoval.run($0) }.count
      let cancelled = cancelSlurmJobs(of: name)
      let parts = [
        (stopped, "process", "processes"), (removed, "container", "containers"),
        (cancelled, "slurm job", "slurm jobs"),
      ]
      .filter { $0.0 > 0 }.map { "\($0.0) \($0.0 == 1 ? $0.1 : $0.2)" }
      if !parts.isEmpty {
        notes.append(
          "stopped \(parts.joined(separator: " and ")) left running by an earlier run "
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

  /// Adds a container's removal argv to `run`'s record.
  func add(containerRemoval argv: [String], to run: String) {
    let descriptor = open(folder + "/" + run, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    try? Descriptor.writeAll(
      JSONCodec.encode(.array(argv.map(JSONValue.string))) + [10], to: descriptor)
  }

  /// The removal argvs in `run`'s record: only an engine's own `rm`, never any other
  /// command a file may hold.
  func containerRemovals(of run: String) -> [[String]] {
    let descriptor = open(folder + "/" + run, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard descriptor >= 0 else { return [] }
    defer { close(descriptor) }
    let bytes = (try? Descriptor.readAll(from: descriptor, limit: 1 << 20)) ?? []
    return bytes.split(separator: 10).compactMap { line in
      let argv = (try? JSONCodec.decode(Array(line)))?.arrayValue?.compactMap(\.stringValue)
      guard let argv, argv.count >= 3, ContainerEngine(rawValue: argv[0]) != nil, argv[1] == "rm"
      else { return nil }
      return argv
    }
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
