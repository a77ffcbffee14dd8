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
    workflow.schedule = JSONObject([("makespan", .integer(3))])
    workflow.stages[0].environment.mergedVariables = [
      MergedVariable(name: "A", value: "1"), MergedVariable(name: "U", value: nil),
      MergedVariable(
        name: "P", value: "p", provenance: JSONObject([("from", .object(JSONObject()))])),
    ]
    workflow.stages[0].environment.variables.append(
      VariableSource(.file("/o.env"), origin: .stage, isOptional: true))
    workflow.stages[0].environment.annotations["resolved"] = .array([])
    workflow.stages[0].resolution = StageResolution(
      requirements: ["houdini ~=20.0.506"],
      packages: [
        ResolvedPackage(
          name: "houdini", version: "20.0.506", label: nil, priority: 2, definedAt: "c.toml:3",
          because: ["requested"])
      ],
      actions: [.init(kind: .prepend, variable: "PATH", value: "/h/bin", package: "houdini")])
    workflow.stages[0].plan = StagePlan(
      order: 0, start: 0, finish: 90.5, duration: 90.5, durationSource: "estimate",
      device: "gpu", gpuIDs: ["0", "1"], annotations: JSONObject([("x-slot", .integer(4))]))
    workflow.stages[1].plan = StagePlan(order: 1)
    let bytes = JSONCodec.encode(workflow.document)
    let back = try Workflow(documentBytes: bytes, file: "doc.json")
    #expect(back.schedule == workflow.schedule)
    for index in 0..<2 {
      #expect(back.stages[index].resolution == workflow.stages[index].resolution)
      #expect(back.stages[index].plan == workflow.stages[index].plan)
      #expect(
        back.stages[index].environment.variables == workflow.stages[index].environment.variables)
      #expect(
        back.stages[index].environment.mergedVariables
          == workflow.stages[index].environment.mergedVariables)
    }
    #expect(back.document == workflow.document)
    #expect(back.stages[1].annotations["x-note"] == .string("kept"))
    #expect(back.stages[0].environment.annotations["resolved"] == .array([]))
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(text.contains(#""merged":{"A":"1","U":null,"P":{"value":"p","from":{}}}"#))
    #expect(text.contains(#"{"file":"/o.env","optional":true,"origin":"stage","at":null}"#))
    #expect(
      text.contains(
        #""plan":{"order":0,"start":0,"finish":90.5,"duration":90.5,"duration_source":"estimate","device":"gpu","gpu_ids":["0","1"],"x-slot":4}"#
      ))
    #expect(text.contains(#""x-note":"kept","plan":{"order":1}}"#))
    #expect(text.hasSuffix(#""schedule":{"makespan":3}}"# + "\n"))
    #expect(back.stages[0].environment.requirements[0].spec == "~=20.0.506")
  }

  /// The text written in one pass is the text of the tree, shared resolutions included.
  @Test func documentTextIsTheEncodedDocument() throws {
    let fixture = try WorkflowFixture()
    var workflow = try fixture.read(
      """
      global: {variables: {G: "1"}}
      metadata: {owner: me}
      stages:
        - {name: a, kwargs: {bash_command: "echo \\"x\\""}}
        - {name: b, needs: [a]}
        - {name: c, x-note: kept}
        - {name: d}
      """)
    let houdini = StageResolution(
      requirements: ["houdini"],
      packages: [ResolvedPackage(name: "houdini", version: "20.0.506", because: ["requested"])],
      actions: [.init(kind: .set, variable: "HFS", value: "/h", package: "houdini")])
    workflow.stages[0].resolution = houdini
    workflow.stages[1].resolution = houdini
    workflow.stages[2].resolution = StageResolution(requirements: ["python"])
    workflow.stages[3].annotations["resolution"] = .string("an annotation")
    workflow.stages[3].plan = StagePlan(order: 3)
    workflow.annotations["x-run"] = .integer(1)
    workflow.schedule = JSONObject([("makespan", .number(2.5))])
    for pretty in [false, true] {
      let text = workflow.documentText(pretty: pretty)
      #expect(text == JSONCodec.encode(workflow.document, pretty: pretty))
      #expect(text == JSONCodec.encodeWithJansson(workflow.document, pretty: pretty))
    }
    #expect(
      Workflow(source: "empty").documentText()
        == JSONCodec.encode(Workflow(source: "empty").document))
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

  /// A document with enough stages to be read in two parts at once reads back as written,
  /// and a bad stage in either part is named as when the stages are read one by one: the
  /// first in the list's order.
  @Test func readsManyStagesInTwoPartsAsInOne() throws {
    let count = DocumentReader.stagesReadInTwoParts + 77
    var workflow = Workflow(source: "/w.yaml")
    for index in 0..<count {
      var stage = Stage(name: "s\(index)", position: SourcePosition(line: index + 1, column: 3))
      stage.needs = index > 0 ? ["s\(index - 1)"] : []
      stage.duration = Double(index % 7)
      stage.kwargs = JSONObject([("i", .integer(Int64(index)))])
      if index % 9 == 0 { stage.annotations["x-mark"] = .string("m\(index)") }
      workflow.stages.append(stage)
    }
    let text = workflow.documentText()
    let back = try Workflow(documentBytes: text, file: "d")
    #expect(back.stages.count == count)
    #expect(back.documentText() == text)
    func problem(badAt indices: [Int]) -> DocumentError? {
      var object = try? JSONCodec.decode(text).objectValue
      guard case .array(var stages)? = object?["stages"] else { return nil }
      for index in indices {
        guard var stage = stages[index].objectValue else { return nil }
        stage["duration"] = .string("long")
        stages[index] = .object(stage)
      }
      object?["stages"] = .array(stages)
      do throws(DocumentError) {
        _ = try Workflow(documentBytes: JSONCodec.encode(.object(object!)), file: "d")
        return nil
      } catch {
        return error
      }
    }
    let half = count / 2
    for indices in [[3], [half - 1], [half], [count - 1], [5, count - 2], [half + 4, half - 4]] {
      let error = try #require(problem(badAt: indices))
      #expect(error.path == "stages[\(indices.min()!)].duration", "\(indices)")
      #expect(error.message == "expected a number")
    }
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
    #expect(message("{") == "d:1:1: string or '}' expected near end of file")
    #expect(
      message(#"{"flow": 1, "source": "s", "stages": [{"name": "a", "needs": [3]}]}"#)
        == "d:1:39: stages[0].needs[0]: expected a string")
    #expect(
      message(#"{"flow": 1, "source": "s", "stages": [{"name": "a", "plan": {"order": "x"}}]}"#)
        == "d:1:39: stages[0].plan.order: expected a whole number")
    #expect(
      message(
        #"{"flow": 1, "source": "s", "stages": [{"name": "a", "resolution": {"actions": [{"action": "drop"}]}}]}"#
      )
        == "d:1:39: stages[0].resolution.actions[0].action: expected prepend, append, set, unset, alias or stop"
    )
    #expect(
      message(
        #"{"flow": 1, "source": "s", "stages": [{"name": "a", "environment": {"variables": {"merged": {"K": 1}}}}]}"#
      ) == "d:1:39: stages[0].environment.variables.merged.K: expected an object")
    #expect(
      message(
        #"{"flow": 1, "source": "s", "stages": [{"name": "a", "resolution": {"actions": [{"action": "set", "variable": "A", "value": "1", "when": "open('x')"}]}}]}"#
      )
        == "d:1:39: stages[0].resolution.actions[0].when: expected a test of the environment: "
        + "('NAME' in os.environ) or os.path.exists('PATH') (isdir, isfile), joined with not,"
        + " and, or")
    // An alias names a shell function, which becomes part of a variable's name.
    #expect(
      message(
        #"{"flow": 1, "source": "s", "stages": [{"name": "a", "resolution": {"actions": [{"action": "alias", "variable": "a=b", "value": "x"}]}}]}"#
      )
        == "d:1:39: stages[0].resolution.actions[0].variable: alias name \"a=b\" must be letters,"
        + " digits and '_', not starting with a digit")
    // A stop says why the environment cannot be made: it changes no variable.
    #expect(
      message(
        #"{"flow": 1, "source": "s", "stages": [{"name": "a", "resolution": {"actions": [{"action": "stop", "variable": "X", "value": "x"}]}}]}"#
      )
        == "d:1:39: stages[0].resolution.actions[0].variable: a stop changes no variable:"
        + " expected \"\"")
  }

  /// An action's test of the environment (`when`, from a rez package's `defined()`) is
  /// written and read back, and applies where it holds.
  @Test func anActionsTestOfTheEnvironmentIsKept() throws {
    let text =
      #"{"flow": 1, "source": "s", "stages": [{"name": "a", "resolution": {"requirements": [], "packages": [], "actions": [{"action": "set", "variable": "A", "value": "1", "package": "p", "when": "not ('A' in os.environ)"}, {"action": "set", "variable": "B", "value": "2", "package": "p"}]}}]}"#
    let workflow = try Workflow(documentBytes: Array(text.utf8), file: "d")
    let again = try Workflow(documentBytes: workflow.documentText(), file: "d")
    let actions = try #require(again.stages.first?.resolution?.actions)
    #expect(actions.map(\.when?.text) == ["not ('A' in os.environ)", nil])
    let set = EnvironmentActions(actions: actions).applied(to: EnvironmentMap())
    var base = EnvironmentMap()
    base["A"] = "0"
    let kept = EnvironmentActions(actions: actions).applied(to: base)
    #expect([set["A"], set["B"], kept["A"], kept["B"]] == ["1", "2", "0", "2"])
  }
}
