/// The pipe document: how a workflow travels between the tools as JSON. Every field
/// is described in flow-json(5); this is the one place that writes them.
extension Workflow {
  /// The workflow as a pipe document, every stage complete with defaults.
  public var document: JSONValue {
    // Stages with the same requirements share one resolution: its tree is built once.
    var resolutions: [StageResolution: JSONValue] = [:]
    return .object(
      members(
        stages: .array(
          stages.map { stage in
            .object(
              stage.members { resolution in
                if let built = resolutions[resolution] { return built }
                let built = resolution.document
                resolutions[resolution] = built
                return built
              })
          })))
  }

  /// The document's members, with `stages` as given.
  func members(stages: JSONValue) -> JSONObject {
    var root = JSONObject()
    root["flow"] = .integer(Self.documentVersion)
    root["source"] = .string(source)
    if let version { root["version"] = version }
    if let global { root["global"] = global }
    if let metadata { root["metadata"] = metadata }
    if let plugins { root["plugins"] = plugins }
    root["stages"] = stages
    for (key, value) in annotations where root[key] == nil { root[key] = value }
    if let schedule { root["schedule"] = .object(schedule) }
    return root
  }
}

extension Stage {
  public var document: JSONValue { .object(members { $0.document }) }

  /// The stage's members, with its resolution as `resolutionDocument` writes it.
  func members(resolutionDocument: (StageResolution) -> JSONValue) -> JSONObject {
    var object = JSONObject()
    object["name"] = .string(name)
    object["type"] = type.map(JSONValue.string) ?? .null
    object["args"] = .array(args)
    object["kwargs"] = .object(kwargs)
    object["needs"] = .array(needs.map(JSONValue.string))
    object["environment"] = environment.document
    object["duration"] = duration.map(JSONValue.init(seconds:)) ?? .null
    object["timeout"] = timeout.map(JSONValue.init(seconds:)) ?? .null
    object["at"] = position.map(\.document) ?? .null
    // Optional: written only when the workflow declares them.
    if !inputs.isEmpty { object["inputs"] = .array(inputs.map(JSONValue.string)) }
    if !outputs.isEmpty { object["outputs"] = .array(outputs.map(JSONValue.string)) }
    if let retry { object["retry"] = retry.document }
    for (key, value) in annotations where object[key] == nil { object[key] = value }
    if let resolution { object["resolution"] = resolutionDocument(resolution) }
    if let plan { object["plan"] = plan.document }
    return object
  }
}

extension Environment {
  public var document: JSONValue {
    let resources = self.resources.completed
    var counters = JSONObject()
    for counter in resources.counters { counters[counter.name] = .integer(counter.amount) }
    return .object(
      JSONObject([
        ("image", image.map(JSONValue.string) ?? .null),
        ("variables", .object(variablesDocument)),
        ("executor", .string((executor ?? .local).rawValue)),
        (
          "resources",
          .object(
            JSONObject([
              ("memory", .integer(resources.memory ?? 0)),
              ("cpu", JSONValue(seconds: resources.cpu ?? 1)),
              ("gpu", resources.gpuDocument),
              ("process_on", .string((resources.processOn ?? .cpu).rawValue)),
              ("counters", .object(counters)),
            ]).adding(resources.gpuMemoryDocument))
        ),
        ("requirements", .array(requirements.map(\.document))),
        ("extra_data", extraData ?? .null),
      ]).adding(annotations))
  }

  private var variablesDocument: JSONObject {
    var object = JSONObject([("sources", .array(variables.map(\.document)))])
    if let mergedVariables {
      var merged = JSONObject()
      for variable in mergedVariables { merged[variable.name] = variable.document }
      object["merged"] = .object(merged)
    }
    return object.adding(variableAnnotations)
  }
}

extension JSONObject {
  /// This object with the members of `other` that it does not have, appended in order.
  func adding(_ other: JSONObject) -> JSONObject {
    // Most objects have no annotations: no copy then.
    if other.isEmpty { return self }
    var result = self
    for (key, value) in other where result[key] == nil { result[key] = value }
    return result
  }
}

extension VariableSource {
  public var document: JSONValue {
    var object = JSONObject()
    switch content {
    case .file(let path):
      object["file"] = .string(path)
      if isOptional { object["optional"] = .bool(true) }
    case .values(let values):
      var map = JSONObject()
      for value in values { map[value.name] = .string(value.value) }
      object["values"] = .object(map)
    }
    object["origin"] = .string(origin.rawValue)
    object["at"] = position.map(\.document) ?? .null
    return .object(object)
  }
}

extension Requirement {
  public var document: JSONValue {
    .object(
      JSONObject([
        ("package", .string(package)), ("spec", .string(spec)),
        ("at", position.map(\.document) ?? .null),
      ]))
  }
}

extension SourcePosition {
  public var document: JSONValue {
    .object(JSONObject([("line", .integer(Int64(line))), ("column", .integer(Int64(column)))]))
  }

  /// Reads a `{"line", "column"}` object; nil when it is not one.
  public init?(document value: JSONValue?) {
    guard let line = value?["line"]?.integerValue, let column = value?["column"]?.integerValue
    else { return nil }
    self.init(line: Int(line), column: Int(column))
  }
}

extension JSONValue {
  /// A number that is written as an integer when it is whole (`90` rather than `90.0`).
  public init(seconds: Double) {
    if seconds.rounded() == seconds, abs(seconds) < 9e15 {
      self = .integer(Int64(seconds))
    } else {
      self = .number(seconds)
    }
  }
}
