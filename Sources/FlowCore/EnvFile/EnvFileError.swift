/// Everything that can be wrong with `.env` input, each with where it is.
public enum EnvFileError: ToolFailure, Hashable, Sendable {
  case missingFile(file: String, reason: String)
  /// A variables file a workflow names, at the place that names it.
  case missingVariablesFile(workflow: String, at: SourcePosition?, file: String, reason: String)
  case unreadableFile(file: String, reason: String)
  case invalidUTF8(file: String, at: SourcePosition)
  case nulByte(file: String, at: SourcePosition)
  case unterminatedQuote(file: String, at: SourcePosition, quote: Character)
  case invalidKey(file: String, at: SourcePosition, detail: String)
  case textAfterQuote(file: String, at: SourcePosition)
  /// python-dotenv drops such a statement with a warning; flow reports it.
  case unparsableStatement(file: String, at: SourcePosition)
  case unterminatedSubstitution(location: EnvFileLocation, key: String)
  case invalidSubstitution(location: EnvFileLocation, key: String, text: String)
  case requiredVariable(location: EnvFileLocation, key: String, name: String, message: String)
  /// Substitutions would produce more text than the merge allows (values that repeat
  /// earlier ones double with each line).
  case expansionTooLarge(location: EnvFileLocation, key: String, limit: Int)
  case invalidAssignment(source: String, text: String)
  case invalidSchema(file: String, reason: String)
  /// An output format cannot carry a key or value.
  case cannotWrite(format: String, key: String, reason: String)

  /// The exit status this error asks for: 66 for a missing file, 74 for one that
  /// cannot be read, 65 for bad data.
  public var exitStatus: ExitStatus {
    switch self {
    case .missingFile, .missingVariablesFile: return .noInput
    case .unreadableFile: return .ioError
    default: return .dataError
    }
  }

  public var description: String {
    switch self {
    case .missingFile(let file, let reason):
      return "\(file): \(reason)"
    case .unreadableFile(let file, let reason):
      return "\(file): \(reason)"
    case .missingVariablesFile(let workflow, let at, let file, let reason):
      let place = at.map { "\(workflow):\($0)" } ?? workflow
      return "\(place): variables file '\(file)': \(reason)"
    case .invalidUTF8(let file, let at):
      return "\(file):\(at): invalid UTF-8"
    case .nulByte(let file, let at):
      return "\(file):\(at): NUL byte"
    case .unterminatedQuote(let file, let at, let quote):
      return "\(file):\(at): unterminated \(quote)…\(quote) value (the quote opens here)"
    case .invalidKey(let file, let at, let detail):
      return "\(file):\(at): invalid key: \(detail)"
    case .textAfterQuote(let file, let at):
      return "\(file):\(at): unexpected text after the closing quote"
    case .unparsableStatement(let file, let at):
      return "\(file):\(at): statement cannot be parsed (python-dotenv drops it)"
    case .unterminatedSubstitution(let location, let key):
      return "\(location): value of '\(key)' has an unterminated '${'"
    case .invalidSubstitution(let location, let key, let text):
      return "\(location): value of '\(key)' has an invalid substitution '\(text)'"
    case .requiredVariable(let location, let key, let name, let message):
      let reason = message.isEmpty ? "is not set" : message
      return "\(location): value of '\(key)' needs '\(name)': \(reason)"
    case .expansionTooLarge(let location, let key, let limit):
      return
        "\(location): expanding '\(key)' would substitute more than \(limit >> 20) MiB of text in all; values that each repeat an earlier one grow exponentially"
    case .invalidSchema(let file, let reason):
      return "\(file): invalid lint schema: \(reason)"
    case .cannotWrite(let format, let key, let reason):
      return "\(format) output cannot carry '\(key)': \(reason)"
    case .invalidAssignment(let source, let text):
      return "\(source): '\(text)' is not of the form KEY=VALUE"
    }
  }
}
