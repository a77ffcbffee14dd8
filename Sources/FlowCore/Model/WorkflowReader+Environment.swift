extension WorkflowReader {
  static let environmentKeys = [
    "image", "variables", "executor", "flow", "resources", "requirements", "extra_data",
  ]
  /// fasthep-flow's Global Settings pages document these too (`output.directory` in one
  /// version, `output_dir` in another); they are kept in the document's `global` and not
  /// applied to stages: flow has no histogram or output folder of its own.
  static let globalOnlyKeys = ["histogram", "output", "output_dir"]
  /// Stage keys the `global` block gives every stage that has none (read by the workflow).
  static let globalStageKeys = ["retry"]
  static let resourceKeys = ["memory", "cpu", "cpus", "gpu", "gpus", "gpu_memory", "process_on"]

  mutating func readEnvironment(_ node: YAMLNode, isGlobal: Bool) -> Environment {
    var environment = Environment()
    let place = isGlobal ? "'global'" : "'environment'"
    if node.scalar?.isNull ?? false { return environment }
    guard let pairs = mapping(node, place) else { return environment }
    var executorKey: YAMLNode?
    for (key, value) in pairs {
      readEnvironmentField(
        key, name: key.scalar?.text ?? "", value: value, into: &environment, isGlobal: isGlobal,
        executorKey: &executorKey)
    }
    return environment
  }

  /// Reads one key of an `environment` (or the `global` block).
  mutating func readEnvironmentField(
    _ key: YAMLNode, name: String, value: YAMLNode, into environment: inout Environment,
    isGlobal: Bool, executorKey: inout YAMLNode?
  ) {
    let place = isGlobal ? "'global'" : "'environment'"
    switch name {
    case "image":
      if let image = text(value, "'image'") {
        if let problem = WorkflowRules.problemWithImage(image) { report(value, problem) }
        environment.image = image
      }
    case "variables":
      environment.variables = readVariables(value, origin: isGlobal ? .global : .stage)
    case "executor", "flow":
      if let first = executorKey {
        report(key, "both '\(first.scalar?.text ?? "")' and '\(name)' given: they are one key")
      }
      executorKey = key
      guard let text = text(value, "'\(name)'") else { return }
      if let executor = Executor(name: text) {
        environment.executor = executor
      } else {
        let names = Executor.allCases.map(\.rawValue)
        report(
          value,
          "unknown executor '\(text)'\(Suggestion.hint(for: text, among: names)); expected "
            + "LocalExecutor, DaskExecutor or SlurmExecutor")
      }
    case "resources": environment.resources = readResources(value)
    case "requirements":
      environment.requirements = readRequirements(value)
      // `requirements: {}` (or `[]`) on a stage: none, not even the global ones.
      if !isGlobal && (value.mapping?.isEmpty ?? value.sequence?.isEmpty ?? false) {
        environment.optsOutOfGlobalRequirements = true
      }
    case "extra_data": environment.extraData = value.jsonValue
    default:
      if isGlobal
        && (Self.globalOnlyKeys.contains(name) || Self.globalStageKeys.contains(name)
          || name.hasPrefix("x-"))
      {
        return
      }
      if !isGlobal && name.hasPrefix("x-") { return }
      reportUnknownKey(
        key, in: place,
        allowed: Self.environmentKeys
          + (isGlobal ? Self.globalOnlyKeys + Self.globalStageKeys : []))
    }
  }

  mutating func readResources(_ node: YAMLNode) -> Resources {
    var resources = Resources()
    if node.scalar?.isNull ?? false { return resources }
    guard let pairs = mapping(node, "'resources'") else { return resources }
    var seen = SeenKeys()
    for (key, value) in pairs {
      readResource(key, name: key.scalar?.text ?? "", value: value, into: &resources, seen: &seen)
    }
    return resources
  }

  /// Reads one key of `resources`; `seen` holds the keys read before, by canonical name.
  mutating func readResource(
    _ key: YAMLNode, name: String, value: YAMLNode, into resources: inout Resources,
    seen: inout SeenKeys
  ) {
    let canonical = name == "cpus" ? "cpu" : name == "gpus" ? "gpu" : name
    if let first = seen[canonical] {
      report(key, "both '\(first)' and '\(name)' given: they are one key")
    }
    seen[canonical] = key.scalar?.text ?? ""
    let text = value.scalar.flatMap { $0.isNull ? nil : $0.text }
    switch canonical {
    case "memory":
      if let text, let bytes = Quantity.bytes(text) {
        if let problem = QuantityLimit.memory.problem(with: bytes, field: "memory") {
          report(value, problem)
        }
        resources.memory = bytes
      } else {
        report(
          value,
          "bad memory '\(text ?? value.kindDescription)': expected bytes or a size like 8Gi, 512Mi, 2G"
        )
      }
    case "cpu":
      if let text, let cpus = Double(text), cpus >= 0, cpus.isFinite {
        if let problem = QuantityLimit.cpu.problem(with: cpus, field: "cpu") {
          report(value, problem)
        }
        resources.cpu = cpus
      } else {
        report(
          value,
          "bad cpu count '\(text ?? value.kindDescription)': expected a number like 1, 2 or 0.5")
      }
    case "gpu":
      if let text, let gpus = Int(text), gpus >= 0 {
        if let problem = QuantityLimit.gpu.problem(with: Int64(gpus), field: "gpu") {
          report(value, problem)
        }
        resources.gpu = gpus
      } else if let text, let share = GPUShare.fraction(text) {
        resources.gpuFraction = share
      } else {
        report(
          value,
          "bad gpu count '\(text ?? value.kindDescription)': expected a whole number like 0 or 1,"
            + " or a share of one gpu below 1 like 0.25")
      }
    case "gpu_memory":
      if let text, let bytes = Quantity.bytes(text), bytes > 0 {
        if let problem = QuantityLimit.memory.problem(with: bytes, field: "gpu_memory") {
          report(value, problem)
        }
        resources.gpuMemory = bytes
      } else {
        report(
          value,
          "bad gpu_memory '\(text ?? value.kindDescription)': expected a size of one gpu's memory"
            + " like 20Gi")
      }
    case "process_on":
      if let text, let placement = ProcessOn(rawValue: text) {
        resources.processOn = placement
      } else {
        let shown = text ?? value.kindDescription
        let hint = Suggestion.hint(for: shown, among: ProcessOn.allCases.map(\.rawValue))
        report(value, "bad process_on '\(shown)'\(hint): expected cpu, gpu or gpu_if_available")
      }
    default:
      if let near = Suggestion.closest(to: name, among: Self.resourceKeys) {
        report(
          key,
          "unknown resource '\(name)' (did you mean '\(near)'?); a named counter must not look like a built-in resource"
        )
      } else if let problem = WorkflowRules.problemWithCounterName(name) {
        report(key, problem)
      } else if let text, let amount = Int64(text), amount >= 0 {
        if let problem = QuantityLimit.counter.problem(with: amount, field: "counter '\(name)'") {
          report(value, problem)
        }
        resources.counters.append((name, amount))
      } else {
        report(
          value,
          "bad amount for counter '\(name)': expected a whole number, not '\(text ?? value.kindDescription)'"
        )
      }
    }
  }

  mutating func readRequirements(_ node: YAMLNode) -> [Requirement] {
    var requirements: [Requirement] = []
    if let pairs = node.mapping {
      for (key, value) in pairs {
        if let requirement = readRequirement(key, value: value) { requirements.append(requirement) }
      }
    } else if let items = node.sequence {
      for item in items {
        guard let line = text(item, "a requirement") else { continue }
        guard let requirement = Requirement(parsing: line, position: item.position) else {
          report(
            item, "requirement '\(line)' has no package name: expected like 'houdini ~=20.0.506'")
          continue
        }
        if let problem = WorkflowRules.problemWithPackageName(requirement.package) {
          report(item, problem)
          continue
        }
        requirements.append(requirement)
      }
    } else if !(node.scalar?.isNull ?? false) {
      report(
        node,
        "'requirements' must be a mapping of package to version spec or a list like 'houdini ~=20.0', not \(node.kindDescription)"
      )
    }
    reportRepeatedPackages(requirements)
    return requirements
  }

  /// One `package: spec` pair of a `requirements` mapping, or nil after reporting it.
  mutating func readRequirement(_ key: YAMLNode, value: YAMLNode) -> Requirement? {
    guard let package = text(key, "a package name") else { return nil }
    let spec = value.scalar.map { $0.isNull ? "" : $0.text }
    guard let spec else {
      report(
        value, "the version spec of '\(package)' must be a string, not \(value.kindDescription)"
      )
      return nil
    }
    if let problem = WorkflowRules.problemWithPackageName(package) {
      report(key, problem)
      return nil
    }
    return Requirement(package: package, spec: spec, position: key.position)
  }

  /// Reports each package required a second time.
  mutating func reportRepeatedPackages(_ requirements: [Requirement]) {
    // A stage's few requirements are compared with each other; a long list needs a table.
    let small = requirements.count <= 16
    var seen: [String: Requirement] = [:]
    for (index, requirement) in requirements.enumerated() {
      // The one met last before it.
      let first =
        small
        ? requirements[..<index].last { $0.package == requirement.package }
        : seen[requirement.package]
      if let first {
        report(
          at: requirement.position,
          "package '\(requirement.package)' is required twice (first at \(first.position.map { "\($0)" } ?? "?"))"
        )
      }
      if !small { seen[requirement.package] = requirement }
    }
  }

  /// One `NAME: value` pair of a `variables` mapping, or nil after reporting it.
  mutating func readVariable(_ key: YAMLNode, value: YAMLNode) -> NameValue? {
    guard let name = text(key, "a variable name") else { return nil }
    if let problem = WorkflowRules.problemWithVariableName(name) {
      report(key, problem)
      return nil
    }
    guard let scalar = value.scalar else {
      report(
        value, "the value of variable '\(name)' must be a string, not \(value.kindDescription)")
      return nil
    }
    let text = scalar.isNull ? "" : scalar.text
    if let problem = WorkflowRules.problemWithVariableValue(text, name: name) {
      report(value, problem)
      return nil
    }
    return NameValue(name, text)
  }

  /// A `.env` path, a list of paths, or a map of names to values.
  mutating func readVariables(_ node: YAMLNode, origin: VariableSource.Origin) -> [VariableSource] {
    if let pairs = node.mapping {
      var values: [NameValue] = []
      for (key, value) in pairs {
        if let variable = readVariable(key, value: value) { values.append(variable) }
      }
      return [VariableSource(.values(values), origin: origin, position: node.position)]
    }
    let paths: [YAMLNode]
    if node.scalar != nil {
      if node.scalar!.isNull { return [] }
      paths = [node]
    } else if let items = node.sequence {
      paths = items
    } else {
      report(node, "'variables' must be a .env path, a list of paths or a mapping")
      return []
    }
    var sources: [VariableSource] = []
    for pathNode in paths {
      guard let path = text(pathNode, "a .env path") else { continue }
      let absolute = PathText.absolute(path, relativeTo: baseDirectory)
      if !InputFile.isRegularFile(absolute) {
        report(pathNode, "variables file '\(path)' not found (looked for \(absolute))")
      }
      sources.append(VariableSource(.file(absolute), origin: origin, position: pathNode.position))
    }
    return sources
  }
}
