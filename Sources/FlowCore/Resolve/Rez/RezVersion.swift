import Glibc

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
  /// The version as bytes whose order, compared as bytes, is rez's order, and which are equal
  /// exactly when the versions are: one allocation per version, and a comparison that is a
  /// comparison of bytes. Each token is its runs, then `tokenEnd`:
  /// - a run of text: `textRun`, its bytes, then 0 (below every byte of a text);
  /// - a run of digits: `numberRun`, the count of its digits without leading zeros (two
  ///   bytes, most significant first), those digits, then two bytes ordering equal values
  ///   padded differently as their texts order (`01` < `1`, `0` < `00`).
  /// `tokenEnd` stands below both runs, so that a token whose runs run out first is the
  /// smaller, and a version whose tokens run out first is the smaller as a prefix. The empty
  /// version is no bytes; `infinity` is `infinityKey`, above every run.
  let key: [UInt8]
  /// The version as written.
  public let text: String

  static let tokenEnd: UInt8 = 1
  static let textRun: UInt8 = 2
  static let numberRun: UInt8 = 3
  static let infinityKey: [UInt8] = [0xFF]

  public static let empty = RezVersion(key: [], text: "")
  public static let infinity = RezVersion(key: infinityKey, text: "[INF]")

  init(key: [UInt8], text: String) {
    self.key = key
    self.text = text
  }

  /// Reads a version: tokens of `[A-Za-z0-9_]`, each pair separated by exactly one other
  /// character (only `.` or `-` when `rangeSeparators`, as inside a range). Empty text is the
  /// empty version. Throws `ResolveError.invalidVersion` at the first bad character.
  public init(parsing text: String, rangeSeparators: Bool = false) throws {
    var text = text
    let key = try text.withUTF8 { bytes in
      try RezVersion.key(of: bytes, rangeSeparators: rangeSeparators) { column, reason in
        ResolveError.invalidVersion(
          text: String(decoding: bytes, as: UTF8.self), column: column, reason: reason)
      }
    }
    self.init(key: key, text: text)
  }

  /// The key (`key`) of the version written in `bytes`; `failure` makes the error for a bad
  /// character at a column, counted from 1. Written on the stack, in room enough for any
  /// text of that length (`longestKey(forTextOf:)`), then copied once into an array of its
  /// length: appending byte by byte checked the capacity for every byte and grew the array
  /// for most versions, and every version of every package a search meets is read.
  private static func key(
    of bytes: UnsafeBufferPointer<UInt8>, rangeSeparators: Bool,
    _ failure: (Int, String) -> ResolveError
  ) throws -> [UInt8] {
    try withUnsafeTemporaryAllocation(
      of: UInt8.self, capacity: longestKey(forTextOf: bytes.count)
    ) { room in
      var key = KeyWriter(room: room.baseAddress!)
      var index = 0
      var tokens = 0
      while index < bytes.count {
        let start = index
        while index < bytes.count && isTokenByte(bytes[index]) { index += 1 }
        guard index > start else {
          throw failure(
            index + 1, tokens == 0 ? "expected a letter, digit or '_'" : "two separators in a row")
        }
        key.appendRuns(of: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        tokens += 1
        guard index < bytes.count else { break }
        let separator = bytes[index]
        if rangeSeparators && separator != UInt8(ascii: ".") && separator != UInt8(ascii: "-") {
          throw failure(index + 1, "expected '.' or '-' between tokens")
        }
        index += 1
        guard index < bytes.count else {
          throw failure(index, "a version cannot end with a separator")
        }
      }
      return Array(UnsafeBufferPointer(start: room.baseAddress!, count: key.count))
    }
  }

  /// The most bytes the key of a text of `length` bytes can take. A token's key is its
  /// bytes, 2 more per run of text, 5 more per run of digits (kind, length, padding) and
  /// `tokenEnd`; runs alternate, so a token of n bytes takes at most 4.5n + 3.5 (one-byte
  /// runs, digits first and last), and the text's tokens together at most 4.5 × its length
  /// + 3.5.
  private static func longestKey(forTextOf length: Int) -> Int {
    length * 5 + 8
  }

  static func isTokenByte(_ byte: UInt8) -> Bool {
    VersionScanner.isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
      || byte == UInt8(ascii: "_")
  }

  /// Writes a key into room known to be large enough (`longestKey(forTextOf:)`).
  private struct KeyWriter {
    let room: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    init(room: UnsafeMutablePointer<UInt8>) {
      self.room = room
    }

    mutating func append(_ byte: UInt8) {
      room[count] = byte
      count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>.SubSequence) {
      let source = UnsafeBufferPointer(rebasing: bytes)
      guard let start = source.baseAddress, !source.isEmpty else { return }
      (room + count).initialize(from: start, count: source.count)
      count += source.count
    }

    /// One token's runs, then `tokenEnd`.
    mutating func appendRuns(of token: UnsafeBufferPointer<UInt8>) {
      var start = 0
      while start < token.count {
        let isNumber = VersionScanner.isDigit(token[start])
        var end = start
        while end < token.count && VersionScanner.isDigit(token[end]) == isNumber { end += 1 }
        if isNumber {
          var significant = start
          while significant < end && token[significant] == UInt8(ascii: "0") { significant += 1 }
          let digits = end - significant
          let zeros = significant - start
          // More leading zeros order a value's text lower, unless it is all zeros (`0` < `00`).
          let padding = digits > 0 ? 0xFFFF - min(zeros, 0xFFFF) : min(zeros, 0xFFFF)
          append(RezVersion.numberRun)
          append(UInt8(truncatingIfNeeded: min(digits, 0xFFFF) >> 8))
          append(UInt8(truncatingIfNeeded: min(digits, 0xFFFF)))
          append(token[significant..<end])
          append(UInt8(truncatingIfNeeded: padding >> 8))
          append(UInt8(truncatingIfNeeded: padding))
        } else {
          append(RezVersion.textRun)
          append(token[start..<end])
          append(0)
        }
        start = end
      }
      append(RezVersion.tokenEnd)
    }
  }

  public var isEmpty: Bool { key.isEmpty }

  /// The tokens of a version written `text`, as rez's `Version` splits it at each
  /// separator, any byte no token holds (`1.2-rc1`: `1`, `2`, `rc1`; `3.1.2+local`: `3`, `1`,
  /// `2`, `local`): its `major`, `minor` and `patch` are the first three.
  static func tokens(of text: String) -> [String] {
    tokens(of: text, upTo: .max)
  }

  /// The first `limit` of `tokens(of:)`.
  static func tokens(of text: String, upTo limit: Int) -> [String] {
    var tokens: [String] = []
    var start: String.UTF8View.Index?
    let utf8 = text.utf8
    var index = utf8.startIndex
    while index < utf8.endIndex && tokens.count < limit {
      if isTokenByte(utf8[index]) {
        if start == nil { start = index }
      } else if let first = start {
        tokens.append(String(decoding: utf8[first..<index], as: UTF8.self))
        start = nil
      }
      index = utf8.index(after: index)
    }
    if let first = start, tokens.count < limit {
      tokens.append(String(decoding: utf8[first..<index], as: UTF8.self))
    }
    return tokens
  }

  /// Whether this is `infinity`, the end of an unbounded range.
  public var isInfinity: Bool { key == RezVersion.infinityKey }

  /// The smallest version above every version this one prefixes: `1.2` gives `1.2_`, so
  /// that the range `1.2` holds `1.2`, `1.2.5` and `1.2.5.1` but not `1.20`. After the empty
  /// version comes `infinity`.
  public var next: RezVersion {
    if key.isEmpty || isInfinity { return .infinity }
    // `_` joins the last run when it is text, else starts a text run of its own.
    var key = key
    key.removeLast()
    if let last = text.utf8.last, !VersionScanner.isDigit(last) {
      key.removeLast()
      key += [UInt8(ascii: "_"), 0, RezVersion.tokenEnd]
    } else {
      key += [RezVersion.textRun, UInt8(ascii: "_"), 0, RezVersion.tokenEnd]
    }
    return RezVersion(key: key, text: text + "_")
  }

  public var description: String { text }

  public static func < (left: RezVersion, right: RezVersion) -> Bool {
    compare(left, right) < 0
  }

  /// The order of two versions as -1, 0 or 1 (0: equal, as `==` says): their keys' bytes.
  static func compare(_ left: RezVersion, _ right: RezVersion) -> Int {
    left.key.withUnsafeBufferPointer { a in
      right.key.withUnsafeBufferPointer { b in
        let common = min(a.count, b.count)
        if common > 0 {
          let order = memcmp(a.baseAddress!, b.baseAddress!, common)
          if order != 0 { return order < 0 ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
      }
    }
  }

  /// Equal versions are equal whatever their separators.
  public static func == (left: RezVersion, right: RezVersion) -> Bool {
    left.key == right.key
  }

  /// The key's bytes as one block (an array hashes its elements one by one), after its
  /// count, so that versions hashed one after another stay apart.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(key.count)
    key.withUnsafeBytes { hasher.combine(bytes: $0) }
  }
}
