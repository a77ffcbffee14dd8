/// Where a key or value lies in a parsed file's storage. Offsets count first through the
/// bytes the parser read, then through the bytes it decoded from quoted values, so one
/// pair of numbers says both which buffer and where. Files are refused past 1 GiB, so
/// offsets fit in 32 bits.
struct EnvSpan {
  var start: UInt32
  var count: UInt32

  init(start: Int, count: Int) {
    self.start = UInt32(truncatingIfNeeded: start)
    self.count = UInt32(truncatingIfNeeded: count)
  }

  static let empty = EnvSpan(start: 0, count: 0)

  /// The span's bytes: in the text the parser read, or past its end in the bytes it
  /// decoded, which start at `decoded`.
  @inline(__always)
  func bytes(text: UnsafeBufferPointer<UInt8>, decoded: UnsafePointer<UInt8>?) -> EnvBytes {
    bytes(in: Bases(text: text, decoded: decoded))
  }

  /// Where spans are counted from: the address a span's start is added to, the text's
  /// first byte, and for decoded bytes, which are counted after the text, the first
  /// decoded byte less the text's length. Plain addresses, so that a span costs a
  /// comparison and an addition, not two optionals unwrapped (a large file's merge reads
  /// two or three spans a line). An empty buffer's is 0, and only empty spans point there.
  struct Bases {
    let text: UInt
    let decoded: UInt
    let textCount: Int

    init(text: UnsafeBufferPointer<UInt8>, decoded: UnsafePointer<UInt8>?) {
      self.text = UInt(bitPattern: text.baseAddress)
      self.decoded = UInt(bitPattern: decoded) &- UInt(bitPattern: text.count)
      textCount = text.count
    }
  }

  @inline(__always)
  func bytes(in bases: Bases) -> EnvBytes {
    let start = Int(self.start)
    let base = start < bases.textCount ? bases.text : bases.decoded
    return EnvBytes(
      start: UnsafePointer(bitPattern: base &+ UInt(bitPattern: start)), count: Int(count))
  }
}

/// One definition of a parsed file as the parser found it: byte ranges of the file's
/// storage, no `String`s, so a file of many lines costs no allocation per line.
struct EnvFileRecord {
  var key: EnvSpan
  var value: EnvSpan
  /// What expansion reads, when it is not the value itself (a `\$` in double quotes).
  var template: EnvSpan
  var line: UInt32
  var column: UInt32
  /// `EnvKeyIndex.hash` of the key, computed by the thread that read the record.
  var keyHash: UInt32 = 0
  private var flags: UInt8

  private static let hasValueFlag: UInt8 = 1
  private static let expandsFlag: UInt8 = 2
  private static let distinctTemplateFlag: UInt8 = 4
  private static let exportedFlag: UInt8 = 8

  /// A definition; `value` nil for a bare `KEY`, `template` nil when the value is taken
  /// literally (quoted so, or holding no `$`).
  init(
    key: EnvSpan, value: EnvSpan?, template: EnvSpan? = nil, expands: Bool,
    quoting: EnvFileEntry.Quoting = .none, isExported: Bool = false, position: SourcePosition
  ) {
    self.key = key
    self.value = value ?? .empty
    self.template = template ?? .empty
    line = UInt32(truncatingIfNeeded: position.line)
    column = UInt32(truncatingIfNeeded: position.column)
    var flags: UInt8 = 0
    if value != nil { flags |= Self.hasValueFlag }
    if value != nil && expands { flags |= Self.expandsFlag }
    if template != nil { flags |= Self.distinctTemplateFlag }
    if isExported { flags |= Self.exportedFlag }
    switch quoting {
    case .none: break
    case .single: flags |= 0x10
    case .double: flags |= 0x20
    }
    self.flags = flags
  }

  var hasValue: Bool { flags & Self.hasValueFlag != 0 }
  var expands: Bool { flags & Self.expandsFlag != 0 }
  var hasDistinctTemplate: Bool { flags & Self.distinctTemplateFlag != 0 }
  var isExported: Bool { flags & Self.exportedFlag != 0 }
  var quoting: EnvFileEntry.Quoting {
    switch flags & 0x30 {
    case 0x10: return .single
    case 0x20: return .double
    default: return .none
    }
  }

  var position: SourcePosition { SourcePosition(line: Int(line), column: Int(column)) }
}

/// The bytes a file's records point into: the text the parser read and the values it
/// decoded. Both arrays are constants, so their storage stays where it is while this
/// object lives, and the merge reads keys and values in place through `EnvBytes`.
final class EnvFileStorage: @unchecked Sendable {
  let file: String
  private let text: [UInt8]
  private let decoded: [UInt8]
  private let bases: EnvSpan.Bases
  /// The bytes the parser read, and those it decoded.
  var textCount: Int { bases.textCount }
  var decodedCount: Int { decoded.count }

  init(file: String, text: [UInt8], decoded: [UInt8]) {
    self.file = file
    self.text = text
    self.decoded = decoded
    bases = text.withUnsafeBufferPointer { text in
      decoded.withUnsafeBufferPointer { EnvSpan.Bases(text: text, decoded: $0.baseAddress) }
    }
  }

  @inline(__always)
  func bytes(_ span: EnvSpan) -> EnvBytes { span.bytes(in: bases) }

  func key(of record: EnvFileRecord) -> EnvBytes { bytes(record.key) }

  func value(of record: EnvFileRecord) -> EnvBytes {
    record.hasValue ? bytes(record.value) : .none
  }

  /// The bytes expansion reads, or `.none` when the value is taken literally.
  func template(of record: EnvFileRecord) -> EnvBytes {
    guard record.expands else { return .none }
    return bytes(record.hasDistinctTemplate ? record.template : record.value)
  }

  func entry(_ record: EnvFileRecord) -> EnvFileEntry {
    EnvFileEntry(
      key: key(of: record).string, value: value(of: record).optionalString,
      template: template(of: record).optionalString, quoting: record.quoting,
      isExported: record.isExported, file: file, position: record.position)
  }
}

/// A run of a file's records, in order, and the bytes they point into. A file read in
/// parts at once is several runs, each part's decoded bytes its own.
struct EnvFileSegment {
  let storage: EnvFileStorage
  let records: [EnvFileRecord]
  /// Where in the text the reading that made the run stopped.
  var end: Int

  /// About how many records the whole file holds, judged from this run, its first.
  var expectedFileRecords: Int {
    guard end > 0 && end < storage.textCount else { return records.count }
    return Int(Double(records.count) * Double(storage.textCount) / Double(end) * 1.05) + 16
  }
}

/// Builds the records of a file and the decoded bytes they point into.
struct EnvFileRecordWriter {
  /// The bytes the parser reads: decoded bytes are counted after them.
  let text: UnsafeBufferPointer<UInt8>
  var textCount: Int { text.count }
  private(set) var records: [EnvFileRecord] = []
  var decoded: [UInt8] = []

  init(text: UnsafeBufferPointer<UInt8>) {
    self.text = text
  }

  /// Adds a record, its key hashed here: on the thread that read it, not in the merge.
  /// Inlined, as each parser's statement loop calls it once a line.
  @inline(__always)
  mutating func add(_ record: EnvFileRecord) {
    var record = record
    record.keyHash = decoded.withUnsafeBufferPointer { decoded in
      EnvKeyIndex.hash(record.key.bytes(text: text, decoded: decoded.baseAddress))
    }
    records.append(record)
  }

  mutating func reserveCapacity(_ count: Int) { records.reserveCapacity(count) }

  /// The span of text the parser read.
  func span(_ range: Range<Int>) -> EnvSpan {
    EnvSpan(start: range.lowerBound, count: range.count)
  }

  /// Keeps decoded bytes and gives their span.
  mutating func keep(_ bytes: some Sequence<UInt8>) -> EnvSpan {
    let start = decoded.count
    decoded.append(contentsOf: bytes)
    return EnvSpan(start: textCount + start, count: decoded.count - start)
  }

  mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> EnvSpan {
    let start = decoded.count
    decoded.append(contentsOf: bytes)
    return EnvSpan(start: textCount + start, count: decoded.count - start)
  }
}
