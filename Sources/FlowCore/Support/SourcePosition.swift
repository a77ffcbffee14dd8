/// A place in a source file, 1-based, for messages of the form `file:line:column`.
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
  public var line: Int
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public var description: String { "\(line):\(column)" }
}

/// A problem found in an input, with where it is.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
  public var file: String
  public var position: SourcePosition?
  public var message: String

  public init(file: String, position: SourcePosition?, message: String) {
    self.file = file
    self.position = position
    self.message = message
  }

  public var description: String {
    if let position { return "\(file):\(position): \(message)" }
    return "\(file): \(message)"
  }
}
