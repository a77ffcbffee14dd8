import Testing

@testable import FlowCore

@Suite struct StageCommandTests {
  @Test func bashOperatorRunsItsCommandWithBash() throws {
    let stage = Stage(
      name: "a", type: "fasthep_flow.operators.BashOperator",
      kwargs: JSONObject([("bash_command", .string("echo $HOME; rm -rf x"))]))
    let command = try StageCommand(stage: stage)
    #expect(command.argv == ["bash", "-c", "--", "echo $HOME; rm -rf x"])
    #expect(command.environment.isEmpty)
  }

  @Test func pythonOperatorPassesTheCallAsJSONNotSource() throws {
    let stage = Stage(
      name: "p", type: "PythonOperator", args: [.string("'); import os #")],
      kwargs: JSONObject([("python_callable", .string("pkg.mod.run")), ("n", .integer(2))]))
    let command = try StageCommand(stage: stage)
    #expect(command.argv == ["python3", "-c", PythonBootstrap.source])
    #expect(command.environment.map(\.name) == ["FLOW_PYTHON_CALL"])
    let call = try JSONCodec.decode(Array(command.environment[0].value.utf8))
    #expect(call["callable"]?.stringValue == "pkg.mod.run")
    #expect(call["args"]?.arrayValue == [.string("'); import os #")])
    #expect(call["kwargs"]?["n"]?.integerValue == 2)
    #expect(call["kwargs"]?["python_callable"] == nil)
  }

  @Test(arguments: [nil, "SparkOperator", "fasthep_flow.operators.Bash"])
  func unknownTypesAreRefused(type: String?) {
    #expect(throws: ExecError.self) { try StageCommand(stage: Stage(name: "x", type: type)) }
  }

  @Test(arguments: ["1run", "pkg..run", "os.system; x", "", "a b"])
  func aCallableMustBeAPythonName(callable: String) {
    let stage = Stage(
      name: "p", type: "PythonOperator",
      kwargs: JSONObject([("python_callable", .string(callable))]))
    #expect(throws: ExecError.invalidCallable(stage: "p", callable: callable)) {
      try StageCommand(stage: stage)
    }
  }
}
