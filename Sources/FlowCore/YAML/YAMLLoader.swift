/// Loads one YAML document into a `YAMLNode` tree, with the safety limits a tool that
/// reads other people's files needs: bounded nesting, bounded alias expansion, one
/// document, no duplicate keys. Anchors, aliases and merge keys (`<<`) work.
public struct YAMLLoader {
  /// The deepest nesting of lists and mappings accepted.
  public var maximumDepth = 256
  /// How many nodes aliases may add beyond the document's own, at least. A larger
  /// document may add as many as it has.
  public var minimumAliasBudget = 1_000_000

  public init() {}

  /// The document's root (nil for an empty file) and the problems found. A problem
  /// that stops reading is thrown; problems reading can continue past (duplicate keys,
  /// bad merges) are returned with the tree.
  public func load(_ bytes: [UInt8], file: String) throws(Diagnostic) -> (
    root: YAMLNode?, problems: [Diagnostic]
  ) {
    var builder = TreeBuilder(loader: self, file: file)
    let parser = YAMLParser(bytes: bytes)
    while true {
      let event: YAMLParser.Event
      do throws(YAMLParser.Failure) {
        event = try parser.next()
      } catch {
        throw Diagnostic(file: file, position: error.position, message: error.message)
      }
      if case .streamEnd = event { break }
      try builder.accept(event)
    }
    return (builder.root, builder.problems)
  }
}

/// Builds the tree from parser events with an explicit stack, so deep input cannot
/// overflow the call stack. `root` is set once the first node is complete.
struct TreeBuilder {
  /// A list or mapping being read; its children so far are `children[start...]`.
  struct Frame {
    var isMapping: Bool
    var start: Int
    var anchor: String?
    var position: SourcePosition
    var size = 1
  }

  let loader: YAMLLoader
  let file: String
  var stack: [Frame] = []
  /// The children of every open list and mapping, innermost last (a mapping's keys and
  /// values alternate). One growing buffer, so that each finished container is one
  /// allocation of its exact size rather than an array grown child by child.
  var children: [YAMLNode] = []
  var anchors: [String: YAMLNode] = [:]
  var root: YAMLNode?
  var documents = 0
  var ownNodes = 0
  var aliasNodes = 0
  var problems: [Diagnostic] = []

  init(loader: YAMLLoader, file: String) {
    self.loader = loader
    self.file = file
  }

  func diagnostic(_ position: SourcePosition, _ message: String) -> Diagnostic {
    Diagnostic(file: file, position: position, message: message)
  }

  mutating func accept(_ event: YAMLParser.Event) throws(Diagnostic) {
    switch event {
    case .streamStart, .streamEnd, .documentEnd: return
    case .documentStart(let position):
      documents += 1
      if documents > 1 {
        throw diagnostic(position, "more than one YAML document: a workflow is one document")
      }
    case .scalar(let scalar, let anchor, let position):
      ownNodes += 1
      try add(YAMLNode(.scalar(scalar), position: position), anchor: anchor)
    case .alias(let name, let position):
      guard var node = anchors[name] else {
        throw diagnostic(position, "unknown alias '*\(name)'")
      }
      aliasNodes = aliasNodes.addingSaturated(node.expandedSize)
      if aliasNodes > max(loader.minimumAliasBudget, ownNodes) {
        throw diagnostic(
          position,
          "aliases expand to more than \(max(loader.minimumAliasBudget, ownNodes)) nodes "
            + "(an alias bomb?): refusing to expand them")
      }
      node.position = position
      try add(node, anchor: nil)
    case .sequenceStart(let anchor, let position):
      ownNodes += 1
      try push(Frame(isMapping: false, start: children.count, anchor: anchor, position: position))
    case .mappingStart(let anchor, let position):
      ownNodes += 1
      try push(Frame(isMapping: true, start: children.count, anchor: anchor, position: position))
    case .sequenceEnd, .mappingEnd:
      guard let frame = stack.popLast() else { return }
      let node: YAMLNode
      if frame.isMapping {
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        pairs.reserveCapacity((children.count - frame.start) / 2)
        for index in stride(from: frame.start, to: children.count - 1, by: 2) {
          pairs.append((children[index], children[index + 1]))
        }
        children.removeSubrange(frame.start...)
        let merged = resolveMerges(pairs)
        let size = merged.reduce(1) {
          $0.addingSaturated($1.key.expandedSize.addingSaturated($1.value.expandedSize))
        }
        node = YAMLNode(.mapping(merged), position: frame.position, expandedSize: size)
      } else {
        let items = Array(children[frame.start...])
        children.removeSubrange(frame.start...)
        node = YAMLNode(.sequence(items), position: frame.position, expandedSize: frame.size)
      }
      try add(node, anchor: frame.anchor)
    }
  }

  mutating func push(_ frame: Frame) throws(Diagnostic) {
    if stack.count >= loader.maximumDepth {
      throw diagnostic(frame.position, "nesting deeper than \(loader.maximumDepth) levels")
    }
    stack.append(frame)
  }

  mutating func add(_ node: YAMLNode, anchor: String?) throws(Diagnostic) {
    if let anchor { anchors[anchor] = node }
    let top = stack.count - 1
    guard top >= 0 else {
      root = node
      return
    }
    if !stack[top].isMapping {
      stack[top].size = stack[top].size.addingSaturated(node.expandedSize)
    }
    children.append(node)
  }

  /// Applies merge keys (`<<: *base` or `<<: [*a, *b]`): merged keys come after the
  /// mapping's own, which win; among several sources the earlier wins. Duplicate keys
  /// written in the mapping itself are reported.
  mutating func resolveMerges(_ pairs: [(key: YAMLNode, value: YAMLNode)]) -> [(
    key: YAMLNode, value: YAMLNode
  )] {
    if pairs.count <= 12, !pairs.contains(where: { $0.key.scalar?.text == "<<" }) {
      // The usual small mapping without merges: compare keys directly.
      var result = pairs
      var index = 1
      while index < result.count {
        let name = result[index].key.scalar?.text ?? result[index].key.keyText
        if let first = result[..<index].first(where: {
          ExactString.sameBytes($0.key.scalar?.text ?? $0.key.keyText, name)
        }) {
          problems.append(
            diagnostic(
              result[index].key.position,
              "duplicate key '\(name)' (first defined at \(first.key.position))"))
          result.remove(at: index)
        } else {
          index += 1
        }
      }
      return result
    }
    var result: [(key: YAMLNode, value: YAMLNode)] = []
    // Keys are told apart by their bytes, as YAML compares scalars by code points.
    var seen: [ExactString: SourcePosition] = [:]
    var sources: [YAMLNode] = []
    for pair in pairs {
      if let scalar = pair.key.scalar, scalar.text == "<<",
        scalar.style == .plain && (scalar.tag == nil || scalar.tag == "tag:yaml.org,2002:merge")
      {
        if let items = pair.value.sequence { sources += items } else { sources.append(pair.value) }
        continue
      }
      let name = pair.key.keyName
      if let first = seen[ExactString(name)] {
        problems.append(
          diagnostic(pair.key.position, "duplicate key '\(name)' (first defined at \(first))"))
        continue
      }
      seen[ExactString(name)] = pair.key.position
      result.append(pair)
    }
    for source in sources {
      guard let sourcePairs = source.mapping else {
        problems.append(
          diagnostic(
            source.position, "a merge key '<<' needs a mapping, not \(source.kindDescription)"))
        continue
      }
      for pair in sourcePairs {
        let name = pair.key.keyName
        if seen[ExactString(name)] == nil {
          seen[ExactString(name)] = pair.key.position
          result.append(pair)
        }
      }
    }
    return result
  }
}

extension Int {
  fileprivate func addingSaturated(_ other: Int) -> Int {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? .max : sum
  }
}
