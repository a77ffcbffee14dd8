import FlowTestSupport

@testable import FlowCore

/// Random valid TOML documents that use every form of the language: key styles, dotted
/// keys, headers in any order, arrays of tables, every string, number and date form,
/// nested arrays and inline tables, comments, blank lines and CRLF line ends.
struct TOMLDocumentGenerator {
  var random: SeededGenerator
  private var newline = "\n"

  init(seed: UInt64) { random = SeededGenerator(seed: seed) }

  final class Table {
    var entries: [(key: String, item: Item)] = []
    var hasArrayOfTables: Bool {
      entries.contains {
        switch $0.item {
        case .tableArray: return true
        case .table(let table): return table.hasArrayOfTables
        case .value: return false
        }
      }
    }
  }

  enum Item {
    case value(String)
    case table(Table)
    case tableArray([Table])
  }

  mutating func document() -> String {
    newline = random.chance(0.2) ? "\r\n" : "\n"
    var lines: [String] = []
    if random.chance(0.3) { lines.append("# a generated document") }
    emit(table(depth: 0), path: [], into: &lines)
    return lines.joined(separator: newline) + (random.chance(0.8) ? newline : "")
  }

  // MARK: - The model

  private mutating func table(depth: Int) -> Table {
    let table = Table()
    var names: Set<String> = []
    for _ in 0..<Int.random(in: 0...5, using: &random) {
      let name = keyName()
      guard names.insert(name).inserted else { continue }
      let roll = Int.random(in: 0..<100, using: &random)
      if depth < 3 && roll < 15 {
        table.entries.append((name, .table(self.table(depth: depth + 1))))
      } else if depth < 3 && roll < 25 {
        let count = Int.random(in: 1...3, using: &random)
        let elements = (0..<count).map { _ in self.table(depth: depth + 1) }
        table.entries.append((name, .tableArray(elements)))
      } else {
        table.entries.append((name, .value(value(depth: 0))))
      }
    }
    return table
  }

  private mutating func keyName() -> String {
    random.pick([
      "a", "b", "c", "name", "bare-key", "under_score", "123", "true", "x1", "é", "with space",
      "a.b", "", "quote\"d", "tab\tkey", "'single'", "𝄞", "0x10", "inf", "back\\slash",
    ])
  }

  /// How a key is written: bare where it can be, else quoted one way or the other.
  private mutating func keyText(_ name: String) -> String {
    let bare = !name.isEmpty && name.utf8.allSatisfy { TOMLReader.isBareKeyByte($0) }
    if bare && random.chance(0.8) { return name }
    if !name.contains("'") && !name.contains("\t") && random.chance(0.4) { return "'\(name)'" }
    return basicString(name)
  }

  // MARK: - Sections

  /// `dotted`: whether sub-tables may be written as dotted keys, which needs a section of
  /// their own to land in.
  private mutating func emit(
    _ table: Table, path: [String], into lines: inout [String], dotted: Bool = true
  ) {
    var sections: [(key: String, item: Item)] = []
    for (key, item) in table.entries {
      switch item {
      case .value(let text):
        lines.append(keyValueLine([keyText(key)], text))
      case .table(let sub)
      where dotted && !sub.entries.isEmpty && !sub.hasArrayOfTables && random.chance(0.3):
        emitDotted(sub, prefix: [keyText(key)], into: &lines)
      default:
        sections.append((key, item))
      }
      if random.chance(0.1) { lines.append(random.pick(["", "# comment é", "   ", "\t# x"])) }
    }
    for (key, item) in sections {
      let sectionPath = path + [keyText(key)]
      switch item {
      case .table(let sub):
        emitSection(sub, path: sectionPath, into: &lines)
      case .tableArray(let elements):
        for element in elements {
          lines.append(header(sectionPath, array: true))
          emit(element, path: sectionPath, into: &lines)
        }
      case .value:
        break
      }
    }
  }

  /// A table under its own header; one holding only tables may go without, or come after them.
  private mutating func emitSection(_ table: Table, path: [String], into lines: inout [String]) {
    let onlyTables = table.entries.allSatisfy {
      if case .table = $0.item { return true }
      return false
    }
    if onlyTables && !table.entries.isEmpty && random.chance(0.4) {
      emit(table, path: path, into: &lines, dotted: false)
      return
    }
    if onlyTables && !table.entries.isEmpty && random.chance(0.3) {
      var children: [String] = []
      emit(table, path: path, into: &children, dotted: false)
      lines += children
      lines.append(header(path, array: false))
      return
    }
    lines.append(header(path, array: false))
    emit(table, path: path, into: &lines)
  }

  private mutating func emitDotted(_ table: Table, prefix: [String], into lines: inout [String]) {
    for (key, item) in table.entries {
      switch item {
      case .value(let text): lines.append(keyValueLine(prefix + [keyText(key)], text))
      case .table(let sub) where !sub.entries.isEmpty:
        emitDotted(sub, prefix: prefix + [keyText(key)], into: &lines)
      case .table: lines.append(keyValueLine(prefix + [keyText(key)], "{}"))
      case .tableArray: break
      }
    }
  }

  private mutating func header(_ path: [String], array: Bool) -> String {
    let inside = path.joined(separator: random.pick([".", " . ", "."]))
    let padding = random.pick(["", " ", "\t"])
    let text = array ? "[[\(padding)\(inside)\(padding)]]" : "[\(padding)\(inside)\(padding)]"
    return text + (random.chance(0.2) ? " # header" : "")
  }

  private mutating func keyValueLine(_ keys: [String], _ value: String) -> String {
    let equals = random.pick([" = ", "=", "\t=  "])
    let comment = random.chance(0.15) ? random.pick([" # note", "#", " #\t 'x' = 1"]) : ""
    return random.pick(["", "  ", "\t"]) + keys.joined(separator: ".") + equals + value + comment
  }

  // MARK: - Values

  private mutating func value(depth: Int) -> String {
    let roll = Int.random(in: 0..<100, using: &random)
    switch roll {
    case 0..<25: return string()
    case 25..<45: return integer()
    case 45..<60: return float()
    case 60..<65: return random.chance(0.5) ? "true" : "false"
    case 65..<75: return dateTime()
    case 75..<90 where depth < 3: return array(depth: depth + 1)
    case 90..<100 where depth < 3: return inlineTable(depth: depth + 1)
    default: return integer()
    }
  }

  private mutating func array(depth: Int) -> String {
    let count = Int.random(in: 0...4, using: &random)
    let items = (0..<count).map { _ in value(depth: depth) }
    let multiline = random.chance(0.3)
    let separator = multiline ? "," + random.pick([newline, " # c" + newline]) + "  " : ", "
    let trailing = count > 0 && random.chance(0.3) ? "," : ""
    if multiline {
      return "[" + newline + "  " + items.joined(separator: separator) + trailing + newline + "]"
    }
    return "[" + items.joined(separator: separator) + trailing + "]"
  }

  private mutating func inlineTable(depth: Int) -> String {
    var names: Set<String> = []
    var parts: [String] = []
    for _ in 0..<Int.random(in: 0...3, using: &random) {
      let name = keyName()
      guard names.insert(name).inserted else { continue }
      if random.chance(0.2) {
        let first = keyText(name) + "." + keyText("a") + " = " + integer()
        let second = keyText(name) + "." + keyText("b") + " = " + string()
        parts.append(first + ", " + second)
      } else {
        parts.append(keyText(name) + " = " + value(depth: depth))
      }
    }
    return parts.isEmpty ? random.pick(["{}", "{ }"]) : "{ " + parts.joined(separator: ", ") + " }"
  }

  private mutating func integer() -> String {
    let magnitude: UInt64 = random.pick([
      0, 1, 7, 42, 1000, 123_456_789, UInt64(Int64.max),
      UInt64.random(in: 0...1 << 40, using: &random),
    ])
    switch Int.random(in: 0..<10, using: &random) {
    case 0: return "0x" + underscored(String(magnitude, radix: 16, uppercase: random.chance(0.5)))
    case 1: return "0o" + underscored(String(magnitude, radix: 8))
    case 2: return "0b" + underscored(String(magnitude, radix: 2))
    default:
      let digits = underscored(String(magnitude))
      if random.chance(0.3) {
        return magnitude <= UInt64(Int64.max) ? "-" + digits : digits
      }
      return (random.chance(0.2) ? "+" : "") + digits
    }
  }

  /// Single underscores between some digits.
  private mutating func underscored(_ digits: String) -> String {
    var result = ""
    for (offset, character) in digits.enumerated() {
      if offset > 0 && random.chance(0.15) { result += "_" }
      result.append(character)
    }
    return result
  }

  private mutating func float() -> String {
    let sign = random.pick(["", "", "+", "-"])
    switch Int.random(in: 0..<10, using: &random) {
    case 0: return sign + random.pick(["inf", "nan"])
    case 1: return sign + "0.0"
    default:
      let whole = underscored(String(Int.random(in: 0...99_999, using: &random)))
      let fraction = underscored(String(Int.random(in: 0...999_999, using: &random)))
      let exponent =
        random.pick(["e", "E"]) + random.pick(["", "+", "-"])
        + underscored(String(Int.random(in: 0...320, using: &random)))
      switch Int.random(in: 0..<3, using: &random) {
      case 0: return sign + whole + "." + fraction
      case 1: return sign + whole + exponent
      default: return sign + whole + "." + fraction + exponent
      }
    }
  }

  private mutating func dateTime() -> String {
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let year = Int.random(in: 1...9999, using: &random)
    let yearText = String(repeating: "0", count: 4 - String(year).count) + String(year)
    let month = Int.random(in: 1...12, using: &random)
    let date = yearText + "-" + two(month) + "-" + two(Int.random(in: 1...28, using: &random))
    var time =
      two(Int.random(in: 0...23, using: &random)) + ":"
      + two(Int.random(in: 0...59, using: &random))
      + ":" + two(Int.random(in: 0...59, using: &random))
    if random.chance(0.4) {
      time += "." + String(Int.random(in: 0...99_999_999, using: &random))
    }
    let offset = random.pick([
      "Z", "z", "+00:00", "-00:00", "+05:30", "-07:00", "+23:59",
    ])
    switch Int.random(in: 0..<4, using: &random) {
    case 0: return date
    case 1: return time
    case 2: return date + random.pick(["T", "t", " "]) + time
    default: return date + random.pick(["T", "t", " "]) + time + offset
    }
  }

  // MARK: - Strings

  private mutating func string() -> String {
    let pool = [
      "a", "Z", "0", " ", "\t", "\"", "'", "\\", "é", "𝄞", "日本", "#", "=", "[", "]", "{",
      "\u{1}", "\u{7F}", "\u{8}", "\u{C}", "\r", "\n", "\u{10FFFF}", "\u{FEFF}",
    ]
    let text = (0..<Int.random(in: 0...12, using: &random)).map { _ in random.pick(pool) }.joined()
    let controls = text.unicodeScalars.contains {
      $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F
    }
    let hasOtherControls = text.unicodeScalars.contains {
      ($0.value < 0x20 && $0 != "\t" && $0 != "\n") || $0.value == 0x7F
    }
    switch Int.random(in: 0..<4, using: &random) {
    case 1 where !text.contains("'") && !controls:
      return "'" + text + "'"
    case 2:
      return multilineBasic(text)
    case 3 where !text.contains("'") && !hasOtherControls:
      return "'''" + newline + text.replacingNewlines(with: newline) + "'''"
    default:
      return basicString(text)
    }
  }

  private mutating func escaped(_ scalar: Unicode.Scalar, multiline: Bool) -> String {
    switch scalar {
    case "\"": return "\\\""
    case "\\": return "\\\\"
    case "\n": return multiline ? newline : "\\n"
    case "\t": return random.chance(0.5) ? "\t" : "\\t"
    case "\u{8}": return "\\b"
    case "\u{C}": return "\\f"
    case "\r": return "\\r"
    default:
      if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value > 0x7F && random.chance(0.3))
      {
        let hex = String(scalar.value, radix: 16, uppercase: random.chance(0.5))
        if scalar.value <= 0xFFFF && random.chance(0.7) {
          return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
      }
      return String(scalar)
    }
  }

  private mutating func basicString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars { result += escaped(scalar, multiline: false) }
    return result + "\""
  }

  /// `"""` with raw line breaks and some line-ending backslashes before non-blank text.
  private mutating func multilineBasic(_ text: String) -> String {
    var result = "\"\"\"" + newline
    for scalar in text.unicodeScalars {
      let blank = scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
      if !blank && random.chance(0.15) {
        result +=
          "\\" + random.pick(["", "  "]) + newline + random.pick(["", "   ", newline + "\t"])
      }
      result += escaped(scalar, multiline: true)
    }
    return result + "\"\"\""
  }
}

extension String {
  fileprivate func replacingNewlines(with newline: String) -> String {
    split(separator: "\n", omittingEmptySubsequences: false).joined(separator: newline)
  }
}
