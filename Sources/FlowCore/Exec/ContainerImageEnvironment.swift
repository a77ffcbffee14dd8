/// An image's own environment (`ENV` in its build file, `Config.Env` in its
/// configuration), the base a container stage's environment is built on, as the local
/// environment is for a stage on this machine: resolved actions then prepend to the
/// image's `PATH` instead of replacing it. podman and docker say it exactly through
/// `image inspect`; apptainer assembles its environment from scripts in the image when it
/// starts, so no base is read for it.
public enum ContainerImageEnvironment {
  /// The argv that prints the image's environment as a JSON list of `NAME=VALUE`, or nil
  /// for an engine that has no such query.
  public static func query(engine: ContainerEngine, image: String) -> [String]? {
    switch engine {
    case .podman, .docker:
      [engine.rawValue, "image", "inspect", "--format", "{{json .Config.Env}}", image]
    case .apptainer: nil
    }
  }

  /// The environment in the query's output (`["PATH=/usr/bin", "LANG=C.UTF-8"]`, or `null`
  /// for an image that sets none); nil when the output is no such list.
  public static func parse(_ output: String) -> EnvironmentMap? {
    guard
      let line = output.split(separator: "\n").first(where: {
        $0.hasPrefix("[") || $0 == "null"
      })
    else { return nil }
    guard let value = try? JSONCodec.decode(Array(line.utf8)) else { return nil }
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

  /// Reads the image's environment with the engine's client, run in `environment`; nil
  /// when the engine cannot say (an image not pulled yet, no such query).
  public static func read(engine: ContainerEngine, image: String, environment: EnvironmentMap)
    -> EnvironmentMap?
  {
    guard let argv = query(engine: engine, image: image) else { return nil }
    do throws(ChildProcess.Failure) {
      let finished = try ChildProcess(argv, environment: environment).run(timeout: 60)
      guard finished.status?.shellStatus == 0, var image = parse(finished.text) else { return nil }
      if image["PATH"] == nil { image["PATH"] = enginePath }
      return image
    } catch {
      return nil
    }
  }
}
