import FlowTestSupport
import Foundation
import Testing

@Suite struct FlowSchedCLITests {
  let fixtures = ToolRun.root.appendingPathComponent("Tests/Fixtures/probe").path
  let document = """
    {"flow": 1, "source": "w.yaml", "stages": [
      {"name": "prepare", "needs": [], "duration": 10},
      {"name": "train", "needs": ["prepare"], "duration": 60,
       "environment": {"resources": {"cpu": 2, "process_on": "gpu_if_available",
                                     "counters": {"licence": 1}}}},
      {"name": "report", "needs": ["train"], "duration": 5}
    ]}
    """

  @Test func probeReadsTheFixtureTreeGivenByOption() throws {
    let run = try ToolRun.run(
      "flow-sched", ["--probe", "--probe-root", fixtures + "/nvidia-four"],
      environment: ["CUDA_VISIBLE_DEVICES": "2,0", "PATH": "/usr/bin:/bin"])
    #expect(run.status == 0)
    let machine = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    let gpus = machine["gpus"] as! [[String: Any]]
    #expect(gpus.map { $0["id"] as! String } == ["2", "0"])
    let cpu = (machine["cpu"] as! [String: Any])["usable"] as! [String: Any]
    #expect(cpu["value"] as? Int == 32)
    #expect(cpu["source"] as? String == "/proc/self/status Cpus_allowed_list")
  }

  @Test func probeRootComesFromTheEnvironmentToo() throws {
    let run = try ToolRun.run(
      "flow-sched", ["--probe", "--format", "text"],
      environment: ["FLOW_PROBE_ROOT": fixtures + "/cgroup-v2-container", "PATH": "/usr/bin:/bin"])
    #expect(run.status == 0)
    #expect(run.stdout.hasPrefix("cpus usable: 1.5  (/sys/fs/cgroup/cpu.max)\n"))
  }

  @Test func pipeModeAddsAPlanPerStageAndASummary() throws {
    let run = try ToolRun.run(
      "flow-sched",
      ["--probe-root", fixtures + "/nvidia-one", "--cpus", "4", "--resource", "licence=1"],
      stdin: document, environment: ["PATH": "/usr/bin:/bin"])
    #expect(run.status == 0)
    #expect(run.stderr == "")
    let output = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    let stages = output["stages"] as! [[String: Any]]
    let train = stages[1]["plan"] as! [String: Any]
    #expect(train["device"] as? String == "gpu")
    #expect(train["gpu_ids"] as? [String] == ["0"])
    #expect(train["start"] as? Int == 10)
    let schedule = output["schedule"] as! [String: Any]
    #expect(schedule["makespan"] as? Int == 75)
    #expect(schedule["gap"] as? Double == 0)
  }

  @Test func gpuIfAvailableFallsBackWithANote() throws {
    let run = try ToolRun.run(
      "flow-sched", ["--cpus", "4", "--memory", "8Gi", "--gpus", "0", "--resource", "licence=1"],
      stdin: document)
    #expect(run.status == 0)
    #expect(
      run.stderr
        == "flow-sched: note: stage 'train' runs on the cpu: no gpu is available (gpu_if_available)\n"
    )
    #expect(run.stdout.contains(#""device":"cpu""#))
  }

  @Test func counterWithoutCapacityIsAUsageError() throws {
    let run = try ToolRun.run(
      "flow-sched", ["--cpus", "4", "--memory", "8Gi", "--gpus", "0"], stdin: document)
    #expect(run.status == 64)
    #expect(
      run.stderr
        == "flow-sched: <stdin>: resource 'licence' has no capacity (give --resource licence=N); used by 'train'\n"
    )
  }

  @Test func stageThatCannotFitExits65() throws {
    let run = try ToolRun.run(
      "flow-sched",
      ["--cpus", "4", "--memory", "8Gi", "--gpus", "0", "--resource", "licence=0"],
      stdin: document)
    #expect(run.status == 65)
    #expect(
      run.stderr
        == "flow-sched: <stdin>: stage 'train' can never run: it needs 1 licence but only 0 is available\n"
    )
  }

  /// CPUs are shared in time: a stage asking more than the machine has is planned on all
  /// of them, with a note, where memory or a counter beyond the machine is refused.
  @Test func stageAskingMoreCPUsThanTheMachineHasRunsOnAllOfThem() throws {
    let run = try ToolRun.run(
      "flow-sched",
      ["--cpus", "1", "--memory", "8Gi", "--gpus", "0", "--resource", "licence=1"],
      stdin: document)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stderr.contains(
        "flow-sched: note: stage 'train' asks 2 cpu but only 1 is available: it runs on 1, slower\n"
      ))
    let plan = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    let stages = plan["stages"] as! [[String: Any]]
    #expect(stages.count == 3)
  }

  @Test func historyGivesDurationsToStagesWithoutEstimates() throws {
    let scratch = try TemporaryFolder()
    let folder = scratch.url
    let history = folder.appendingPathComponent("history.json")
    try #"{"stages": {"b": 7}}"#.write(to: history, atomically: true, encoding: .utf8)
    let run = try ToolRun.run(
      "flow-sched",
      [
        "--cpus", "1", "--memory", "1Gi", "--gpus", "0", "--history", history.path, "--format",
        "text",
      ],
      stdin:
        #"{"flow": 1, "source": "w", "stages": [{"name": "a"}, {"name": "b", "needs": ["a"]}]}"#)
    #expect(run.status == 0)
    #expect(run.stdout.contains("    2  b          1       8  cpu     -     history\n"))
    #expect(run.stdout.contains("makespan: 8 s (list)\n"))
  }

  @Test func probePrintsOnlyJSONOrText() throws {
    let run = try ToolRun.run("flow-sched", ["--probe", "--format", "svg"])
    #expect(run.status == 64)
    #expect(run.stderr == "flow-sched: --probe prints json or text, not svg\n")
  }

  @Test func makefileFormatNamesTheDocumentAndCommand() throws {
    let run = try ToolRun.run(
      "flow-sched",
      [
        "--cpus", "1", "--memory", "1Gi", "--gpus", "0", "--format", "make", "--make-command",
        "my-exec",
      ],
      stdin: #"{"flow": 1, "source": "w", "stages": [{"name": "a"}]}"#)
    #expect(run.status == 0)
    #expect(run.stdout.contains("FLOW_EXEC ?= my-exec\nFLOW_DOCUMENT ?= 'plan.json'\n"))
    #expect(run.stdout.contains("\t$(FLOW_EXEC) --stage='a' -- $(FLOW_DOCUMENT)\n"))
  }
}
