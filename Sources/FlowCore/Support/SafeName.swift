/// A stage name as a name for the things a run makes per stage: log files, batch
/// scripts, container names, Slurm job names, Makefile stamps.
///
/// A name made only of ASCII letters, digits, `_`, `.` and `-`, starting with a letter, a
/// digit or `_`, and at most `maximumLength` bytes long is used as it is. Any other name
/// becomes a readable prefix (each other character as `_`) and a dash and 16 hex digits
/// of the FNV-1a hash of the name's exact bytes: `.hidden` is `_hidden-…` while
/// `_.hidden` stays itself, and a 300-character name fits a file name. The same name
/// maps to the same safe name run after run; two names that would still meet (which
/// takes a hash collision made on purpose) are refused by the run (`clashes`).
public enum SafeName {
  /// Bytes; far below NAME_MAX (255) with room for `.sbatch` or a `flow-PID-` prefix.
  public static let maximumLength = 64
  /// How much of the readable form a hashed name keeps.
  static let prefixLength = 40

  public static func of(_ name: String) -> String {
    // Most names are kept as they are: told from their bytes, with no string made.
    if let first = name.utf8.first, first != UInt8(ascii: "."), first != UInt8(ascii: "-"),
      name.utf8.count <= maximumLength, name.utf8.allSatisfy(isKept)
    {
      return name
    }
    var readable = String(name.unicodeScalars.map { isKept($0) ? Character($0) : "_" })
    if let first = readable.first, first == "." || first == "-" {
      readable = "_" + readable.dropFirst()
    }
    if readable.isEmpty { readable = "_" }
    if readable == name, !name.isEmpty, name.utf8.count <= maximumLength { return name }
    var hasher = FNV1a()
    hasher.add(name)
    let digits = String(hasher.value, radix: 16)
    let hex = String(repeating: "0", count: 16 - digits.count) + digits
    return String(readable.prefix(prefixLength)) + "-" + hex
  }

  /// The first pair of different names among `names` that share a safe name.
  public static func clashes(_ names: [String]) -> (String, String)? {
    var seen: [String: String] = [:]
    for name in names {
      let safe = of(name)
      if let earlier = seen[safe], earlier != name { return (earlier, name) }
      seen[safe] = name
    }
    return nil
  }

  private static func isKept(_ byte: UInt8) -> Bool {
    byte < 0x80 && isKept(Unicode.Scalar(byte))
  }

  private static func isKept(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-": return true
    default: return false
    }
  }
}
