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
  /// Where the stage is written in the workflow file.
  public var position: SourcePosition?
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
    String(
      String.UnicodeScalarView(
        name.unicodeScalars.map { scalar in
          scalar.isASCII && (scalar.properties.isWhitespace || isASCIIPunctuation(scalar))
            ? "_" : scalar
        }))
  }

  public var taskName: String { Self.taskName(name) }

  private static func isASCIIPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
    default: return false
    }
  }
}
