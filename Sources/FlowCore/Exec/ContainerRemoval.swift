#if canImport(Glibc)
  import Glibc
#endif

/// Runs an engine's removal command (`podman rm -f NAME`) and waits for it, its output
/// discarded: a container whose client was killed must not outlive the run.
enum ContainerRemoval {
  /// Whether the removal command ran and succeeded.
  @discardableResult
  static func run(_ argv: [String]) -> Bool {
    let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
    defer { close(null) }
    guard
      let pid = try? ProcessSpawner.spawn(
        argv: argv, environment: ProcessEnvironment.current, directory: nil, output: null)
    else { return false }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return status == 0
  }
}
