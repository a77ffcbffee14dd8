/// Why a pipe document could not be read: where in it (`stages[2].needs`) and what.
public struct DocumentError: ToolFailure, Hashable, Sendable {
  public var file: String
  public var path: String
  public var message: String
  /// Where in the text: of the syntax error when the document is not JSON, else of the
  /// stage the problem is in, when the document was read from text.
  public var position: SourcePosition?

  public init(file: String, path: String, message: String, position: SourcePosition? = nil) {
    self.file = file
    self.path = path
    self.message = message
    self.position = position
  }

  public var exitStatus: ExitStatus { .dataError }

  public var description: String {
    if let position {
      return path.isEmpty
        ? "\(file):\(position): \(message)" : "\(file):\(position): \(path): \(message)"
    }
    return path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
  }
}
