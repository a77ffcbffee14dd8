/// Expands a compose value in one pass: `$$`, `$NAME`, `${NAME}`, and
/// `${NAME<op>word}` for `:-  -  :?  ?  :+  +`, where the word may itself hold
/// substitutions. A word is expanded only when it is used, so `${SET:?${X:?m}}`
/// does not fail. A `$` followed by anything else, `$(…)` included, is text.
struct ComposeExpansion {
  private let bytes: [UInt8]
  private var index = 0
  private var depth = 0
  /// How deeply `${…}` may nest, so a hostile value cannot exhaust the stack.
  static let maximumDepth = 64
  private let lookup: (String) -> String?

  init(_ template: String, lookup: @escaping (String) -> String?) {
    bytes = Array(template.utf8)
    self.lookup = lookup
  }

  static func expand(_ template: String, lookup: (String) -> String?) throws(ExpansionFailure)
    -> String
  {
    guard template.utf8Contains(where: { $0 == .dollar }) else { return template }
    return try withoutActuallyEscaping(lookup) { lookup throws(ExpansionFailure) in
      var expansion = ComposeExpansion(template, lookup: lookup)
      var output: [UInt8] = []
      output.reserveCapacity(expansion.bytes.count)
      try expansion.text(into: &output, insideBraces: false, evaluate: true)
      return String(decoding: output, as: UTF8.self)
    }
  }

  /// Copies text and substitutions until the end, or an unmatched `}` inside braces: a
  /// word's own `{…}` pairs are text, so `${V:-{"a":1}}` ends at its last brace.
  private mutating func text(into output: inout [UInt8], insideBraces: Bool, evaluate: Bool)
    throws(ExpansionFailure)
  {
    var openBraces = 0
    while index < bytes.count {
      let byte = bytes[index]
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
        try braced(into: &output, evaluate: evaluate)
      } else if next.isASCIILetter || next == UInt8(ascii: "_") {
        index += 1
        let name = scanName()
        if evaluate, let value = lookup(name) { output.append(contentsOf: value.utf8) }
      } else {
        output.append(.dollar)
        index += 1
      }
    }
    if insideBraces { throw .unterminated }
  }

  private mutating func scanName() -> String {
    let start = index
    if index < bytes.count && (bytes[index].isASCIILetter || bytes[index] == UInt8(ascii: "_")) {
      while index < bytes.count && bytes[index].isNameCharacter { index += 1 }
    }
    return String(bytes[start..<index])
  }

  private mutating func braced(into output: inout [UInt8], evaluate: Bool) throws(ExpansionFailure)
  {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maximumDepth else { throw .tooDeep }
    let start = index
    index += 2
    let name = scanName()
    guard !name.isEmpty, index < bytes.count else { throw invalidOrUnterminated(from: start) }
    var colon = false
    if bytes[index] == .closeBrace {
      index += 1
      if evaluate, let value = lookup(name) { output.append(contentsOf: value.utf8) }
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
    let value = evaluate ? lookup(name) : nil
    let isSet = colon ? !(value?.isEmpty ?? true) : value != nil
    let usesWord: Bool
    switch operation {
    case UInt8(ascii: "+"): usesWord = isSet
    default: usesWord = !isSet
    }
    var word: [UInt8] = []
    try text(into: &word, insideBraces: true, evaluate: evaluate && usesWord)
    index += 1
    guard evaluate else { return }
    switch operation {
    case UInt8(ascii: "-"):
      output.append(contentsOf: isSet ? Array(value!.utf8) : word)
    case UInt8(ascii: "+"):
      if isSet { output.append(contentsOf: word) }
    default:
      guard isSet else {
        throw .required(name: name, message: String(decoding: word, as: UTF8.self))
      }
      output.append(contentsOf: value!.utf8)
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
