/// A package name with a version spec, as in `houdini.py3_10 ~=20.0.506` or `python>=3.10`.
public struct PackageRequirement: Sendable, Hashable, CustomStringConvertible {
  public var name: String
  public var spec: VersionSpec

  public init(name: String, spec: VersionSpec) {
    self.name = name
    self.spec = spec
  }

  /// Reads `NAME [SPEC]`: the name runs while characters are letters, digits, `.`, `_` or
  /// `-`; the rest, trimmed, is the spec (empty = any version).
  public init(parsing text: String) throws {
    let bytes = Array(text.utf8)
    var start = 0
    while start < bytes.count && (bytes[start] == 32 || bytes[start] == 9) { start += 1 }
    var end = start
    while end < bytes.count && PackageRequirement.isNameByte(bytes[end]) { end += 1 }
    guard end > start else {
      throw ResolveError.invalidRequirement(
        text: text, column: start + 1, reason: "expected a package name")
    }
    name = String(decoding: bytes[start..<end], as: UTF8.self)
    let rest = String(decoding: bytes[end...], as: UTF8.self)
    do {
      spec = try VersionSpec(parsing: rest)
    } catch let ResolveError.invalidSpec(_, column, reason) {
      throw ResolveError.invalidRequirement(text: text, column: end + column, reason: reason)
    }
  }

  static func isNameByte(_ byte: UInt8) -> Bool {
    VersionScanner.isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
      || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
  }

  public var description: String {
    let spec = spec.text.trimmingSpaces
    return spec.isEmpty ? name : "\(name) \(spec)"
  }
}
