extension TOMLReader {
  /// An integer, a float, or a date or time, read as one token.
  mutating func readNumberOrDateTime() throws(TOMLError) -> TOMLValue {
    let start = index
    skipToken()
    // A date, a space, then a time: `1979-05-27 07:32:00`.
    if index - start == 10, bytes[start + 4] == UInt8(ascii: "-"), current == 32,
      TOMLReader.isDigit(byte(at: 1)), TOMLReader.isDigit(byte(at: 2)),
      byte(at: 3) == UInt8(ascii: ":")
    {
      index += 1
      skipToken()
    }
    guard index > start else { throw unexpected("a value") }
    let token = UnsafeBufferPointer(rebasing: bytes[start..<index])
    if token.count >= 5, token[4] == UInt8(ascii: "-"), token[0..<4].allSatisfy(TOMLReader.isDigit)
    {
      return try TOMLDateTime.read(token, at: position(of: start))
    }
    if token.count >= 3, token[2] == UInt8(ascii: ":"), token[0..<2].allSatisfy(TOMLReader.isDigit)
    {
      return try TOMLDateTime.read(token, at: position(of: start))
    }
    return try readNumber(token, at: start)
  }

  private mutating func skipToken() {
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: "+"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"):
        index += 1
      default:
        return
      }
    }
  }

  static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  private func readNumber(_ token: UnsafeBufferPointer<UInt8>, at start: Int) throws(TOMLError)
    -> TOMLValue
  {
    let text = String(decoding: token, as: UTF8.self)
    func invalid(_ why: String) -> TOMLError { error("\(why) in '\(text)'", at: start) }
    var offset = 0
    var negative = false
    if token[0] == UInt8(ascii: "+") || token[0] == UInt8(ascii: "-") {
      negative = token[0] == UInt8(ascii: "-")
      offset = 1
    }
    let unsigned = token[offset...]
    if unsigned.elementsEqual("inf".utf8) { return .float(negative ? -.infinity : .infinity) }
    if unsigned.elementsEqual("nan".utf8) { return .float(negative ? -.nan : .nan) }
    if let first = unsigned.first, first >= UInt8(ascii: "A") && first != UInt8(ascii: "_") {
      throw error("expected a value, found '\(text)'", at: start)
    }
    if unsigned.count >= 2, unsigned.first == UInt8(ascii: "0"),
      let radix = TOMLReader.radix(unsigned[offset + 1])
    {
      if offset == 1 { throw invalid("a sign is not allowed before a 0x, 0o or 0b integer") }
      let digits = try digitRun(token, from: 2, radix: radix, invalid)
      guard digits.end == token.count else { throw invalid("unexpected character") }
      guard let value = digits.value, value <= UInt64(Int.max) else {
        throw invalid("integer out of range")
      }
      return .integer(Int(value))
    }
    let whole = try digitRun(token, from: offset, radix: 10, invalid)
    if token[offset] == UInt8(ascii: "0") && whole.end - offset > 1 {
      throw invalid("leading zeros are not allowed")
    }
    var end = whole.end
    var isFloat = false
    if end < token.count && token[end] == UInt8(ascii: ".") {
      isFloat = true
      end = try digitRun(token, from: end + 1, radix: 10, invalid).end
    }
    if end < token.count && (token[end] == UInt8(ascii: "e") || token[end] == UInt8(ascii: "E")) {
      isFloat = true
      end += 1
      if end < token.count && (token[end] == UInt8(ascii: "+") || token[end] == UInt8(ascii: "-")) {
        end += 1
      }
      end = try digitRun(token, from: end, radix: 10, invalid).end
    }
    guard end == token.count else {
      throw invalid(isFloat ? "unexpected character" : "unexpected character in a number")
    }
    if isFloat {
      let digits = String(decoding: token.lazy.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
      guard let value = Double(digits) else { throw invalid("invalid float") }
      return .float(value)
    }
    guard let magnitude = whole.value,
      magnitude <= (negative ? UInt64(Int.max) + 1 : UInt64(Int.max))
    else { throw invalid("integer out of range") }
    return .integer(negative ? Int(truncatingIfNeeded: 0 &- magnitude) : Int(magnitude))
  }

  private static func radix(_ byte: UInt8) -> UInt64? {
    switch byte {
    case UInt8(ascii: "x"): return 16
    case UInt8(ascii: "o"): return 8
    case UInt8(ascii: "b"): return 2
    default: return nil
    }
  }

  /// Digits with single underscores between them; the value is nil when past 64 bits.
  private func digitRun(
    _ token: UnsafeBufferPointer<UInt8>, from start: Int, radix: UInt64,
    _ invalid: (String) -> TOMLError
  ) throws(TOMLError) -> (end: Int, value: UInt64?) {
    var offset = start
    var value: UInt64? = 0
    var previousWasDigit = false
    while offset < token.count {
      let byte = token[offset]
      if byte == UInt8(ascii: "_") {
        guard previousWasDigit else { throw invalid("an underscore must be between digits") }
        previousWasDigit = false
        offset += 1
        continue
      }
      guard let digit = TOMLReader.hexDigit(byte), UInt64(digit) < radix else { break }
      if let current = value {
        let (product, overflow) = current.multipliedReportingOverflow(by: radix)
        let (sum, carry) = product.addingReportingOverflow(UInt64(digit))
        value = overflow || carry ? nil : sum
      }
      previousWasDigit = true
      offset += 1
    }
    if offset == start { throw invalid("expected digits") }
    if !previousWasDigit { throw invalid("an underscore must be between digits") }
    return (offset, value)
  }
}
