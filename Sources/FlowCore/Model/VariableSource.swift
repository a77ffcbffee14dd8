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
  /// A file that may be missing: it is then skipped (written only by hand or by tools
  /// other than flow-parse, as `"optional": true`).
  public var isOptional: Bool

  public init(
    _ content: Content, origin: Origin, position: SourcePosition? = nil, isOptional: Bool = false
  ) {
    self.content = content
    self.origin = origin
    self.position = position
    self.isOptional = isOptional
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

/// One variable of a stage after flow-envfile merged its sources.
public struct MergedVariable: Sendable, Hashable {
  public var name: String
  /// The value; nil for a variable that is declared but unset.
  public var value: String?
  /// With `--provenance`: where the value comes from and what it overrides (`from`,
  /// `overrides`), as flow-envfile(1) describes them.
  public var provenance: JSONObject?

  public init(name: String, value: String?, provenance: JSONObject? = nil) {
    self.name = name
    self.value = value
    self.provenance = provenance
  }
}
