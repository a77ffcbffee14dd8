/// Writes merged variables in each output format. Python's bare keys (no value) are
/// left out of every format but JSON, as python-dotenv's `load_dotenv` leaves them out.
public enum EnvOutput {
  /// The variables as a JSON object; with provenance each value becomes
  /// `{"value", "from", "overrides"}`.
  public static func json(_ variables: [EnvVariable], provenance: Bool = false) -> JSONValue {
    var object = JSONObject()
    for variable in variables {
      let value: JSONValue = variable.value.map(JSONValue.string) ?? .null
      guard provenance else {
        object[variable.key] = value
        continue
      }
      object[variable.key] = .object(
        JSONObject([("value", value)]).adding(Self.provenance(variable)))
    }
    return .object(object)
  }

  /// Where the value comes from and what it overrides, latest first: `{"from", "overrides"}`.
  public static func provenance(_ variable: EnvVariable) -> JSONObject {
    JSONObject([
      ("from", document(variable.location)),
      (
        "overrides",
        .array(
          variable.overridden.reversed().map { definition in
            var entry = document(definition.location).objectValue ?? JSONObject()
            entry["value"] = definition.value.map(JSONValue.string) ?? .null
            return .object(entry)
          })
      ),
    ])
  }

  /// The plain JSON map written directly, byte for byte what `JSONCodec.encode` writes
  /// for `json(variables)`, without building the tree first: for files of 100,000 lines
  /// that tree costs more than parsing them.
  public static func jsonText(_ variables: [EnvVariable]) -> [UInt8] {
    jsonText(variables, halvesFrom: sizeWrittenInHalves)
  }

  /// `jsonText(_:)`, writing the map's two halves at once from `halvesFrom` bytes.
  static func jsonText(_ variables: [EnvVariable], halvesFrom: Int) -> [UInt8] {
    withMerged(variables) { jsonText($0, halvesFrom: halvesFrom) }
  }

  /// A merge's variables as the plain JSON map, written from their bytes.
  public static func jsonText(_ result: EnvMergeResult) -> [UInt8] {
    result.merged.withUnsafeBufferPointer { jsonText($0) }
  }

  /// Variables made elsewhere, as the merge keeps them, for the one set of writers.
  private static func withMerged<Result>(
    _ variables: [EnvVariable], _ body: (UnsafeBufferPointer<EnvMergedVariable>) -> Result
  ) -> Result {
    let arena = EnvByteArena()
    let location = EnvMergedLocation(source: 0, line: 0, column: 0)
    let merged = variables.map { variable in
      EnvMergedVariable(
        key: arena.copy(variable.key), value: arena.copy(variable.value), location: location,
        overridden: -1)
    }
    return withExtendedLifetime(arena) { merged.withUnsafeBufferPointer(body) }
  }

  private static func jsonText(
    _ variables: UnsafeBufferPointer<EnvMergedVariable>, halvesFrom: Int = sizeWrittenInHalves
  ) -> [UInt8] {
    // Written in place into one buffer, first one sized from the plain lengths with
    // room for a few escapes: measuring every escape first cost a fifth of the writing.
    // A text with more escapes is measured exactly and written again.
    if let text = jsonText(variables, halvesFrom: halvesFrom, room: plainRoom) { return text }
    // The writer asks for room for the longest escape before each one, so the exact
    // size gets a margin, doubled until it is enough.
    var margin = punctuationRoom * 2
    while true {
      let text = jsonText(variables, halvesFrom: halvesFrom) { variables in
        var room = margin
        for index in variables.indices {
          room += JSONWriter.quotedCount(variables[index].key.buffer) + 2
          let value = variables[index].value
          room += value.isNone ? 4 : JSONWriter.quotedCount(value.buffer)
        }
        return room
      }
      if let text { return text }
      margin *= 2
    }
  }

  /// The room variables take as members, `"key":"value",`, with a sixteenth more for
  /// escapes and the punctuation's room.
  private static func plainRoom(_ variables: UnsafeBufferPointer<EnvMergedVariable>) -> Int {
    var plain = 0
    for index in variables.indices {
      let value = variables[index].value
      plain += variables[index].key.count + 4 + (value.isNone ? 2 : value.count) + 2
    }
    return plain + plain / 16 + 32
  }

  /// The bytes kept free after each string: a comma, a colon, `null` and the closing
  /// `}` and newline always fit, so only strings check for room.
  private static let punctuationRoom = 8

  /// The size from which a map's two halves are written at once, each on its own thread.
  static let sizeWrittenInHalves = 1 << 20

  /// The JSON map written into one buffer, each half of the variables given the room
  /// `room` says (the punctuation's included); nil when a half needs more. From
  /// `halvesFrom` bytes, the second half is written on a thread of its own, after the
  /// room of the first, then moved down to where the first ends.
  private static func jsonText(
    _ variables: UnsafeBufferPointer<EnvMergedVariable>, halvesFrom: Int,
    room: (UnsafeBufferPointer<EnvMergedVariable>) -> Int
  ) -> [UInt8]? {
    // Each half measured once; a small map is written whole, in the room of both.
    var middle = variables.count / 2
    var firstRoom = room(UnsafeBufferPointer(rebasing: variables[..<middle]))
    var secondRoom = room(UnsafeBufferPointer(rebasing: variables[middle...]))
    if firstRoom + secondRoom < halvesFrom || middle == 0 {
      middle = variables.count
      firstRoom += secondRoom
      secondRoom = 0
    }
    let capacity = 1 + firstRoom + secondRoom + punctuationRoom
    var fits = true
    let text = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
      guard let start = buffer.baseAddress else {
        fits = false
        return
      }
      start.pointee = UInt8(ascii: "{")
      let second = start + 1 + firstRoom
      var firstEnd: UnsafeMutablePointer<UInt8>?
      var secondEnd: UnsafeMutablePointer<UInt8>?
      let first = UnsafeBufferPointer(rebasing: variables[..<middle])
      if middle == variables.count {
        firstEnd = writeMembers(first, at: start + 1, end: second)
      } else {
        let rest = UnsafeBufferPointer(rebasing: variables[middle...])
        // The other thread's end is read once it has been joined.
        final class End: @unchecked Sendable { var end: UnsafeMutablePointer<UInt8>? }
        let written = End()
        runAtOnce {
          firstEnd = writeMembers(first, at: start + 1, end: second)
        } there: {
          written.end = writeMembers(rest, after: true, at: second, end: second + secondRoom)
        }
        secondEnd = written.end
      }
      guard var output = firstEnd, middle == variables.count || secondEnd != nil else {
        fits = false
        return
      }
      if let secondEnd {
        let moved = second.distance(to: secondEnd)
        output.update(from: second, count: moved)
        output += moved
      }
      output[0] = UInt8(ascii: "}")
      output[1] = .newline
      count = start.distance(to: output) + 2
    }
    return fits ? text : nil
  }

  /// Writes variables as JSON members from `start`, `"key":"value"` each, a comma before
  /// each but the first (and before the first too when `after`); the end of what was
  /// written, or nil when it would pass `end` less the punctuation's room.
  private static func writeMembers(
    _ variables: UnsafeBufferPointer<EnvMergedVariable>, after: Bool = false,
    at start: UnsafeMutablePointer<UInt8>, end: UnsafeMutablePointer<UInt8>
  ) -> UnsafeMutablePointer<UInt8>? {
    let end = end - punctuationRoom
    var output = start
    for index in variables.indices {
      if index > 0 || after {
        output.pointee = UInt8(ascii: ",")
        output += 1
      }
      guard
        let afterKey = JSONWriter.writeString(variables[index].key.buffer, at: output, end: end)
      else { return nil }
      output = afterKey
      output.pointee = .colon
      output += 1
      let value = variables[index].value
      if !value.isNone {
        guard let afterValue = JSONWriter.writeString(value.buffer, at: output, end: end) else {
          return nil
        }
        output = afterValue
      } else {
        for byte in "null".utf8 {
          output.pointee = byte
          output += 1
        }
      }
    }
    return output
  }

  /// Where a definition came from, as JSON: `{"file", "line", "column"}` or `{"map"}`.
  public static func document(_ location: EnvFileLocation) -> JSONValue {
    switch location {
    case .file(let file, let position):
      return .object(
        JSONObject([
          ("file", .string(file)), ("line", .integer(Int64(position.line))),
          ("column", .integer(Int64(position.column))),
        ]))
    case .map(let name):
      return .object(JSONObject([("map", .string(name))]))
    }
  }

  /// The variables in a text format; the first key or value the format cannot carry
  /// is an error naming it.
  public static func text(_ variables: [EnvVariable], format: EnvOutputFormat) throws(EnvFileError)
    -> [UInt8]
  {
    try withMerged(variables) { variables in
      Result { () throws(EnvFileError) in try text(variables, format: format) }
    }.get()
  }

  /// A merge's variables in a text format, written from their bytes.
  public static func text(_ result: EnvMergeResult, format: EnvOutputFormat) throws(EnvFileError)
    -> [UInt8]
  {
    try result.merged.withUnsafeBufferPointer { variables in
      Result { () throws(EnvFileError) in try text(variables, format: format) }
    }.get()
  }

  private static func text(
    _ variables: UnsafeBufferPointer<EnvMergedVariable>, format: EnvOutputFormat
  ) throws(EnvFileError) -> [UInt8] {
    if format == .json { return jsonText(variables) }
    if format == .sh { return try shText(variables) }
    var output: [UInt8] = []
    output.reserveCapacity(variables.count * 32)
    for index in variables.indices {
      let value = variables[index].value
      guard !value.isNone else { continue }
      let key = variables[index].key
      func refuse(_ reason: String) -> EnvFileError {
        .cannotWrite(format: format.rawValue, key: key.string, reason: reason)
      }
      switch format {
      case .json, .sh:
        break
      case .dotenv:
        guard ComposeParser.isKey(key.buffer) else {
          throw refuse("not a key of the compose dialect")
        }
        output.append(contentsOf: key.buffer)
        append("=\"", to: &output)
        appendDoubleQuoted(value.buffer, to: &output)
        append("\"\n", to: &output)
      case .docker:
        guard key.count > 0, !key.buffer.contains(where: { $0 == .equals || $0.isSpaceOrTab }),
          key.buffer.first != .hash
        else { throw refuse("docker keys cannot be empty, hold '=' or blanks, or start with '#'") }
        if value.contains(.newline) || value.contains(.carriageReturn) {
          throw refuse("docker --env-file values cannot hold newlines")
        }
        output.append(contentsOf: key.buffer)
        output.append(.equals)
        output.append(contentsOf: value.buffer)
        output.append(.newline)
      case .make:
        guard key.count > 0, key.buffer.allSatisfy(ComposeParser.isKeyByte) else {
          throw refuse("not a make variable name")
        }
        if value.contains(.newline) || value.contains(.carriageReturn) {
          throw refuse("make assignments cannot hold newlines")
        }
        append("export ", to: &output)
        output.append(contentsOf: key.buffer)
        append(" := ", to: &output)
        appendMakeValue(value.buffer, to: &output)
        output.append(.newline)
      case .null:
        guard key.count > 0, !key.contains(.equals) else {
          throw refuse("the key holds '='")
        }
        output.append(contentsOf: key.buffer)
        output.append(.equals)
        output.append(contentsOf: value.buffer)
        output.append(0)
      }
    }
    return output
  }

  /// `export KEY='value'` lines, written in place into one buffer measured first (a
  /// value's quotes are each written `'\''`): appending each piece to an array cost
  /// several times the writing.
  private static func shText(
    _ variables: UnsafeBufferPointer<EnvMergedVariable>
  ) throws(EnvFileError) -> [UInt8] {
    let export: StaticString = "export "
    var size = 0
    for variable in variables where !variable.value.isNone {
      guard ShellWord.isName(variable.key.buffer) else {
        throw .cannotWrite(
          format: EnvOutputFormat.sh.rawValue, key: variable.key.string,
          reason: "not a shell variable name")
      }
      let value = ShellWord.quotedContentCount(variable.value.buffer)
      // `='` before the value, `'` and a newline after it.
      size += export.utf8CodeUnitCount + variable.key.count + value + 4
    }
    return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      guard var output = buffer.baseAddress else { return }
      for variable in variables where !variable.value.isNone {
        output.update(from: export.utf8Start, count: export.utf8CodeUnitCount)
        output += export.utf8CodeUnitCount
        if let key = variable.key.start { output.update(from: key, count: variable.key.count) }
        output += variable.key.count
        output[0] = .equals
        output[1] = .singleQuote
        output = ShellWord.writeQuotedContent(variable.value.buffer, at: output + 2)
        output[0] = .singleQuote
        output[1] = .newline
        output += 2
      }
      count = size
    }
  }

  /// Appends the bytes of a literal: through a string's UTF-8 view, each piece cost a
  /// generic copy of its own.
  private static func append(_ literal: StaticString, to output: inout [UInt8]) {
    literal.withUTF8Buffer { output.append(contentsOf: $0) }
  }

  /// A value for the inside of compose double quotes, reading back to itself: runs
  /// without escapes copied whole.
  static func appendDoubleQuoted(_ value: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    var start = 0
    for index in value.indices {
      let escape = doubleQuotedEscape(value[index])
      guard escape != 0 else { continue }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: value[start..<index]))
      output.append(.backslash)
      output.append(escape)
      start = index + 1
    }
    output.append(contentsOf: UnsafeBufferPointer(rebasing: value[start...]))
  }

  /// What follows the backslash that escapes a byte inside compose double quotes, or 0
  /// for a byte written as it is.
  private static func doubleQuotedEscape(_ byte: UInt8) -> UInt8 {
    switch byte {
    case .backslash, .doubleQuote, .dollar: return byte
    case .newline: return UInt8(ascii: "n")
    case .carriageReturn: return UInt8(ascii: "r")
    case .tab: return UInt8(ascii: "t")
    case 0x07: return UInt8(ascii: "a")
    case 0x08: return UInt8(ascii: "b")
    case 0x0B: return UInt8(ascii: "v")
    case 0x0C: return UInt8(ascii: "f")
    default: return 0
    }
  }

  /// A value for the right of `:=`: `$` doubled; `#` escaped, with the backslashes
  /// before it doubled, since make halves them there; `$()` in front of leading blanks
  /// and after a trailing backslash, so make neither strips the one nor joins lines.
  static func appendMakeValue(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    if let first = bytes.first, first.isSpaceOrTab { output += Array("$()".utf8) }
    var backslashes = 0
    for byte in bytes {
      switch byte {
      case .dollar:
        output += [.dollar, .dollar]
      case .hash:
        output += Array(repeating: .backslash, count: backslashes + 1)
        output.append(.hash)
      default:
        output.append(byte)
      }
      backslashes = byte == .backslash ? backslashes + 1 : 0
    }
    if backslashes > 0 { output += Array("$()".utf8) }
  }
}
