/// A package name with a version spec, as in `houdini.py3_10 ~=20.0.506` or `python>=3.10`;
/// written `~name spec` it is a weak reference, `!name spec` a conflict.
public struct PackageRequirement: Sendable, Hashable, CustomStringConvertible {
  /// What a requirement asks of its package.
  public enum Kind: Sendable, Hashable {
    /// The package must be selected, in a version the spec allows.
    case required
    /// `~name spec`: if the package is selected, its version is one the spec allows; it is
    /// never selected because of this.
    case weak
    /// `!name spec`: no version the spec allows may be selected (`!name`: the package may
    /// not be selected at all).
    case conflict

    /// The mark written before the name: `~`, `!` or nothing.
    public var mark: String {
      switch self {
      case .required: return ""
      case .weak: return "~"
      case .conflict: return "!"
      }
    }
  }

  public let name: String
  public let spec: VersionSpec
  public let kind: Kind
  /// `name spec` with the spec trimmed, or the name alone; after the kind's mark.
  public let description: String

  public init(name: String, spec: VersionSpec, kind: Kind = .required) {
    self.name = name
    self.spec = spec
    self.kind = kind
    description = kind.mark + PackageRequirement.describe(name, spec)
  }

  /// Whether a selected `version` of the package keeps this requirement: a required or weak
  /// one when its spec allows the version, a conflict when it does not.
  public func isKept(by version: Version, includingPrereleases: Bool) -> Bool {
    spec.matches(version, includingPrereleases: includingPrereleases) != (kind == .conflict)
  }

  /// Reads `[~|!]NAME [SPEC]`: after an optional mark (`~` weak, `!` conflict), the name
  /// runs while characters are letters, digits, `.`, `_` or `-`; the rest, trimmed, is the
  /// spec (empty = any version), read in `syntax`.
  public init(parsing text: String, syntax: VersionSpec.SyntaxChoice = .auto) throws {
    var specs: [String: VersionSpec] = [:]
    try self.init(parsing: text, syntax: syntax, specs: &specs)
  }

  /// Reads a requirement, taking already parsed specs from `specs` and adding new ones.
  init(
    parsing text: String, syntax: VersionSpec.SyntaxChoice = .auto,
    specs: inout [String: VersionSpec]
  ) throws {
    let bytes = Array(text.utf8)
    var start = 0
    while start < bytes.count && (bytes[start] == 32 || bytes[start] == 9) { start += 1 }
    let kind = start < bytes.count ? PackageRequirement.kind(marked: bytes[start]) : .required
    if kind != .required { start += 1 }
    self.kind = kind
    var end = start
    while end < bytes.count && PackageRequirement.isNameByte(bytes[end]) { end += 1 }
    guard end > start else {
      throw ResolveError.invalidRequirement(
        text: text, column: start + 1, reason: "expected a package name")
    }
    name = String(decoding: bytes[start..<end], as: UTF8.self)
    let rest = String(decoding: bytes[end...], as: UTF8.self)
    if let cached = specs[rest] {
      spec = cached
      description = kind.mark + PackageRequirement.describe(name, cached)
      return
    }
    do {
      spec = try VersionSpec(parsing: rest, syntax: syntax)
      description = kind.mark + PackageRequirement.describe(name, spec)
      specs[rest] = spec
    } catch let ResolveError.invalidSpec(_, column, reason) {
      throw ResolveError.invalidRequirement(text: text, column: end + column, reason: reason)
    }
  }

  /// The kind a mark byte before the name stands for: `~` weak, `!` conflict, else required.
  static func kind(marked byte: UInt8) -> Kind {
    switch byte {
    case UInt8(ascii: "~"): return .weak
    case UInt8(ascii: "!"): return .conflict
    default: return .required
    }
  }

  static func isNameByte(_ byte: UInt8) -> Bool {
    VersionScanner.isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
      || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
  }

  private static func describe(_ name: String, _ spec: VersionSpec) -> String {
    let bytes = spec.text.utf8
    var start = bytes.startIndex
    var end = bytes.endIndex
    while start < end, bytes[start] == 32 || bytes[start] == 9 { start = bytes.index(after: start) }
    while end > start, bytes[bytes.index(before: end)] == 32 || bytes[bytes.index(before: end)] == 9
    {
      end = bytes.index(before: end)
    }
    if start == end { return name }
    return name + " " + String(decoding: bytes[start..<end], as: UTF8.self)
  }
}
