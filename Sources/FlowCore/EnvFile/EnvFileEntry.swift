/// One definition read from a `.env` file.
public struct EnvFileEntry: Hashable, Sendable {
  /// How the value was written, which decides whether it is expanded.
  public enum Quoting: String, Hashable, Sendable {
    case none, single, double
  }

  public var key: String
  /// The value as written, escapes processed and nothing expanded; `nil` for a bare
  /// `KEY` line, which inherits from the base environment (or is `None` in python).
  public var value: String?
  /// The text to expand when expansion is on, `nil` when the value is taken literally
  /// (quoted so, or holding no `$`, which expansion would give back unchanged). It
  /// differs from `value` only where an escape protects a `$` (`\$` becomes `$$`).
  public var template: String? {
    get { expands ? (distinctTemplate ?? value) : nil }
    set {
      expands = newValue != nil
      distinctTemplate = newValue == value ? nil : newValue
    }
  }
  /// Stored apart from `value` only when it differs, which is rare.
  private var distinctTemplate: String?
  private var expands: Bool
  public var quoting: Quoting
  public var isExported: Bool
  public var file: String
  public var position: SourcePosition

  public init(
    key: String, value: String?, template: String?, quoting: Quoting = .none,
    isExported: Bool = false, file: String, position: SourcePosition
  ) {
    self.key = key
    self.value = value
    expands = template != nil
    distinctTemplate = template == value ? nil : template
    self.quoting = quoting
    self.isExported = isExported
    self.file = file
    self.position = position
  }

  public var location: EnvFileLocation { .file(file, position) }
}

/// What parsing one file gave: its definitions in order, and the statements it refused.
public struct EnvFileParseResult: Sendable {
  public var entries: [EnvFileEntry] = []
  public var errors: [EnvFileError] = []

  public init(entries: [EnvFileEntry] = [], errors: [EnvFileError] = []) {
    self.entries = entries
    self.errors = errors
  }
}
