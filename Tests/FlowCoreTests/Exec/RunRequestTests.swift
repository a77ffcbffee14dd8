import Testing

@testable import FlowCore

@Suite struct RunRequestTests {
  let text = """
    {"flow": 1, "source": "/work/w.yaml", "stages": [
      {"name": "a", "type": "BashOperator", "kwargs": {"bash_command": "true"}, "needs": [],
       "environment": {"variables": {"merged": {}}, "resources": {"cpu": 1}}}]}
    """

  func prepared(_ change: (inout RunRequest) -> Void) throws(ExecError) -> [StageLaunch] {
    let document = try! JSONCodec.decode(Array(text.utf8))
    let workflow = try! Workflow(document: document, file: "d.json")
    let machine = MachineProbe(environment: [:], queriesTools: false).probe()
    var request = RunRequest(host: ["PATH": "/bin"])
    change(&request)
    return try request.prepare(
      workflow, machine: machine,
      capacity: PlanCapacity(cpu: 2, memory: 1 << 30)
    ).launches
  }

  @Test func preparesTheChosenStagesWithLogsBesideTheWorkflow() throws {
    let launches = try prepared { _ in }
    #expect(launches.map(\.name) == ["a"])
    #expect(launches[0].logPath == "/work/.flow/logs/a.log")
    #expect(try prepared { $0.logDirectory = "/l" }[0].logPath == "/l/a.log")
  }

  @Test func anUnknownStageIsRefused() {
    // One letter has no typo that keeps a letter of it: nothing is suggested.
    #expect(throws: ExecError.unknownStage("b", suggestion: nil)) {
      try prepared { $0.selection = StageSelection(stage: "b") }
    }
  }
}
