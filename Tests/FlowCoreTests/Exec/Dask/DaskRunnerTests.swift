import Testing

@testable import FlowCore

@Suite struct DaskRunnerTests {
  @Test func resourcesBecomeAnnotations() {
    let demand = StageDemand(cpu: 2, memory: 1_073_741_824, gpu: 1, counters: ["licence": 1])
    #expect(
      DaskRunner.resources(demand)
        == JSONObject([
          ("GPU", .integer(1)), ("MEMORY", .integer(1_073_741_824)), ("licence", .integer(1)),
        ]))
    #expect(DaskRunner.resources(StageDemand(cpu: 1)) == JSONObject())
  }

  @Test func requestCarriesEachStagesCommandNeedsAndLog() {
    let stages = [
      StageLaunch(name: "a", logPath: "/l/a.log", command: { _ in (["true"], ["K": "v"]) }),
      StageLaunch(
        name: "b", needs: [0], directory: "/w", logPath: "/l/b.log",
        command: { _ in (["bash", "-c", "exit 3"], [:]) }),
    ]
    let runner = DaskRunner(
      stages: stages,
      options: DaskRunner.Options(
        keepGoing: true, scheduler: "tcp://127.0.0.1:1", bridge: "b.py", python: "python3",
        logDirectory: "/l"),
      report: { _ in })
    let request = runner.request()
    #expect(request["scheduler"] == .string("tcp://127.0.0.1:1"))
    #expect(request["keep_going"] == .bool(true))
    #expect(request["bridge_log"] == .string("/l/dask-bridge.log"))
    let second = request["stages"]?.arrayValue?[1]
    #expect(second?["argv"] == .array([.string("bash"), .string("-c"), .string("exit 3")]))
    #expect(second?["needs"] == .array([.integer(0)]))
    #expect(second?["directory"] == .string("/w"))
    #expect(request["stages"]?.arrayValue?[0]["environment"]?["K"] == .string("v"))
  }
}
