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

  /// A stage whose base is the worker's own environment sends only flow's assignments over
  /// it, never the submitting shell's environment.
  @Test func aStageOnTheWorkersEnvironmentSendsOnlyTheAssignments() {
    var stage = StageLaunch(
      name: "a", logPath: "/l/a.log", command: { _ in (["true"], ["SHELL_ONLY": "x", "K": "v"]) })
    stage.nodeAssignments = [
      NodeAssignment(
        name: "PATH", parts: [.text("/opt/bin"), .separatorIfSet("PATH"), .variable("PATH")]),
      NodeAssignment(name: "K", parts: [.text("v")]),
      NodeAssignment(name: "OLD", parts: [], removes: true),
    ]
    stage.timeout = 90
    let runner = DaskRunner(
      stages: [stage],
      options: DaskRunner.Options(
        scheduler: nil, bridge: "b.py", python: "python3", logDirectory: "/l",
        environment: ["SHELL_ONLY": "x"]),
      report: { _ in })
    let entry = runner.request()["stages"]?.arrayValue?[0]
    #expect(entry?["environment"] == nil)
    #expect(entry?["timeout"] == .integer(90))
    let path = JSONValue.array([
      .array([.string("text"), .string("/opt/bin")]),
      .array([.string("separator_if_set"), .string("PATH")]),
      .array([.string("variable"), .string("PATH")]),
    ])
    #expect(
      entry?["assignments"]?.arrayValue?.first
        == .object(JSONObject([("name", .string("PATH")), ("parts", path)])))
    #expect(entry?["assignments"]?.arrayValue?.count == 3)
    // A variable removed (rez's `unsetenv`): its parts are null.
    #expect(
      entry?["assignments"]?.arrayValue?.last
        == .object(JSONObject([("name", .string("OLD")), ("parts", .null)])))
  }

  /// A container stage given GPUs by a Dask worker names them by placeholders in the same
  /// engine flags a local stage gets, which the bridge fills with the worker's ids.
  @Test func aContainerStagesWorkerGPUsAreTheEnginesOwnFlags() {
    var podman = ContainerInvocation(engine: .podman, image: "img", name: "n", folder: "/w")
    podman.gpusFromWorker = 2
    let slots = ContainerInvocation.workerGPUPlaceholders(2)
    let argv = podman.argv(command: ["true"], environment: [:])
    #expect(argv.contains("--init"))
    #expect(argv.contains("nvidia.com/gpu=" + slots[0]))
    #expect(argv.contains("nvidia.com/gpu=" + slots[1]))
    #expect(argv.contains("--env=CUDA_VISIBLE_DEVICES=0,1"))
    var docker = ContainerInvocation(engine: .docker, image: "img", name: "n", folder: "/w")
    docker.gpusFromWorker = 1
    #expect(docker.argv(command: [], environment: [:]).contains("\"device=\(slots[0])\""))
  }

  /// The local cluster's worker hands out this machine's GPU ids.
  @Test func theLocalClusterCarriesTheMachinesGPUIDs() {
    let cluster = DaskRunner.LocalCluster(
      capacity: PlanCapacity(cpu: 2, memory: 1 << 30, gpuIDs: ["0", "1"]))
    #expect(cluster.document["gpu_ids"] == .array([.string("0"), .string("1")]))
    #expect(cluster.resources["GPU"] == .integer(2))
  }
}
