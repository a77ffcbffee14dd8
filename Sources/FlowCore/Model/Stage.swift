/// One unit of work in a workflow.
public struct Stage: Sendable, Hashable {
  public var name: String
  /// The operator, e.g. `fasthep_flow.operators.BashOperator`.
  public var type: String?
  public var args: [JSONValue]
  public var kwargs: JSONObject
  /// Names of the stages this one waits for.
  public var needs: [String]
  public var environment: Environment
  /// An estimate of the run time in seconds, for planning.
  public var duration: Double?
  /// A limit on the run time in seconds, enforced by the runners.
  public var timeout: Double?
  /// How often the stage is tried and after which failures (its own `retry`, else the
  /// global one); nil: once.
  public var retry: RetryPolicy?
  /// Where the stage is written in the workflow file.
  public var position: SourcePosition?
  /// Files the stage reads, as paths or globs relative to the workflow folder: their
  /// contents are part of the stage's cache key (`StageCacheKey`).
  public var inputs: [String] = []
  /// Files the stage writes, as paths or globs relative to the workflow folder: a cached
  /// stage is skipped only while they hold what it wrote.
  public var outputs: [String] = []
  /// Fields other tools added to the document and `x-` keys, kept in order so that every
  /// tool passes them on.
  public var annotations: JSONObject
  /// What flow-resolve chose for the requirements; nil until then.
  public var resolution: StageResolution?
  /// Where flow-sched placed the stage; nil until then.
  public var plan: StagePlan?

  public init(
    name: String, type: String? = nil, args: [JSONValue] = [], kwargs: JSONObject = JSONObject(),
    needs: [String] = [], environment: Environment = Environment(), duration: Double? = nil,
    timeout: Double? = nil, position: SourcePosition? = nil, annotations: JSONObject = JSONObject()
  ) {
    self.name = name
    self.type = type
    self.args = args
    self.kwargs = kwargs
    self.needs = needs
    self.environment = environment
    self.duration = duration
    self.timeout = timeout
    self.position = position
    self.annotations = annotations
  }
}

extension Stage {
  /// The name fasthep-flow gives the task: each ASCII space or punctuation character
  /// (Python's `string.whitespace` and `string.punctuation`) becomes `_`, so
  /// `touch /tmp/date.txt` is `touch__tmp_date_txt`. Two stages with one task name are
  /// one task to fasthep-flow, so a workflow file may not have them; its `needs` may name
  /// a stage either way.
  public static func taskName(_ name: String) -> String {
    // Only ASCII bytes change, into another ASCII byte, so the result stays valid UTF-8;
    // a name with none to change (the usual `stage_001`) is returned without a copy.
    guard name.utf8.contains(where: becomesUnderscore) else { return name }
    return String(
      decoding: name.utf8.map { becomesUnderscore($0) ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
  }

  public var taskName: String { Self.taskName(name) }

  /// Whether a byte is ASCII whitespace (`\t \n \v \f \r` and space) or punctuation other
  /// than `_` itself, which stays as it is.
  private static func becomesUnderscore(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x09...0x0D, 0x20...0x2F, 0x3A...0x40, 0x5B...0x5E, 0x60, 0x7B...0x7E: return true
    default: return false
    }
  }
}
