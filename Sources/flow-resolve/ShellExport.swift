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
