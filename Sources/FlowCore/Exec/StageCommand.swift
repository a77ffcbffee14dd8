/// What a stage runs, as an argv array, from its operator type, as fasthep-flow runs it.
///
/// A `BashOperator` runs `bash_command` as a program with `kwargs.arguments` as its
/// arguments: `bash -c -- 'CMD "$@"' bash ARG…`, so each argument reaches the program as
/// one word, never joined into the command text (after `--`, a command starting with `-`
/// or `+` is the command, not bash options). Without `arguments` the command is run as
/// it is written, so `echo "Hello World!"` works as fasthep-flow's documentation shows.
///
/// A `PythonOperator` runs `python_callable` through the fixed bootstrap, which reads the
/// call from `FLOW_PYTHON_CALL`: a dotted name is imported (`pkg.mod.run`), a bare name
/// is a Python builtin (`print`). Its positional arguments are the stage's `args`, then
/// `kwargs.arguments` (fasthep-flow's spelling), then `kwargs.op_args` (Airflow's); its
/// keyword arguments are the other `kwargs`, with `kwargs.op_kwargs` spread among them.
public struct StageCommand: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case bash = "BashOperator"
    case python = "PythonOperator"

    /// The operator a type names: the part after the last `.` or `::`
    /// (`fasthep_flow.operators.BashOperator`, `airflow::BashOperator`), with
    /// fasthep-flow's `LocalBashOperator` and `LocalPythonOperator` the same operators.
    public init?(type: String) {
      // The plain names first: looking for separators character by character cost more
      // than the rest of preparing a stage.
      if let plain = Kind(rawValue: type) {
        self = plain
        return
      }
      var name = Substring(type)
      if let colon = name.lastIndex(of: ":") { name = name[name.index(after: colon)...] }
      if let dot = name.lastIndex(of: ".") { name = name[name.index(after: dot)...] }
      if name.hasPrefix("Local") { name = name.dropFirst("Local".count) }
      self.init(rawValue: String(name))
    }
  }

  public var kind: Kind
  public var argv: [String]
  /// Variables the command itself needs (the Python call), set after everything else.
  public var environment: [(name: String, value: String)]

  public static func == (left: StageCommand, right: StageCommand) -> Bool {
    left.kind == right.kind && left.argv == right.argv
      && left.environment.map(\.name) == right.environment.map(\.name)
      && left.environment.map(\.value) == right.environment.map(\.value)
  }

  /// The variable the Python bootstrap reads the call from.
  public static let pythonCallVariable = "FLOW_PYTHON_CALL"

  /// `place` says where the stage is written, for messages (`Workflow.place(of:)`): asked
  /// only for a message, as finding it costs more than the rest for a stage that is fine.
  public init(stage: Stage, place placeOfStage: @autoclosure () -> String? = nil)
    throws(ExecError)
  {
    guard let type = stage.type, let kind = Kind(type: type) else {
      throw .unknownStageType(stage: stage.name, type: stage.type, place: placeOfStage())
    }
    self.kind = kind
    switch kind {
    case .bash:
      guard let command = stage.kwargs["bash_command"]?.stringValue else {
        throw .missingKeyword(stage: stage.name, keyword: "bash_command", place: placeOfStage())
      }
      if let given = stage.kwargs["arguments"] {
        let arguments = try Self.words(
          given, keyword: "arguments", stage: stage, place: placeOfStage())
        argv = ["bash", "-c", "--", command + #" "$@""#, "bash"] + arguments
      } else {
        argv = ["bash", "-c", "--", command]
      }
      environment = []
    case .python:
      guard let callable = stage.kwargs["python_callable"]?.stringValue else {
        throw .missingKeyword(
          stage: stage.name, keyword: "python_callable", place: placeOfStage())
      }
      guard Self.isDottedName(callable) else {
        throw .invalidCallable(stage: stage.name, callable: callable)
      }
      var positional = stage.args
      var keywords = stage.kwargs
      keywords["python_callable"] = nil
      for name in ["arguments", "op_args"] {
        guard let value = keywords[name] else { continue }
        guard let items = value.arrayValue else {
          throw .badKeyword(
            stage: stage.name, keyword: name, expected: "a list", place: placeOfStage())
        }
        positional += items
        keywords[name] = nil
      }
      if let value = keywords["op_kwargs"] {
        guard let extra = value.objectValue else {
          throw .badKeyword(
            stage: stage.name, keyword: "op_kwargs", expected: "a mapping",
            place: placeOfStage())
        }
        keywords["op_kwargs"] = nil
        for (name, item) in extra { keywords[name] = item }
      }
      let call = JSONValue.object(
        JSONObject([
          ("callable", .string(callable)), ("args", .array(positional)),
          ("kwargs", .object(keywords)),
        ]))
      argv = ["python3", "-c", PythonBootstrap.source]
      environment = [
        (Self.pythonCallVariable, String(decoding: JSONCodec.encode(call), as: UTF8.self))
      ]
    }
  }

  /// A list of strings or whole numbers as argv words; numbers as fasthep-flow passes
  /// them (Python's `str`).
  static func words(
    _ value: JSONValue, keyword: String, stage: Stage, place: @autoclosure () -> String?
  )
    throws(ExecError)
    -> [String]
  {
    let expected = "a list of strings"
    guard let items = value.arrayValue else {
      throw .badKeyword(
        stage: stage.name, keyword: keyword, expected: expected, place: place())
    }
    var words: [String] = []
    for item in items {
      switch item {
      case .string(let text) where !text.utf8.contains(0): words.append(text)
      case .integer(let number): words.append(String(number))
      default:
        throw .badKeyword(
          stage: stage.name, keyword: keyword, expected: expected, place: place())
      }
    }
    return words
  }

  /// `print` or `pkg.mod.run`: Python identifiers joined by dots.
  static func isDottedName(_ text: String) -> Bool {
    text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
      guard let first = part.unicodeScalars.first, !("0"..."9").contains(first) else {
        return false
      }
      return part.unicodeScalars.allSatisfy {
        $0 == "_" || ("0"..."9").contains($0) || $0.properties.isAlphabetic
      }
    }
  }
}

extension Workflow {
  /// What flow-exec refuses in a workflow before it starts anything, told at the stage:
  /// a stage it cannot run (`StageCommand`), and two stages whose names would share a log
  /// and container name. `flow-parse --check` makes the same checks.
  public func commandProblems(file: String) -> [Diagnostic] {
    var problems: [Diagnostic] = stages.compactMap { stage in
      do throws(ExecError) {
        _ = try StageCommand(stage: stage)
        return nil
      } catch {
        return Diagnostic(file: file, position: stage.position, message: error.message)
      }
    }
    if let clash = safeNameClash(), case .refused(let name, _) = clash {
      let position = stages.last { $0.name == name }?.position
      problems.append(Diagnostic(file: file, position: position, message: clash.message))
    }
    return problems
  }

  /// The refusal of the first two stages whose names make one log and container name
  /// (`SafeName`), which only a name made for it can do.
  public func safeNameClash() -> ExecError? {
    guard let (first, second) = SafeName.clashes(stages.map(\.name)) else { return nil }
    return .refused(
      stage: second,
      reason: "its log and container name \(SafeName.of(second)) are those of stage '\(first)';"
        + " rename one of them")
  }
}
