import Glibc

/// Runs an engine's removal command (`podman rm -f NAME`) and waits for it, its output
/// discarded: a container whose client was killed must not outlive the run.
enum ContainerRemoval {
  /// Whether the removal command ran and succeeded.
  @discardableResult
  static func run(_ argv: [String]) -> Bool {
    let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
    defer { close(null) }
    let removal = ChildProcess(argv, environment: ProcessEnvironment.current)
    guard let pid = try? removal.start(output: null) else { return false }
    return ChildProcess.wait(for: pid).succeeded
  }
}
