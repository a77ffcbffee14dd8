/// What can go wrong between a requirement and an environment.
public enum ResolveError: ToolFailure, Equatable, Sendable {
  /// A version string that cannot be read; `column` is 1-based within `text`.
  case invalidVersion(text: String, column: Int, reason: String)
  /// A version spec that cannot be read; `column` is 1-based within `text`.
  case invalidSpec(text: String, column: Int, reason: String)
  /// A requirement (`name spec`) that cannot be read.
  case invalidRequirement(text: String, column: Int, reason: String)
  /// A `--time` that is not a date or date-time.
  case invalidTime(String)
  /// A catalogue source that does not exist.
  case missingCatalogue(Diagnostic)
  /// A catalogue file that is not a valid catalogue.
  case invalidCatalogue(Diagnostic)
  /// A catalogue file that exists but cannot be read (permissions, an I/O error).
  case unreadableCatalogue(Diagnostic)
  /// No set of versions satisfies the request; the text says why.
  case unsatisfiable(explanation: String)

  public var exitStatus: ExitStatus {
    switch self {
    case .invalidVersion, .invalidSpec, .invalidRequirement, .invalidTime: return .usage
    case .missingCatalogue: return .noInput
    case .invalidCatalogue: return .config
    case .unreadableCatalogue: return .ioError
    case .unsatisfiable: return .dataError
    }
  }

  public var description: String {
    switch self {
    case .invalidVersion(let text, let column, let reason):
      return "invalid version '\(text)' at column \(column): \(reason)"
    case .invalidSpec(let text, let column, let reason):
      return "invalid version spec '\(text)' at column \(column): \(reason)"
    case .invalidRequirement(let text, let column, let reason):
      return "invalid requirement '\(text)' at column \(column): \(reason)"
    case .invalidTime(let text):
      return "invalid time '\(text)': expected a date or date-time such as 2024-05-01 or "
        + "2024-05-01T12:00:00Z"
    case .missingCatalogue(let diagnostic), .invalidCatalogue(let diagnostic),
      .unreadableCatalogue(let diagnostic):
      return diagnostic.description
    case .unsatisfiable(let explanation):
      return explanation
    }
  }
}
