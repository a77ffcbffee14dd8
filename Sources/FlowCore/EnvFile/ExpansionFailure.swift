/// Why a value could not be expanded; the merge turns it into an `EnvFileError`
/// naming the key and where it was defined.
enum ExpansionFailure: Error, Equatable {
  case unterminated
  case invalid(String)
  case required(name: String, message: String)
  case tooDeep
  /// The text substituted so far would pass the merge's allowance.
  case tooLarge(limit: Int)
}
