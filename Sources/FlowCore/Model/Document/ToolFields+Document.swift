/// The fields the later tools add to a stage, as flow-json(5) describes them: flow-envfile's
/// merged variables, flow-resolve's resolution and flow-sched's plan.
extension MergedVariable {
  /// The plain value, or with provenance `{"value", "from", "overrides"}`.
  public var document: JSONValue {
    let plain = value.map(JSONValue.string) ?? .null
    guard let provenance else { return plain }
    return .object(JSONObject([("value", plain)]).adding(provenance))
  }
}

extension StageResolution {
  public var document: JSONValue {
    var object = JSONObject([
      ("requirements", .array(requirements.map(JSONValue.string))),
      ("packages", .array(packages.map(\.document))),
    ])
    if !ephemerals.isEmpty { object["ephemerals"] = .array(ephemerals.map(JSONValue.string)) }
    object["actions"] = .array(
      actions.map { action in
        var members = JSONObject([
          ("action", .string(action.kind.rawValue)),
          ("variable", .string(action.variable)), ("value", .string(action.value)),
          ("package", .string(action.package)),
        ])
        if let test = action.when { members["when"] = .string(test.text) }
        return .object(members)
      })
    return .object(object)
  }
}

extension ResolvedPackage {
  public var document: JSONValue {
    var object = JSONObject([
      ("name", .string(name)), ("version", .string(version)),
      ("label", label.map(JSONValue.string) ?? .null), ("priority", .integer(Int64(priority))),
      ("defined_at", .string(definedAt)),
    ])
    if let variant { object["variant"] = .integer(Int64(variant)) }
    if let providedBy { object["provided_by"] = .string(providedBy) }
    if let entry { object["entry"] = .string(entry) }
    if let because { object["because"] = .array(because.map(JSONValue.string)) }
    return .object(object)
  }
}

extension StagePlan {
  public var document: JSONValue {
    var object = JSONObject()
    if let order { object["order"] = .integer(Int64(order)) }
    if let start { object["start"] = JSONValue(seconds: start) }
    if let finish { object["finish"] = JSONValue(seconds: finish) }
    if let duration { object["duration"] = JSONValue(seconds: duration) }
    if let durationSource { object["duration_source"] = .string(durationSource) }
    if let device { object["device"] = .string(device) }
    if let gpuIDs { object["gpu_ids"] = .array(gpuIDs.map(JSONValue.string)) }
    return .object(object.adding(annotations))
  }
}
