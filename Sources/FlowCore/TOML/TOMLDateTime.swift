/// Checks the four date and time forms of TOML and keeps each as written.
enum TOMLDateTime {
  /// `1979-05-27`, `07:32:00.5`, `1979-05-27T07:32:00` or `1979-05-27 07:32:00-07:00`.
  static func read(_ token: UnsafeBufferPointer<UInt8>, at position: SourcePosition)
    throws(TOMLError) -> TOMLValue
  {
    let text = String(decoding: token, as: UTF8.self)
    var scanner = Scanner(bytes: token)
    func invalid(_ why: String) -> TOMLError {
      TOMLError(position: position, message: "\(why): '\(text)'")
    }
    if token.count > 2 && token[2] == UInt8(ascii: ":") {
      guard scanner.time() != nil, scanner.atEnd else {
        throw invalid(scanner.problem ?? "invalid local time")
      }
      return .localTime(text)
    }
    guard scanner.date() != nil else { throw invalid(scanner.problem ?? "invalid date") }
    if scanner.atEnd { return .localDate(text) }
    guard scanner.separator() else {
      throw invalid("expected 'T' or a space between date and time")
    }
    guard scanner.time() != nil else { throw invalid(scanner.problem ?? "invalid time") }
    if scanner.atEnd { return .localDateTime(text) }
    guard scanner.offset(), scanner.atEnd else {
      throw invalid(scanner.problem ?? "invalid time zone offset")
    }
    return .offsetDateTime(text)
  }

  private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var problem: String?

    var atEnd: Bool { index == bytes.count }

    mutating func number(_ digits: Int, _ range: ClosedRange<Int>, _ name: String) -> Int? {
      var value = 0
      for _ in 0..<digits {
        guard index < bytes.count, TOMLReader.isDigit(bytes[index]) else {
          problem = "expected \(digits) digits for the \(name)"
          return nil
        }
        value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
        index += 1
      }
      guard range.contains(value) else {
        problem = "the \(name) \(value) is out of range"
        return nil
      }
      return value
    }

    mutating func literal(_ byte: Character) -> Bool {
      guard index < bytes.count, bytes[index] == byte.asciiValue! else { return false }
      index += 1
      return true
    }

    mutating func date() -> Int? {
      guard let year = number(4, 0...9999, "year"), literal("-"),
        let month = number(2, 1...12, "month"), literal("-")
      else { return problem == nil ? fail("expected a date as YYYY-MM-DD") : nil }
      let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
      let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
      return number(2, 1...days, "day")
    }

    mutating func separator() -> Bool {
      literal("T") || literal("t") || literal(" ")
    }

    mutating func time() -> Int? {
      guard number(2, 0...23, "hour") != nil, literal(":"), number(2, 0...59, "minute") != nil,
        literal(":")
      else { return problem == nil ? fail("expected a time as HH:MM:SS") : nil }
      guard let second = number(2, 0...59, "second") else { return nil }
      if literal(".") {
        let start = index
        while index < bytes.count, TOMLReader.isDigit(bytes[index]) { index += 1 }
        if index == start { return fail("expected digits after the decimal point") }
      }
      return second
    }

    mutating func offset() -> Bool {
      if literal("Z") || literal("z") { return true }
      guard literal("+") || literal("-") else { return false }
      return number(2, 0...23, "offset hour") != nil && literal(":")
        && number(2, 0...59, "offset minute") != nil
    }

    private mutating func fail(_ why: String) -> Int? {
      problem = why
      return nil
    }
  }
}
