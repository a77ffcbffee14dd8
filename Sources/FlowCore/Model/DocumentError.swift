/// Why a pipe document could not be read: where in it (`stages[2].needs`) and what.
public struct DocumentError: ToolFailure, Hashable, Sendable {
  public var file: String
  public var path: String
  public var message: String

  public init(file: String, path: String, message: String) {
    self.file = file
    self.path = path
    self.message = message
  }

  public var exitStatus: ExitStatus { .dataError }

  public var description: String {
    path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
  }
}
