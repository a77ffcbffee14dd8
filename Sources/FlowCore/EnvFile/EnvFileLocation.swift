/// Where a definition came from: a line of a file, or an entry of a map given
/// on the command line or in a pipe document.
public enum EnvFileLocation: Hashable, Sendable, CustomStringConvertible {
  case file(String, SourcePosition)
  case map(String)

  public var description: String {
    switch self {
    case .file(let file, let position): return "\(file):\(position)"
    case .map(let name): return name
    }
  }
}
