/// The line on which each key path of a TOML document first appears.
///
/// The TOML parser gives values but neither positions nor key order (its tables are sorted), so
/// this light scan of the text recovers both: tables list their keys in the order written,
/// and a bad entry is reported at its line.
struct TOMLKeyLines {
  private var lines: [String: Int] = [:]
  /// Byte offset and line of every table header, in order.
  private(set) var headers: [(offset: Int, line: Int)] = []

  init(text: String) {
    var scanner = Scanner(bytes: Array(text.utf8))
    var header: [String] = []
    while !scanner.atEnd {
      scanner.skipBlanks()
      guard let byte = scanner.peek else { break }
      if byte == UInt8(ascii: "#") || byte == 10 || byte == 13 {
        scanner.skipLine()
        continue
      }
      let line = scanner.line
      if byte == UInt8(ascii: "[") {
        headers.append((scanner.index, line))
        scanner.index += 1
        let isArrayOfTables = scanner.peek == UInt8(ascii: "[")
        if isArrayOfTables { scanner.index += 1 }
        header = scanner.keyPath()
        record(header, from: 1, line: line)
        scanner.skipLine()
        continue
      }
      let keys = scanner.keyPath()
      guard !keys.isEmpty, scanner.peek == UInt8(ascii: "=") else {
        scanner.skipLine()
        continue
      }
      scanner.index += 1
      record(header + keys, from: header.count + 1, line: line)
      scanner.skipValue()
    }
  }

  private mutating func record(_ path: [String], from start: Int, line: Int) {
    guard start <= path.count else { return }
    for length in max(start, 1)...path.count {
      let key = TOMLKeyLines.key(path[0..<length])
      if lines[key] == nil { lines[key] = line }
    }
  }

  private static func key(_ path: ArraySlice<String>) -> String { path.joined(separator: "\u{0}") }

  /// The first line where `path` or anything under it is written.
  func line(of path: [String]) -> Int? { lines[TOMLKeyLines.key(path[...])] }

  /// `keys` of the table at `path`, in the order first written.
  func ordered(_ keys: [String], under path: [String]) -> [String] {
    let prefix = path.isEmpty ? "" : path.joined(separator: "\u{0}") + "\u{0}"
    let written = keys.enumerated().map { offset, key in
      (line: lines[prefix + key] ?? Int.max, offset: offset, key: key)
    }
    return written.sorted { $0.line != $1.line ? $0.line < $1.line : $0.offset < $1.offset }
      .map(\.key)
  }

  private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    var line = 1

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func advance() {
      if bytes[index] == 10 { line += 1 }
      index += 1
    }

    mutating func skipBlanks() {
      while let byte = peek, byte == 32 || byte == 9 { index += 1 }
    }

    mutating func skipLine() {
      while let byte = peek {
        advance()
        if byte == 10 { return }
      }
    }

    /// A dotted key (`a."b.c".'d'`), stopping before `=` or `]`.
    mutating func keyPath() -> [String] {
      var keys: [String] = []
      while true {
        skipBlanks()
        guard let byte = peek else { return keys }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
          keys.append(quoted(byte))
        } else {
          let start = index
          while let next = peek, PackageRequirement.isNameByte(next), next != UInt8(ascii: ".") {
            index += 1
          }
          if index == start { return keys }
          keys.append(String(decoding: bytes[start..<index], as: UTF8.self))
        }
        skipBlanks()
        guard peek == UInt8(ascii: ".") else { return keys }
        index += 1
      }
    }

    mutating func quoted(_ quote: UInt8) -> String {
      index += 1
      var result: [UInt8] = []
      while let byte = peek, byte != quote, byte != 10 {
        if quote == UInt8(ascii: "\""), byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
          index += 1
          let escaped = bytes[index]
          switch escaped {
          case UInt8(ascii: "n"): result.append(10)
          case UInt8(ascii: "t"): result.append(9)
          default: result.append(escaped)
          }
          index += 1
          continue
        }
        result.append(byte)
        index += 1
      }
      if peek == quote { index += 1 }
      return String(decoding: result, as: UTF8.self)
    }

    /// Skips a value, across lines while brackets or a multi-line string stay open.
    mutating func skipValue() {
      var depth = 0
      while let byte = peek {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
          skipString(byte)
          continue
        case UInt8(ascii: "["), UInt8(ascii: "{"):
          depth += 1
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
          depth -= 1
        case UInt8(ascii: "#"):
          while let next = peek, next != 10 { index += 1 }
          continue
        case 10:
          advance()
          if depth <= 0 { return }
          continue
        default:
          break
        }
        advance()
      }
    }

    mutating func skipString(_ quote: UInt8) {
      let triple = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
      index += triple ? 3 : 1
      while let byte = peek {
        if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
          advance()
          if !atEnd { advance() }
          continue
        }
        if byte == quote {
          if !triple {
            index += 1
            return
          }
          if index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote {
            index += 3
            return
          }
        }
        if byte == 10 && !triple { return }
        advance()
      }
    }
  }
}
