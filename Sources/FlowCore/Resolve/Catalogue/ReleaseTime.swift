/// When a package version was released, as seconds since 1970-01-01 UTC: what `--time`
/// compares. Read from an RFC 3339 date or date-time, as TOML writes them (`2024-05-01`,
/// `2024-05-01T12:30:00Z`, `2024-05-01 12:30:00+02:00`, fractions of seconds ignored); a
/// date alone is its midnight and a time without an offset is taken as UTC, so that the
/// same catalogue gives the same answer on every machine.
public struct ReleaseTime: Sendable, Hashable, Comparable {
  public let seconds: Int

  public init(seconds: Int) { self.seconds = seconds }

  /// Nil when `text` is not such a date or date-time.
  public init?(parsing text: String) {
    let bytes = Array(text.utf8)
    var position = 0
    func number(_ digits: Int) -> Int? {
      guard position + digits <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[position..<position + digits] {
        guard VersionScanner.isDigit(byte) else { return nil }
        value = value * 10 + Int(byte - 48)
      }
      position += digits
      return value
    }
    func expect(_ character: Character) -> Bool {
      guard position < bytes.count, bytes[position] == character.asciiValue else { return false }
      position += 1
      return true
    }
    guard let year = number(4), expect("-"), let month = number(2), expect("-"),
      let day = number(2), (1...12).contains(month), (1...31).contains(day)
    else { return nil }
    var clock = 0
    if position < bytes.count {
      guard expect("T") || expect("t") || expect(" "), let hour = number(2), expect(":"),
        let minute = number(2), hour < 24, minute < 60
      else { return nil }
      var second = 0
      if expect(":") {
        guard let value = number(2), value < 61 else { return nil }
        second = value
        if expect(".") {
          let start = position
          while position < bytes.count, VersionScanner.isDigit(bytes[position]) { position += 1 }
          guard position > start else { return nil }
        }
      }
      clock = hour * 3600 + minute * 60 + second
      if expect("Z") || expect("z") {
      } else if position < bytes.count {
        let sign = bytes[position] == UInt8(ascii: "-") ? 1 : -1
        guard expect("+") || expect("-"), let hours = number(2), expect(":"),
          let minutes = number(2), hours < 24, minutes < 60
        else { return nil }
        clock += sign * (hours * 3600 + minutes * 60)
      }
    }
    guard position == bytes.count else { return nil }
    seconds = ReleaseTime.days(year: year, month: month, day: day) * 86_400 + clock
  }

  /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
  static func days(year: Int, month: Int, day: Int) -> Int {
    let shifted = month <= 2 ? year - 1 : year
    let era = (shifted >= 0 ? shifted : shifted - 399) / 400
    let yearOfEra = shifted - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  public static func < (left: ReleaseTime, right: ReleaseTime) -> Bool {
    left.seconds < right.seconds
  }
}
