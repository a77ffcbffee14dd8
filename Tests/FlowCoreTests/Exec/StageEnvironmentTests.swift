import Testing

@testable import FlowCore

@Suite struct StageEnvironmentTests {
  /// A stage document with one action per kind and merged variables (one with provenance).
  let stage = JSONValue.object(
    JSONObject([
      ("name", .string("fit")),
      (
        "resolution",
        .object(
          JSONObject([
            (
              "actions",
              .array([
                .object(
                  JSONObject([
                    ("action", .string("prepend")), ("variable", .string("PATH")),
                    ("value", .string("/opt/root/bin")), ("package", .string("root")),
                  ])),
                .object(
                  JSONObject([
                    ("action", .string("set")), ("variable", .string("ROOTSYS")),
                    ("value", .string("/opt/root")), ("package", .string("root")),
                  ])),
              ])
            )
          ]))
      ),
      (
        "environment",
        .object(
          JSONObject([
            (
              "variables",
              .object(
                JSONObject([
                  (
                    "merged",
                    .object(
                      JSONObject([
                        ("ROOTSYS", .string("/mine")),
                        ("MODE", .object(JSONObject([("value", .string("fast"))]))),
                      ]))
                  )
                ]))
            )
          ]))
      ),
    ]))

  @Test func appliesBaseActionsVariablesThenTheRunnersOwn() throws {
    let document = JSONValue.object(
      JSONObject([("flow", .integer(1)), ("source", .string("w")), ("stages", .array([stage]))]))
    let read = try Workflow(document: document, file: "w.json").stages[0]
    let environment = StageEnvironment(stage: read).build(
      base: ["PATH": "/usr/bin", "FLOW_STAGE": "outer"], stage: "fit", workflow: "/w/w.yaml",
      gpus: GPUVisibility(vendor: .amd, ids: ["1", "3"]),
      command: [("FLOW_PYTHON_CALL", "{}")])
    #expect(
      environment == [
        "PATH": "/opt/root/bin:/usr/bin", "ROOTSYS": "/mine", "MODE": "fast", "FLOW_STAGE": "fit",
        "FLOW_WORKFLOW": "/w/w.yaml", "ROCR_VISIBLE_DEVICES": "1,3", "FLOW_PYTHON_CALL": "{}",
      ])
  }

  @Test func aStageWithoutGPUsGetsNoVisibilityVariable() {
    let environment = StageEnvironment().build(
      base: [:], stage: "s", workflow: "w", gpus: nil)
    #expect(environment == ["FLOW_STAGE": "s", "FLOW_WORKFLOW": "w"])
  }
}
