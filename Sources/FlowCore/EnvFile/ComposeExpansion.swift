/// Expands a compose value in one pass: `$$`, `$NAME`, `${NAME}`, and
/// `${NAME<op>word}` for `:-  -  :?  ?  :+  +`, where the word may itself hold
/// substitutions. A word is expanded only when it is used, so `${SET:?${X:?m}}`
/// does not fail. A `$` followed by anything else, `$(…)` included, is text.
struct ComposeExpansion {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var index = 0
  private var depth = 0
  /// How deeply `${…}` may nest, so a hostile value cannot exhaust the stack.
  static let maximumDepth = 64

  private init(_ template: UnsafeBufferPointer<UInt8>) {
    bytes = template
  }

  /// Appends the expansion of `template` to `output`. `lookup` gives the value of a name,
  /// `.none` when it is unset, in bytes that stay valid until this returns; it is passed
  /// down rather than kept, so that no closure is stored or allocated.
  static func expand(
    _ template: UnsafeBufferPointer<UInt8>, into output: inout [UInt8],
    lookup: (EnvBytes) -> EnvBytes
  ) throws(ExpansionFailure) {
    var expansion = ComposeExpansion(template)
    try expansion.text(into: &output, insideBraces: false, evaluate: true, lookup: lookup)
  }

  /// The expansion of a string, names looked up as strings.
  static func expand(_ template: String, lookup: (String) -> String?) throws(ExpansionFailure)
    -> String
  {
    guard template.utf8Contains(where: { $0 == .dollar }) else { return template }
    let values = EnvByteArena()
    var output: [UInt8] = []
    try Array(template.utf8).withUnsafeBufferPointer { template throws(ExpansionFailure) in
      try expand(template, into: &output) { values.copy(lookup($0.string)) }
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Copies text and substitutions until the end, or an unmatched `}` inside braces: a
  /// word's own `{…}` pairs are text, so `${V:-{"a":1}}` ends at its last brace.
  private mutating func text(
    into output: inout [UInt8], insideBraces: Bool, evaluate: Bool,
    lookup: (EnvBytes) -> EnvBytes
  ) throws(ExpansionFailure) {
    var openBraces = 0
    while index < bytes.count {
      let byte = bytes[index]
      if !Self.isSpecial(byte, insideBraces: insideBraces) {
        // A run of plain text, copied at once.
        let start = index
        index += 1
        while index < bytes.count && !Self.isSpecial(bytes[index], insideBraces: insideBraces) {
          index += 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        continue
      }
      if insideBraces && byte == .openBrace { openBraces += 1 }
      if insideBraces && byte == .closeBrace {
        if openBraces == 0 { return }
        openBraces -= 1
      }
      guard byte == .dollar, index + 1 < bytes.count else {
        output.append(byte)
        index += 1
        continue
      }
      let next = bytes[index + 1]
      if next == .dollar {
        output.append(.dollar)
        index += 2
      } else if next == .openBrace {
        try braced(into: &output, evaluate: evaluate, lookup: lookup)
      } else if next.isASCIILetter || next == UInt8(ascii: "_") {
        index += 1
        let name = scanName()
        if evaluate { output.append(contentsOf: lookup(name).buffer) }
      } else {
        output.append(.dollar)
        index += 1
      }
    }
    if insideBraces { throw .unterminated }
  }

  /// A byte `text` looks at: `$`, and inside braces `{` and `}`.
  @inline(__always)
  private static func isSpecial(_ byte: UInt8, insideBraces: Bool) -> Bool {
    byte == .dollar || insideBraces && (byte == .openBrace || byte == .closeBrace)
  }

  /// The bytes of a name after its first, as a table: read once per byte of every name.
  private static let nameBytes = ByteSet { $0.isNameCharacter }

  private mutating func scanName() -> EnvBytes {
    let start = index
    if index < bytes.count && (bytes[index].isASCIILetter || bytes[index] == UInt8(ascii: "_")) {
      let nameBytes = Self.nameBytes
      index += 1
      while index < bytes.count && nameBytes.contains(bytes[index]) { index += 1 }
    }
    return EnvBytes(UnsafeBufferPointer(rebasing: bytes[start..<index]))
  }

  /// A `${…}`. Its word is written straight to `output` and taken back when it is not
  /// used, so a substitution costs no buffer of its own.
  private mutating func braced(
    into output: inout [UInt8], evaluate: Bool, lookup: (EnvBytes) -> EnvBytes
  ) throws(ExpansionFailure) {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maximumDepth else { throw .tooDeep }
    let start = index
    index += 2
    let name = scanName()
    guard name.count > 0, index < bytes.count else { throw invalidOrUnterminated(from: start) }
    var colon = false
    if bytes[index] == .closeBrace {
      index += 1
      if evaluate { output.append(contentsOf: lookup(name).buffer) }
      return
    }
    if bytes[index] == .colon {
      colon = true
      index += 1
    }
    guard index < bytes.count else { throw .unterminated }
    let operation = bytes[index]
    guard
      operation == UInt8(ascii: "-") || operation == UInt8(ascii: "?")
        || operation == UInt8(ascii: "+")
    else { throw invalidOrUnterminated(from: start) }
    index += 1
    let value = evaluate ? lookup(name) : .none
    let isSet = colon ? value.count > 0 : !value.isNone
    let usesWord: Bool
    switch operation {
    case UInt8(ascii: "+"): usesWord = isSet
    default: usesWord = !isSet
    }
    let wordStart = output.count
    try text(
      into: &output, insideBraces: true, evaluate: evaluate && usesWord, lookup: lookup)
    index += 1
    guard evaluate else { return }
    switch operation {
    case UInt8(ascii: "-"):
      if isSet {
        output.removeLast(output.count - wordStart)
        output.append(contentsOf: value.buffer)
      }
    case UInt8(ascii: "+"):
      if !isSet { output.removeLast(output.count - wordStart) }
    default:
      guard isSet else {
        let message = String(decoding: output[wordStart...], as: UTF8.self)
        throw .required(name: name.string, message: message)
      }
      output.removeLast(output.count - wordStart)
      output.append(contentsOf: value.buffer)
    }
  }

  /// The failure for a malformed `${…}`: the text up to its `}`, or unterminated.
  private func invalidOrUnterminated(from start: Int) -> ExpansionFailure {
    var end = start
    while end < bytes.count && bytes[end] != .closeBrace { end += 1 }
    guard end < bytes.count else { return .unterminated }
    return .invalid(String(bytes[start...end]))
  }
}
