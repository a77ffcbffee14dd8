/// Why a document is not valid TOML, and where: the first problem found.
public struct TOMLError: ToolFailure, Hashable, Sendable {
  /// Where the problem is, 1-based; the column counts Unicode scalars.
  public var position: SourcePosition
  /// A plain description, such as `expected ',' or ']' in an array`.
  public var message: String

  public init(position: SourcePosition, message: String) {
    self.position = position
    self.message = message
  }

  public var description: String { "\(position): invalid TOML: \(message)" }

  /// TOML files are configuration (catalogues): 78.
  public var exitStatus: ExitStatus { .config }
}
