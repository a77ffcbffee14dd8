import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// The event reader reads what the tree reader reads, and leaves to it every workflow it
/// does not expect, so that messages come from one place.
@Suite struct WorkflowEventReaderTests {
  let fixture: WorkflowFixture

  init() throws {
    fixture = try WorkflowFixture()
  }

  /// Both readers' answers for `text` read as the fixture's `w.yaml`.
  func bothReadings(_ text: String, folder: String? = nil) -> (
    events: Workflow?, tree: Result<Workflow, WorkflowError>
  ) {
    let folder = folder ?? fixture.folder
    let bytes = Array(text.utf8)
    let events = WorkflowEventReader.read(
      bytes, file: "w.yaml", source: folder + "/w.yaml", baseDirectory: folder)
    let tree = Result { () throws(WorkflowError) in
      try WorkflowReader.readTree(
        bytes, file: "w.yaml", source: folder + "/w.yaml", baseDirectory: folder)
    }
    return (events, tree)
  }

  static let usualWorkflows = [
    """
    global:
      resources: {memory: 2Gi, cpu: 1, houdini_license: 2}
      variables: a.env
      executor: LocalExecutor
      requirements: {python: ">=3.9"}
      retry: {attempts: 2}
    stages:
      - name: stage_000001
        type: fasthep_flow.operators.BashOperator
        kwargs:
          bash_command: "process --input data/part_1.root"
          retries: 3
          nested: {list: [1, 2.5, true, null, ~, 0x1F, .inf, "q", !!str 12], map: {a: b}}
        duration: 15m
        timeout: 1h30m
        environment:
          image: registry.example.org/analysis/root:6.30.02
          variables:
            PART: "1"
            METHOD: CLs
            EMPTY:
          resources:
            memory: 8Gi
            cpu: 0.5
            process_on: gpu_if_available
            houdini_license: 1
            gpu_memory: 20Gi
          requirements:
            root: "~=6.30"
            numpy:
      - name: stage_000002
        with: {bash_command: echo}
        dependencies: [stage_000001]
        environment:
          variables: [a.env, b.env]
          requirements: {}
          executor: SlurmExecutor
          x-note: {kept: no}
        inputs: [data/*.root]
        outputs: out/file
        retry: {attempts: 3, on: [timeout]}
        args: [1, two]
        x-owner: me
      - name: "stage 3"
        needs: stage_000002
        environment: ~
    version: 2
    metadata: {owner: me}
    x-top: [1]
    """,
    "tasks:\n  - {name: a}\n  - {name: b, environment: {requirements: [\"root ~=6.30\"]}}\n",
    "stages: []\n",
    "stages:\n  - {name: a, kwargs: ~}\n  - {name: b, needs: []}\n",
  ]

  @Test(arguments: usualWorkflows)
  func eventReaderReadsWhatTheTreeReaderReads(text: String) throws {
    let (events, tree) = bothReadings(text)
    let expected = try tree.get()
    #expect(events == expected)
    #expect(events?.documentText(pretty: true) == expected.documentText(pretty: true))
  }

  @Test func eventReaderReadsTheExamplesAsTheTreeReaderDoes() throws {
    let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("examples")
    let folders = try FileManager.default.contentsOfDirectory(atPath: examples.path)
    var read = 0
    for folder in folders.sorted() {
      let path = examples.appendingPathComponent(folder).path
      guard let text = try? String(contentsOfFile: path + "/workflow.yaml", encoding: .utf8) else {
        continue
      }
      let (events, tree) = bothReadings(text, folder: path)
      #expect(events != nil, "\(folder)")
      #expect(events == (try? tree.get()), "\(folder)")
      read += 1
    }
    #expect(read >= 5)
  }

  @Test(.enabled(if: SharedData.isPresent))
  func eventReaderAgreesOnTheRealworldFiles() throws {
    let folder = try #require(SharedData.path("realworld/fasthep-flow"))
    for name in try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    where name.hasSuffix(".yaml") {
      let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
      let (events, tree) = bothReadings(text, folder: folder)
      // A file the event reader leaves is the tree reader's alone.
      if let events { #expect(events == (try? tree.get()), "\(name)") }
    }
  }

  static let unusualWorkflows = [
    "base: &b {image: x}\nstages:\n  - {name: a, environment: *b}\n",
    "stages:\n  - &s {name: a}\n  - <<: *s\n    name: b\n",
    "stages:\n  - {name: a, name: b}\n",
    "stages:\n  - {name: a, kwargs: {x: 1, x: 2}}\n",
    "stages:\n  - {name: a, kwargs: {<<: {x: 1}}}\n",
    "stages:\n  - {name: a, environment: {resources: {memory: lots}}}\n",
    "stages:\n  - {name: a, environment: {variables: {A: [1]}}}\n",
    "stages:\n  - {name: a, needs: [b]}\n",
    "stages:\n  - {name: a, neds: [b]}\n",
    "stages:\n  - {name: a, kwargs: {x: 1}, with: {y: 2}}\n",
    "stages:\n  - {type: t}\n",
    "stages:\n  - {name: a}\n---\nstages: []\n",
    "stages: 3\n",
    "[a]\n",
    "",
    "stages:\n  - {name: [a]}\n",
  ]

  @Test(arguments: unusualWorkflows)
  func unusualWorkflowsAreLeftToTheTreeReader(text: String) {
    #expect(bothReadings(text).events == nil)
  }

  /// The stage and environment written member by member are the text of their trees,
  /// with every optional member present.
  @Test func documentTextWritesFullStagesAsTheirTrees() throws {
    var workflow = try #require(try? bothReadings(Self.usualWorkflows[0]).tree.get())
    workflow.stages[0].environment.resources.gpuFraction = 0.25
    workflow.stages[1].environment.variables.append(
      VariableSource(.file("/x.env"), origin: .stage, isOptional: true))
    workflow.stages[0].plan = StagePlan(order: 1)
    workflow.stages[1].plan = StagePlan(order: 2)
    workflow.stages[2].environment.annotations["x-env"] = .integer(1)
    workflow.stages[2].resolution = StageResolution(requirements: ["python"])
    var resolution = StageResolution(
      requirements: ["python-3", ".gpu-1"],
      packages: [ResolvedPackage(name: "python", version: "3.9", variant: 1)],
      ephemerals: [".gpu-1"],
      actions: [
        .init(kind: .set, variable: "REZ_PYTHON_VERSION", value: "3.9", package: "python"),
        .init(kind: .prepend, variable: "PATH", value: "/p/\"bin\"", package: "python"),
      ])
    workflow.stages[1].resolution = resolution
    for pretty in [false, true] {
      #expect(
        workflow.documentText(pretty: pretty)
          == JSONCodec.encode(workflow.document, pretty: pretty))
      // Alone too, as flow-resolve prints one.
      #expect(
        resolution.text(pretty: pretty) == JSONCodec.encode(resolution.document, pretty: pretty))
      resolution.actions = []
      resolution.ephemerals = []
      #expect(
        resolution.text(pretty: pretty) == JSONCodec.encode(resolution.document, pretty: pretty))
    }
  }

  /// A document with enough stages to be written in two parts at once is the text of its
  /// tree: every kind of stage in either part, resolutions met in both.
  @Test func documentTextWritesManyStagesAsTheirTree() throws {
    let first = try #require(try? bothReadings(Self.usualWorkflows[0]).tree.get())
    var workflow = first
    workflow.stages = []
    let count = Workflow.stagesWrittenInTwoParts + 7
    for index in 0..<count {
      var stage = first.stages[index % first.stages.count]
      stage.name = "s\(index)"
      stage.needs = []
      if index % 5 == 0 { stage.annotations["x-index"] = .integer(Int64(index)) }
      if index % 3 == 0 {
        stage.resolution = StageResolution(requirements: ["python", "root\(index % 4)"])
      }
      workflow.stages.append(stage)
    }
    for pretty in [false, true] {
      #expect(
        workflow.documentText(pretty: pretty)
          == JSONCodec.encode(workflow.document, pretty: pretty))
    }
  }
}
