internal import CFlowSystem
import Glibc

/// Writes `JSONValue` as text, byte for byte as jansson writes it with the flags the
/// toolkit uses (compact, or indented by two; reals with 15 significant digits), but
/// straight into one buffer: building jansson's tree of hash tables first cost more
/// than the rest of a tool's work on large documents. Tests hold the two to the same
/// bytes.
public struct JSONWriter {
  public var pretty: Bool
  private(set) var output: [UInt8] = []

  /// A writer; with `capacity`, room for that many bytes made at once.
  public init(pretty: Bool = false, capacity: Int = 0) {
    self.pretty = pretty
    output.reserveCapacity(capacity)
  }

  /// The text of `value`, ending with a newline.
  public static func encode(_ value: JSONValue, pretty: Bool = false) -> [UInt8] {
    var writer = JSONWriter(pretty: pretty, capacity: 4096)
    writer.write(value, depth: 0)
    writer.output.append(UInt8(ascii: "\n"))
    return writer.output
  }

  mutating func write(_ value: JSONValue, depth: Int) {
    switch value {
    case .null: output += Self.null
    case .bool(let flag): output += flag ? Self.true : Self.false
    case .integer(let number): Self.appendInteger(number, to: &output)
    case .number(let number): appendReal(number)
    case .string(let text): Self.appendString(text, to: &output)
    case .array(let items):
      guard !items.isEmpty else {
        output += [UInt8(ascii: "["), UInt8(ascii: "]")]
        return
      }
      output.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { output.append(UInt8(ascii: ",")) }
        newline(depth + 1)
        write(item, depth: depth + 1)
      }
      newline(depth)
      output.append(UInt8(ascii: "]"))
    case .object(let object):
      write(object, depth: depth) { _, _, _ in false }
    }
  }

  /// Writes `object`; a member for which `member(key, &writer, depth)` returns true has had
  /// its value written by it instead (a large document writes its parts as it builds them).
  mutating func write(
    _ object: JSONObject, depth: Int, member: (String, inout JSONWriter, Int) -> Bool
  ) {
    guard !object.isEmpty else {
      output += [UInt8(ascii: "{"), UInt8(ascii: "}")]
      return
    }
    output.append(UInt8(ascii: "{"))
    var first = true
    for (key, item) in object {
      if !first { output.append(UInt8(ascii: ",")) }
      first = false
      newline(depth + 1)
      Self.appendString(key, to: &output)
      output.append(UInt8(ascii: ":"))
      if pretty { output.append(UInt8(ascii: " ")) }
      if !member(key, &self, depth + 1) { write(item, depth: depth + 1) }
    }
    newline(depth)
    output.append(UInt8(ascii: "}"))
  }

  /// Writes an array of `count` items, each written by `item(index, &writer, depth)`.
  mutating func writeArray(count: Int, depth: Int, item: (Int, inout JSONWriter, Int) -> Void) {
    guard count > 0 else {
      output += [UInt8(ascii: "["), UInt8(ascii: "]")]
      return
    }
    output.append(UInt8(ascii: "["))
    writeItems(0..<count, depth: depth, item: item)
    newline(depth)
    output.append(UInt8(ascii: "]"))
  }

  /// The items of `range` of an array at `depth`, each after its comma (but the array's
  /// first) and its line. Inlined into each caller: called through, it had each stage
  /// the items' closures capture copied for each array written.
  @inline(__always)
  private mutating func writeItems(
    _ range: Range<Int>, depth: Int, item: (Int, inout JSONWriter, Int) -> Void
  ) {
    for index in range {
      if index > 0 { output.append(UInt8(ascii: ",")) }
      newline(depth + 1)
      item(index, &self, depth + 1)
    }
  }

  /// Starts an object whose members are written one by one: `member` before each value,
  /// `closeObject` after the last. The object must have at least one member.
  mutating func openObject() {
    output.append(UInt8(ascii: "{"))
  }

  /// Writes what comes before a member's value, for an object at `depth - 1`. The key is
  /// copied as it is: the document's own keys have nothing to escape, and looking for it
  /// cost more than writing them.
  mutating func member(_ key: StaticString, first: Bool = false, depth: Int) {
    if !first { output.append(UInt8(ascii: ",")) }
    newline(depth)
    output.append(UInt8(ascii: "\""))
    key.withUTF8Buffer { output.append(contentsOf: $0) }
    output.append(UInt8(ascii: "\""))
    output.append(UInt8(ascii: ":"))
    if pretty { output.append(UInt8(ascii: " ")) }
  }

  /// Writes what comes before a member's value, for an object at `depth - 1`, escaping
  /// the key.
  mutating func member(text key: String, depth: Int) {
    member(name: key, first: false, depth: depth)
  }

  /// Writes an object of `count` members, each written by `member(index, &writer, depth)`
  /// with `member(name:first:depth:)` and its value; the keys must differ.
  mutating func writeObject(count: Int, depth: Int, member: (Int, inout JSONWriter, Int) -> Void) {
    guard count > 0 else {
      output += [UInt8(ascii: "{"), UInt8(ascii: "}")]
      return
    }
    openObject()
    for index in 0..<count { member(index, &self, depth + 1) }
    closeObject(depth: depth)
  }

  /// Writes what comes before a member's value, for an object at `depth - 1`, escaping
  /// the key.
  mutating func member(name key: String, first: Bool, depth: Int) {
    if !first { output.append(UInt8(ascii: ",")) }
    newline(depth)
    Self.appendString(key, to: &output)
    output.append(UInt8(ascii: ":"))
    if pretty { output.append(UInt8(ascii: " ")) }
  }

  /// Ends an object opened at `depth` by `openObject`.
  mutating func closeObject(depth: Int) {
    newline(depth)
    output.append(UInt8(ascii: "}"))
  }

  /// As `writeArray`, where with `split` the items from it on are written at once on a
  /// thread of their own into a text of their own, then appended to the first items': for
  /// long lists of items costly to write. `itemWriter` gives each part its writer of items,
  /// which share nothing that they change.
  mutating func writeArray(
    count: Int, depth: Int, secondPartFrom split: Int?,
    itemWriter: () -> (Int, inout JSONWriter, Int) -> Void
  ) {
    guard let split, split > 0, split < count else {
      writeArray(count: count, depth: depth, item: itemWriter())
      return
    }
    let firstItems = itemWriter()
    let secondItems = itemWriter()
    var second = JSONWriter(pretty: pretty, capacity: output.capacity / 2)
    output.append(UInt8(ascii: "["))
    runAtOnce(
      here: { writeItems(0..<split, depth: depth, item: firstItems) },
      there: { second.writeItems(split..<count, depth: depth, item: secondItems) })
    output += second.output
    newline(depth)
    output.append(UInt8(ascii: "]"))
  }

  /// Appends text written by a writer of the same style at the same depth.
  mutating func append(written text: [UInt8]) {
    output += text
  }

  /// The text written so far, ending with a newline.
  mutating func finish() -> [UInt8] {
    output.append(UInt8(ascii: "\n"))
    return output
  }

  private mutating func newline(_ depth: Int) {
    guard pretty else { return }
    output.append(UInt8(ascii: "\n"))
    output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
  }

  private static let null = Array("null".utf8)
  private static let `true` = Array("true".utf8)
  private static let `false` = Array("false".utf8)
  private static let hexDigits = Array("0123456789ABCDEF".utf8)

  /// For each byte, the letter of its short escape (`\\n`), `u` for `\\u00xx`, or 0 when
  /// the byte is written as it is: one load per byte decides, where three comparisons did.
  private static let escapes: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 256)
    for byte in 0..<0x20 { table[byte] = UInt8(ascii: "u") }
    table[0x08] = UInt8(ascii: "b")
    table[0x0C] = UInt8(ascii: "f")
    table[0x0A] = UInt8(ascii: "n")
    table[0x0D] = UInt8(ascii: "r")
    table[0x09] = UInt8(ascii: "t")
    table[Int(UInt8(ascii: "\""))] = UInt8(ascii: "\"")
    table[Int(UInt8(ascii: "\\"))] = UInt8(ascii: "\\")
    return table
  }()

  /// A string with jansson's escapes: `\" \\ \b \f \n \r \t`, `\u00xx` for other control
  /// characters; everything else, UTF-8 included, as it is. Runs without escapes are
  /// copied whole.
  public static func appendString(_ text: String, to output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    // Read in place: a copy of the string (or `withUTF8`'s mutable access) costs a
    // retain, a release and a uniqueness check for every key and value.
    withUTF8(of: text) { appendEscaped($0, to: &output) }
    output.append(UInt8(ascii: "\""))
  }

  private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    var start = 0
    while true {
      let index = firstEscape(in: utf8, from: start)
      output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
      guard index < utf8.count else { return }
      let escape = escapes[Int(utf8[index])]
      if escape == UInt8(ascii: "u") {
        let byte = utf8[index]
        output += [UInt8(ascii: "\\"), escape, UInt8(ascii: "0"), UInt8(ascii: "0")]
        output += [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
      } else {
        output.append(UInt8(ascii: "\\"))
        output.append(escape)
      }
      start = index + 1
    }
  }

  /// The offset of the first byte at or after `start` that needs an escape, or the end.
  /// Plain text is passed over eight bytes at a time, and its last few bytes by one word
  /// that ends where the text ends (it overlaps bytes already passed), so a short string
  /// costs a test or two rather than a loop over its bytes.
  static func firstEscape(in utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    guard let base = utf8.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    let count = utf8.count
    var index = start
    while index + 8 <= count {
      if hasEscape(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { break }
      index += 8
    }
    if index + 8 > count {
      if count - start >= 8 {
        if !hasEscape(raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) {
          return count
        }
      } else if count - start >= 4 {
        let first = UInt64(raw.loadUnaligned(fromByteOffset: start, as: UInt32.self))
        let last = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        if !hasEscape(first | last << 32) { return count }
      }
    }
    while index < count && !needsEscape(base[index]) { index += 1 }
    return index
  }

  /// Whether a word holds a byte written escaped: a control character, a quote or a
  /// backslash, found by two borrow tests on the whole word (exact for whether any byte
  /// matches).
  @inline(__always)
  private static func hasEscape(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    // Flipping one bit takes a quote to 0x20 and keeps control characters below it, so
    // one test finds both: a byte below 0x21 after the flip.
    let flipped = word ^ (ones &* 0x02)
    let quoteOrControl = (flipped &- ones &* 0x21) & ~flipped
    let backslash = word ^ (ones &* 0x5C)
    let escaped = (backslash &- ones) & ~backslash
    return (quoteOrControl | escaped) & 0x8080_8080_8080_8080 != 0
  }

  /// Copies bytes that need no escape, testing each word as it goes: sixteen bytes or
  /// more sixteen at a time (`flow_copy_json_plain`), fewer word by word, the last word
  /// ending where the bytes end (overlapping the one before); below eight bytes as two
  /// halves that may overlap, below four byte by byte. False, with some bytes copied, at
  /// the first that needs an escape.
  @inline(__always)
  private static func copyIfPlain(
    _ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int
  ) -> Bool {
    if count >= 16 { return flow_copy_json_plain(source, target, count) != 0 }
    let from = UnsafeRawPointer(source)
    let to = UnsafeMutableRawPointer(target)
    if count >= 8 {
      var offset = 0
      while offset + 8 < count {
        let word = from.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        if hasEscape(word) { return false }
        to.storeBytes(of: word, toByteOffset: offset, as: UInt64.self)
        offset += 8
      }
      let last = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
      if hasEscape(last) { return false }
      to.storeBytes(of: last, toByteOffset: count - 8, as: UInt64.self)
      return true
    }
    if count >= 4 {
      let first = from.loadUnaligned(as: UInt32.self)
      let last = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
      if hasEscape(UInt64(first) | UInt64(last) << 32) { return false }
      to.storeBytes(of: first, as: UInt32.self)
      to.storeBytes(of: last, toByteOffset: count - 4, as: UInt32.self)
      return true
    }
    for offset in 0..<count {
      if needsEscape(source[offset]) { return false }
      target[offset] = source[offset]
    }
    return true
  }

  /// Whether a byte is written escaped: the rule of the `escapes` table, compared in
  /// place so that the few bytes after the last whole word need no table.
  private static func needsEscape(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
  }

  /// The length of `text` written as a JSON string, quotes included.
  static func quotedCount(_ text: String) -> Int {
    withUTF8(of: text, quotedCount)
  }

  /// The length of UTF-8 bytes written as a JSON string, quotes included.
  static func quotedCount(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
    var count = utf8.count + 2
    var index = firstEscape(in: utf8, from: 0)
    while index < utf8.count {
      count += escapes[Int(utf8[index])] == UInt8(ascii: "u") ? 5 : 1
      index = firstEscape(in: utf8, from: index + 1)
    }
    return count
  }

  /// Writes `text` as a JSON string, as `appendString` does, at `target`; returns the end
  /// of what it wrote, or nil when that would pass `end`.
  static func writeString(
    _ text: String, at target: UnsafeMutablePointer<UInt8>, end: UnsafeMutablePointer<UInt8>
  ) -> UnsafeMutablePointer<UInt8>? {
    withUTF8(of: text) { writeString($0, at: target, end: end) }
  }

  /// Writes UTF-8 bytes as a JSON string at `target`; returns the end of what it wrote,
  /// or nil when that would pass `end`. Most keys and values are short and plain: they
  /// are tested and copied a word or two at a time where the string is written, and only
  /// the others take a call.
  @inline(__always)
  static func writeString(
    _ utf8: UnsafeBufferPointer<UInt8>, at target: UnsafeMutablePointer<UInt8>,
    end: UnsafeMutablePointer<UInt8>
  ) -> UnsafeMutablePointer<UInt8>? {
    if let base = utf8.baseAddress, utf8.count <= 64, target.distance(to: end) >= utf8.count + 2,
      copyIfPlain(base, to: target + 1, count: utf8.count)
    {
      target.pointee = UInt8(ascii: "\"")
      target[utf8.count + 1] = UInt8(ascii: "\"")
      return target + utf8.count + 2
    }
    return writeEscapedString(utf8, at: target, end: end)
  }

  /// `writeString` for any text: runs without escapes copied whole, each escape written.
  @inline(never)
  private static func writeEscapedString(
    _ utf8: UnsafeBufferPointer<UInt8>, at target: UnsafeMutablePointer<UInt8>,
    end: UnsafeMutablePointer<UInt8>
  ) -> UnsafeMutablePointer<UInt8>? {
    var output = target
    guard output.distance(to: end) >= 2 else { return nil }
    output.pointee = UInt8(ascii: "\"")
    output += 1
    if let base = utf8.baseAddress {
      var start = 0
      while true {
        let index = firstEscape(in: utf8, from: start)
        // Room for the run and what follows it: an escape, or the closing quote.
        let room = index - start + (index < utf8.count ? 7 : 1)
        guard output.distance(to: end) >= room else { return nil }
        memcpy(output, base + start, index - start)
        output += index - start
        guard index < utf8.count else { break }
        let byte = utf8[index]
        let escape = escapes[Int(byte)]
        output[0] = UInt8(ascii: "\\")
        output[1] = escape
        if escape == UInt8(ascii: "u") {
          output[2] = UInt8(ascii: "0")
          output[3] = UInt8(ascii: "0")
          output[4] = hexDigits[Int(byte >> 4)]
          output[5] = hexDigits[Int(byte & 0xF)]
          output += 6
        } else {
          output += 2
        }
        start = index + 1
      }
    }
    output.pointee = UInt8(ascii: "\"")
    output += 1
    return output
  }

  /// Runs `body` on the UTF-8 of `text`, read in place where the string is contiguous.
  private static func withUTF8<Result>(
    of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result
  ) -> Result {
    text.utf8.withContiguousStorageIfAvailable(body)
      ?? Array(text.utf8).withUnsafeBufferPointer(body)
  }

  static func appendInteger(_ number: Int64, to output: inout [UInt8]) {
    if number == 0 {
      output.append(UInt8(ascii: "0"))
      return
    }
    if number < 0 { output.append(UInt8(ascii: "-")) }
    // Digits from the most significant, each appended as it is found: lines, columns
    // and sizes are short, and copying them from a scratch buffer cost more.
    let magnitude = number.magnitude
    var divisor: UInt64 = 1
    while divisor <= magnitude / 10 { divisor *= 10 }
    while divisor > 0 {
      output.append(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
      divisor /= 10
    }
  }

  /// A real as jansson writes it: `%.15g` with a plain exponent, and `.0` added when that
  /// looks like an integer. JSON has no infinities or NaN: they are written as null.
  private mutating func appendReal(_ number: Double) {
    guard number.isFinite else {
      output += Self.null
      return
    }
    // Most reals in a document are short (half a CPU, an hour and a half). A shortest
    // form of at most 15 significant digits and no exponent is what `%.15g` writes:
    // 15 digits always come back from a double unchanged (DBL_DIG). Formatting through
    // `vsnprintf` cost ten times more.
    if abs(number) >= 1e-4, abs(number) < 1e15 {
      let text = number.description
      var digits = 0
      var leading = true
      var plain = true
      for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "0"): if !leading { digits += 1 }
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
          leading = false
          digits += 1
        case UInt8(ascii: "-"), UInt8(ascii: "."): break
        default: plain = false
        }
      }
      if plain && digits <= 15 {
        output += text.utf8
        return
      }
    }
    var buffer = [CChar](repeating: 0, count: 40)
    let count = withVaList([number]) { arguments in
      vsnprintf(&buffer, buffer.count, "%.15g", arguments)
    }
    var text = buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }
    // jansson drops the exponent's `+` and leading zeros: 1e+16 is written 1e16.
    if let e = text.firstIndex(of: UInt8(ascii: "e")) {
      var digits = e + 1
      if text[digits] == UInt8(ascii: "+") {
        text.remove(at: digits)
      } else if text[digits] == UInt8(ascii: "-") {
        digits += 1
      }
      while digits < text.count - 1, text[digits] == UInt8(ascii: "0") { text.remove(at: digits) }
    }
    output += text
    if !text.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") }) {
      output += [UInt8(ascii: "."), UInt8(ascii: "0")]
    }
  }
}
