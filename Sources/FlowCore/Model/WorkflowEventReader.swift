/// Reads the usual workflow straight from libyaml's events: stages, environments,
/// resources, variables, requirements and `kwargs` become the model as their events
/// arrive, without a `YAMLNode` tree in between, which cost more than the events
/// themselves on large workflows. Rare parts (`global`, `args`, `retry`, scalars) are read
/// by `WorkflowReader`'s own functions, on a small tree or a single scalar node, so there
/// is one reading of each field.
///
/// Anything unusual (an anchor, an alias, a merge key, a repeated key, a shape the tree
/// reader words a message for, any problem at all) makes it give up, and
/// `WorkflowReader.readTree` reads the file again: every message, position and exit status
/// comes from that one reader, and a workflow read either way is the same.
struct WorkflowEventReader {
  /// Why the rest is left to the tree reader.
  struct Unusual: Error {}

  private var reader: WorkflowReader
  private let parser: YAMLParser
  /// Lists and mappings open around the current event.
  private var depth = 0
  /// The keys of every open mapping read here, innermost last: one buffer, so that a
  /// mapping's repeated keys are found without a set of its own.
  private var seenKeys: [String] = []

  /// Nesting past this is left to the tree reader, which bounds it with its own message.
  private static let maximumDepth = 200

  /// The workflow, or nil when the tree reader is to read it.
  static func read(
    _ bytes: [UInt8], file: String, source: String, baseDirectory: String
  ) -> Workflow? {
    var events = WorkflowEventReader(
      reader: WorkflowReader(file: file, baseDirectory: baseDirectory),
      parser: YAMLParser(bytes: bytes))
    do throws(Unusual) {
      return try events.readDocument(source: source)
    } catch {
      return nil
    }
  }

  private init(reader: WorkflowReader, parser: YAMLParser) {
    self.reader = reader
    self.parser = parser
  }

  // MARK: - The document

  private mutating func readDocument(source: String) throws(Unusual) -> Workflow {
    try advance()
    guard parser.kind == .streamStart else { throw Unusual() }
    try advance()
    guard parser.kind == .documentStart else { throw Unusual() }
    try advance()
    var workflow = Workflow(source: source)
    var globals = WorkflowReader.GlobalDefaults()
    var read: WorkflowReader.ReadStages?
    let keys = try enterMapping()
    while let (key, name) = try nextKey(keys) {
      switch name {
      case "stages", "tasks":
        // Both given is a problem the tree reader words.
        guard read == nil else { throw Unusual() }
        read = try readStages()
      default:
        let value = try subtree()
        reader.readTopLevel(key, name: name, value: value, into: &workflow, globals: &globals)
      }
    }
    try advance()
    guard parser.kind == .documentEnd else { throw Unusual() }
    try advance()
    guard parser.kind == .streamEnd, let stages = read else { throw Unusual() }
    // The only reference to the stages read, so that they are moved rather than copied.
    read = nil
    workflow.stages = WorkflowReader.finish(consume stages, globals: globals)
    reader.check(&workflow)
    guard reader.problems.isEmpty else { throw Unusual() }
    return workflow
  }

  private mutating func readStages() throws(Unusual) -> WorkflowReader.ReadStages {
    try enterSequence()
    var read = WorkflowReader.ReadStages()
    while try nextItem() {
      guard let stage = try readStage() else { throw Unusual() }
      read.append(stage)
    }
    return read
  }

  private mutating func readStage() throws(Unusual) -> (stage: Stage, namesNeeds: Bool)? {
    let position = parser.position
    var reading = WorkflowReader.StageReading(position: position)
    let keys = try enterMapping()
    while let (key, name) = try nextKey(keys) {
      switch (name, parser.kind) {
      case ("kwargs", .mappingStart), ("with", .mappingStart):
        try noteAlias("kwargs", key: key, in: &reading)
        reading.stage.kwargs = try jsonObject()
      case ("needs", .sequenceStart), ("dependencies", .sequenceStart):
        try noteAlias("needs", key: key, in: &reading)
        reading.needsGiven = true
        reading.stage.needs = try readNames(key: name)
      case ("environment", .mappingStart):
        reading.stage.environment = try readEnvironment()
      default:
        let value = try node()
        reader.readStageField(key, name: name, value: value, into: &reading)
      }
    }
    return reader.finishStage(reading, at: position)
  }

  /// Notes one of a stage's keys with two names (`kwargs` or `with`, `needs` or
  /// `dependencies`); both given is a problem the tree reader words.
  private func noteAlias(
    _ first: String, key: YAMLNode, in reading: inout WorkflowReader.StageReading
  ) throws(Unusual) {
    guard reading.seenAliases[first] == nil else { throw Unusual() }
    reading.seenAliases[first] = key.scalar?.text ?? first
  }

  /// A list of stage names, each checked as `WorkflowReader.readNames` checks it.
  private mutating func readNames(key: String) throws(Unusual) -> [String] {
    try enterSequence()
    var names: [String] = []
    while try nextItem() {
      let item = try scalarNode()
      guard let name = reader.text(item, "each entry of '\(key)'") else {
        throw Unusual()
      }
      names.append(name)
    }
    return names
  }

  // MARK: - A stage's environment

  private mutating func readEnvironment() throws(Unusual) -> Environment {
    var environment = Environment()
    var executorKey: YAMLNode?
    let keys = try enterMapping()
    while let (key, name) = try nextKey(keys) {
      switch (name, parser.kind) {
      case ("variables", .mappingStart):
        let position = parser.position
        environment.variables = [
          VariableSource(.values(try readVariables()), origin: .stage, position: position)
        ]
      case ("resources", .mappingStart):
        environment.resources = try readResources()
      case ("requirements", .mappingStart):
        let (requirements, pairs) = try readRequirements()
        reader.reportRepeatedPackages(requirements)
        environment.requirements = requirements
        // `requirements: {}`: none, not even the global ones.
        environment.optsOutOfGlobalRequirements = pairs == 0
      default:
        let value = try node()
        reader.readEnvironmentField(
          key, name: name, value: value, into: &environment, isGlobal: false,
          executorKey: &executorKey)
      }
    }
    return environment
  }

  private mutating func readVariables() throws(Unusual) -> [NameValue] {
    var values: [NameValue] = []
    let keys = try enterMapping()
    while let (key, _) = try nextKey(keys) {
      let value = try scalarNode()
      guard let variable = reader.readVariable(key, value: value) else {
        throw Unusual()
      }
      values.append(variable)
    }
    return values
  }

  private mutating func readResources() throws(Unusual) -> Resources {
    var resources = Resources()
    var seen = SeenKeys()
    let keys = try enterMapping()
    while let (key, name) = try nextKey(keys) {
      let value = try scalarNode()
      reader.readResource(key, name: name, value: value, into: &resources, seen: &seen)
    }
    return resources
  }

  /// The requirements of a `package: spec` mapping, and how many pairs it has.
  private mutating func readRequirements() throws(Unusual) -> ([Requirement], Int) {
    var requirements: [Requirement] = []
    var pairs = 0
    let keys = try enterMapping()
    while let (key, _) = try nextKey(keys) {
      pairs += 1
      let value = try scalarNode()
      guard let requirement = reader.readRequirement(key, value: value) else {
        throw Unusual()
      }
      requirements.append(requirement)
    }
    return (requirements, pairs)
  }

  // MARK: - Values

  /// The mapping at the current event as a JSON object, as `YAMLNode.jsonValue` reads it.
  private mutating func jsonObject() throws(Unusual) -> JSONObject {
    var object = JSONObject()
    let keys = try enterMapping()
    while let (_, name) = try nextKey(keys) {
      let value = try jsonValue()
      object[name] = value
    }
    return object
  }

  /// The value at the current event as JSON, as `YAMLNode.jsonValue` reads it.
  private mutating func jsonValue() throws(Unusual) -> JSONValue {
    switch parser.kind {
    case .scalar:
      guard !parser.hasAnchor else { throw Unusual() }
      return parser.scalar.jsonValue
    case .sequenceStart:
      try enterSequence()
      var items: [JSONValue] = []
      while try nextItem() { items.append(try jsonValue()) }
      return .array(items)
    case .mappingStart:
      return .object(try jsonObject())
    default:
      throw Unusual()
    }
  }

  /// The scalar at the current event as a node.
  private func scalarNode() throws(Unusual) -> YAMLNode {
    guard parser.kind == .scalar, !parser.hasAnchor else { throw Unusual() }
    return YAMLNode(.scalar(parser.scalar), position: parser.position)
  }

  /// The value at the current event as a node: a scalar alone, a list or mapping as the
  /// tree reader builds it.
  private mutating func node() throws(Unusual) -> YAMLNode {
    parser.kind == .scalar ? try scalarNode() : try subtree()
  }

  /// The value at the current event built by the tree reader's builder, with the parser
  /// left on its last event.
  private mutating func subtree() throws(Unusual) -> YAMLNode {
    switch parser.kind {
    case .scalar, .sequenceStart, .mappingStart: break
    default: throw Unusual()
    }
    var loader = YAMLLoader()
    // The builder's depth counts from this value; the tree reader's from the document.
    loader.maximumDepth -= depth
    var builder = TreeBuilder(loader: loader, file: reader.file)
    while true {
      switch parser.kind {
      case .alias, .streamEnd, .documentStart, .documentEnd: throw Unusual()
      default: if parser.hasAnchor { throw Unusual() }
      }
      do throws(Diagnostic) {
        try builder.accept(parser.event)
      } catch {
        throw Unusual()
      }
      if let root = builder.root {
        guard builder.problems.isEmpty else { throw Unusual() }
        return root
      }
      try advance()
    }
  }

  // MARK: - Moving through the events

  private func advance() throws(Unusual) {
    do throws(YAMLParser.Failure) {
      try parser.advance()
    } catch {
      throw Unusual()
    }
  }

  /// Opens the mapping at the current event; returns where its keys start in `seenKeys`.
  private mutating func enterMapping() throws(Unusual) -> Int {
    guard parser.kind == .mappingStart, !parser.hasAnchor, depth < Self.maximumDepth else {
      throw Unusual()
    }
    depth += 1
    return seenKeys.count
  }

  /// Moves to the next key of the open mapping whose keys start at `keys`, and past it
  /// onto its value; nil, with the mapping closed, at its end. A key that is not a plain
  /// text, a merge key or a repeated key is unusual.
  private mutating func nextKey(_ keys: Int) throws(Unusual) -> (node: YAMLNode, name: String)? {
    try advance()
    if parser.kind == .mappingEnd {
      seenKeys.removeSubrange(keys...)
      depth -= 1
      return nil
    }
    let key = try scalarNode()
    let name = key.scalar?.text ?? ""
    // Keys are told apart by their bytes, as the tree reader tells them apart.
    guard name != "<<", !seenKeys[keys...].contains(where: { ExactString.sameBytes($0, name) })
    else { throw Unusual() }
    seenKeys.append(name)
    try advance()
    return (key, name)
  }

  /// Opens the list at the current event.
  private mutating func enterSequence() throws(Unusual) {
    guard parser.kind == .sequenceStart, !parser.hasAnchor, depth < Self.maximumDepth else {
      throw Unusual()
    }
    depth += 1
  }

  /// Moves to the next item of the open list; false, with the list closed, at its end.
  private mutating func nextItem() throws(Unusual) -> Bool {
    try advance()
    guard parser.kind == .sequenceEnd else { return true }
    depth -= 1
    return false
  }
}
