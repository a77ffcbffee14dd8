internal import CYAML

/// The owner of one libyaml parser: turns bytes into events. Nothing of libyaml
/// leaves this file.
final class YAMLParser {
  enum Event {
    case streamStart, streamEnd
    case documentStart(SourcePosition), documentEnd
    case scalar(YAMLScalar, anchor: String?, SourcePosition)
    case alias(String, SourcePosition)
    case sequenceStart(anchor: String?, SourcePosition), sequenceEnd
    case mappingStart(anchor: String?, SourcePosition), mappingEnd
  }

  struct Failure: Error {
    var position: SourcePosition
    var message: String
  }

  /// An event's kind, for readers that look at the current event in place.
  enum Kind {
    case streamStart, streamEnd, documentStart, documentEnd, alias, scalar
    case sequenceStart, sequenceEnd, mappingStart, mappingEnd
  }

  // The parser and the current event are reached through pointers: a class's stored
  // structs are checked for exclusive access at each use, which cost as much as a quarter
  // of reading the events.
  private let parser: UnsafeMutablePointer<yaml_parser_t>
  /// The bytes libyaml reads, in place: a constant array, whose storage stays where it
  /// is while this object lives (a copy of a large workflow cost its pages' first touch).
  private let bytes: [UInt8]
  private let input: UnsafeBufferPointer<UInt8>
  /// The event `advance()` read last; libyaml's storage, freed by the next `advance()`.
  private let current: UnsafeMutablePointer<yaml_event_t>
  /// The number, in the whole text, of the first line read: where a part of a text is
  /// read on its own, its positions are the whole text's.
  private let firstLine: Int

  /// What libyaml reads for an empty input, whose array may have no storage to point to.
  nonisolated(unsafe) private static let empty = UnsafePointer(
    UnsafeMutablePointer<UInt8>.allocate(capacity: 1))

  /// Reads `bytes`, or the part of them in `range`, which starts a line: line
  /// `firstLine` of the whole text.
  init(bytes: [UInt8], range: Range<Int>? = nil, firstLine: Int = 1) {
    self.bytes = bytes
    let whole = bytes.withUnsafeBufferPointer { $0 }
    input = range.map { UnsafeBufferPointer(rebasing: whole[$0]) } ?? whole
    self.firstLine = firstLine
    parser = .allocate(capacity: 1)
    parser.initialize(to: yaml_parser_t())
    current = .allocate(capacity: 1)
    current.initialize(to: yaml_event_t())
    yaml_parser_initialize(parser)
    yaml_parser_set_input_string(parser, input.baseAddress ?? Self.empty, input.count)
  }

  deinit {
    // A deleted or never-read event is all zeros, which frees nothing.
    yaml_event_delete(current)
    yaml_parser_delete(parser)
    current.deallocate()
    parser.deallocate()
  }

  /// The next event, or a failure with the position libyaml gives for it.
  func next() throws(Failure) -> Event {
    try advance()
    return event
  }

  /// Reads the next event in place, where `kind`, `position`, `hasAnchor` and `scalar`
  /// look at it without building an `Event`.
  func advance() throws(Failure) {
    yaml_event_delete(current)
    guard yaml_parser_parse(parser, current) == 1 else { throw failure() }
  }

  var kind: Kind {
    switch current.pointee.type {
    case YAML_STREAM_START_EVENT: return .streamStart
    case YAML_DOCUMENT_START_EVENT: return .documentStart
    case YAML_DOCUMENT_END_EVENT: return .documentEnd
    case YAML_ALIAS_EVENT: return .alias
    case YAML_SCALAR_EVENT: return .scalar
    case YAML_SEQUENCE_START_EVENT: return .sequenceStart
    case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
    case YAML_MAPPING_START_EVENT: return .mappingStart
    case YAML_MAPPING_END_EVENT: return .mappingEnd
    default: return .streamEnd
    }
  }

  /// Where the current event starts.
  var position: SourcePosition {
    SourcePosition(
      line: Int(current.pointee.start_mark.line) + firstLine,
      column: Int(current.pointee.start_mark.column) + 1)
  }

  /// Whether the current document start or end is implied rather than written (`---`,
  /// `...`).
  var isImplicitDocumentBoundary: Bool {
    switch current.pointee.type {
    case YAML_DOCUMENT_START_EVENT: return current.pointee.data.document_start.implicit != 0
    case YAML_DOCUMENT_END_EVENT: return current.pointee.data.document_end.implicit != 0
    default: return false
    }
  }

  /// Whether the current document start names tags of the document's own (`%TAG`).
  var declaresTags: Bool {
    let directives = current.pointee.data.document_start.tag_directives
    return current.pointee.type == YAML_DOCUMENT_START_EVENT
      && directives.start != directives.end
  }

  /// Whether the current scalar, list or mapping names an anchor.
  var hasAnchor: Bool {
    switch current.pointee.type {
    case YAML_SCALAR_EVENT: return current.pointee.data.scalar.anchor != nil
    case YAML_SEQUENCE_START_EVENT: return current.pointee.data.sequence_start.anchor != nil
    case YAML_MAPPING_START_EVENT: return current.pointee.data.mapping_start.anchor != nil
    default: return false
    }
  }

  /// The current event, which must be a scalar, as a `YAMLScalar`.
  var scalar: YAMLScalar {
    let data = current.pointee.data.scalar
    let text = String(
      decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
    let style: YAMLScalar.Style
    switch data.style {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
    case YAML_LITERAL_SCALAR_STYLE: style = .literal
    case YAML_FOLDED_SCALAR_STYLE: style = .folded
    default: style = .plain
    }
    var tag = data.tag.map { Self.text($0) }
    if tag == "!" { tag = "tag:yaml.org,2002:str" }
    return YAMLScalar(text: text, style: style, tag: tag)
  }

  /// The current event as an `Event`.
  var event: Event {
    let position = self.position
    switch kind {
    case .streamStart: return .streamStart
    case .streamEnd: return .streamEnd
    case .documentStart: return .documentStart(position)
    case .documentEnd: return .documentEnd
    case .alias: return .alias(Self.text(current.pointee.data.alias.anchor), position)
    case .scalar:
      return .scalar(
        scalar, anchor: current.pointee.data.scalar.anchor.map { Self.text($0) }, position)
    case .sequenceStart:
      return .sequenceStart(
        anchor: current.pointee.data.sequence_start.anchor.map { Self.text($0) }, position)
    case .sequenceEnd: return .sequenceEnd
    case .mappingStart:
      return .mappingStart(
        anchor: current.pointee.data.mapping_start.anchor.map { Self.text($0) }, position)
    case .mappingEnd: return .mappingEnd
    }
  }

  private static func text(_ pointer: UnsafeMutablePointer<UInt8>) -> String {
    String(cString: pointer)
  }

  private func failure() -> Failure {
    let problem = parser.pointee.problem.map { String(cString: $0) } ?? "invalid YAML"
    if parser.pointee.error == YAML_READER_ERROR {
      // The reader reports a byte offset rather than a line and column.
      let message =
        problem == "control characters are not allowed" && parser.pointee.problem_value == 0
        ? "NUL byte is not allowed" : problem
      return Failure(position: position(ofByte: parser.pointee.problem_offset), message: message)
    }
    let mark = parser.pointee.problem_mark
    var message = problem
    if let context = parser.pointee.context.map({ String(cString: $0) }) {
      message += " " + context
      let contextMark = parser.pointee.context_mark
      message += " at line \(Int(contextMark.line) + firstLine), column \(contextMark.column + 1)"
    }
    return Failure(
      position: SourcePosition(line: Int(mark.line) + firstLine, column: Int(mark.column) + 1),
      message: message)
  }

  /// Line and column (in characters) of a byte offset in the input.
  private func position(ofByte offset: Int) -> SourcePosition {
    var line = firstLine
    var column = 1
    for byte in input.prefix(min(offset, input.count)) {
      if byte == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return SourcePosition(line: line, column: column)
  }
}
