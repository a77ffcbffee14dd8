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
    let start = output.count
    output.append(contentsOf: repeatElement(0, count: quotedContentCount(bytes)))
    output.withUnsafeMutableBufferPointer { output in
      _ = writeQuotedContent(bytes, at: output.baseAddress! + start)
    }
  }

  /// The length of the inside of single quotes for UTF-8 bytes: each `'` takes four.
  static func quotedContentCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var count = bytes.count
    var offset = 0
    while let quote = nextQuote(in: bytes, from: offset) {
      count += 3
      offset = quote + 1
    }
    return count
  }

  /// Writes the inside of single quotes for UTF-8 bytes at `target`, which has room for
  /// `quotedContentCount(bytes)` bytes; returns the end of what it wrote.
  static func writeQuotedContent(
    _ bytes: UnsafeBufferPointer<UInt8>, at target: UnsafeMutablePointer<UInt8>
  ) -> UnsafeMutablePointer<UInt8> {
    guard let base = bytes.baseAddress else { return target }
    var output = target
    var start = 0
    while true {
      let end = nextQuote(in: bytes, from: start) ?? bytes.count
      output.update(from: base + start, count: end - start)
      output += end - start
      guard end < bytes.count else { return output }
      // Close the quotes, a quoted quote, open them again.
      output[0] = UInt8(ascii: "'")
      output[1] = UInt8(ascii: "\\")
      output[2] = UInt8(ascii: "'")
      output[3] = UInt8(ascii: "'")
      output += 4
      start = end + 1
    }
  }

  /// The offset of the next `'` at or after `start` (at most the end).
  private static func nextQuote(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    bytes.firstIndex(of: UInt8(ascii: "'"), in: start..<bytes.count)
  }

  /// Whether `name` is `[A-Za-z_][A-Za-z0-9_]*`, a name POSIX shells accept for a variable.
  public static func isName(_ name: String) -> Bool {
    isName(name.utf8)
  }

  static func isName(_ name: some Collection<UInt8>) -> Bool {
    guard let first = name.first, isLetter(first) || first == UInt8(ascii: "_") else {
      return false
    }
    for byte in name where !(isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_")) {
      return false
    }
    return true
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10
  }

  /// An ASCII letter: setting the bit that tells case apart takes capitals to small ones.
  private static func isLetter(_ byte: UInt8) -> Bool {
    (byte | 0x20) &- UInt8(ascii: "a") < 26
  }
}
