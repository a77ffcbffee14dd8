@testable import FlowCore

/// A TOML value written the way `Tests/differential/toml/tomllib_oracle.py` writes what
/// Python's tomllib read, so the two can be compared as text: tables as ordered
/// `[key, value]` pairs, every value tagged with its type, floats as the hex of their bits,
/// dates and times as Python's `isoformat()`, JSON as `json.dumps(ensure_ascii=True)`.
enum TOMLCanonicalForm {
  static func text(_ value: TOMLValue) -> String {
    switch value {
    case .boolean(let flag): return tagged("bool", flag ? "true" : "false")
    case .integer(let number): return tagged("integer", quoted(String(number)))
    case .float(let number):
      if number.isNaN { return tagged("float", quoted("nan")) }
      let hex = String(number.bitPattern, radix: 16)
      return tagged("float", quoted(String(repeating: "0", count: 16 - hex.count) + hex))
    case .string(let string): return tagged("string", quoted(string))
    case .offsetDateTime(let written):
      return tagged("offset-date-time", quoted(isoDateTime(written, offset: true)))
    case .localDateTime(let written):
      return tagged("local-date-time", quoted(isoDateTime(written, offset: false)))
    case .localDate(let written): return tagged("local-date", quoted(written))
    case .localTime(let written): return tagged("local-time", quoted(isoTime(written)))
    case .array(let items):
      return tagged("array", "[" + items.map(text).joined(separator: ",") + "]")
    case .table(let table):
      let pairs = table.entries.map { "[" + quoted($0.key) + "," + text($0.value) + "]" }
      return tagged("table", "[" + pairs.joined(separator: ",") + "]")
    }
  }

  private static func tagged(_ type: String, _ value: String) -> String {
    "[\"\(type)\",\(value)]"
  }

  /// `1979-05-27 07:32:00.5z` as `1979-05-27T07:32:00.500000+00:00`.
  private static func isoDateTime(_ written: String, offset: Bool) -> String {
    let characters = Array(written)
    let date = String(characters[0..<10])
    var time = String(characters[11...])
    var zone = ""
    if offset {
      if time.hasSuffix("Z") || time.hasSuffix("z") {
        time.removeLast()
        zone = "+00:00"
      } else {
        zone = String(time.suffix(6))
        time.removeLast(6)
        if zone == "-00:00" { zone = "+00:00" }
      }
    }
    return date + "T" + isoTime(time) + zone
  }

  /// Python keeps microseconds: six digits, and none when they are zero.
  private static func isoTime(_ written: String) -> String {
    let parts = written.split(separator: ".", maxSplits: 1)
    guard parts.count == 2 else { return written }
    let digits = String(parts[1].prefix(6)).padding(toLength: 6)
    return digits == "000000" ? String(parts[0]) : parts[0] + "." + digits
  }

  /// A JSON string as Python writes it with `ensure_ascii=True`.
  static func quoted(_ string: String) -> String {
    var result = "\""
    for unit in string.utf16 {
      switch unit {
      case 0x22: result += "\\\""
      case 0x5C: result += "\\\\"
      case 0x0A: result += "\\n"
      case 0x0D: result += "\\r"
      case 0x09: result += "\\t"
      case 0x08: result += "\\b"
      case 0x0C: result += "\\f"
      case 0x20...0x7E: result.unicodeScalars.append(Unicode.Scalar(unit)!)
      default:
        let hex = String(unit, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      }
    }
    return result + "\""
  }
}

extension String {
  fileprivate func padding(toLength length: Int) -> String {
    self + String(repeating: "0", count: Swift.max(0, length - count))
  }
}
