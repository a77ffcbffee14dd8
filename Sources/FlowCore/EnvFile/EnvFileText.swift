internal import CFlowSystem

/// The bytes of one `.env` file, checked once for what no dialect accepts
/// (invalid UTF-8, NUL bytes) before any parser looks at them.
public struct EnvFileText: Sendable {
  public let file: String
  public let bytes: [UInt8]

  public init(file: String, bytes: [UInt8]) {
    self.file = file
    self.bytes = bytes
  }

  public init(file: String, text: String) {
    self.init(file: file, bytes: Array(text.utf8))
  }

  /// The line and 1-based byte column of an offset.
  public func position(of offset: Int) -> SourcePosition {
    var line = 1
    var lineStart = 0
    var index = 0
    while index < offset && index < bytes.count {
      if bytes[index] == UInt8(ascii: "\n") {
        line += 1
        lineStart = index + 1
      }
      index += 1
    }
    return SourcePosition(line: line, column: offset - lineStart + 1)
  }

  /// The first NUL byte or invalid UTF-8 sequence, if any.
  public func encodingError() -> EnvFileError? {
    encodingError(in: 0..<bytes.count)
  }

  /// The first NUL byte or invalid UTF-8 sequence starting within `range`, if any: runs
  /// of ASCII passed over by `flow_first_nul_or_non_ascii`, other bytes checked here.
  func encodingError(in range: Range<Int>) -> EnvFileError? {
    let count = range.upperBound
    return bytes.withUnsafeBufferPointer { buffer -> EnvFileError? in
      guard let base = buffer.baseAddress else { return nil }
      var index = range.lowerBound
      while index < count {
        index = flow_first_nul_or_non_ascii(base, index, count)
        guard index < count else { return nil }
        if buffer[index] == 0 { return .nulByte(file: file, at: position(of: index)) }
        let length = EnvFileText.sequenceLength(buffer, at: index)
        if length == 0 { return .invalidUTF8(file: file, at: position(of: index)) }
        index += length
      }
      return nil
    }
  }

  /// The length of the well-formed UTF-8 sequence starting at `index`, or 0.
  static func sequenceLength(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
    let first = buffer[index]
    let remaining = buffer.count - index
    func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
      offset < remaining && buffer[index + offset] >= low && buffer[index + offset] <= high
    }
    switch first {
    case 0xC2...0xDF:
      return continuation(1) ? 2 : 0
    case 0xE0:
      return continuation(1, 0xA0) && continuation(2) ? 3 : 0
    case 0xE1...0xEC, 0xEE...0xEF:
      return continuation(1) && continuation(2) ? 3 : 0
    case 0xED:
      return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
    case 0xF0:
      return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF1...0xF3:
      return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF4:
      return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
    default:
      return 0
    }
  }

  /// Parses the text in a dialect (`parse(_:with:parts:checked:take:)`).
  public func parse(_ dialect: EnvFileDialect) -> EnvFileParseResult {
    parse(dialect, parts: .halves)
  }

  /// `parse(_:)`, handing each run of records to `take` once it is final: a merge reads
  /// the first runs while the rest are still being read.
  func parse(
    _ dialect: EnvFileDialect, parts: EnvFileParts, take: (EnvFileSegment) -> Void = { _ in }
  ) -> EnvFileParseResult {
    switch dialect {
    case .compose:
      return parse(bytes, with: ComposeParser.self, parts: parts, take: take)
    case .docker:
      return parse(bytes, with: DockerParser.self, parts: parts, take: take)
    case .python:
      guard let converted = PythonParser.universalNewlines(bytes) else {
        return parse(bytes, with: PythonParser.self, parts: parts, take: take)
      }
      // Checked before converting, so that an error's line is the file's own.
      if let error = encodingError() { return EnvFileParseResult(errors: [error]) }
      return parse(converted, with: PythonParser.self, parts: parts, checked: true, take: take)
    }
  }
}

extension UInt8 {
  static let newline = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")
  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")
  static let hash = UInt8(ascii: "#")
  static let equals = UInt8(ascii: "=")
  static let backslash = UInt8(ascii: "\\")
  static let singleQuote = UInt8(ascii: "'")
  static let doubleQuote = UInt8(ascii: "\"")
  static let dollar = UInt8(ascii: "$")
  static let openBrace = UInt8(ascii: "{")
  static let closeBrace = UInt8(ascii: "}")
  static let colon = UInt8(ascii: ":")

  var isSpaceOrTab: Bool { self == .space || self == .tab }

  /// The byte C's escape with this letter stands for (`\a \b \f \n \r \t \v \\`), as
  /// the dialects that decode double-quoted escapes read them; nil for any other byte.
  var cEscaped: UInt8? {
    switch self {
    case UInt8(ascii: "a"): return 0x07
    case UInt8(ascii: "b"): return 0x08
    case UInt8(ascii: "f"): return 0x0C
    case UInt8(ascii: "n"): return .newline
    case UInt8(ascii: "r"): return .carriageReturn
    case UInt8(ascii: "t"): return .tab
    case UInt8(ascii: "v"): return 0x0B
    case .backslash: return .backslash
    default: return nil
    }
  }
  var isASCIILetter: Bool {
    (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z")
  }
  var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
  /// A character of a shell variable name after the first: `[A-Za-z0-9_]`.
  var isNameCharacter: Bool { isASCIILetter || isASCIIDigit || self == UInt8(ascii: "_") }
}

extension String {
  init(_ bytes: ArraySlice<UInt8>) {
    self = String(decoding: bytes, as: UTF8.self)
  }

  init(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) {
    self = String(decoding: UnsafeBufferPointer(rebasing: bytes), as: UTF8.self)
  }

  /// Whether a byte of the UTF-8 text matches, read in place rather than through the
  /// view's iterator.
  func utf8Contains(where matches: (UInt8) -> Bool) -> Bool {
    utf8.withContiguousStorageIfAvailable { $0.contains(where: matches) }
      ?? utf8.contains(where: matches)
  }
}
