import FlowCore

#if canImport(Glibc)
  import Glibc
#endif

/// Text forms of an environment: `export` lines quoted for any POSIX shell, and `NAME=VALUE`.
enum ShellExport {
  /// `export NAME='value'` for each variable in `variables` (first mention order, once).
  static func lines(_ environment: [String: String], variables: [String]) -> String {
    var seen: Set<String> = []
    var text = ""
    for name in variables where seen.insert(name).inserted {
      guard let value = environment[name] else { continue }
      text += "export \(name)=\(quoted(value))\n"
    }
    return text
  }

  /// Every variable as `NAME=VALUE`, sorted by name.
  static func environmentLines(_ environment: [String: String]) -> String {
    environment.keys.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }
      .map { "\($0)=\(environment[$0]!)\n" }.joined()
  }

  /// Single quotes, with each `'` written as `'\''`.
  static func quoted(_ value: String) -> String {
    "'" + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#)
      + "'"
  }
}

/// The process environment as a dictionary, and the `NAME=VALUE` file format.
enum ProcessEnvironment {
  static var current: [String: String] {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
      let text = String(cString: entry)
      if let equals = text.firstIndex(of: "=") {
        result[String(text[..<equals])] = String(text[text.index(after: equals)...])
      }
      pointer += 1
    }
    return result
  }

  /// `NAME=VALUE` entries separated by NUL (`env -0`) or, without NUL, by newlines.
  static func parse(_ bytes: [UInt8]) -> [String: String] {
    let separator: UInt8 = bytes.contains(0) ? 0 : 10
    var result: [String: String] = [:]
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
