/// An image's own environment (`ENV` in its build file, `Config.Env` in its
/// configuration), the base a container stage's environment is built on, as the local
/// environment is for a stage on this machine: resolved actions then prepend to the
/// image's `PATH` instead of replacing it. podman and docker say it exactly through
/// `image inspect` (`ImageInspections`); apptainer assembles its environment from scripts
/// in the image when it starts, so no base is read for it.
public enum ContainerImageEnvironment {
  /// The environment in an `image inspect` document's first image (`Config.Env`, a list
  /// of `NAME=VALUE`, or `null` for an image that sets none); nil when there is no such
  /// list.
  public static func environment(inInspection document: JSONValue) -> EnvironmentMap? {
    guard let image = ImageInspections.firstImage(in: document), let config = image["Config"]
    else { return nil }
    let value = config["Env"] ?? .null
    if value == .null { return [:] }
    guard let items = value.arrayValue else { return nil }
    var environment: EnvironmentMap = [:]
    for item in items {
      guard let text = item.stringValue, let equals = text.firstIndex(of: "="),
        equals != text.startIndex
      else { return nil }
      environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
    return environment
  }

  /// The `PATH` podman and docker give a container whose image sets none.
  public static let enginePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

  /// Variables podman and docker set as a container starts whatever its image says
  /// (`HOME` from the image's user, the container's `HOSTNAME`), with empty values: where
  /// actions are tested against an image's environment, they are there.
  public static let startVariables: EnvironmentMap = ["HOME": "", "HOSTNAME": ""]

  /// Whether the engine has an image environment to read at all.
  public static func isReadable(engine: ContainerEngine) -> Bool { engine != .apptainer }

  /// The image's environment, from the run's one inspection of it; nil when the engine
  /// cannot say (an image not pulled yet, apptainer).
  public static func read(
    engine: ContainerEngine, image: String, inspections: ImageInspections
  ) -> EnvironmentMap? {
    guard isReadable(engine: engine),
      case .document(let document) = inspections.answer(engine: engine, image: image),
      var found = environment(inInspection: document)
    else { return nil }
    if found["PATH"] == nil { found["PATH"] = enginePath }
    return found
  }
}
