/// The program that runs a stage's image.
public enum ContainerEngine: String, Sendable, CaseIterable {
  case podman, docker, apptainer

  /// The engine to use: the one named (option, else `FLOW_CONTAINER_ENGINE`), checked to be
  /// installed, else the first installed of podman, docker and apptainer.
  public static func choose(
    named: String?, environment: [String: String]
  ) throws(ExecError) -> ContainerEngine {
    let wanted = named ?? environment["FLOW_CONTAINER_ENGINE"].flatMap { $0.isEmpty ? nil : $0 }
    if let wanted {
      guard let engine = ContainerEngine(rawValue: wanted) else { throw .unknownEngine(wanted) }
      guard engine.isInstalled(environment: environment) else {
        throw .engineNotInstalled(wanted)
      }
      return engine
    }
    guard let first = allCases.first(where: { $0.isInstalled(environment: environment) }) else {
      throw .noContainerEngine
    }
    return first
  }

  public func isInstalled(environment: [String: String]) -> Bool {
    (try? ProcessSpawner.locate(rawValue, environment: environment)) != nil
  }
}
