/// What a stage runs, as an argv array, from its operator type: a `BashOperator` runs its
/// `bash_command` with `bash -c --` (after `--`, a command starting with `-` or `+` is
/// the command, not bash options), a `PythonOperator` runs its `python_callable` through
/// the fixed bootstrap, which reads the call from `FLOW_PYTHON_CALL`.
public struct StageCommand: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case bash = "BashOperator"
    case python = "PythonOperator"
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

  /// `place` says where the stage is written, for messages (`Workflow.place(of:)`).
  public init(stage: Stage, place: String? = nil) throws(ExecError) {
    let typeName = stage.type.map { String($0.split(separator: ".").last ?? "") }
    guard let typeName, let kind = Kind(rawValue: typeName) else {
      throw .unknownStageType(stage: stage.name, type: stage.type, place: place)
    }
    self.kind = kind
    switch kind {
    case .bash:
      guard let command = stage.kwargs["bash_command"]?.stringValue else {
        throw .missingKeyword(stage: stage.name, keyword: "bash_command", place: place)
      }
      argv = ["bash", "-c", "--", command]
      environment = []
    case .python:
      guard let callable = stage.kwargs["python_callable"]?.stringValue else {
        throw .missingKeyword(
          stage: stage.name, keyword: "python_callable", place: place)
      }
      let parts = callable.split(separator: ".", omittingEmptySubsequences: false)
      guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }) else {
        throw .invalidCallable(stage: stage.name, callable: callable)
      }
      var keywords = stage.kwargs
      keywords["python_callable"] = nil
      let call = JSONValue.object(
        JSONObject([
          ("callable", .string(callable)), ("args", .array(stage.args)),
          ("kwargs", .object(keywords)),
        ]))
      argv = ["python3", "-c", PythonBootstrap.source]
      environment = [
        (Self.pythonCallVariable, String(decoding: JSONCodec.encode(call), as: UTF8.self))
      ]
    }
  }
}
