import Glibc

/// A program to run as a child process: an argv array (never a shell string), the whole
/// environment it gets, and a working folder. It starts with standard input from
/// `/dev/null`, standard output (and error, unless discarded) into one descriptor, with
/// default signal handling and an empty signal mask, and by default in a process group of
/// its own, so that `kill(-pid, …)` reaches everything it started. Every descriptor made
/// here is close-on-exec: no other child inherits it.
public struct ChildProcess: Sendable {
  public var arguments: [String]
  public var environment: EnvironmentMap
  public var directory: String?
  /// Leads a new process group (whose ID is its PID).
  public var ownsProcessGroup = true
  /// Standard error goes where standard output goes; otherwise to `/dev/null`.
  public var keepsErrors = true
  /// The kernel kills the program (SIGKILL) when this process dies, however it dies
  /// (`PR_SET_PDEATHSIG`), so a killed runner leaves no stage leader behind. posix_spawn
  /// cannot ask for that: the program is then started by the shim's fork and exec, with
  /// the same descriptors, folder, group and (all default) signals.
  public var diesWithParent = false

  public init(_ arguments: [String], environment: EnvironmentMap, directory: String? = nil) {
    self.arguments = arguments
    self.environment = environment
    self.directory = directory
  }

  /// Why a program could not start, with the status `env(1)` gives for it.
  public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    /// `.notFound` (127), `.cannotRun` (126), or `.toolFailed` (125) when flow itself
    /// could not prepare the start.
    public var status: ExitStatus
    public var message: String

    public var description: String { message }
  }

  /// The one PATH rule, `execvp`'s: a name with a slash is used as it is. Otherwise each
  /// folder of the environment's `PATH` (`/usr/local/bin:/usr/bin:/bin` when unset; an
  /// empty entry is the current folder) is tried in order, and the first regular file
  /// that may be executed is the program. Nothing there: not found (127); only files that
  /// may not be executed: cannot run (126).
  public static func locate(_ program: String, environment: EnvironmentMap) throws(Failure)
    -> String
  {
    if program.contains("/") {
      guard access(program, F_OK) == 0 else {
        throw Failure(status: .notFound, message: "\(program): no such file")
      }
      guard access(program, X_OK) == 0 else {
        throw Failure(status: .cannotRun, message: "\(program): permission denied")
      }
      return program
    }
    let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    var denied: String?
    for folder in path.split(separator: ":", omittingEmptySubsequences: false) {
      let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + program
      var status = stat()
      guard stat(candidate, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
      if access(candidate, X_OK) == 0 { return candidate }
      denied = denied ?? candidate
    }
    if let denied { throw Failure(status: .cannotRun, message: "\(denied): permission denied") }
    throw Failure(status: .notFound, message: "\(program): command not found")
  }

  /// Starts the program, its output into `output`, and returns its PID.
  public func start(output: Int32) throws(Failure) -> pid_t {
    let program = try Self.locate(arguments[0], environment: environment)
    let argv = arguments.map { strdup($0) } + [nil]
    let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in variables { free(pointer) }
    }
    var pid: pid_t = 0
    let code =
      diesWithParent
      ? spawnDyingWithParent(
        &pid, path: program, arguments: argv, environment: variables, output: output,
        keepsErrors: keepsErrors, directory: directory, ownsProcessGroup: ownsProcessGroup)
      : spawn(&pid, program, argv, variables, output: output)
    guard code == 0 else {
      throw Failure(
        status: code == ENOENT ? .notFound : .cannotRun,
        message: "\(program): \(String(cString: strerror(code)))")
    }
    return pid
  }

  /// `posix_spawn` with the settings above; returns 0 or an errno.
  private func spawn(
    _ pid: inout pid_t, _ program: String, _ argv: [UnsafeMutablePointer<CChar>?],
    _ variables: [UnsafeMutablePointer<CChar>?], output: Int32
  ) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, output, 1)
    if keepsErrors {
      posix_spawn_file_actions_adddup2(&actions, output, 2)
    } else {
      posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    if let directory { _ = spawnActionsAddChangeDirectory(&actions, directory) }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
    if ownsProcessGroup {
      flags |= POSIX_SPAWN_SETPGROUP
      posix_spawnattr_setpgroup(&attributes, 0)
    }
    // What this process catches or ignores (the signal relay's signals, SIGPIPE, SIGXFSZ) is
    // the default again in the child.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGCHLD, SIGPIPE, SIGHUP, SIGQUIT, SIGXFSZ] {
      sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(&attributes, Int16(flags))
    return posix_spawn(&pid, program, &actions, &attributes, argv, variables)
  }

  /// Waits for `pid` to end.
  public static func wait(for pid: pid_t) -> ProcessStatus {
    var status: Int32 = 0
    _ = SystemCall.retrying { waitpid(pid, &status, 0) }
    return ProcessStatus(waitStatus: status)
  }
}
