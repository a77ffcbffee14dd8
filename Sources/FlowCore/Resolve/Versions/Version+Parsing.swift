extension Version {
  /// Reads `1`, `3.6`, `6.28.04`, `20.0.506.1`, `1.2.3-rc.1+build.5`; a leading `v` is
  /// accepted. Throws `ResolveError.invalidVersion` pointing at the first bad character.
  public init(parsing text: String) throws {
    var scanner = VersionScanner(text: text)
    if scanner.peek == UInt8(ascii: "v") { scanner.index += 1 }
    let version = try scanner.version(allowWildcards: false).version
    if let byte = scanner.peek {
      throw scanner.failure(
        "unexpected '\(Character(Unicode.Scalar(byte)))'", kind: .version)
    }
    self = version
  }
}

/// A cursor over the bytes of a version or spec, shared by both spec syntaxes.
struct VersionScanner {
  enum Kind { case version, spec }

  let text: String
  let bytes: [UInt8]
  var index = 0
  /// Where this scan stops (a `,` or `||` that ends one term), so errors keep the whole text.
  var end: Int

  init(text: String) {
    self.init(text: text, bytes: Array(text.utf8), start: 0, end: nil)
    SpecReadingWork.add(bytes.count)
  }

  /// A scanner over part of `text`, given as `bytes`: each term of a long spec shares the one
  /// copy of its bytes.
  init(text: String, bytes: [UInt8], start: Int, end: Int?) {
    self.text = text
    self.bytes = bytes
    self.index = start
    self.end = end ?? bytes.count
  }

  var peek: UInt8? { index < end ? bytes[index] : nil }
  var atEnd: Bool { index >= end }

  func failure(_ reason: String, kind: Kind, at position: Int? = nil) -> ResolveError {
    let column = (position ?? index) + 1
    switch kind {
    case .version: return .invalidVersion(text: text, column: column, reason: reason)
    case .spec: return .invalidSpec(text: text, column: column, reason: reason)
    }
  }

  mutating func skipSpaces() {
    while let byte = peek, byte == 32 || byte == 9 { index += 1 }
  }

  /// Steps over `literal` if the text continues with it. Compared byte by byte in place: a
  /// spec tries every operator at every term, and copying each into an array was most of the
  /// cost of reading one.
  mutating func take(_ literal: String) -> Bool {
    var position = index
    for byte in literal.utf8 {
      guard position < end, bytes[position] == byte else { return false }
      position += 1
    }
    index = position
    return true
  }

  /// Steps over one `byte` if it comes next.
  mutating func take(byte: UInt8) -> Bool {
    guard index < end, bytes[index] == byte else { return false }
    index += 1
    return true
  }

  static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
  /// `*`, `x` or `X`.
  static func isWildcard(_ byte: UInt8) -> Bool { byte == 42 || byte == 120 || byte == 88 }
  static func isIdentifierByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45
  }

  /// A release part: a number, or a wildcard (`*`, and `x`, `X` unless `starOnly`) when
  /// allowed (nil).
  mutating func part(allowWildcards: Bool, starOnly: Bool = false, kind: Kind) throws -> UInt64? {
    let start = index
    if allowWildcards, let byte = peek, VersionScanner.isWildcard(byte) {
      if starOnly && byte != UInt8(ascii: "*") {
        throw failure("a wildcard in Lifeblood syntax is '*'", kind: kind)
      }
      index += 1
      return nil
    }
    var value: UInt64 = 0
    var overflow = false
    while let byte = peek, VersionScanner.isDigit(byte) {
      let (tens, tensOverflow) = value.multipliedReportingOverflow(by: 10)
      let (sum, sumOverflow) = tens.addingReportingOverflow(UInt64(byte - 48))
      overflow = overflow || tensOverflow || sumOverflow
      value = sum
      index += 1
    }
    guard index > start else { throw failure("expected a number", kind: kind) }
    // The largest part is one below UInt64's: specs take the next number up (`^N`, `N.x`).
    guard !overflow, value < .max else {
      throw failure("number too large", kind: kind, at: start)
    }
    return value
  }

  /// Dot-separated identifiers after `-` or `+`; `allowEmpty` accepts nothing at all.
  mutating func identifiers(kind: Kind, allowEmpty: Bool = false) throws -> [Version.Identifier] {
    var result: [Version.Identifier] = []
    if allowEmpty, peek.map({ !VersionScanner.isIdentifierByte($0) }) ?? true { return result }
    repeat {
      let start = index
      while let byte = peek, VersionScanner.isIdentifierByte(byte) { index += 1 }
      guard index > start else { throw failure("expected an identifier", kind: kind) }
      result.append(Version.Identifier(bytes: bytes[start..<index]))
    } while take(byte: UInt8(ascii: "."))
    return result
  }

  /// A possibly partial version: release parts (nil where a wildcard or missing),
  /// prerelease and build. `prereleaseMarked` says a `-` was written, even with nothing after.
  struct Partial {
    var parts: [UInt64?] = []
    var prerelease: [Version.Identifier] = []
    var build: [Version.Identifier] = []
    var prereleaseMarked = false
    var buildMarked = false
    /// Where `-` or `+` was written, if at all.
    var qualifierStart: Int?

    /// Leading parts before the first wildcard.
    var fixed: [UInt64] {
      var count = 0
      while count < parts.count, parts[count] != nil { count += 1 }
      // Mapped from a slice of known length: one allocation, none for growing.
      return parts[..<count].map { $0 ?? 0 }
    }
    var version: Version { Version(release: fixed, prerelease: prerelease, build: build) }
  }

  /// Reads a version; `lifeblood` follows python-semanticversion's spec grammar: `*` is the
  /// only wildcard, and `-` or `+` may be followed by nothing.
  mutating func version(allowWildcards: Bool, lifeblood: Bool = false) throws -> Partial {
    let kind: Kind = allowWildcards ? .spec : .version
    let start = index
    var partial = Partial()
    // Room for the usual three parts and a fourth, so that reading them allocates once.
    partial.parts.reserveCapacity(4)
    partial.parts.append(try part(allowWildcards: allowWildcards, starOnly: lifeblood, kind: kind))
    // Where the first wildcard ends: what a version with numbers after it should stop at.
    var wildcardEnd: Int? = partial.parts[0] == nil ? index : nil
    while peek == UInt8(ascii: "."), index + 1 < end,
      VersionScanner.isDigit(bytes[index + 1])
        || (allowWildcards && VersionScanner.isWildcard(bytes[index + 1]))
    {
      index += 1
      let partStart = index
      let value = try part(allowWildcards: allowWildcards, starOnly: lifeblood, kind: kind)
      // Both syntaxes read `1.x.5` and `x.1` as nothing sensible (node-semver refuses them).
      if value != nil, let wildcardEnd {
        let shorter = String(decoding: bytes[start..<wildcardEnd], as: UTF8.self)
        throw failure(
          "a number cannot follow a wildcard: write '\(shorter)'", kind: kind, at: partStart)
      }
      if value == nil && wildcardEnd == nil { wildcardEnd = index }
      partial.parts.append(value)
    }
    if peek == UInt8(ascii: ".") {
      throw failure("expected a number after '.'", kind: kind, at: index + 1)
    }
    if peek == UInt8(ascii: "-") || peek == UInt8(ascii: "+") { partial.qualifierStart = index }
    if take(byte: UInt8(ascii: "-")) {
      partial.prereleaseMarked = true
      partial.prerelease = try identifiers(kind: kind, allowEmpty: lifeblood)
    }
    if take(byte: UInt8(ascii: "+")) {
      partial.buildMarked = true
      partial.build = try identifiers(kind: kind, allowEmpty: lifeblood)
    }
    return partial
  }
}
