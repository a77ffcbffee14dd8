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

  private var parser = yaml_parser_t()
  private let input: UnsafeMutableBufferPointer<UInt8>

  init(bytes: [UInt8]) {
    input = .allocate(capacity: max(bytes.count, 1))
    _ = input.initialize(from: bytes)
    yaml_parser_initialize(&parser)
    yaml_parser_set_input_string(&parser, input.baseAddress, bytes.count)
  }

  deinit {
    yaml_parser_delete(&parser)
    input.deallocate()
  }

  /// The next event, or a failure with the position libyaml gives for it.
  func next() throws(Failure) -> Event {
    var event = yaml_event_t()
    guard yaml_parser_parse(&parser, &event) == 1 else { throw failure() }
    defer { yaml_event_delete(&event) }
    let position = SourcePosition(
      line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    switch event.type {
    case YAML_STREAM_START_EVENT: return .streamStart
    case YAML_STREAM_END_EVENT: return .streamEnd
    case YAML_DOCUMENT_START_EVENT: return .documentStart(position)
    case YAML_DOCUMENT_END_EVENT: return .documentEnd
    case YAML_ALIAS_EVENT: return .alias(Self.text(event.data.alias.anchor), position)
    case YAML_SCALAR_EVENT:
      let data = event.data.scalar
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
      return .scalar(
        YAMLScalar(text: text, style: style, tag: tag), anchor: data.anchor.map { Self.text($0) },
        position)
    case YAML_SEQUENCE_START_EVENT:
      return .sequenceStart(
        anchor: event.data.sequence_start.anchor.map { Self.text($0) }, position)
    case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
    case YAML_MAPPING_START_EVENT:
      return .mappingStart(anchor: event.data.mapping_start.anchor.map { Self.text($0) }, position)
    case YAML_MAPPING_END_EVENT: return .mappingEnd
    default: return .streamEnd
    }
  }

  private static func text(_ pointer: UnsafeMutablePointer<UInt8>) -> String {
    String(cString: pointer)
  }

  private func failure() -> Failure {
    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
    if parser.error == YAML_READER_ERROR {
      // The reader reports a byte offset rather than a line and column.
      let message =
        problem == "control characters are not allowed" && parser.problem_value == 0
        ? "NUL byte is not allowed" : problem
      return Failure(position: position(ofByte: parser.problem_offset), message: message)
    }
    let mark = parser.problem_mark
    var message = problem
    if let context = parser.context.map({ String(cString: $0) }) {
      message += " " + context
      let contextMark = parser.context_mark
      message += " at line \(contextMark.line + 1), column \(contextMark.column + 1)"
    }
    return Failure(
      position: SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1),
      message: message)
  }

  /// Line and column (in characters) of a byte offset in the input.
  private func position(ofByte offset: Int) -> SourcePosition {
    var line = 1
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
