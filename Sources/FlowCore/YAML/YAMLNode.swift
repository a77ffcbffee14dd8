/// A node of a YAML document, with the position where it starts.
///
/// Aliases are resolved while loading: an alias shares its anchor's storage, so the tree
/// stays as small as the text, and `YAMLLoader` bounds how large it would be expanded.
public struct YAMLNode: Sendable {
  public enum Content: Sendable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode])
    case mapping([(key: YAMLNode, value: YAMLNode)])
  }

  public var content: Content
  public var position: SourcePosition
  /// How many nodes this one stands for once every alias inside it is expanded.
  public var expandedSize: Int

  public init(_ content: Content, position: SourcePosition, expandedSize: Int = 1) {
    self.content = content
    self.position = position
    self.expandedSize = expandedSize
  }

  public var scalar: YAMLScalar? {
    if case .scalar(let scalar) = content { return scalar }
    return nil
  }

  public var sequence: [YAMLNode]? {
    if case .sequence(let items) = content { return items }
    return nil
  }

  public var mapping: [(key: YAMLNode, value: YAMLNode)]? {
    if case .mapping(let pairs) = content { return pairs }
    return nil
  }

  /// A word for the node's kind, for messages: "a mapping", "a list", "a string".
  public var kindDescription: String {
    switch content {
    case .scalar(let scalar): return scalar.isNull ? "null" : "a scalar"
    case .sequence: return "a list"
    case .mapping: return "a mapping"
    }
  }
}

/// A scalar as written, with what is needed to read it under YAML 1.2's core schema.
public struct YAMLScalar: Sendable, Hashable {
  public enum Style: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
  }

  public var text: String
  public var style: Style
  /// The explicit tag, when the text carries one (`!!str`), in its long form.
  public var tag: String?

  public init(text: String, style: Style, tag: String? = nil) {
    self.text = text
    self.style = style
    self.tag = tag
  }

  /// Whether the scalar is null under the core schema (`~`, `null`, or nothing).
  public var isNull: Bool {
    if let tag { return tag == "tag:yaml.org,2002:null" }
    guard style == .plain else { return false }
    return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
  }
}
