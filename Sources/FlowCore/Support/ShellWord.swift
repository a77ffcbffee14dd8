/// POSIX shell words: the one place data is quoted for a shell.
///
/// flow never builds a shell command out of data; where a script must carry data (a
/// Slurm batch script, `export` lines, a Makefile recipe), each value becomes one word
/// that means exactly that value.
public enum ShellWord {
  /// `text` in single quotes, each `'` written as `'\''`: one word that means `text`.
  public static func quote(_ text: String) -> String {
    var output: [UInt8] = [UInt8(ascii: "'")]
    appendQuotedContent(text, to: &output)
    output.append(UInt8(ascii: "'"))
    return String(decoding: output, as: UTF8.self)
  }

  /// `text` as it is when a shell reads it back unchanged (letters, digits and `_-./+=,:@%`),
  /// else `quote(text)`: commands shown to people stay as they would type them.
  public static func quotedIfNeeded(_ text: String) -> String {
    let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { plainCharacters.contains($0) }
    return plain ? text : quote(text)
  }

  private static let plainCharacters = Set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+=,:@%".unicodeScalars)

  /// The inside of single quotes for `text`: each `'` becomes `'\''`.
  public static func appendQuotedContent(_ text: String, to output: inout [UInt8]) {
    var text = text
    text.withUTF8 { appendQuotedContent($0, to: &output) }
  }

  /// The inside of single quotes for UTF-8 bytes.
  static func appendQuotedContent(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    var start = 0
    for index in bytes.indices where bytes[index] == UInt8(ascii: "'") {
      output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
      output.append(contentsOf: #"'\''"#.utf8)
      start = index + 1
    }
    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
  }

  /// Whether `name` is `[A-Za-z_][A-Za-z0-9_]*`, a name POSIX shells accept for a variable.
  public static func isName(_ name: String) -> Bool {
    isName(name.utf8)
  }

  static func isName(_ name: some Collection<UInt8>) -> Bool {
    guard let first = name.first, isLetter(first) || first == UInt8(ascii: "_") else {
      return false
    }
    return name.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }

  private static func isLetter(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
      || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
  }
}
