#if canImport(Glibc)
  import Glibc
#endif

/// Starts a child process with `posix_spawn`: an argv array (never a shell string), an
/// explicit environment, a working folder, standard input from `/dev/null`, standard
/// output and error into one file, in a process group of its own, with default signal
/// handling and an empty signal mask.
public enum ProcessSpawner {
  /// Why a command could not start, with the status `env(1)` gives for it.
  public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    /// 127 when the program is not found, 126 when it cannot run.
    public var status: Int32
    public var message: String

    public var description: String { message }
  }

  /// Finds `program` in the `PATH` of the environment it will run in, as `execvp` would.
  public static func locate(_ program: String, environment: [String: String]) throws(Failure)
    -> String
  {
    if program.contains("/") {
      guard access(program, F_OK) == 0 else {
        throw Failure(status: 127, message: "\(program): no such file")
      }
      guard access(program, X_OK) == 0 else {
        throw Failure(status: 126, message: "\(program): permission denied")
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
    if let denied { throw Failure(status: 126, message: "\(denied): permission denied") }
    throw Failure(status: 127, message: "\(program): command not found")
  }

  /// Starts the process and returns its PID, which is also its process group.
  public static func spawn(
    argv: [String], environment: [String: String], directory: String?, output: Int32
  ) throws(Failure) -> pid_t {
    let program = try locate(argv[0], environment: environment)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, output, 1)
    posix_spawn_file_actions_adddup2(&actions, output, 2)
    if let directory { _ = spawnActionsAddChangeDirectory(&actions, directory) }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setpgroup(&attributes, 0)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGCHLD, SIGPIPE, SIGHUP, SIGQUIT] {
      sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let arguments = argv.map { strdup($0) } + [nil]
    let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in arguments { free(pointer) }
      for pointer in variables { free(pointer) }
    }
    var pid: pid_t = 0
    let code = posix_spawn(&pid, program, &actions, &attributes, arguments, variables)
    guard code == 0 else {
      let status: Int32 = code == ENOENT ? 127 : 126
      throw Failure(status: status, message: "\(program): \(String(cString: strerror(code)))")
    }
    return pid
  }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which the Glibc module
/// leaves out because it is declared only for `_GNU_SOURCE`.
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnActionsAddChangeDirectory(
  _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>
) -> Int32
