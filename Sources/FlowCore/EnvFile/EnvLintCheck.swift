/// dotenv-linter's checks, by the same names.
public enum EnvLintCheck: String, Sendable, CaseIterable {
  case duplicatedKey = "DuplicatedKey"
  case endingBlankLine = "EndingBlankLine"
  case extraBlankLine = "ExtraBlankLine"
  case incorrectDelimiter = "IncorrectDelimiter"
  case keyWithoutValue = "KeyWithoutValue"
  case leadingCharacter = "LeadingCharacter"
  case lowercaseKey = "LowercaseKey"
  case quoteCharacter = "QuoteCharacter"
  case schemaViolation = "SchemaViolation"
  case spaceCharacter = "SpaceCharacter"
  case substitutionKey = "SubstitutionKey"
  case trailingWhitespace = "TrailingWhitespace"
  case unorderedKey = "UnorderedKey"
  case valueWithoutQuotes = "ValueWithoutQuotes"
}

/// One finding of the linter.
public struct EnvLintProblem: Hashable, Sendable, CustomStringConvertible {
  public var check: EnvLintCheck
  public var file: String
  public var line: Int
  public var message: String

  /// dotenv-linter's own line format: `file:line Check: message`.
  public var description: String { "\(file):\(line) \(check.rawValue): \(message)" }

  public var document: JSONValue {
    .object(
      JSONObject([
        ("check", .string(check.rawValue)), ("file", .string(file)),
        ("line", .integer(Int64(line))), ("message", .string(message)),
      ]))
  }
}
