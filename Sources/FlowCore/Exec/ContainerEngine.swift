/// The program that runs a stage's image.
public enum ContainerEngine: String, Sendable, CaseIterable {
  case podman, docker, apptainer

  /// The engine to use: the one named (option, else `FLOW_CONTAINER_ENGINE`), checked to be
  /// installed (unless only its argv is wanted), else the first installed of podman,
  /// docker and apptainer.
  public static func choose(
    named: String?, environment: EnvironmentMap, mustBeInstalled: Bool = true
  ) throws(ExecError) -> ContainerEngine {
    let wanted = named ?? environment["FLOW_CONTAINER_ENGINE"].flatMap { $0.isEmpty ? nil : $0 }
    if let wanted {
      guard let engine = ContainerEngine(rawValue: wanted) else { throw .unknownEngine(wanted) }
      guard mustBeInstalled else { return engine }
      do throws(ChildProcess.Failure) {
        _ = try ChildProcess.locate(wanted, environment: environment)
      } catch {
        throw error.status == .cannotRun
          ? .engineNotRunnable(wanted, reason: error.message) : .engineNotInstalled(wanted)
      }
      return engine
    }
    guard let first = allCases.first(where: { $0.isInstalled(environment: environment) }) else {
      throw .noContainerEngine
    }
    return first
  }

  public func isInstalled(environment: EnvironmentMap) -> Bool {
    (try? ChildProcess.locate(rawValue, environment: environment)) != nil
  }

  /// Whether the engine can hand NVIDIA GPUs to a container: podman only through a CDI
  /// specification (`nvidia-ctk cdi generate`), in `/etc/cdi` or `/var/run/cdi`.
  public func passesNvidiaGPUs(files: ProbeFileSystem) -> Bool {
    guard self == .podman else { return true }
    return ["/etc/cdi", "/var/run/cdi"].contains { folder in
      files.list(folder).contains { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
    }
  }
}
