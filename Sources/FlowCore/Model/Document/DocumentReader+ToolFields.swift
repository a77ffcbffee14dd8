/// Reads the fields the later tools add: flow-envfile's merged variables, flow-resolve's
/// resolution and flow-sched's plan.
extension DocumentReader {
  func mergedVariables(_ value: JSONValue, _ path: String) throws(DocumentError)
    -> [MergedVariable]
  {
    var variables: [MergedVariable] = []
    for (name, item) in try object(value, path) {
      let itemPath = path + "." + name
      try checkVariable(name, item.stringValue ?? item["value"]?.stringValue, itemPath)
      switch item {
      case .null: variables.append(MergedVariable(name: name, value: nil))
      case .string(let text): variables.append(MergedVariable(name: name, value: text))
      default:
        var provenance = try object(item, itemPath)
        let value = take("value", from: &provenance) ?? .null
        guard value == .null || value.stringValue != nil else {
          throw fail(itemPath + ".value", "expected a string")
        }
        variables.append(
          MergedVariable(name: name, value: value.stringValue, provenance: provenance))
      }
    }
    return variables
  }

  func resolution(_ value: JSONValue, _ path: String) throws(DocumentError) -> StageResolution {
    let object = try object(value, path)
    var resolution = StageResolution()
    for (index, item) in try array(object["requirements"], path + ".requirements").enumerated() {
      resolution.requirements.append(try string(item, path + ".requirements[\(index)]"))
    }
    for (index, item) in try array(object["packages"], path + ".packages").enumerated() {
      let itemPath = path + ".packages[\(index)]"
      let entry = try self.object(item, itemPath)
      var package = ResolvedPackage(
        name: try string(entry["name"], itemPath + ".name"),
        version: try string(entry["version"], itemPath + ".version"))
      package.label = try optionalString(entry["label"], itemPath + ".label")
      package.priority = Int(try optionalInteger(entry["priority"], itemPath + ".priority") ?? 0)
      package.definedAt = try optionalString(entry["defined_at"], itemPath + ".defined_at") ?? ""
      package.variant = try optionalInteger(entry["variant"], itemPath + ".variant").map(Int.init)
      package.providedBy = try optionalString(entry["provided_by"], itemPath + ".provided_by")
      package.entry = try optionalString(entry["entry"], itemPath + ".entry")
      if let because = entry["because"] {
        package.because = try array(because, itemPath + ".because").enumerated().map {
          (offset, reason) throws(DocumentError) in
          try string(reason, itemPath + ".because[\(offset)]")
        }
      }
      resolution.packages.append(package)
    }
    if let ephemerals = object["ephemerals"] {
      for (index, item) in try array(ephemerals, path + ".ephemerals").enumerated() {
        resolution.ephemerals.append(try string(item, path + ".ephemerals[\(index)]"))
      }
    }
    for (index, item) in try array(object["actions"], path + ".actions").enumerated() {
      let itemPath = path + ".actions[\(index)]"
      let entry = try self.object(item, itemPath)
      let kindName = try string(entry["action"], itemPath + ".action")
      guard let kind = EnvironmentActions.Action.Kind(rawValue: kindName) else {
        throw fail(itemPath + ".action", "expected prepend, append, set, unset, alias or stop")
      }
      let variable = try string(entry["variable"], itemPath + ".variable")
      let value = try string(entry["value"], itemPath + ".value")
      if kind == .stop {
        // A message, which changes no variable.
        guard variable.isEmpty else {
          throw fail(itemPath + ".variable", "a stop changes no variable: expected \"\"")
        }
        try check(
          WorkflowRules.problemWithVariableValue(value, name: "stop"), itemPath + ".value")
      } else if kind == .alias {
        // A function's name, which becomes part of a variable's (`ShellFunction`).
        try check(ShellFunction.problem(withName: variable), itemPath + ".variable")
        try check(
          WorkflowRules.problemWithVariableValue(value, name: variable), itemPath + ".value")
      } else {
        try checkVariable(variable, value, itemPath + ".variable")
      }
      var test: EnvironmentTest?
      if let text = try optionalString(entry["when"], itemPath + ".when") {
        guard let read = EnvironmentTest(parsing: text) else {
          throw fail(
            itemPath + ".when",
            "expected a test of the environment: ('NAME' in os.environ) or"
              + " os.path.exists('PATH') (isdir, isfile), joined with not, and, or")
        }
        test = read
      }
      resolution.actions.append(
        EnvironmentActions.Action(
          kind: kind, variable: variable, value: value,
          package: try optionalString(entry["package"], itemPath + ".package") ?? "", when: test))
    }
    return resolution
  }

  func plan(_ value: JSONValue, _ path: String) throws(DocumentError) -> StagePlan {
    var object = try object(value, path)
    var plan = StagePlan()
    if let order = try optionalInteger(take("order", from: &object), path + ".order") {
      try check(QuantityLimit.order.problem(with: order, field: "order"), path + ".order")
      plan.order = Int(order)
    }
    // Start and finish are sums along a chain of stages: not negative, but not bounded
    // by one stage's limit.
    for (key, field) in [("start", \StagePlan.start), ("finish", \StagePlan.finish)] {
      let time = try optionalNumber(take(key, from: &object), path + "." + key)
      if let time, time < 0 { throw fail(path + "." + key, "\(key) must not be negative") }
      plan[keyPath: field] = time
    }
    plan.duration = try seconds(
      take("duration", from: &object), path + ".duration", field: "duration")
    plan.durationSource = try optionalString(
      take("duration_source", from: &object), path + ".duration_source")
    plan.device = try optionalString(take("device", from: &object), path + ".device")
    if let ids = take("gpu_ids", from: &object) {
      plan.gpuIDs = try array(ids, path + ".gpu_ids").enumerated().map {
        (index, id) throws(DocumentError) in try string(id, path + ".gpu_ids[\(index)]")
      }
    }
    plan.annotations = object
    return plan
  }

  /// The member `key`, removed from `object` so that what is left are annotations.
  private func take(_ key: String, from object: inout JSONObject) -> JSONValue? {
    defer { object[key] = nil }
    return object[key]
  }

  func optionalInteger(_ value: JSONValue?, _ path: @autoclosure () -> String)
    throws(DocumentError) -> Int64?
  {
    if value == nil || value == .null { return nil }
    guard let number = value?.integerValue else { throw fail(path, "expected a whole number") }
    return number
  }
}
