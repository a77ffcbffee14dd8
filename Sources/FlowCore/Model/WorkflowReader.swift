/// Reads a workflow in fasthep-flow's format from YAML, collecting every problem it
/// finds rather than stopping at the first.
public struct WorkflowReader {
  /// The file name used in messages.
  public let file: String
  /// The folder relative `.env` paths are read against.
  public let baseDirectory: String
  var problems: [Diagnostic] = []

  public init(file: String, baseDirectory: String) {
    self.file = file
    self.baseDirectory = baseDirectory
  }

  /// Reads a workflow file's bytes. Throws every problem found, in file order.
  public static func read(
    _ bytes: [UInt8], file: String, source: String, baseDirectory: String
  ) throws(WorkflowError) -> Workflow {
    // The usual workflow is read straight from the parser's events; anything else, and
    // every workflow with a problem, is read through the tree, which words the messages.
    if let workflow = WorkflowEventReader.read(
      bytes, file: file, source: source, baseDirectory: baseDirectory)
    {
      return workflow
    }
    return try readTree(bytes, file: file, source: source, baseDirectory: baseDirectory)
  }

  /// Reads a workflow through its `YAMLNode` tree.
  static func readTree(
    _ bytes: [UInt8], file: String, source: String, baseDirectory: String
  ) throws(WorkflowError) -> Workflow {
    var reader = WorkflowReader(file: file, baseDirectory: baseDirectory)
    let loaded: (root: YAMLNode?, problems: [Diagnostic])
    do throws(Diagnostic) {
      loaded = try YAMLLoader().load(bytes, file: file)
    } catch {
      throw WorkflowError(problems: [error])
    }
    reader.problems = loaded.problems
    guard let root = loaded.root, !(root.scalar?.isNull ?? false) else {
      throw WorkflowError(problems: [
        Diagnostic(
          file: file, position: nil, message: "empty workflow: expected a mapping with 'stages'")
      ])
    }
    var workflow = reader.readWorkflow(root, source: source)
    reader.check(&workflow)
    if !reader.problems.isEmpty {
      throw WorkflowError(
        problems: reader.problems.sorted {
          ($0.position?.line ?? 0, $0.position?.column ?? 0) < (
            $1.position?.line ?? 0, $1.position?.column ?? 0
          )
        })
    }
    return workflow
  }

  mutating func report(_ node: YAMLNode, _ message: String) {
    problems.append(Diagnostic(file: file, position: node.position, message: message))
  }

  mutating func report(at position: SourcePosition?, _ message: String) {
    problems.append(Diagnostic(file: file, position: position, message: message))
  }

  // MARK: - Top level

  static let topLevelKeys = ["stages", "tasks", "global", "version", "metadata", "plugins"]

  mutating func readWorkflow(_ root: YAMLNode, source: String) -> Workflow {
    var workflow = Workflow(source: source)
    guard let pairs = mapping(root, "the workflow") else { return workflow }
    if let newer = Self.newerFormatKey(pairs) {
      report(newer, Self.newerFormatMessage)
      return workflow
    }
    var stagesNode: YAMLNode?
    var globals = GlobalDefaults()
    for (key, value) in pairs {
      let name = key.scalar?.text ?? ""
      switch name {
      case "stages", "tasks":
        if stagesNode != nil {
          report(key, "both 'stages' and 'tasks' given: 'tasks' is another name for 'stages'")
        }
        stagesNode = value
      default: readTopLevel(key, name: name, value: value, into: &workflow, globals: &globals)
      }
    }
    guard let stagesNode else {
      report(root, "missing 'stages': a workflow lists its stages under 'stages'")
      return workflow
    }
    guard let items = stagesNode.sequence else {
      report(stagesNode, "'stages' must be a list of stages, not \(stagesNode.kindDescription)")
      return workflow
    }
    var read = ReadStages()
    for item in items {
      if let entry = readStage(item) { read.append(entry) }
    }
    workflow.stages = Self.finish(read, globals: globals)
    return workflow
  }

  /// What the `global` block gives every stage.
  struct GlobalDefaults {
    var environment = Environment()
    var retry: RetryPolicy?
  }

  /// Reads one top-level member other than the stages.
  mutating func readTopLevel(
    _ key: YAMLNode, name: String, value: YAMLNode, into workflow: inout Workflow,
    globals: inout GlobalDefaults
  ) {
    switch name {
    case "global":
      workflow.global = value.jsonValue
      globals.environment = readEnvironment(value, isGlobal: true)
      if let retry = value.mapping?.first(where: { $0.key.scalar?.text == "retry" }) {
        globals.retry = readRetry(retry.value)
      }
    case "version": workflow.version = value.jsonValue
    case "metadata": workflow.metadata = value.jsonValue
    case "plugins": workflow.plugins = value.jsonValue
    default:
      if name.hasPrefix("x-") {
        workflow.annotations[name] = value.jsonValue
      } else {
        reportUnknownKey(key, in: "the workflow", allowed: Self.topLevelKeys)
      }
    }
  }

  /// The stages as read, in fasthep-flow's order, their needs named exactly and the global
  /// defaults applied.
  static func finish(_ read: consuming ReadStages, globals: GlobalDefaults) -> [Stage] {
    // Taken out of what was read, so that the list has one owner and changes in place.
    var read = consume read
    var stages: [Stage] = []
    swap(&stages, &read.stages)
    applyOrder(&stages, anyNamesNeeds: read.anyNamesNeeds)
    resolveNeeds(&stages)
    for index in stages.indices {
      stages[index].environment = stages[index].environment.overlaying(globals.environment)
      if stages[index].retry == nil { stages[index].retry = globals.retry }
    }
    return stages
  }

  /// Top-level keys of fasthep-flow's newer format (`hepflow`: `analysis:` with
  /// `stages:` of `id`/`op`, `execution:`), which flow does not read.
  static let newerFormatKeys = ["analysis", "execution"]

  static let newerFormatMessage =
    "this is fasthep-flow's newer workflow format ('analysis:'/'execution:'), which flow"
    + " does not read; flow reads its earlier format: 'stages:' (or 'tasks:'), each stage"
    + " with a 'name', a 'type' such as fasthep_flow.operators.BashOperator and 'kwargs'"

  /// The first key of the newer format, in a file that has no `stages` or `tasks`.
  static func newerFormatKey(_ pairs: [(key: YAMLNode, value: YAMLNode)]) -> YAMLNode? {
    let names = pairs.map { $0.key.scalar?.text ?? "" }
    guard !names.contains("stages"), !names.contains("tasks") else { return nil }
    return pairs.first { newerFormatKeys.contains($0.key.scalar?.text ?? "") }?.key
  }

  // MARK: - Helpers shared by the sections

  // What a node is (`what`) is said only in a message: it is made only then, not for
  // every node of a large workflow that is fine.

  /// The pairs of a mapping, or nil after reporting what was found instead.
  mutating func mapping(_ node: YAMLNode, _ what: @autoclosure () -> String)
    -> [(key: YAMLNode, value: YAMLNode)]?
  {
    if let pairs = node.mapping { return pairs }
    report(node, "\(what()) must be a mapping, not \(node.kindDescription)")
    return nil
  }

  /// A scalar's text, or nil after reporting the node's kind.
  mutating func text(_ node: YAMLNode, _ what: @autoclosure () -> String) -> String? {
    if let scalar = node.scalar, !scalar.isNull { return scalar.text }
    report(node, "\(what()) must be a string, not \(node.kindDescription)")
    return nil
  }

  mutating func reportUnknownKey(_ key: YAMLNode, in place: String, allowed: [String]) {
    let name = key.keyName
    let hint = Suggestion.hint(for: name, among: allowed)
    let list = allowed.map { "'\($0)'" }.joined(separator: ", ")
    report(key, "unknown key '\(name)' in \(place)\(hint); expected one of \(list)")
  }
}

/// Every problem found in a workflow: bad data (65).
public struct WorkflowError: ToolFailure, Sendable {
  public var problems: [Diagnostic]

  public init(problems: [Diagnostic]) {
    self.problems = problems
  }

  public var exitStatus: ExitStatus { .dataError }

  public var description: String { problems.map(\.description).joined(separator: "\n") }
}
