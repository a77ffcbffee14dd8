/// The tables of a document while it is read, and the rules on what may still be added.
///
/// Tables live in an arena, numbered, so that a header deep in the document can add to a
/// table in place. Each remembers how it was made: by a `[header]`, by dotted keys, or
/// implicitly as the parent of either. Inline tables and arrays written as values are
/// finished values and can never be extended.
struct TOMLDocumentBuilder {
  typealias Key = (name: String, position: SourcePosition)

  /// How an entry is held: its value, or tables of the arena standing for it.
  enum Slot {
    /// A scalar, an array written as a value, or an inline table.
    case value
    case table(Int)
    case tableArray([Int])
  }

  struct Node {
    /// The entries, with an empty table or array in place of those held in the arena.
    var entries: [TOMLTable.Entry] = []
    /// Each entry's slot; empty as long as all are values, which spares most tables a list.
    var slots: [Slot] = []
    var index: [String: Int]? = nil
    var depth: Int
    var definedByHeader = false
    var definedByDottedKeys = false
  }

  static let maximumDepth = 128

  private(set) var nodes: [Node]
  /// The table that key/value lines go to.
  private(set) var current = 0

  init() {
    nodes = [Node(depth: 0)]
  }

  /// A builder for a table `depth` levels below the root of its document, so that the
  /// limit on nesting counts from that root.
  init(depth: Int) {
    nodes = [Node(depth: depth)]
  }

  /// Empties the builder, keeping its space, for a table `depth` levels below the root.
  mutating func reset(depth: Int) {
    nodes.removeAll(keepingCapacity: true)
    nodes.append(Node(depth: depth))
    current = 0
  }

  /// Directs the key/value lines below to the root table again.
  mutating func directToRoot() { current = 0 }

  /// The document read, taken out of the arena.
  mutating func document() -> TOMLTable { table(of: 0) }

  // MARK: - Headers

  /// `[a.b]` or `[[a.b]]`: makes or reopens the table and directs the lines below to it.
  mutating func header(_ keys: [Key], isArray: Bool) throws(TOMLError) {
    var node = 0
    for (number, key) in keys.enumerated() {
      let isLast = number == keys.count - 1
      var name: String { TOMLDocumentBuilder.path(keys[...number]) }
      guard let found = find(key.name, in: node) else {
        let child = try makeNode(under: node, at: key.position)
        nodes[child].definedByHeader = isLast
        append(key, isLast && isArray ? .tableArray([child]) : .table(child), to: node)
        node = child
        continue
      }
      switch slot(found, in: node) {
      case .value:
        throw notATable(nodes[node].entries[found].value, name, at: key.position)
      case .table(let child):
        if isLast {
          if isArray {
            throw error("'\(name)' is already a table, not an array of tables", at: key.position)
          }
          if nodes[child].definedByHeader {
            throw error("table '\(name)' is defined twice", at: key.position)
          }
          if nodes[child].definedByDottedKeys {
            throw error("table '\(name)' is already defined by dotted keys", at: key.position)
          }
          nodes[child].definedByHeader = true
        }
        node = child
      case .tableArray(var children):
        if isLast {
          if !isArray {
            throw error("'\(name)' is an array of tables, not a table", at: key.position)
          }
          let child = try makeNode(under: node, at: key.position)
          nodes[child].definedByHeader = true
          // Drop the stored copy first so that appending does not copy the array.
          nodes[node].slots[found] = .value
          children.append(child)
          nodes[node].slots[found] = .tableArray(children)
          node = child
        } else {
          node = children[children.count - 1]
        }
      }
    }
    current = node
  }

  // MARK: - Key/value lines

  /// `a.b.c = value` in the current table.
  mutating func keyValue(_ keys: [Key], _ value: TOMLValue) throws(TOMLError) {
    try keyValue(keys, value, into: current)
  }

  /// Starts an inline table, a table of its own; its keys go in with
  /// `keyValue(_:_:inline:)`.
  mutating func beginInlineTable(depth: Int) -> Int {
    nodes.append(Node(depth: depth))
    return nodes.count - 1
  }

  mutating func keyValue(_ keys: [Key], _ value: TOMLValue, inline node: Int) throws(TOMLError) {
    try keyValue(keys, value, into: node)
  }

  /// Ends an inline table: its value, and the arena back to what it was before it.
  mutating func endInlineTable(_ node: Int) -> TOMLValue {
    let value = TOMLValue.table(table(of: node))
    nodes.removeSubrange(node...)
    return value
  }

  /// Dotted keys may make tables and add to tables they made, or to tables a header made
  /// implicitly, but never to a table with a header of its own: every other section is
  /// closed for good by its header, so a table made by dotted keys cannot be reached again.
  private mutating func keyValue(_ keys: [Key], _ value: TOMLValue, into table: Int)
    throws(TOMLError)
  {
    var node = table
    for (number, key) in keys.dropLast().enumerated() {
      var name: String { TOMLDocumentBuilder.path(keys[...number]) }
      guard let found = find(key.name, in: node) else {
        let child = try makeNode(under: node, at: key.position)
        nodes[child].definedByDottedKeys = true
        append(key, .table(child), to: node)
        node = child
        continue
      }
      switch slot(found, in: node) {
      case .value:
        throw notATable(nodes[node].entries[found].value, name, at: key.position)
      case .tableArray:
        throw error(
          "cannot add to the array of tables '\(name)' with dotted keys", at: key.position)
      case .table(let child):
        if nodes[child].definedByHeader {
          throw error(
            "cannot add to table '\(name)' with dotted keys: it has its own header",
            at: key.position)
        }
        nodes[child].definedByDottedKeys = true
        node = child
      }
    }
    let last = keys[keys.count - 1]
    if find(last.name, in: node) != nil {
      throw error(
        "key '\(TOMLDocumentBuilder.path(keys[...]))' is defined twice", at: last.position)
    }
    append(last, .value, value, to: node)
  }

  // MARK: - The arena

  private func find(_ key: String, in node: Int) -> Int? {
    if let index = nodes[node].index { return index[key] }
    return nodes[node].entries.firstIndex { $0.key == key }
  }

  private func slot(_ entry: Int, in node: Int) -> Slot {
    nodes[node].slots.isEmpty ? .value : nodes[node].slots[entry]
  }

  private mutating func append(
    _ key: Key, _ slot: Slot, _ value: TOMLValue = .table(TOMLTable()), to node: Int
  ) {
    let number = nodes[node].entries.count
    var placeholder = value
    if case .tableArray = slot { placeholder = .array([]) }
    nodes[node].entries.append(
      TOMLTable.Entry(key: key.name, value: placeholder, position: key.position))
    if case .value = slot, nodes[node].slots.isEmpty {
    } else {
      if nodes[node].slots.isEmpty {
        nodes[node].slots = Array(repeating: .value, count: number)
      }
      nodes[node].slots.append(slot)
    }
    if nodes[node].index != nil {
      nodes[node].index![key.name] = number
    } else if number >= 8 {
      var index: [String: Int] = [:]
      for (position, each) in nodes[node].entries.enumerated() { index[each.key] = position }
      nodes[node].index = index
    }
  }

  private mutating func makeNode(under parent: Int, at position: SourcePosition)
    throws(TOMLError) -> Int
  {
    let depth = nodes[parent].depth + 1
    if depth > TOMLDocumentBuilder.maximumDepth { throw TOMLDocumentBuilder.tooDeep(position) }
    nodes.append(Node(depth: depth))
    return nodes.count - 1
  }

  /// Moves a table and those under it out of the arena.
  private mutating func table(of node: Int) -> TOMLTable {
    var entries: [TOMLTable.Entry] = []
    swap(&entries, &nodes[node].entries)
    let slots = nodes[node].slots
    nodes[node].slots = []
    for (number, slot) in slots.enumerated() {
      switch slot {
      case .value: continue
      case .table(let child): entries[number].value = .table(table(of: child))
      case .tableArray(let children):
        entries[number].value = .array(children.map { .table(table(of: $0)) })
      }
    }
    return TOMLTable(entries: entries, index: nodes[node].index.take())
  }

  // MARK: - Messages

  /// A key path as written in TOML: bare where it can be, quoted otherwise.
  static func path(_ keys: ArraySlice<Key>) -> String {
    keys.map { key in
      let bare =
        !key.name.isEmpty
        && key.name.utf8.allSatisfy { TOMLReader.isBareKeyByte($0) }
      return bare ? key.name : "\"" + key.name + "\""
    }.joined(separator: ".")
  }

  static func tooDeep(_ position: SourcePosition) -> TOMLError {
    TOMLError(
      position: position, message: "nested deeper than \(maximumDepth) levels")
  }

  private func notATable(_ value: TOMLValue, _ name: String, at position: SourcePosition)
    -> TOMLError
  {
    switch value {
    case .table:
      return TOMLError(position: position, message: "cannot extend the inline table '\(name)'")
    case .array:
      return TOMLError(
        position: position, message: "'\(name)' is an array written as a value, not a table")
    default:
      return TOMLError(position: position, message: "key '\(name)' already has a value")
    }
  }

  private func error(_ message: String, at position: SourcePosition) -> TOMLError {
    TOMLError(position: position, message: message)
  }
}
