import Synchronization

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

  /// The second part of a cut stage list, when this reader reads either part: the text
  /// before it, while the part is read on another thread, or the part itself.
  private var secondPart: SecondStages?

  /// Nesting past this is left to the tree reader, which bounds it with its own message.
  private static let maximumDepth = 200

  /// A workflow of this many bytes or more has its stage list read in two parts at once
  /// (`StageListSplit`); below it, starting a thread costs more than it saves.
  static let splitFrom = 1 << 17

  /// The workflow, or nil when the tree reader is to read it.
  static func read(
    _ bytes: [UInt8], file: String, source: String, baseDirectory: String,
    splitFrom: Int = splitFrom
  ) -> Workflow? {
    if bytes.count >= splitFrom, ProcessMemory.allowsAllocatingOnTwoThreads,
      let split = StageListSplit(bytes),
      let workflow = readInTwoParts(
        bytes, split: split, file: file, source: source, baseDirectory: baseDirectory)
    {
      return workflow
    }
    var events = WorkflowEventReader(
      reader: WorkflowReader(file: file, baseDirectory: baseDirectory),
      parser: YAMLParser(bytes: bytes))
    do throws(Unusual) {
      return try events.readDocument(source: source)
    } catch {
      return nil
    }
  }

  /// The workflow read with its stage list's second part (from `split` on) read on a
  /// thread of its own; nil when either part does not read as usual or the text is not
  /// cut where a stage starts, and the whole is to be read in one part.
  static func readInTwoParts(
    _ bytes: [UInt8], split: StageListSplit, file: String, source: String,
    baseDirectory: String
  ) -> Workflow? {
    guard let second = SecondStages(bytes, split: split, file: file, baseDirectory: baseDirectory)
    else { return nil }
    defer { _ = second.take() }
    var events = WorkflowEventReader(
      reader: WorkflowReader(file: file, baseDirectory: baseDirectory),
      parser: YAMLParser(bytes: bytes, range: 0..<split.offset))
    events.secondPart = second
    do throws(Unusual) {
      return try events.readDocument(source: source)
    } catch {
      second.abandon()
      return nil
    }
  }

  /// The stages of the part of a stage list that `split` starts, read as a text of its
  /// own: a document that is nothing but the rest of the list.
  fileprivate static func readStageListPart(
    _ bytes: [UInt8], part: SecondStages, file: String, baseDirectory: String
  ) -> WorkflowReader.ReadStages? {
    let split = part.split
    var events = WorkflowEventReader(
      reader: WorkflowReader(file: file, baseDirectory: baseDirectory),
      parser: YAMLParser(bytes: bytes, range: split.offset..<bytes.count, firstLine: split.line))
    events.secondPart = part
    // Within the whole, the list is inside the workflow's mapping.
    events.depth = 1
    do throws(Unusual) {
      try events.advance()
      guard events.parser.kind == .streamStart else { throw Unusual() }
      try events.advance()
      guard events.parser.kind == .documentStart, events.parser.isImplicitDocumentBoundary
      else { throw Unusual() }
      try events.advance()
      guard events.parser.kind == .sequenceStart,
        events.parser.position == SourcePosition(line: split.line, column: split.column)
      else { throw Unusual() }
      let read = try events.readStages()
      try events.advance()
      guard events.parser.kind == .documentEnd, events.parser.isImplicitDocumentBoundary
      else { throw Unusual() }
      try events.advance()
      guard events.parser.kind == .streamEnd, events.reader.problems.isEmpty else {
        throw Unusual()
      }
      return read
    } catch {
      part.abandon()
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
    // Tags of the document's own would name the second part's tags otherwise than it
    // names them read on its own.
    guard parser.kind == .documentStart, secondPart == nil || !parser.declaresTags else {
      throw Unusual()
    }
    try advance()
    var workflow = Workflow(source: source)
    var globals = WorkflowReader.GlobalDefaults()
    var read: WorkflowReader.ReadStages?
    let keys = try enterMapping()
    while let (key, name) = try nextKey(keys) {
      // With the rest of the list read elsewhere, the list ends this part: it is last.
      guard read == nil || secondPart == nil else { throw Unusual() }
      switch name {
      case "stages", "tasks":
        // Both given is a problem the tree reader words.
        guard read == nil else { throw Unusual() }
        if let secondPart, parser.position.column != secondPart.split.column {
          throw Unusual()
        }
        read = try readStages()
      default:
        let value = try subtree()
        reader.readTopLevel(key, name: name, value: value, into: &workflow, globals: &globals)
      }
    }
    try advance()
    guard parser.kind == .documentEnd, secondPart == nil || parser.isImplicitDocumentBoundary
    else { throw Unusual() }
    try advance()
    // Taken, so that the stages read have one owner and are moved rather than copied.
    guard parser.kind == .streamEnd, var stages = read.take() else { throw Unusual() }
    if let secondPart {
      // This part ends where the second starts, and the second is the rest of the list.
      guard parser.position.line == secondPart.split.line, let rest = secondPart.take() else {
        throw Unusual()
      }
      stages.append(contentsOf: rest)
    }
    workflow.stages = WorkflowReader.finish(consume stages, globals: globals)
    reader.check(&workflow)
    guard reader.problems.isEmpty else { throw Unusual() }
    return workflow
  }

  private mutating func readStages() throws(Unusual) -> WorkflowReader.ReadStages {
    try enterSequence()
    var read = WorkflowReader.ReadStages()
    while try nextItem() {
      // Where the other part of a cut list is not as usual, neither reading is kept.
      if let secondPart, secondPart.isAbandoned { throw Unusual() }
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

/// Where a large workflow's stage list is cut in two, to be read at once on two threads:
/// the first line past the middle of the text that starts as the list's first item does,
/// `-` at the same column. This is a guess from the bytes alone. It holds when the first
/// part, read as a text of its own, ends with the stage list at that column as the
/// workflow's last key, and the second, read as a text of its own, is nothing but the
/// rest of that list: then each part reads as it does within the whole (every line of
/// the second is indented at least as far as the list's items, so nothing in it reaches
/// back into the first). Otherwise the workflow is read again in one part.
struct StageListSplit {
  /// The first byte of the second part, which starts a line.
  var offset: Int
  /// That line's number in the whole text.
  var line: Int
  /// The column of the list items' `-`.
  var column: Int
}

extension StageListSplit {
  /// Where to cut `bytes`: at the first line that starts an item past the middle, or
  /// from `offset` on; nil where there is no such line.
  init?(_ bytes: [UInt8], from offset: Int? = nil) {
    guard
      let split = bytes.withUnsafeBufferPointer({
        Self.find(in: $0, from: offset ?? $0.count / 2)
      })
    else { return nil }
    self = split
  }

  private static let newline = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")
  private static let space = UInt8(ascii: " ")
  private static let dash = UInt8(ascii: "-")
  private static let comment = UInt8(ascii: "#")
  private static let listKeys = [Array("stages:".utf8), Array("tasks:".utf8)]

  private static func find(in text: UnsafeBufferPointer<UInt8>, from offset: Int)
    -> StageListSplit?
  {
    // The list's key starts a line before `offset`: `stages:` or `tasks:`, alone on its
    // line but for a comment. The first line after it with anything but blanks and a
    // comment is the list's first item, whose `-` gives the column.
    var start = 0
    var keyFound = false
    var indent: Int?
    while start < offset {
      let end = text.firstIndex(of: newline, in: start..<text.count) ?? text.count
      if !keyFound {
        keyFound = isListKey(text, start..<end)
      } else if let first = (start..<end).first(where: {
        text[$0] != space && text[$0] != carriageReturn
      }), text[first] != comment {
        guard isItem(text, at: start, indent: first - start) else { return nil }
        indent = first - start
        break
      }
      start = end + 1
    }
    guard let indent, endsInList(text, indent: indent) else { return nil }
    // The first line from `offset` on that starts an item at that column.
    var newline = text.firstIndex(of: Self.newline, in: max(offset - 1, start)..<text.count)
    while let found = newline, found + 1 < text.count {
      if isItem(text, at: found + 1, indent: indent) {
        return StageListSplit(
          offset: found + 1, line: text.count(of: Self.newline, in: 0..<found + 1) + 1,
          column: indent + 1)
      }
      newline = text.firstIndex(of: Self.newline, in: found + 1..<text.count)
    }
    return nil
  }

  /// Whether the line `range` is `stages:` or `tasks:` and nothing else but blanks and
  /// a comment.
  private static func isListKey(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>)
    -> Bool
  {
    for key in listKeys where range.count >= key.count {
      let rest = range.lowerBound + key.count..<range.upperBound
      guard text[range.lowerBound..<rest.lowerBound].elementsEqual(key) else { continue }
      guard let first = rest.first(where: { text[$0] != space && text[$0] != carriageReturn })
      else { return true }
      return text[first] == comment && text[first - 1] == space
    }
    return false
  }

  /// Whether the text ends inside a list whose items are `indent` spaces in: its last
  /// line indented no further, blank lines and comments aside, starts an item. Otherwise
  /// a key follows the list, and a cut would be refused once both parts were read.
  private static func endsInList(_ text: UnsafeBufferPointer<UInt8>, indent: Int) -> Bool {
    var end = text.count
    while end > 0 {
      var start = end
      while start > 0, text[start - 1] != newline { start -= 1 }
      if let first = (start..<end).first(where: {
        text[$0] != space && text[$0] != carriageReturn
      }), text[first] != comment, first - start <= indent {
        return isItem(text, at: start, indent: indent)
      }
      end = start - 1
    }
    return false
  }

  /// Whether the line at `start` is `indent` spaces, then `-` and a blank or its end.
  private static func isItem(_ text: UnsafeBufferPointer<UInt8>, at start: Int, indent: Int)
    -> Bool
  {
    let dashAt = start + indent
    guard dashAt < text.count, text[dashAt] == dash,
      (start..<dashAt).allSatisfy({ text[$0] == space })
    else { return false }
    guard dashAt + 1 < text.count else { return true }
    let next = text[dashAt + 1]
    return next == space || next == newline || next == carriageReturn
  }
}

/// The second part of a stage list (`StageListSplit`), read on a thread of its own.
private final class SecondStages: @unchecked Sendable {
  let split: StageListSplit
  private var thread: QuietThread?
  /// The stages read: set by the thread, read once it has ended.
  private var read: WorkflowReader.ReadStages?
  /// Set where either part does not read as usual, so that the other stops too.
  private let abandoned = Atomic(false)

  /// Starts reading the part; nil where no thread can be started.
  init?(_ bytes: [UInt8], split: StageListSplit, file: String, baseDirectory: String) {
    self.split = split
    do {
      thread = try QuietThread(elsewhere: true) { [self] in
        read = WorkflowEventReader.readStageListPart(
          bytes, part: self, file: file, baseDirectory: baseDirectory)
      }
    } catch {
      return nil
    }
  }

  /// Stops both readings at their next stage.
  func abandon() { abandoned.store(true, ordering: .relaxed) }

  var isAbandoned: Bool { abandoned.load(ordering: .relaxed) }

  /// The stages read, once the thread has ended; nil when the part is not the rest of a
  /// stage list that reads as usual.
  func take() -> WorkflowReader.ReadStages? {
    thread?.join()
    thread = nil
    return read.take()
  }
}
