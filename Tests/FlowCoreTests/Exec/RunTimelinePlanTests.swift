import Testing

@testable import FlowCore

@Suite struct RunTimelinePlanTests {
  /// `plan.json` as a tree of its members, encoded: what `planText` writes directly.
  static func planTree(_ stages: [StageLaunch], makespan: Double?) -> [UInt8] {
    JSONCodec.encode(
      .object(
        JSONObject([
          (
            "stages",
            .array(
              stages.map { stage in
                .object(
                  JSONObject([
                    ("stage", .string(stage.name)),
                    ("start", stage.planned.map { .number($0.start) } ?? .null),
                    ("duration", stage.planned.map { .number($0.seconds) } ?? .null),
                    ("gpus", .array(stage.plannedGPUs.map(JSONValue.string))),
                  ]))
              })
          ),
          ("makespan", makespan.map(JSONValue.number) ?? .null),
        ])))
  }

  @Test func planTextIsTheTreesText() {
    var stages = ["prep", "fit \"1\"\n", "é/plot", "nap"].map { name in
      StageLaunch(name: name, logPath: "/w/\(name).log", command: { _ in (["true"], [:]) })
    }
    stages[0].planned = (0, 1.5)
    stages[1].planned = (1.5, 0.1 + 0.2)
    stages[1].plannedGPUs = ["0", "GPU-1"]
    stages[2].planned = (1e-7, 3e15)
    let timeline = RunTimeline(stages: stages, began: 0)
    #expect(timeline.planText == Self.planTree(stages, makespan: timeline.plannedMakespan))
    #expect(timeline.plannedMakespan != nil)
  }

  @Test func planTextOfNoPlan() {
    let timeline = RunTimeline(stages: [], began: 0)
    #expect(timeline.planText == Self.planTree([], makespan: nil))
    #expect(timeline.planText == Array("{\"stages\":[],\"makespan\":null}\n".utf8))
  }
}
