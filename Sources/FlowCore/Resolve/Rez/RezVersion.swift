/// A version as rez writes it: tokens of letters, digits and `_`, separated by single
/// characters (`1.2.3`, `CentOS-7`, `x86_64`, `2.alpha1`), ordered by rez's rules.
///
/// Separators are cosmetic (`1.2` equals `1-2`). Tokens compare one by one, a version that
/// runs out first being the smaller (`1.2` < `1.2.0`). Each token splits into runs of digits
/// and runs of anything else; such runs compare in order, a text run before any number
/// (`beta` < `1`, so `2.beta` < `2.0`), text by byte value, numbers by value and, for equal
/// values padded differently, by their text (`01` < `1`). The empty version is the smallest
/// of all; `infinity`, above every version, ends an unbounded range.
public struct RezVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// One run of digits, or of other characters, within a token.
  struct Run: Sendable, Hashable, Comparable {
    let bytes: [UInt8]
    let isNumber: Bool
    /// For a number, where its digits start once leading zeros are left out.
    let significantStart: Int

    init(bytes: [UInt8], isNumber: Bool) {
      self.bytes = bytes
      self.isNumber = isNumber
      var start = 0
      if isNumber { while start < bytes.count && bytes[start] == UInt8(ascii: "0") { start += 1 } }
      significantStart = start
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    static func < (left: Run, right: Run) -> Bool { compare(left, right) < 0 }

    /// The order of two runs as -1, 0 or 1: text before numbers, numbers by value then by
    /// their text, text by byte value.
    static func compare(_ left: Run, _ right: Run) -> Int {
      if left.isNumber != right.isNumber { return left.isNumber ? 1 : -1 }
      if left.isNumber {
        let a = left.bytes.count - left.significantStart
        let b = right.bytes.count - right.significantStart
        if a != b { return a < b ? -1 : 1 }
        for offset in 0..<a {
          let x = left.bytes[left.significantStart + offset]
          let y = right.bytes[right.significantStart + offset]
          if x != y { return x < y ? -1 : 1 }
        }
      }
      for offset in 0..<min(left.bytes.count, right.bytes.count) {
        let x = left.bytes[offset]
        let y = right.bytes[offset]
        if x != y { return x < y ? -1 : 1 }
      }
      return RezVersion.compareCounts(left.bytes.count, right.bytes.count)
    }
  }

  /// The tokens, each as its runs; nil for `infinity`.
  let tokens: [[Run]]?
  /// The version as written.
  public let text: String

  public static let empty = RezVersion(tokens: [], text: "")
  public static let infinity = RezVersion(tokens: nil, text: "[INF]")

  init(tokens: [[Run]]?, text: String) {
    self.tokens = tokens
    self.text = text
  }

  /// Reads a version: tokens of `[A-Za-z0-9_]`, each pair separated by exactly one other
  /// character (only `.` or `-` when `rangeSeparators`, as inside a range). Empty text is the
  /// empty version. Throws `ResolveError.invalidVersion` at the first bad character.
  public init(parsing text: String, rangeSeparators: Bool = false) throws {
    let bytes = Array(text.utf8)
    var tokens: [[Run]] = []
    var index = 0
    while index < bytes.count {
      let start = index
      while index < bytes.count && RezVersion.isTokenByte(bytes[index]) { index += 1 }
      guard index > start else {
        throw ResolveError.invalidVersion(
          text: text, column: index + 1,
          reason: tokens.isEmpty ? "expected a letter, digit or '_'" : "two separators in a row")
      }
      tokens.append(RezVersion.runs(of: bytes[start..<index]))
      guard index < bytes.count else { break }
      let separator = bytes[index]
      if rangeSeparators && separator != UInt8(ascii: ".") && separator != UInt8(ascii: "-") {
        throw ResolveError.invalidVersion(
          text: text, column: index + 1, reason: "expected '.' or '-' between tokens")
      }
      index += 1
      guard index < bytes.count else {
        throw ResolveError.invalidVersion(
          text: text, column: index, reason: "a version cannot end with a separator")
      }
    }
    self.init(tokens: tokens, text: text)
  }

  static func isTokenByte(_ byte: UInt8) -> Bool {
    VersionScanner.isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
      || byte == UInt8(ascii: "_")
  }

  private static func runs(of token: ArraySlice<UInt8>) -> [Run] {
    var result: [Run] = []
    var start = token.startIndex
    while start < token.endIndex {
      let isNumber = VersionScanner.isDigit(token[start])
      var end = start
      while end < token.endIndex && VersionScanner.isDigit(token[end]) == isNumber { end += 1 }
      result.append(
        Run(bytes: Array(token[start..<end]), isNumber: isNumber))
      start = end
    }
    return result
  }

  public var isEmpty: Bool { tokens?.isEmpty ?? false }

  /// The smallest version above every version this one prefixes: `1.2` gives `1.2_`, so
  /// that the range `1.2` holds `1.2`, `1.2.5` and `1.2.5.1` but not `1.20`. After the empty
  /// version comes `infinity`.
  public var next: RezVersion {
    guard var tokens, let last = tokens.popLast() else { return .infinity }
    var runs = last
    if let final = runs.last, !final.isNumber {
      runs[runs.count - 1] = Run(bytes: final.bytes + [UInt8(ascii: "_")], isNumber: false)
    } else {
      runs.append(Run(bytes: [UInt8(ascii: "_")], isNumber: false))
    }
    tokens.append(runs)
    return RezVersion(tokens: tokens, text: text + "_")
  }

  public var description: String { text }

  public static func < (left: RezVersion, right: RezVersion) -> Bool {
    compare(left, right) < 0
  }

  /// The order of two versions as -1, 0 or 1 (0: equal, as `==` says), in one pass over
  /// their tokens where `<` and `==` together take two.
  static func compare(_ left: RezVersion, _ right: RezVersion) -> Int {
    guard let a = left.tokens else { return right.tokens == nil ? 0 : 1 }
    guard let b = right.tokens else { return -1 }
    for token in 0..<min(a.count, b.count) {
      let (x, y) = (a[token], b[token])
      for run in 0..<min(x.count, y.count) {
        let order = Run.compare(x[run], y[run])
        if order != 0 { return order }
      }
      if x.count != y.count { return compareCounts(x.count, y.count) }
    }
    return compareCounts(a.count, b.count)
  }

  /// A list that runs out first is the smaller.
  fileprivate static func compareCounts(_ a: Int, _ b: Int) -> Int {
    a == b ? 0 : (a < b ? -1 : 1)
  }

  /// Equal versions are equal whatever their separators.
  public static func == (left: RezVersion, right: RezVersion) -> Bool {
    left.tokens == right.tokens
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(tokens) }
}
