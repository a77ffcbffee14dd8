/// What container engines say of the images a run uses, asked once per image per run and
/// kept: podman's and docker's `image inspect` print an image's whole configuration (its
/// `Config.Env` is the base of a container stage's environment, its variables and labels
/// say which CUDA it needs), apptainer's `inspect --json --labels --environment` prints a
/// local image file's labels and environment scripts. Only what is stored locally is
/// looked at: nothing is pulled.
public final class ImageInspections {
  /// What an engine said of an image.
  public enum Answer: Sendable, Equatable {
    /// The engine's JSON document, as it printed it.
    case document(JSONValue)
    /// Nothing is known, and why (`unknown: the image is not stored locally`).
    case unknown(String)
  }

  /// How long one inspection may take: an engine's first command of a session may set up
  /// its storage, which takes seconds.
  public static let defaultTimeout = 30.0

  /// Where the engines are looked up and run.
  public let environment: EnvironmentMap
  public let timeout: Double
  private var answers: [String: Answer] = [:]

  public init(environment: EnvironmentMap, timeout: Double = ImageInspections.defaultTimeout) {
    self.environment = environment
    self.timeout = timeout
  }

  /// The first image of a podman or docker `image inspect` document (an array of images,
  /// or one image object).
  public static func firstImage(in document: JSONValue) -> JSONValue? {
    document.arrayValue?.first ?? document.objectValue.map(JSONValue.object)
  }

  /// The argv that inspects `image` (the word the engine gets, `ContainerImage.argument`),
  /// or nil when the engine cannot inspect it: apptainer inspects local image files only.
  public static func argv(engine: ContainerEngine, image: String) -> [String]? {
    switch engine {
    case .podman, .docker:
      return [engine.rawValue, "image", "inspect", "--", image]
    case .apptainer:
      guard image.hasPrefix("/") else { return nil }
      return ["apptainer", "inspect", "--json", "--labels", "--environment", image]
    }
  }

  /// What `engine` says of `image`, asked the first time only.
  public func answer(engine: ContainerEngine, image: String) -> Answer {
    let key = engine.rawValue + "\u{0}" + image
    if let known = answers[key] { return known }
    let found = ask(engine: engine, image: image)
    answers[key] = found
    return found
  }

  private func ask(engine: ContainerEngine, image: String) -> Answer {
    guard let argv = Self.argv(engine: engine, image: image) else {
      return .unknown("unknown: apptainer inspects local image files only, not \(image)")
    }
    let command = argv.prefix(argv[1] == "image" ? 3 : 2).joined(separator: " ")
    let runner = ToolRunner(environment: environment, timeout: timeout)
    switch runner.run(argv[0], arguments: Array(argv.dropFirst())) {
    case .finished(0, let output):
      guard let document = try? JSONCodec.decode(Array(output.utf8)) else {
        return .unknown("unknown: \(command) printed no json")
      }
      return .document(document)
    case .finished:
      return .unknown(
        engine == .apptainer
          ? "unknown: \(command) could not read \(image)"
          : "unknown: the image is not stored locally")
    case .timedOut:
      return .unknown("unknown: \(command) took longer than \(Seconds.describe(timeout)) s")
    case .notFound:
      return .unknown("unknown: \(engine.rawValue) is not installed")
    case .failedToStart:
      return .unknown("unknown: \(engine.rawValue) could not be run")
    }
  }
}
