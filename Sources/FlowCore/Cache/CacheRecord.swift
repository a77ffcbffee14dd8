/// What a stage that succeeded leaves in the cache: its key, the parts the key was made
/// of (so that a later run can say which one changed), the inputs it read with their
/// stamps and the digests of the outputs it wrote. A torn record is refused; a hit needs
/// the record's parts to be the stage's own (`StageCache`), so a record whose key is not
/// the digest of its parts never skips a stage.
///
/// A record is two lines of JSON: the first holds all but the parts, with the length of
/// the second, which holds the parts exactly as they were hashed. A run compares the
/// second line's bytes with its own and parses them only to say why a stage reruns: most
/// of a record is its parts, and a run that skips every stage reads every stage's record.
public struct CacheRecord: Sendable {
  /// 2: a package's part holds its catalogue entry's digest rather than its place, and
  /// the parts are a line of their own. A record of another format is not read
  /// (`isOtherFormat`): its stage runs once more.
  public static let formatVersion: Int64 = 2

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
    let head: JSONValue = .object(
      JSONObject([
        ("flow_cache", .integer(Self.formatVersion)), ("key", .string(key)),
        ("stage", .string(stage)), ("workflow", .string(workflow)), ("status", .integer(0)),
        ("seconds", .number(seconds)), ("inputs", Self.document(inputs)),
        ("outputs", Self.document(outputs)), ("parts_length", .integer(Int64(partsText.count))),
      ]))
    var line = JSONCodec.encode(head)
    while line.last == 10 { line.removeLast() }
    return line + [10] + partsText + [10]
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
    let end = bytes.firstIndex(of: 10) ?? bytes.endIndex
    let value: JSONValue
    do throws(JSONSyntaxError) {
      value = try JSONCodec.decode(Array(bytes[..<end]))
    } catch {
      return .failure(Problem("not JSON (\(error.message)): a torn or foreign file"))
    }
    guard let format = value["flow_cache"]?.integerValue else {
      return .failure(Problem("not a flow cache record"))
    }
    guard format == formatVersion else {
      return .failure(
        Problem("a record of format \(format), not \(formatVersion)", isOtherFormat: true))
    }
    guard let key = value["key"]?.stringValue, let stage = value["stage"]?.stringValue,
      let workflow = value["workflow"]?.stringValue, value["status"]?.integerValue == 0,
      let read = value["inputs"]?.objectValue, let written = value["outputs"]?.objectValue,
      let length = value["parts_length"]?.integerValue
    else { return .failure(Problem("a field is missing or of the wrong kind")) }
    // The parts and one newline, no more and no less: a record cut short is refused.
    guard length >= 0, bytes.count - end == Int(length) + 2, bytes.last == 10 else {
      return .failure(Problem("its parts are not the \(length) bytes it says: a torn file"))
    }
    let inputs: [(path: String, content: FileDigests.Content)]
    let outputs: [(path: String, content: FileDigests.Content)]
    switch (contents(read), contents(written)) {
    case (.success(let a), .success(let b)): (inputs, outputs) = (a, b)
    case (.failure(let problem), _), (_, .failure(let problem)): return .failure(problem)
    }
    return .success(
      CacheRecord(
        key: key, stage: stage, workflow: workflow,
        partsText: Array(bytes[(end + 1)..<(bytes.count - 1)]), inputs: inputs,
        outputs: outputs, seconds: value["seconds"]?.doubleValue ?? 0))
  }

  /// `{PATH: {"digest": …, "stamp": [...]}}`, a file's stamp beside its digest.
  private static func document(_ files: [(path: String, content: FileDigests.Content)])
    -> JSONValue
  {
    var object = JSONObject()
    for (path, content) in files {
      var entry = JSONObject([("digest", .string(content.digest))])
      if let stamp = content.stamp { entry["stamp"] = stamp.document }
      object[path] = .object(entry)
    }
    return .object(object)
  }

  private static func contents(_ object: JSONObject) -> Result<
    [(path: String, content: FileDigests.Content)], Problem
  > {
    var files: [(path: String, content: FileDigests.Content)] = []
    for (path, entry) in object {
      guard let digest = entry["digest"]?.stringValue else {
        return .failure(Problem("'\(path)' has no digest"))
      }
      let content: FileDigests.Content =
        switch digest {
        case "missing": .missing
        case "folder": .folder
        case "unreadable": .unreadable
        default:
          FileStamp(document: entry["stamp"]).map { .file(stamp: $0, digest: digest) }
            ?? .unreadable
        }
      files.append((path, content))
    }
    return .success(files)
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
