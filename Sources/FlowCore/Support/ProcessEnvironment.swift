import Glibc

/// The process environment as a dictionary, and the `NAME=VALUE` file format.
public enum ProcessEnvironment {
  public static var current: EnvironmentMap {
    var result: EnvironmentMap = [:]
    var pointer = environ
    while let entry = pointer.pointee {
      // Split at the first `=` byte: a name holds none, whatever follows it.
      let bytes = UnsafeRawBufferPointer(start: entry, count: strlen(entry))
      if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
        result[String(decoding: bytes[..<equals], as: UTF8.self)] = String(
          decoding: bytes[(equals + 1)...], as: UTF8.self)
      }
      pointer += 1
    }
    return result
  }

  /// `NAME=VALUE` entries separated by NUL (`env -0`) or, without NUL, by newlines.
  public static func parse(_ bytes: [UInt8]) -> EnvironmentMap {
    let separator: UInt8 = bytes.contains(0) ? 0 : 10
    var result: EnvironmentMap = [:]
    for entry in bytes.split(separator: separator) {
      guard let equals = entry.firstIndex(of: UInt8(ascii: "=")), equals > entry.startIndex else {
        continue
      }
      result[String(decoding: entry[..<equals], as: UTF8.self)] = String(
        decoding: entry[(equals + 1)...], as: UTF8.self)
    }
    return result
  }
}
