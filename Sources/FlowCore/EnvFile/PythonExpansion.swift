/// Expands a value the way python-dotenv does, and only that: `${NAME}` and
/// `${NAME:-default}`, where NAME is any text without `}` or `:` and the default any
/// text without `}` (never itself expanded). `$NAME`, `${NAME-d}` and the other forms
/// stay text. One pass: the next `}` and `:` are found with cursors that only move
/// forward, so a value full of unclosed `${` stays linear.
enum PythonExpansion {
  /// Appends the expansion of `bytes` to `output`; `lookup` gives a name's value, `.none`
  /// when it is unset, in bytes that stay valid until this returns.
  static func expand(
    _ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8],
    lookup: (EnvBytes) -> EnvBytes
  ) {
    var nextBrace = ForwardSearch(target: .closeBrace)
    var nextColon = ForwardSearch(target: .colon)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      guard byte == .dollar, index + 1 < bytes.count, bytes[index + 1] == .openBrace else {
        output.append(byte)
        index += 1
        continue
      }
      let nameStart = index + 2
      guard let brace = nextBrace.find(in: bytes, from: nameStart) else {
        output.append(byte)
        index += 1
        continue
      }
      let colon = nextColon.find(in: bytes, from: nameStart)
      let nameEnd: Int
      var fallback: Slice<UnsafeBufferPointer<UInt8>>?
      if let colon, colon < brace {
        guard bytes[colon + 1] == UInt8(ascii: "-") else {
          output.append(byte)
          index += 1
          continue
        }
        nameEnd = colon
        fallback = bytes[(colon + 2)..<brace]
      } else {
        nameEnd = brace
      }
      let value = lookup(EnvBytes(UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])))
      if !value.isNone {
        output.append(contentsOf: value.buffer)
      } else if let fallback {
        output.append(contentsOf: UnsafeBufferPointer(rebasing: fallback))
      }
      index = brace + 1
    }
  }

  /// The first offset of a byte at or after a position, for positions that never
  /// go backwards.
  struct ForwardSearch {
    let target: UInt8
    var found = -1
    var scannedTo = 0

    mutating func find(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
      if found >= start { return found == Int.max ? nil : found }
      var offset = max(start, scannedTo)
      while offset < bytes.count && bytes[offset] != target { offset += 1 }
      scannedTo = offset
      found = offset < bytes.count ? offset : Int.max
      return found == Int.max ? nil : found
    }
  }
}
