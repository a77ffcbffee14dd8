/// What a stage that succeeded leaves in the cache: its key, the parts the key was made
/// of (so that a later run can say which one changed), the stamps of the inputs it read
/// and the digests of the outputs it wrote. A torn record is not JSON and is refused; a
/// hit needs the record's parts to be the stage's own (`StageCache`), so a record whose
/// key is not the digest of its parts never skips a stage.
public struct CacheRecord: Sendable {
  /// 2: a package's part holds its catalogue entry's digest rather than its place. A
  /// record of another format is not read (`isOtherFormat`): its stage runs once more.
  public static let formatVersion: Int64 = 2

  public var key: String
  public var stage: String
  /// The workflow file the stage came from.
  public var workflow: String
  /// The parts of the key, in `StageCacheKey.partNames` order.
  public var parts: JSONObject
  /// The stamps the inputs had when their digests were taken.
  public var inputStamps: [String: FileStamp]
  /// Each declared output as it was when the stage ended.
  public var outputs: [(path: String, content: FileDigests.Content)]
  /// How long the stage ran, in seconds.
  public var seconds: Double

  public var document: JSONValue {
    var stamps = JSONObject()
    for path in inputStamps.keys.sorted() { stamps[path] = inputStamps[path]!.document }
    var written = JSONObject()
    for (path, content) in outputs {
      var entry = JSONObject([("digest", .string(content.digest))])
      if let stamp = content.stamp { entry["stamp"] = stamp.document }
      written[path] = .object(entry)
    }
    return .object(
      JSONObject([
        ("flow_cache", .integer(Self.formatVersion)), ("key", .string(key)),
        ("stage", .string(stage)), ("workflow", .string(workflow)), ("status", .integer(0)),
        ("seconds", .number(seconds)), ("parts", .object(parts)),
        ("input_stamps", .object(stamps)), ("outputs", .object(written)),
      ]))
  }

  public init(
    key: String, stage: String, workflow: String, parts: JSONObject,
    inputStamps: [String: FileStamp], outputs: [(path: String, content: FileDigests.Content)],
    seconds: Double
  ) {
    self.key = key
    self.stage = stage
    self.workflow = workflow
    self.parts = parts
    self.inputStamps = inputStamps
    self.outputs = outputs
    self.seconds = seconds
  }

  /// Reads a record; says what is wrong with one that cannot be believed.
  public static func read(_ bytes: [UInt8]) -> Result<CacheRecord, Problem> {
    let value: JSONValue
    do throws(JSONSyntaxError) {
      value = try JSONCodec.decode(bytes)
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
      let parts = value["parts"]?.objectValue, let stamps = value["input_stamps"]?.objectValue,
      let written = value["outputs"]?.objectValue
    else { return .failure(Problem("a field is missing or of the wrong kind")) }
    var inputStamps: [String: FileStamp] = [:]
    for (path, stamp) in stamps {
      inputStamps[path] = FileStamp(document: stamp)
    }
    var outputs: [(path: String, content: FileDigests.Content)] = []
    for (path, entry) in written {
      guard let digest = entry["digest"]?.stringValue else {
        return .failure(Problem("output '\(path)' has no digest"))
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
      outputs.append((path, content))
    }
    return .success(
      CacheRecord(
        key: key, stage: stage, workflow: workflow, parts: parts, inputStamps: inputStamps,
        outputs: outputs, seconds: value["seconds"]?.doubleValue ?? 0))
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
