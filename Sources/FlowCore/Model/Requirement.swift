/// A software requirement: a package name and a version spec (`houdini ~=20.0.506`).
/// The spec is kept as written; flow-resolve reads it. A weak reference (`~numpy >=1.20`)
/// or a conflict (`!python 2`) keeps its mark at the start of `package`.
public struct Requirement: Sendable, Hashable {
  public var package: String
  public var spec: String
  public var position: SourcePosition?

  public init(package: String, spec: String, position: SourcePosition? = nil) {
    self.package = package
    self.spec = spec
    self.position = position
  }

  /// Splits `"houdini ~=20.0.506"`, `"python>=3.10"` or `"~numpy >=1.20"`: after an
  /// optional mark (`~` or `!`), the name runs up to the first space or operator character.
  /// Nil when there is no name.
  public init?(parsing text: String, position: SourcePosition? = nil) {
    let trimmed = text.trimmingSpaces.unicodeScalars
    let marked = trimmed.first.map(Self.marks.contains) ?? false
    let afterMark = marked ? trimmed.index(after: trimmed.startIndex) : trimmed.startIndex
    let name = trimmed[afterMark...].prefix { !Self.isOperatorCharacter($0) }
    guard !name.isEmpty else { return nil }
    self.package = String(Substring(trimmed[..<name.endIndex]))
    self.spec = String(Substring(trimmed[name.endIndex...]).trimmingSpaces)
    self.position = position
  }

  /// What ends a package name in a requirement's text: a switch, where a set's hashing
  /// cost more than the rest of checking a name.
  static func isOperatorCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "=", "!", "<", ">", "~", "^", " ", "\t", ",": return true
    default: return false
    }
  }

  /// What may come before a package name: `~` (a weak reference) or `!` (a conflict).
  static let marks: Set<Unicode.Scalar> = ["~", "!"]

  /// The requirement as one line: `houdini ~=20.0.506`.
  public var text: String { spec.isEmpty ? package : package + " " + spec }
}
