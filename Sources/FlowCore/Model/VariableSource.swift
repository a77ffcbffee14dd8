/// One place a stage's variables come from: a `.env` file or a map written in the
/// workflow. A stage keeps its sources in the order they apply (global first, then its
/// own files in order, then its own map), later winning.
public struct VariableSource: Sendable, Hashable {
  public enum Content: Sendable, Hashable {
    /// An absolute path to a `.env` file.
    case file(String)
    /// Names and values, in the order written.
    case values([NameValue])
  }

  public enum Origin: String, Sendable, Hashable {
    case global, stage
  }

  public var content: Content
  public var origin: Origin
  public var position: SourcePosition?

  public init(_ content: Content, origin: Origin, position: SourcePosition? = nil) {
    self.content = content
    self.origin = origin
    self.position = position
  }
}

/// A variable name with its value.
public struct NameValue: Sendable, Hashable {
  public var name: String
  public var value: String

  public init(_ name: String, _ value: String) {
    self.name = name
    self.value = value
  }
}
