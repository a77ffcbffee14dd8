extension WorkflowReader {
  static let stageKeys = [
    "name", "type", "args", "kwargs", "with", "needs", "dependencies", "environment",
    "duration", "timeout", "retry", "plugins", "inputs", "outputs",
  ]

  /// Keys with two names: a stage may use either, not both.
  static let keyAliases = [("kwargs", "with"), ("needs", "dependencies")]

  /// What is known of a stage while its keys are read.
  struct StageReading {
    var stage: Stage
    var hasName = false
    var needsGiven = false
    var seenAliases = SeenKeys()

    init(position: SourcePosition) {
      stage = Stage(name: "", position: position)
    }
  }

  /// Reads one stage, and whether it names `needs` (or `dependencies`) at all.
  mutating func readStage(_ node: YAMLNode) -> (stage: Stage, namesNeeds: Bool)? {
    guard let pairs = mapping(node, "a stage") else { return nil }
    var reading = StageReading(position: node.position)
    for (key, value) in pairs {
      readStageField(key, name: key.scalar?.text ?? "", value: value, into: &reading)
    }
    return finishStage(reading, at: node.position)
  }

  /// The stage read, or nil after reporting that the stage written at `position` has no
  /// name.
  mutating func finishStage(_ reading: StageReading, at position: SourcePosition) -> (
    stage: Stage, namesNeeds: Bool
  )? {
    if !reading.hasName {
      report(at: position, "a stage needs a 'name'")
      return nil
    }
    return (reading.stage, reading.needsGiven)
  }

  /// Reads one key of a stage.
  mutating func readStageField(
    _ key: YAMLNode, name: String, value: YAMLNode, into reading: inout StageReading
  ) {
    for (first, second) in Self.keyAliases where name == first || name == second {
      if let other = reading.seenAliases[first] {
        report(key, "both '\(other)' and '\(name)' given: they are one key")
      }
      reading.seenAliases[first] = key.scalar?.text ?? first
    }
    switch name {
    case "name":
      if let text = text(value, "a stage's 'name'") {
        reading.hasName = true
        reading.stage.name = text
        if let problem = WorkflowRules.problemWithStageName(text) { report(value, problem) }
      }
    case "type": reading.stage.type = text(value, "a stage's 'type'")
    case "args":
      if let items = value.sequence {
        reading.stage.args = items.map(\.jsonValue)
      } else {
        report(value, "'args' must be a list, not \(value.kindDescription)")
      }
    case "kwargs", "with":
      if value.mapping != nil, let object = value.jsonValue.objectValue {
        reading.stage.kwargs = object
      } else if !(value.scalar?.isNull ?? false) {
        report(value, "'\(name)' must be a mapping, not \(value.kindDescription)")
      }
    case "needs", "dependencies":
      reading.needsGiven = true
      reading.stage.needs = readNames(value, key: name)
    case "environment":
      reading.stage.environment = readEnvironment(value, isGlobal: false)
    case "duration", "timeout":
      let seconds = readSeconds(value, key: name)
      if name == "duration" {
        reading.stage.duration = seconds
      } else {
        reading.stage.timeout = seconds
      }
    case "retry":
      if let policy = readRetry(value) { reading.stage.retry = policy }
    case "plugins":
      reading.stage.annotations["plugins"] = value.jsonValue
    case "inputs": reading.stage.inputs = readStagePaths(value, key: name)
    case "outputs": reading.stage.outputs = readStagePaths(value, key: name)
    default:
      if name.hasPrefix("x-") {
        reading.stage.annotations[name] = value.jsonValue
      } else {
        reportUnknownKey(key, in: "a stage", allowed: Self.stageKeys)
      }
    }
  }

  /// The stages as read, in the order written, and whether any names `needs`: kept as
  /// they come, so that the list is the workflow's list, never copied into another.
  struct ReadStages {
    var stages: [Stage] = []
    var anyNamesNeeds = false

    mutating func append(_ read: (stage: Stage, namesNeeds: Bool)) {
      stages.append(read.stage)
      anyNamesNeeds = anyNamesNeeds || read.namesNeeds
    }

    mutating func append(contentsOf other: ReadStages) {
      stages += other.stages
      anyNamesNeeds = anyNamesNeeds || other.anyNamesNeeds
    }
  }

  /// fasthep-flow's rule for the order of stages: when no stage names `needs`, each waits
  /// for the one before it (its stages run in the order written); once any does, a stage
  /// without `needs` waits for none (it is a root of the graph).
  static func applyOrder(_ stages: inout [Stage], anyNamesNeeds: Bool) {
    guard !anyNamesNeeds else { return }
    for index in stages.indices.dropFirst() where stages[index - 1].name != stages[index].name {
      stages[index].needs = [stages[index - 1].name]
    }
  }

  /// A `needs` entry that names no stage as written but one as fasthep-flow maps it
  /// (`Common selection` for `Common_selection`) becomes that stage's name, so that the
  /// document names stages exactly.
  static func resolveNeeds(_ stages: inout [Stage]) {
    var exact: Set<String> = []
    exact.reserveCapacity(stages.count)
    for stage in stages { exact.insert(stage.name) }
    // Task names are worked out only when some entry names no stage exactly, which is rare.
    var byTaskName: [String: String]?
    for index in stages.indices where stages[index].needs.contains(where: { !exact.contains($0) }) {
      let taskNames =
        byTaskName
        ?? stages.reduce(into: [:]) { names, stage in
          if names[stage.taskName] == nil { names[stage.taskName] = stage.name }
        }
      byTaskName = taskNames
      stages[index].needs = stages[index].needs.map { need in
        exact.contains(need) ? need : taskNames[Stage.taskName(need)] ?? need
      }
    }
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

  /// A path or glob, or a list of them, each relative to the workflow folder and inside it.
  mutating func readStagePaths(_ node: YAMLNode, key: String) -> [String] {
    let items: [YAMLNode]
    if let scalar = node.scalar {
      if scalar.isNull { return [] }
      items = [node]
    } else if let sequence = node.sequence {
      items = sequence
    } else {
      report(node, "'\(key)' must be a path or a list of paths, not \(node.kindDescription)")
      return []
    }
    return items.compactMap { item in
      guard let path = text(item, "each entry of '\(key)'") else { return nil }
      if let problem = WorkflowRules.problemWithStagePath(path, key: key) {
        report(item, problem)
        return nil
      }
      return path
    }
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
