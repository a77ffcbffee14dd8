/// What CUDA an image needs of the driver, from its environment and labels as
/// `podman image inspect` (or docker's) prints them: `NVIDIA_REQUIRE_CUDA`, whose
/// space-separated alternatives hold when any one does, each a comma-separated list of
/// `cuda>=12.6`, `driver>=535`, `brand=tesla` conditions that must all hold, else
/// `CUDA_VERSION`. `NVIDIA_DISABLE_REQUIRE` turns the check off, as in NVIDIA's
/// container toolkit. apptainer's local image files say the same in their environment
/// scripts and labels. Only an image already stored locally is looked at: none is pulled.
public struct ImageCUDARequirement: Sendable, Equatable {
  /// The CUDA release the image was built for, when it says.
  public var cuda: CUDAVersion?
  /// `NVIDIA_REQUIRE_CUDA`'s text, when set.
  public var requirement: String?
  /// Where the facts came from (`podman image inspect`).
  public var source: String

  public init(cuda: CUDAVersion?, requirement: String?, source: String) {
    self.cuda = cuda
    self.requirement = requirement
    self.source = source
  }

  /// The requirement in a podman or docker `image inspect` document's first image, from
  /// `Config.Env` and `Config.Labels`; nil when the image asks for nothing.
  public init?(inspect document: JSONValue, source: String) {
    guard let image = ImageInspections.firstImage(in: document), let config = image["Config"]
    else { return nil }
    var values: [String: String] = [:]
    for entry in config["Env"]?.arrayValue ?? [] {
      guard let text = entry.stringValue, let equals = text.firstIndex(of: "=") else { continue }
      values[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
    for (name, value) in config["Labels"]?.objectValue ?? JSONObject() {
      if values[name] == nil, let text = value.stringValue { values[name] = text }
    }
    self.init(values: values, source: source)
  }

  /// The requirement in apptainer's `inspect --json --labels --environment` document: the
  /// `export NAME=VALUE` lines of the image's environment scripts (a SIF built from an OCI
  /// image writes its `ENV` there, as `export NAME="${NAME:-"VALUE"}"`), then its labels.
  public init?(apptainer document: JSONValue, source: String) {
    guard let attributes = document["data"]?["attributes"] else { return nil }
    var values: [String: String] = [:]
    var scripts: [String] = []
    if let text = attributes["environment"]?.stringValue { scripts.append(text) }
    for (_, value) in attributes["environment"]?.objectValue ?? JSONObject() {
      if let text = value.stringValue { scripts.append(text) }
    }
    for script in scripts {
      for (name, value) in Self.exports(script) where values[name] == nil { values[name] = value }
    }
    for (name, value) in attributes["labels"]?.objectValue ?? JSONObject() {
      if values[name] == nil, let text = value.stringValue { values[name] = text }
    }
    self.init(values: values, source: source)
  }

  private init?(values: [String: String], source: String) {
    if let disabled = values["NVIDIA_DISABLE_REQUIRE"],
      ["1", "true", "yes"].contains(disabled.lowercased())
    {
      return nil
    }
    let requirement = values["NVIDIA_REQUIRE_CUDA"].flatMap { $0.isEmpty ? nil : $0 }
    let cuda = values["CUDA_VERSION"].flatMap { CUDAVersion($0) }
    guard requirement != nil || cuda != nil else { return nil }
    self.init(cuda: cuda, requirement: requirement, source: source)
  }

  /// The variables of a shell script's `export NAME=VALUE` lines, unquoted, with a
  /// default written `${NAME:-VALUE}` taken as the value; other lines are not read.
  static func exports(_ script: String) -> [(String, String)] {
    var found: [(String, String)] = []
    for line in script.split(separator: "\n") {
      var text = line.trimmedString
      guard text.hasPrefix("export ") else { continue }
      text.removeFirst("export ".count)
      guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { continue }
      let name = String(text[..<equals]).trimmedString
      var value = Self.unquoted(String(text[text.index(after: equals)...]).trimmedString)
      if value.hasPrefix("${"), value.hasSuffix("}"), let dash = value.firstRange(of: ":-") {
        value = Self.unquoted(String(value[dash.upperBound..<value.index(before: value.endIndex)]))
      }
      found.append((name, value))
    }
    return found
  }

  private static func unquoted(_ text: String) -> String {
    for quote in ["\"", "'"] where text.count >= 2 && text.hasPrefix(quote) && text.hasSuffix(quote)
    {
      return String(text.dropFirst().dropLast())
    }
    return text
  }

  /// Whether the image runs on `driver`: nil when it does (or cannot be told), else why not.
  public func problem(with driver: NvidiaDriver, image: String) -> String? {
    guard let highest = driver.highestCUDA else { return nil }
    let needs: String
    if let requirement {
      let alternatives = requirement.split(separator: " ").map(String.init)
      if alternatives.contains(where: { holds($0, driver: driver, highest: highest) }) {
        return nil
      }
      needs = requirement
    } else if let cuda {
      if cuda <= highest { return nil }
      needs = "cuda>=\(cuda)"
    } else {
      return nil
    }
    return "image \(image) needs \(needs) but driver \(driver.version) runs CUDA \(highest) at most"
      + " (\(NvidiaDriver.versionFile)); use an image built for CUDA \(highest) or upgrade the driver"
  }

  /// One alternative: every condition holds. A brand cannot be told here and is taken to
  /// match, so only versions refuse an image.
  private func holds(_ alternative: String, driver: NvidiaDriver, highest: CUDAVersion) -> Bool {
    alternative.split(separator: ",").allSatisfy { condition in
      let operators = [">=", "<=", "=", ">", "<"]
      guard let symbol = operators.first(where: { condition.contains($0) }),
        let range = condition.firstRange(of: symbol)
      else { return true }
      let name = condition[..<range.lowerBound]
      let value = condition[range.upperBound...]
      switch name {
      case "cuda":
        guard let wanted = CUDAVersion(value) else { return true }
        return Self.compare(highest, symbol, wanted)
      case "driver":
        guard let have = Self.numbers(driver.version), let wanted = Self.numbers(value) else {
          return true
        }
        return Self.compare(have, symbol, wanted)
      default:
        return true
      }
    }
  }

  private static func numbers(_ text: some StringProtocol) -> [Int]? {
    let parts = text.split(separator: ".").map { Int($0) }
    guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
    return parts.map { $0! }
  }

  private static func compare<T: Comparable>(_ have: T, _ symbol: String, _ wanted: T) -> Bool {
    switch symbol {
    case ">=": return have >= wanted
    case "<=": return have <= wanted
    case ">": return have > wanted
    case "<": return have < wanted
    default: return have == wanted
    }
  }

  private static func compare(_ have: [Int], _ symbol: String, _ wanted: [Int]) -> Bool {
    // Versions compare part by part; missing parts count as 0.
    let count = max(have.count, wanted.count)
    let left = have + Array(repeating: 0, count: count - have.count)
    let right = wanted + Array(repeating: 0, count: count - wanted.count)
    let order = zip(left, right).first { $0 != $1 }.map { $0 < $1 ? -1 : 1 } ?? 0
    switch symbol {
    case ">=": return order >= 0
    case "<=": return order <= 0
    case ">": return order > 0
    case "<": return order < 0
    default: return order == 0
    }
  }

  /// The requirement of a locally stored image, from the run's one inspection of it
  /// (`image` is the word the engine gets); nil with a reason when it cannot be told.
  public static func inspect(
    _ image: String, engine: ContainerEngine, inspections: ImageInspections
  ) -> (requirement: ImageCUDARequirement?, unknown: String?) {
    switch inspections.answer(engine: engine, image: image) {
    case .unknown(let reason):
      return (nil, reason)
    case .document(let document) where engine == .apptainer:
      return (ImageCUDARequirement(apptainer: document, source: "apptainer inspect"), nil)
    case .document(let document):
      return (
        ImageCUDARequirement(inspect: document, source: "\(engine.rawValue) image inspect"), nil
      )
    }
  }
}
