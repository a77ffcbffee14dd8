import Glibc

/// What a stage that succeeded leaves in the cache: its key, the parts the key was made
/// of (so that a later run can say which one changed), the inputs it read with their
/// stamps and the digests of the outputs it wrote. A torn record is refused; a hit needs
/// the record's parts to be the stage's own (`StageCache`), so a record whose key is not
/// the digest of its parts never skips a stage.
///
/// A record is lines of text fields separated by tabs, then its parts as one line of JSON
/// exactly as they were hashed, after a line that gives its length:
///
///     flow-cache 4
///     key KEY
///     stage NAME
///     workflow PATH
///     seconds SECONDS
///     input DIGEST PATH DEVICE INODE SIZE SECONDS NANOSECONDS   (one per input)
///     output DIGEST PATH DEVICE INODE SIZE SECONDS NANOSECONDS  (one per output)
///     parts LENGTH
///     {"name":…}
///
/// A file's stamp is left out when it has none (a digest of `missing`, `folder` or
/// `unreadable`). A name or path has its backslashes, tabs and newlines written `\\`,
/// `\t` and `\n`. A run that skips every stage reads every stage's record, so reading
/// one parses no JSON: the parts' bytes are compared with the stage's own and parsed only
/// to say why a stage reruns.
public struct CacheRecord: Sendable {
  /// 4: records are frames of one log per user (`CacheLog`), not a file each (3: the
  /// head is lines of text, not JSON; 2: a package's part holds its catalogue entry's
  /// digest rather than its place, and the parts are a line of their own). A record of
  /// another format is not read (`isOtherFormat`): its stage runs once more.
  public static let formatVersion: Int64 = 4

  public var key: String
  public var stage: String
  /// The workflow file the stage came from.
  public var workflow: String
  /// The parts of the key, in `StageCacheKey.partNames` order, as `StageCacheKey.text`
  /// writes them.
  public var partsText: [UInt8]
  /// Each declared input as it was when its digest was taken.
  public var inputs: [(path: String, content: FileDigests.Content)]
  /// Each declared output as it was when the stage ended.
  public var outputs: [(path: String, content: FileDigests.Content)]
  /// How long the stage ran, in seconds.
  public var seconds: Double

  /// The parts of the key; nil when they are not a JSON object (a record edited by hand).
  public var parts: JSONObject? {
    try? JSONCodec.decode(partsText).objectValue
  }

  /// The record as its file holds it.
  public var bytes: [UInt8] {
    var text: [UInt8] = []
    text.reserveCapacity(partsText.count + 512)
    func line(_ fields: [String]) {
      for (index, field) in fields.enumerated() {
        if index > 0 { text.append(Self.tab) }
        Self.appendEscaped(field, to: &text)
      }
      text.append(Self.newline)
    }
    line(["flow-cache", String(Self.formatVersion)])
    line(["key", key])
    line(["stage", stage])
    line(["workflow", workflow])
    line(["seconds", String(seconds)])
    for (kind, files) in [("input", inputs), ("output", outputs)] {
      for (path, content) in files {
        var fields = [kind, content.digest, path]
        if let stamp = content.stamp {
          fields += [Int64(bitPattern: stamp.device), Int64(bitPattern: stamp.inode), stamp.size]
            .map { String($0) }
          fields += [String(stamp.modifiedSeconds), String(stamp.modifiedNanoseconds)]
        }
        line(fields)
      }
    }
    line(["parts", String(partsText.count)])
    return text + partsText + [Self.newline]
  }

  public init(
    key: String, stage: String, workflow: String, partsText: [UInt8],
    inputs: [(path: String, content: FileDigests.Content)],
    outputs: [(path: String, content: FileDigests.Content)], seconds: Double
  ) {
    self.key = key
    self.stage = stage
    self.workflow = workflow
    self.partsText = partsText
    self.inputs = inputs
    self.outputs = outputs
    self.seconds = seconds
  }

  /// Reads a record; says what is wrong with one that cannot be believed.
  public static func read(_ bytes: [UInt8]) -> Result<CacheRecord, Problem> {
    bytes.withUnsafeBufferPointer { read(in: $0) }
  }

  /// The key, stage and workflow of a record, read from its first lines alone (a log
  /// is indexed by them when read; a record is read whole only when looked up).
  static func head(of bytes: UnsafeBufferPointer<UInt8>) -> Result<
    (key: String, stage: String, workflow: String), Problem
  > {
    var reader = LineReader(bytes: bytes)
    if case .failure(let problem) = reader.format() { return .failure(problem) }
    var values: [String] = []
    for name in ["key", "stage", "workflow"] {
      guard let fields = reader.fields(), fields.count == 2, reader.text(fields[0]) == name else {
        return .failure(Problem("its '\(name)' line is not where a record has it"))
      }
      values.append(reader.text(fields[1]))
    }
    return .success((values[0], values[1], values[2]))
  }

  static func read(in bytes: UnsafeBufferPointer<UInt8>) -> Result<CacheRecord, Problem> {
    var reader = LineReader(bytes: bytes)
    if case .failure(let problem) = reader.format() { return .failure(problem) }
    var key: String?
    var stage: String?
    var workflow: String?
    var seconds: Double?
    var inputs: [(path: String, content: FileDigests.Content)] = []
    var outputs: [(path: String, content: FileDigests.Content)] = []
    while let fields = reader.fields() {
      // The line's name compared as bytes: a string is made of it only for a message.
      let name = reader.name(fields[0])
      switch name {
      case "key", "stage", "workflow", "seconds":
        guard fields.count == 2 else { return .failure(Problem("'\(name)' is not one field")) }
        let value = reader.text(fields[1])
        switch name {
        case "key": key = value
        case "stage": stage = value
        case "workflow": workflow = value
        default: seconds = Double(value)
        }
      case "input", "output":
        guard let file = reader.file(fields) else {
          return .failure(Problem("an \(name) is not a digest, a path and a stamp"))
        }
        if name == "input" { inputs.append(file) } else { outputs.append(file) }
      case "parts":
        guard fields.count == 2, let length = reader.integer(fields[1]), length >= 0 else {
          return .failure(Problem("'parts' is not a length"))
        }
        // The parts and one newline, no more and no less: a record cut short is refused.
        let start = reader.offset
        guard bytes.count - start == Int(length) + 1, bytes.last == Self.newline else {
          return .failure(Problem("its parts are not the \(length) bytes it says: a torn file"))
        }
        guard let key, let stage, let workflow else {
          return .failure(Problem("a field is missing"))
        }
        return .success(
          CacheRecord(
            key: key, stage: stage, workflow: workflow,
            partsText: Array(bytes[start..<(bytes.count - 1)]), inputs: inputs,
            outputs: outputs, seconds: seconds ?? 0))
      default:
        return .failure(Problem("an unknown line '\(reader.text(fields[0]))'"))
      }
    }
    return .failure(Problem("it has no parts: a torn file"))
  }

  private static let tab = UInt8(ascii: "\t")
  private static let newline = UInt8(ascii: "\n")
  private static let backslash = UInt8(ascii: "\\")

  /// A field as a record holds it: backslashes, tabs and newlines escaped.
  private static func appendEscaped(_ field: String, to text: inout [UInt8]) {
    for byte in field.utf8 {
      switch byte {
      case backslash: text += [backslash, backslash]
      case tab: text += [backslash, UInt8(ascii: "t")]
      case newline: text += [backslash, UInt8(ascii: "n")]
      default: text.append(byte)
      }
    }
  }

  /// The lines of a record's head, each split at its tabs.
  private struct LineReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where the next line begins.
    var offset = 0

    /// Reads the first line, which names the record's format.
    mutating func format() -> Result<Void, Problem> {
      guard let first = fields(), first.first.map({ text($0) }) == "flow-cache" else {
        // Format 1 and 2 were JSON, whose first field was the format.
        if bytes.starts(with: Array(#"{"flow_cache":"#.utf8)) {
          return .failure(Problem("a record of an earlier format", isOtherFormat: true))
        }
        return .failure(Problem("not a flow cache record: a torn or foreign file"))
      }
      guard first.count == 2, let format = integer(first[1]) else {
        return .failure(Problem("its format is not a number"))
      }
      guard format == CacheRecord.formatVersion else {
        return .failure(
          Problem(
            "a record of format \(format), not \(CacheRecord.formatVersion)", isOtherFormat: true))
      }
      return .success(())
    }

    /// The fields of the line read last, kept between lines: a record is read for every
    /// cached stage of every run, and an array made per line showed.
    private var lineFields: [Range<Int>] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
      self.bytes = bytes
      lineFields.reserveCapacity(8)
    }

    /// The names of a record's lines, which `name(_:)` tells apart without making strings.
    private static let names = ["key", "stage", "workflow", "seconds", "input", "output", "parts"]
      .map { (text: $0, bytes: Array($0.utf8)) }

    /// A line's name when it is one of `names`, else "".
    func name(_ field: Range<Int>) -> String {
      let raw = UnsafeBufferPointer(rebasing: bytes[field])
      return Self.names.first { raw.elementsEqual($0.bytes) }?.text ?? ""
    }

    /// The next line's fields as ranges of `bytes`; nil at the end or when the last line
    /// has no newline (a torn file).
    mutating func fields() -> [Range<Int>]? {
      guard offset < bytes.count,
        let end = bytes.firstIndex(of: CacheRecord.newline, in: offset..<bytes.count)
      else { return nil }
      lineFields.removeAll(keepingCapacity: true)
      var start = offset
      for index in offset..<end where bytes[index] == CacheRecord.tab {
        lineFields.append(start..<index)
        start = index + 1
      }
      lineFields.append(start..<end)
      offset = end + 1
      return lineFields
    }

    func text(_ field: Range<Int>) -> String {
      let raw = UnsafeBufferPointer(rebasing: bytes[field])
      guard raw.contains(CacheRecord.backslash) else {
        return String(decoding: raw, as: UTF8.self)
      }
      var plain: [UInt8] = []
      var escaped = false
      for byte in raw {
        if escaped {
          plain.append(
            byte == UInt8(ascii: "t")
              ? CacheRecord.tab : byte == UInt8(ascii: "n") ? CacheRecord.newline : byte)
          escaped = false
        } else if byte == CacheRecord.backslash {
          escaped = true
        } else {
          plain.append(byte)
        }
      }
      return String(decoding: plain, as: UTF8.self)
    }

    /// A decimal integer, with an optional minus sign; nil for anything else.
    func integer(_ field: Range<Int>) -> Int64? {
      var index = field.lowerBound
      let negative = index < field.upperBound && bytes[index] == UInt8(ascii: "-")
      if negative { index += 1 }
      guard index < field.upperBound else { return nil }
      // Read as a magnitude: Int64.min (a device or inode of 2^63 as records write it)
      // has no positive counterpart.
      var magnitude: UInt64 = 0
      while index < field.upperBound {
        let digit = bytes[index] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        let (tens, overflow) = magnitude.multipliedReportingOverflow(by: 10)
        guard !overflow, tens <= UInt64.max - UInt64(digit) else { return nil }
        magnitude = tens + UInt64(digit)
        index += 1
      }
      guard magnitude <= (negative ? Int64.min.magnitude : UInt64(Int64.max)) else { return nil }
      return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    /// `KIND DIGEST PATH`, then the five numbers of its stamp when it is a file.
    func file(_ fields: [Range<Int>]) -> (path: String, content: FileDigests.Content)? {
      guard fields.count == 3 || fields.count == 8 else { return nil }
      let digest = text(fields[1])
      let path = text(fields[2])
      switch digest {
      case "missing": return (path, .missing)
      case "folder": return (path, .folder)
      case "unreadable": return (path, .unreadable)
      default:
        guard fields.count == 8, let device = integer(fields[3]), let inode = integer(fields[4]),
          let size = integer(fields[5]), let seconds = integer(fields[6]),
          let nanoseconds = integer(fields[7])
        else { return nil }
        let stamp = FileStamp(
          device: UInt64(bitPattern: device), inode: UInt64(bitPattern: inode), size: size,
          modifiedSeconds: seconds, modifiedNanoseconds: nanoseconds)
        return (path, .file(stamp: stamp, digest: digest))
      }
    }
  }

  public struct Problem: Error, Sendable {
    public var reason: String
    /// A whole record of another flow's format, not a damaged one: nothing to warn about.
    public var isOtherFormat = false
    init(_ reason: String, isOtherFormat: Bool = false) {
      self.reason = reason
      self.isOtherFormat = isOtherFormat
    }
  }
}
