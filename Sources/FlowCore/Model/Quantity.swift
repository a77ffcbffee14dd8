/// Reads the quantities a workflow states: memory sizes and durations.
public enum Quantity {
  private static let memoryFactors: [String: Double] = [
    "": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15,
    "Ki": 1024, "Mi": 1_048_576, "Gi": 1_073_741_824, "Ti": 1_099_511_627_776,
    "Pi": 1_125_899_906_842_624,
  ]
  private static let durationUnits: [String: Double] = [
    "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400,
  ]

  /// Bytes from a memory size: a plain number is bytes; `Ki Mi Gi Ti Pi` are binary
  /// (powers of 1024), `k K M G T P` decimal (powers of 1000); a trailing `B` is allowed
  /// (`8GiB`, `2GB`). Fractions round to the nearest byte (`1.5Gi`).
  public static func bytes(_ text: String) -> Int64? {
    let trimmed = Substring(text.trimmingSpaces)
    // Bytes rather than Characters: a unit is ASCII letters, and a number with anything
    // else in it is refused by `decimal` either way.
    let utf8 = trimmed.utf8
    var unitStart = utf8.endIndex
    while unitStart > utf8.startIndex, isASCIILetter(utf8[utf8.index(before: unitStart)]) {
      unitStart = utf8.index(before: unitStart)
    }
    var unit = String(trimmed[unitStart...])
    let number = trimmed[..<unitStart].trimmingTrailingSpaces
    if unit.count > 1, unit.hasSuffix("B") { unit.removeLast() } else if unit == "B" { unit = "" }
    guard let factor = memoryFactors[unit], let value = decimal(number), value >= 0 else {
      return nil
    }
    let bytes = (value * factor).rounded()
    guard bytes < 9.2e18 else { return nil }
    return Int64(bytes)
  }

  /// Seconds from a duration: a plain number is seconds; otherwise one or more parts
  /// with units `ms`, `s`, `m`, `h`, `d` (`90s`, `15m`, `2h`, `1h30m`, `1.5h`).
  public static func seconds(_ text: String) -> Double? {
    let trimmed = text.trimmingSpaces
    if let plain = decimal(Substring(trimmed)) { return plain >= 0 ? plain : nil }
    var total = 0.0
    var rest = Substring(trimmed)
    guard !rest.isEmpty else { return nil }
    while !rest.isEmpty {
      // Bytes rather than Characters: digits and units are ASCII; any other character
      // ends a part that `decimal` or the unit table then refuses.
      let numberEnd =
        rest.utf8.firstIndex { !isASCIIDigit($0) && $0 != UInt8(ascii: ".") } ?? rest.endIndex
      let number = rest[..<numberEnd]
      rest = rest[numberEnd...]
      let unitEnd = rest.utf8.firstIndex { !isASCIILetter($0) } ?? rest.endIndex
      let unit = rest[..<unitEnd]
      rest = rest[unitEnd...]
      guard let value = decimal(number), let factor = durationUnits[String(unit)] else {
        return nil
      }
      total += value * factor
    }
    return total
  }

  private static func isASCIILetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
  }

  private static func isASCIIDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  /// A plain decimal number, without exponent, sign or spaces inside.
  private static func decimal(_ text: Substring) -> Double? {
    // Bytes rather than Characters: only ASCII digits and one `.` are allowed.
    var dots = 0
    for byte in text.utf8 {
      if byte == UInt8(ascii: ".") {
        dots += 1
      } else if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") {
        return nil
      }
    }
    guard !text.isEmpty, dots <= 1, text != "." else { return nil }
    // A whole number of up to 15 digits is exactly a Double: no need to make a String
    // for `strtod`, which gives the same value.
    if dots == 0, text.utf8.count <= 15 {
      var whole = 0
      for byte in text.utf8 { whole = whole * 10 + Int(byte - UInt8(ascii: "0")) }
      return Double(whole)
    }
    return Double(String(text))
  }
}
