import Testing

@testable import FlowCore

@Suite struct WorkflowDocumentTests {
  @Test func roundTripsThroughJSON() throws {
    let fixture = try WorkflowFixture()
    var workflow = try fixture.read(
      """
      global: {variables: {G: "1"}, resources: {houdini_license: 1}}
      stages:
        - name: a
          type: t
          args: [1, x]
          kwargs: {bash_command: echo}
          duration: 90s
          environment:
            image: img:1
            variables: [a.env]
            requirements: {houdini: ~=20.0.506}
            resources: {memory: 1Gi, cpu: 0.5, gpu: 2, process_on: gpu}
            extra_data: {slurm: {partition: p}}
        - {name: b, x-note: kept}
      """)
    workflow.annotations["schedule"] = .object(JSONObject([("makespan", .integer(3))]))
    workflow.stages[0].environment.variableAnnotations["merged"] = .object(
      JSONObject([("A", .string("1"))]))
    workflow.stages[0].environment.annotations["resolved"] = .array([])
    let bytes = JSONCodec.encode(workflow.document)
    let back = try Workflow(documentBytes: bytes, file: "doc.json")
    #expect(back.document == workflow.document)
    #expect(back.stages[1].annotations["x-note"] == .string("kept"))
    #expect(back.stages[0].environment.variableAnnotations["merged"]?["A"] == .string("1"))
    #expect(back.stages[0].environment.annotations["resolved"] == .array([]))
    #expect(back.stages[0].environment.requirements[0].spec == "~=20.0.506")
  }

  @Test func completesResourcesWithDefaults() throws {
    let workflow = try WorkflowFixture().read(
      "stages:\n  - name: a\n  - {name: b, environment: {resources: {process_on: gpu}}}\n")
    let resources = workflow.document["stages"]?.arrayValue?.map { $0["environment"]?["resources"] }
    #expect(
      resources?[0]
        == .object(
          JSONObject([
            ("memory", .integer(0)), ("cpu", .integer(1)), ("gpu", .integer(0)),
            ("process_on", .string("cpu")), ("counters", .object(JSONObject())),
          ])))
    #expect(resources?[1]?["gpu"] == .integer(1))
  }

  @Test func checksTheVersionBeforeAnythingElse() {
    func message(_ text: String) -> String? {
      do throws(DocumentError) {
        _ = try Workflow(documentBytes: Array(text.utf8), file: "d")
        return nil
      } catch {
        return error.description
      }
    }
    #expect(
      message(#"{"flow": 2, "stages": 7}"#)
        == "d: flow: document version 2 is newer than this tool reads (1): update flow")
    #expect(message(#"{"stages": []}"#) == "d: not a flow document: it has no 'flow' version field")
    #expect(message("[1]") == "d: not a flow document: expected a JSON object")
    #expect(message("{") == "d: 1:1: invalid JSON: string or '}' expected near end of file")
    #expect(
      message(#"{"flow": 1, "source": "s", "stages": [{"name": "a", "needs": [3]}]}"#)
        == "d: stages[0].needs[0]: expected a string")
  }
}
