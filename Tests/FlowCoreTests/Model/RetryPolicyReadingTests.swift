import Testing

@testable import FlowCore

@Suite struct RetryPolicyReadingTests {
  let fixture: WorkflowFixture

  init() throws {
    fixture = try WorkflowFixture()
  }

  @Test func readsAStagesRetryPolicy() throws {
    let workflow = try fixture.read(
      """
      stages:
        - name: fit
          retry: {attempts: 3, on: [oom, timeout, lost], memory_factor: 2, time_factor: 1.5}
      """)
    #expect(
      workflow.stages[0].retry
        == RetryPolicy(attempts: 3, on: [.oom, .timeout, .lost], memoryFactor: 2, timeFactor: 1.5))
  }

  @Test func globalRetryAppliesToStagesWithoutTheirOwn() throws {
    let workflow = try fixture.read(
      """
      global:
        retry: {attempts: 2}
      stages:
        - {name: a}
        - {name: b, retry: {attempts: 4, on: failed}}
        - {name: c, retry: null}
      """)
    #expect(workflow.stages[0].retry == RetryPolicy(attempts: 2))
    #expect(workflow.stages[1].retry == RetryPolicy(attempts: 4, on: [.failed]))
    #expect(workflow.stages[2].retry == RetryPolicy(attempts: 1))
  }

  @Test func badRetryFieldsAreReportedWithTheirPositions() {
    let problems = fixture.problems(
      """
      stages:
        - name: a
          retry: {attempts: 0, on: [oomm], memory_factor: 0.5, tries: 2}
        - name: b
          retry: {on: [oom]}
        - name: c
          retry: 3
      """)
    #expect(
      problems == [
        "w.yaml:3:23: 'attempts' must be a whole number from 1 to 100 (the first attempt included), not '0'",
        "w.yaml:3:31: unknown failure class 'oomm' (did you mean 'oom'?); expected oom, timeout, lost, failed",
        "w.yaml:3:53: 'memory_factor' must be a number from 1 to 100, like 2 or 1.5, not '0.5'",
        "w.yaml:3:58: unknown key 'tries' in 'retry'; expected one of 'attempts', 'on', 'memory_factor', 'time_factor'",
        "w.yaml:5:12: 'retry' needs 'attempts': how many times the stage is tried in all, like 3",
        "w.yaml:7:12: 'retry' must be a mapping, not a scalar",
      ])
  }

  @Test func theRetryPolicyGoesThroughTheDocument() throws {
    let workflow = try fixture.read(
      "stages:\n  - {name: a, retry: {attempts: 3, memory_factor: 2}}\n  - {name: b}\n")
    let again = try Workflow(document: workflow.document, file: "-")
    #expect(again.stages[0].retry == RetryPolicy(attempts: 3, memoryFactor: 2))
    #expect(again.stages[1].retry == nil)
  }

  @Test func aBadRetryInADocumentIsRefusedAtItsPath() throws {
    let workflow = try fixture.read("stages:\n  - {name: a, retry: {attempts: 2}}\n")
    guard case .object(var root) = workflow.document, case .array(var stages) = root["stages"],
      case .object(var stage) = stages[0]
    else {
      Issue.record("the document has no stage")
      return
    }
    stage["retry"] = .object(
      JSONObject([("attempts", .integer(2)), ("on", .array([.string("oops")]))]))
    stages[0] = .object(stage)
    root["stages"] = .array(stages)
    do {
      _ = try Workflow(document: .object(root), file: "-")
      Issue.record("a bad failure class was read")
    } catch {
      #expect(error.description.contains("stages[0].retry.on[0]"))
      #expect(error.description.contains("expected a failure class: oom, timeout, lost, failed"))
    }
  }
}

@Suite struct GlobalRequirementsOptOutTests {
  @Test func emptyRequirementsOnAStageOptOutOfTheGlobalOnes() throws {
    let fixture = try WorkflowFixture()
    let workflow = try fixture.read(
      """
      global:
        requirements: {houdini: ~=20.0}
      stages:
        - {name: a}
        - {name: b, environment: {requirements: {}}}
        - {name: c, environment: {requirements: []}}
        - {name: d, environment: {requirements: {python: ">=3.10"}}}
      """)
    #expect(
      workflow.stages.map { $0.environment.requirements.map(\.text) } == [
        ["houdini ~=20.0"], [], [], ["houdini ~=20.0", "python >=3.10"],
      ])
  }
}
