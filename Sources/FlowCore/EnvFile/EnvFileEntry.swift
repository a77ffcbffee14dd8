/// One definition read from a `.env` file.
public struct EnvFileEntry: Hashable, Sendable {
  /// How the value was written, which decides whether it is expanded.
  public enum Quoting: String, Hashable, Sendable {
    case none, single, double
  }

  public var key: String
  /// The value as written, escapes processed and nothing expanded; `nil` for a bare
  /// `KEY` line, which inherits from the base environment (or is `None` in python).
  public var value: String?
  /// The text to expand when expansion is on, `nil` when the value is taken literally
  /// (quoted so, or holding no `$`, which expansion would give back unchanged). It
  /// differs from `value` only where an escape protects a `$` (`\$` becomes `$$`).
  public var template: String? {
    get { expands ? (distinctTemplate ?? value) : nil }
    set {
      expands = newValue != nil
      distinctTemplate = newValue == value ? nil : newValue
    }
  }
  /// Stored apart from `value` only when it differs, which is rare.
  private var distinctTemplate: String?
  private var expands: Bool
  public var quoting: Quoting
  public var isExported: Bool
  public var file: String
  public var position: SourcePosition

  public init(
    key: String, value: String?, template: String?, quoting: Quoting = .none,
    isExported: Bool = false, file: String, position: SourcePosition
  ) {
    self.key = key
    self.value = value
    expands = template != nil
    distinctTemplate = template == value ? nil : template
    self.quoting = quoting
    self.isExported = isExported
    self.file = file
    self.position = position
  }

  public var location: EnvFileLocation { .file(file, position) }
}

/// What parsing one file gave: its definitions in order, and the statements it refused.
/// The definitions are kept as byte ranges of the file; `entries` makes their strings.
public struct EnvFileParseResult: Sendable {
  /// The records in order, in runs each with the bytes it points into: one run, or one
  /// for each part of a file read in parts at once. None when nothing was parsed.
  var segments: [EnvFileSegment] = []
  public var errors: [EnvFileError] = []

  public init(errors: [EnvFileError] = []) {
    self.errors = errors
  }

  init(segments: [EnvFileSegment], errors: [EnvFileError]) {
    self.segments = segments
    self.errors = errors
  }

  /// Entries that all come from one file, as records: for a merge of entries made
  /// elsewhere.
  init(entries: ArraySlice<EnvFileEntry>) {
    var writer = EnvFileRecordWriter(text: UnsafeBufferPointer(start: nil, count: 0))
    writer.reserveCapacity(entries.count)
    for entry in entries {
      let key = writer.keep(entry.key.utf8)
      let value = entry.value.map { writer.keep($0.utf8) }
      let template =
        entry.template == nil || entry.template == entry.value
        ? nil : writer.keep(entry.template!.utf8)
      writer.add(
        EnvFileRecord(
          key: key, value: value, template: template, expands: entry.template != nil,
          quoting: entry.quoting, isExported: entry.isExported, position: entry.position))
    }
    let storage = EnvFileStorage(
      file: entries.first?.file ?? "", text: [], decoded: writer.decoded)
    segments = [EnvFileSegment(storage: storage, records: writer.records, end: 0)]
  }

  /// The definitions in order, each with its strings.
  public var entries: [EnvFileEntry] {
    segments.flatMap { segment in segment.records.map(segment.storage.entry) }
  }
}
