import FlowTestSupport
import Testing

@Suite struct FlowSchedPlanTimeCLITests {
  let document = """
    {"flow": 1, "source": "w.yaml", "stages": [
      {"name": "a", "needs": [], "duration": 3, "environment": {"resources": {"cpu": 2}}},
      {"name": "b", "needs": [], "duration": 2, "environment": {"resources": {"cpu": 1}}},
      {"name": "c", "needs": ["b"], "duration": 2, "environment": {"resources": {"cpu": 2}}}
    ]}
    """
  let capacity = ["--cpus", "2", "--memory", "1Gi", "--gpus", "0"]

  @Test func planTimeOutsideZeroToAnHourIsAUsageError() throws {
    for value in ["-1", "nan", "inf", "-inf", "3601", "1e400"] {
      let run = try ToolRun.run("flow-sched", capacity + ["--plan-time=\(value)"], stdin: document)
      #expect(run.status == 64, "\(value)")
      #expect(run.stdout.isEmpty, "\(value)")
      #expect(run.stderr == "flow-sched: --plan-time takes seconds from 0 to 3600\n", "\(value)")
    }
  }

  @Test func planTimeGivesTheSamePlanEachTime() throws {
    for value in ["0", "0.5", "3600"] {
      let runs = try (0..<2).map { _ in
        try ToolRun.run("flow-sched", capacity + ["--plan-time", value], stdin: document)
      }
      #expect(runs[0].status == 0, "\(value)")
      #expect(runs[0].stdout.contains(#""makespan":"#), "\(value)")
      #expect(runs[0].stdout == runs[1].stdout, "\(value)")
    }
  }
}
