extension WorkflowReader {
  static let stageKeys = [
    "name", "type", "args", "kwargs", "with", "needs", "dependencies", "environment",
    "duration", "timeout", "plugins",
  ]

  /// Keys with two names: a stage may use either, not both.
  static let keyAliases = [("kwargs", "with"), ("needs", "dependencies")]

  /// Reads one stage. A stage without `needs` waits for the stage before it.
  mutating func readStage(_ node: YAMLNode, previous: String?) -> Stage? {
    guard let pairs = mapping(node, "a stage") else { return nil }
    var stage = Stage(name: "", position: node.position)
    var hasName = false
    var needsGiven = false
    var seenAliases: [String: YAMLNode] = [:]
    for (key, value) in pairs {
      let name = key.scalar?.text ?? ""
      for (first, second) in Self.keyAliases where name == first || name == second {
        if let other = seenAliases[first] {
          report(key, "both '\(other.scalar?.text ?? first)' and '\(name)' given: they are one key")
        }
        seenAliases[first] = key
      }
      switch name {
      case "name":
        if let text = text(value, "a stage's 'name'") {
          hasName = true
          stage.name = text
          if let problem = WorkflowRules.problemWithStageName(text) { report(value, problem) }
        }
      case "type": stage.type = text(value, "a stage's 'type'")
      case "args":
        if let items = value.sequence {
          stage.args = items.map(\.jsonValue)
        } else {
          report(value, "'args' must be a list, not \(value.kindDescription)")
        }
      case "kwargs", "with":
        if value.mapping != nil, let object = value.jsonValue.objectValue {
          stage.kwargs = object
        } else if !(value.scalar?.isNull ?? false) {
          report(value, "'\(name)' must be a mapping, not \(value.kindDescription)")
        }
      case "needs", "dependencies":
        needsGiven = true
        stage.needs = readNames(value, key: name)
      case "environment":
        stage.environment = readEnvironment(value, isGlobal: false)
      case "duration", "timeout":
        let seconds = readSeconds(value, key: name)
        if name == "duration" { stage.duration = seconds } else { stage.timeout = seconds }
      case "plugins":
        stage.annotations["plugins"] = value.jsonValue
      default:
        if name.hasPrefix("x-") {
          stage.annotations[name] = value.jsonValue
        } else {
          reportUnknownKey(key, in: "a stage", allowed: Self.stageKeys)
        }
      }
    }
    if !hasName {
      report(node, "a stage needs a 'name'")
      return nil
    }
    if !needsGiven, let previous, previous != stage.name { stage.needs = [previous] }
    return stage
  }

  /// A name or a list of names.
  mutating func readNames(_ node: YAMLNode, key: String) -> [String] {
    if let scalar = node.scalar {
      return scalar.isNull ? [] : [scalar.text]
    }
    guard let items = node.sequence else {
      report(node, "'\(key)' must be a stage name or a list of names, not \(node.kindDescription)")
      return []
    }
    return items.compactMap { text($0, "each entry of '\(key)'") }
  }

  /// Seconds from a number or a duration text such as `90s`, `15m`, `2h`.
  mutating func readSeconds(_ node: YAMLNode, key: String) -> Double? {
    guard let scalar = node.scalar, !scalar.isNull else {
      report(node, "'\(key)' must be a duration, not \(node.kindDescription)")
      return nil
    }
    guard let seconds = Quantity.seconds(scalar.text) else {
      report(
        node,
        "bad \(key) '\(scalar.text)': expected seconds or a number with a unit, like 90s, 15m, 2h")
      return nil
    }
    if let problem = QuantityLimit.seconds.problem(with: seconds, field: key) {
      report(node, problem)
      return nil
    }
    return seconds
  }
}
