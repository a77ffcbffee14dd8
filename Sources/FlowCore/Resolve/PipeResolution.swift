/// Adds a `resolution` to every stage of a pipe document that has requirements; stages with
/// the same requirements are solved once.
public struct PipeResolution {
  public let source: any PackageSource
  public let includePrereleases: Bool
  public let explain: Bool

  public init(source: any PackageSource, includePrereleases: Bool = false, explain: Bool = false) {
    self.source = source
    self.includePrereleases = includePrereleases
    self.explain = explain
  }

  /// A problem with one stage: its name and what went wrong.
  public struct StageFailure: Error, Sendable, CustomStringConvertible {
    public var stage: String
    public var position: SourcePosition?
    public var error: ResolveError

    public var description: String {
      let place = position.map { "\($0): " } ?? ""
      return "\(place)stage '\(stage)': \(error)"
    }
  }

  /// The document with resolutions added, and how many distinct requirement sets were solved.
  public func annotate(_ document: JSONValue) throws(StageFailure) -> (JSONValue, solved: Int) {
    guard case .object(var root) = document, case .array(var stages)? = root["stages"] else {
      return (document, 0)
    }
    var solved: [[String]: JSONValue] = [:]
    for (index, stageValue) in stages.enumerated() {
      guard case .object(var stage) = stageValue else { continue }
      let name: String =
        if case .string(let text)? = stage["name"] { text } else { "#\(index + 1)" }
      let position = Self.position(stage["at"])
      guard case .object(let environment)? = stage["environment"],
        case .array(let items)? = environment["requirements"], !items.isEmpty
      else { continue }
      var requirements: [PackageRequirement] = []
      do {
        for item in items {
          guard case .object(let entry) = item, case .string(let package)? = entry["package"] else {
            throw ResolveError.invalidRequirement(
              text: "\(item)", column: 1, reason: "expected {\"package\": …, \"spec\": …}")
          }
          let spec: String = if case .string(let text)? = entry["spec"] { text } else { "" }
          requirements.append(
            PackageRequirement(name: package, spec: try VersionSpec(parsing: spec)))
        }
        let key = requirements.map(\.description)
        if solved[key] == nil {
          solved[key] = try Resolution(
            requirements, source: source, includePrereleases: includePrereleases
          ).document(explain: explain)
        }
        stage["resolution"] = solved[key]
      } catch let error as ResolveError {
        throw StageFailure(stage: name, position: position, error: error)
      } catch {
        throw StageFailure(
          stage: name, position: position, error: .unsatisfiable(explanation: "\(error)"))
      }
      stages[index] = .object(stage)
    }
    root["stages"] = .array(stages)
    return (.object(root), solved.count)
  }

  private static func position(_ value: JSONValue?) -> SourcePosition? {
    guard case .object(let at)? = value, case .integer(let line)? = at["line"],
      case .integer(let column)? = at["column"]
    else { return nil }
    return SourcePosition(line: Int(line), column: Int(column))
  }
}
