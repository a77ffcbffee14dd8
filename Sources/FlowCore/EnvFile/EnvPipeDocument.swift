/// Loads every stage's variables into a pipe document: for each stage, its
/// `environment.variables.sources` (global first, then its files in order, then its
/// map, as flow-parse wrote them) are merged and the result written beside them as
/// `environment.variables.merged`, a JSON object of names to values (with
/// `--provenance`, each value is `{"value", "from", "overrides"}`). Everything else in
/// the document is kept as it is.
public struct EnvPipeDocument {
  public var options: EnvMergeOptions
  public var provenance: Bool
  public private(set) var warnings: [Diagnostic] = []
  public private(set) var errors: [EnvFileError] = []
  private var loader: EnvFileLoader

  public init(options: EnvMergeOptions, provenance: Bool = false) {
    self.options = options
    self.provenance = provenance
    loader = EnvFileLoader(dialect: options.dialect)
  }

  /// The document with every stage's merged variables; problems are collected in
  /// `warnings` and `errors`.
  public mutating func load(_ document: JSONValue) -> JSONValue {
    guard var root = document.objectValue, let stages = root["stages"]?.arrayValue else {
      errors.append(.invalidSchema(file: "document", reason: "no 'stages' array"))
      return document
    }
    let workflow = root["source"]?.stringValue ?? "workflow"
    root["stages"] = .array(stages.map { load(stage: $0, workflow: workflow) })
    return .object(root)
  }

  private mutating func load(stage: JSONValue, workflow: String) -> JSONValue {
    guard var object = stage.objectValue, var environment = object["environment"]?.objectValue
    else { return stage }
    var variables = environment["variables"]?.objectValue ?? JSONObject()
    let name = object["name"]?.stringValue ?? "?"
    var layers: [EnvLayer] = []
    for source in variables["sources"]?.arrayValue ?? [] {
      let origin = source["origin"]?.stringValue ?? "stage"
      if let path = source["file"]?.stringValue {
        let optional = source["optional"]?.boolValue ?? false
        guard let parsed = loader.load(path, optional: optional) else { continue }
        // A missing file is told where the workflow names it.
        errors += parsed.errors.map { error in
          guard case .missingFile(let file, let reason) = error else { return error }
          return .missingVariablesFile(
            workflow: workflow, at: Self.position(source["at"]), file: file, reason: reason)
        }
        layers.append(.file(parsed.entries))
      } else if let values = source["values"]?.objectValue {
        let label = origin == "global" ? "global variables" : "variables of stage '\(name)'"
        layers.append(
          .map(name: label, pairs: values.map { ($0.key, $0.value.stringValue ?? "") }))
      }
    }
    let result = EnvMerge.merge(layers, options: options)
    warnings += result.warnings
    errors += result.errors
    variables["merged"] = EnvOutput.json(result.variables, provenance: provenance)
    environment["variables"] = .object(variables)
    object["environment"] = .object(environment)
    return .object(object)
  }

  /// A `{"line", "column"}` document as a position.
  static func position(_ value: JSONValue?) -> SourcePosition? {
    guard let line = value?["line"]?.integerValue, let column = value?["column"]?.integerValue
    else { return nil }
    return SourcePosition(line: Int(line), column: Int(column))
  }
}
