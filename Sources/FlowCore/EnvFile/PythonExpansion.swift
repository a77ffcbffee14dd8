/// Expands a value the way python-dotenv does, and only that: `${NAME}` and
/// `${NAME:-default}`, where NAME is any text without `}` or `:` and the default any
/// text without `}` (never itself expanded). `$NAME`, `${NAME-d}` and the other forms
/// stay text. One pass: the next `}` and `:` are found with cursors that only move
/// forward, so a value full of unclosed `${` stays linear.
enum PythonExpansion {
  static func expand(_ template: String, lookup: (String) -> String?) -> String {
    guard template.utf8Contains(where: { $0 == .dollar }) else { return template }
    let bytes = Array(template.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
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
      var fallback: ArraySlice<UInt8>?
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
      let name = String(bytes[nameStart..<nameEnd])
      if let value = lookup(name) {
        output.append(contentsOf: value.utf8)
      } else if let fallback {
        output.append(contentsOf: fallback)
      }
      index = brace + 1
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// The first offset of a byte at or after a position, for positions that never
  /// go backwards.
  struct ForwardSearch {
    let target: UInt8
    var found = -1
    var scannedTo = 0

    mutating func find(in bytes: [UInt8], from start: Int) -> Int? {
      if found >= start { return found == Int.max ? nil : found }
      var offset = max(start, scannedTo)
      while offset < bytes.count && bytes[offset] != target { offset += 1 }
      scannedTo = offset
      found = offset < bytes.count ? offset : Int.max
      return found == Int.max ? nil : found
    }
  }
}
