import Foundation
import Testing

@testable import FlowCore

/// Reads workflow text as if it were the file `w.yaml` in a temporary folder holding
/// `a.env` and `b.env`.
struct WorkflowFixture {
  let folder: String

  init() throws {
    folder = NSTemporaryDirectory() + "flow-reader-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "A=1\n".write(toFile: folder + "/a.env", atomically: true, encoding: .utf8)
    try "B=2\n".write(toFile: folder + "/b.env", atomically: true, encoding: .utf8)
  }

  func read(_ text: String) throws(WorkflowError) -> Workflow {
    try WorkflowReader.read(
      Array(text.utf8), file: "w.yaml", source: folder + "/w.yaml", baseDirectory: folder)
  }

  /// The messages of every problem, or an empty list when the text reads.
  func problems(_ text: String) -> [String] {
    do {
      _ = try read(text)
      return []
    } catch {
      return error.problems.map(\.description)
    }
  }
}

@Suite struct WorkflowReaderTests {
  let fixture: WorkflowFixture

  init() throws {
    fixture = try WorkflowFixture()
  }

  @Test func readsTheSeedExample() throws {
    let workflow = try fixture.read(
      """
      stages:
        - name: runROOTMacro
          type: fasthep_flow.operators.BashOperator
          kwargs: {bash_command: root -bxq macro.C}
          environment:
            image: docker.io/rootproject/root:6.28.04-ubuntu22.04
            variables: a.env
            executor: LocalExecutor
        - name: runStats
          type: fasthep_flow.operators.BashOperator
          environment:
            variables: {STATS_METHOD: CLs, NTOYS: 1000}
            resources: {memory: 8Gi, process_on: gpu_if_available}
      """)
    #expect(workflow.stages.map(\.name) == ["runROOTMacro", "runStats"])
    let first = workflow.stages[0].environment
    #expect(
      first.variables == [
        VariableSource(
          .file(fixture.folder + "/a.env"), origin: .stage,
          position: SourcePosition(line: 7, column: 18))
      ])
    #expect(first.executor == .local)
    let second = workflow.stages[1]
    #expect(second.needs == ["runROOTMacro"])
    #expect(second.environment.resources.memory == 8_589_934_592)
    #expect(second.environment.resources.processOn == .gpuIfAvailable)
    #expect(
      second.environment.variables.first?.content
        == .values([NameValue("STATS_METHOD", "CLs"), NameValue("NTOYS", "1000")]))
    #expect(second.position == SourcePosition(line: 9, column: 5))
  }

  @Test func readsTheLegacyShape() throws {
    let workflow = try fixture.read(
      """
      tasks:
        - {name: A, type: t, with: {bash_command: x}, needs: []}
        - {name: B, type: t, needs: []}
        - {name: C, type: t, dependencies: [A, B]}
        - {name: Y, type: t, needs: C}
      """)
    #expect(workflow.stages.map(\.needs) == [[], [], ["A", "B"], ["C"]])
    #expect(workflow.stages[0].kwargs["bash_command"] == .string("x"))
  }

  @Test func appliesGlobalDefaultsKeyByKey() throws {
    let workflow = try fixture.read(
      """
      global:
        resources: {memory: 4Gi, cpu: 2, houdini_license: 1}
        variables: a.env
        flow: dask::local
        image: base:1
        requirements: {python: ">=3.10", root: ~=6.28}
        output: {directory: /tmp}
      stages:
        - name: s
          environment:
            resources: {cpu: 0.5, gpu: 1}
            variables: [b.env]
            requirements: ["root ~=6.30"]
        - name: t
          environment: {image: other:2, executor: SlurmExecutor}
      """)
    let s = workflow.stages[0].environment
    #expect(s.resources.memory == 4_294_967_296)
    #expect(s.resources.cpu == 0.5)
    #expect(s.resources.gpu == 1)
    #expect(s.resources.counters.map(\.name) == ["houdini_license"])
    #expect(s.variables.map(\.origin) == [.global, .stage])
    #expect(s.executor == .dask)
    #expect(s.image == "base:1")
    #expect(s.requirements.map(\.text) == ["python >=3.10", "root ~=6.30"])
    let t = workflow.stages[1].environment
    #expect(t.image == "other:2")
    #expect(t.executor == .slurm)
    #expect(workflow.global?["output"]?["directory"] == .string("/tmp"))
  }

  @Test func keepsUnknownXKeysAndPassesThroughMetadata() throws {
    let workflow = try fixture.read(
      """
      version: v0
      metadata: {author: me}
      plugins: [{name: p}]
      x-site: cern
      stages:
        - {name: a, x-owner: ana, plugins: [q], environment: {x-note: 1, extra_data: {k: [1]}}}
      """)
    #expect(workflow.version == .string("v0"))
    #expect(workflow.metadata?["author"] == .string("me"))
    #expect(workflow.annotations["x-site"] == .string("cern"))
    #expect(workflow.stages[0].annotations["x-owner"] == .string("ana"))
    #expect(workflow.stages[0].environment.extraData?["k"] == .array([.integer(1)]))
  }

  @Test func readsDurationsAndTimeouts() throws {
    let workflow = try fixture.read("stages:\n  - {name: a, duration: 15m, timeout: 7200}\n")
    #expect(workflow.stages[0].duration == 900)
    #expect(workflow.stages[0].timeout == 7200)
  }

  @Test func reportsEveryProblemWithItsPosition() {
    let problems = fixture.problems(
      """
      stages:
        - name: fit
          enviroment: {}
          needs: fitt
        - name: fit
          environment:
            resources: {memory: 8 bananas, memroy: 1, cpu: two, gpu: 1.5, process_on: gpuu, lic: x}
            variables: missing.env
            executor: Kubernetes
            image: "-v /:/host"
          duration: 3 weeks
      """)
    #expect(
      problems == [
        "w.yaml:2:5: stage 'fit' needs unknown stage 'fitt' (did you mean 'fit'?)",
        "w.yaml:3:5: unknown key 'enviroment' in a stage (did you mean 'environment'?); expected one of 'name', 'type', 'args', 'kwargs', 'with', 'needs', 'dependencies', 'environment', 'duration', 'timeout', 'retry', 'plugins', 'inputs', 'outputs'",
        "w.yaml:5:5: duplicate stage name 'fit' (first at 2:5)",
        "w.yaml:7:27: bad memory '8 bananas': expected bytes or a size like 8Gi, 512Mi, 2G",
        "w.yaml:7:38: unknown resource 'memroy' (did you mean 'memory'?); a named counter must not look like a built-in resource",
        "w.yaml:7:54: bad cpu count 'two': expected a number like 1, 2 or 0.5",
        "w.yaml:7:64: bad gpu count '1.5': expected a whole number like 0 or 1, or a share of one gpu below 1 like 0.25",
        "w.yaml:7:81: bad process_on 'gpuu' (did you mean 'gpu'?): expected cpu, gpu or gpu_if_available",
        "w.yaml:7:92: bad amount for counter 'lic': expected a whole number, not 'x'",
        "w.yaml:8:18: variables file 'missing.env' not found (looked for \(fixture.folder)/missing.env)",
        "w.yaml:9:17: unknown executor 'Kubernetes'; expected LocalExecutor, DaskExecutor or SlurmExecutor",
        "w.yaml:10:14: image '-v /:/host' must not start with '-'",
        "w.yaml:11:15: bad duration '3 weeks': expected seconds or a number with a unit, like 90s, 15m, 2h",
      ])
  }

  @Test func readsSharesOfOneGPUByMemoryAndByFraction() throws {
    let workflow = try fixture.read(
      """
      global:
        resources: {gpu: 1}
      stages:
        - {name: a, environment: {resources: {gpu_memory: 20Gi, process_on: gpu}}}
        - {name: b, environment: {resources: {gpu: 0.25}}}
        - {name: c}
      """)
    let resources = workflow.stages.map { $0.environment.resources.completed }
    #expect(resources[0].gpuMemory == 20 << 30)
    #expect(resources[0].gpu == 0)
    #expect(resources[1].gpuFraction == 0.25)
    #expect(resources[1].gpu == 0)
    #expect(resources[2].gpu == 1)
    #expect(
      fixture.problems("stages:\n  - {name: a, environment: {resources: {gpu_memory: lots}}}\n")
        == [
          "w.yaml:2:53: bad gpu_memory 'lots': expected a size of one gpu's memory like 20Gi"
        ])
  }

  @Test func reportsAStageThatNeedsItself() {
    #expect(
      fixture.problems("stages:\n  - {name: a, needs: [a]}\n") == [
        "w.yaml:2:5: stage 'a' needs itself"
      ])
  }

  @Test func namesTheStagesOfACycle() {
    let problems = fixture.problems(
      "stages:\n  - {name: a, needs: c}\n  - {name: b, needs: a}\n  - {name: c, needs: b}\n")
    #expect(problems == ["w.yaml:2:5: stages depend on each other in a cycle: a -> c -> b -> a"])
  }

  @Test func reportsStructuralMistakes() {
    #expect(fixture.problems("") == ["w.yaml: empty workflow: expected a mapping with 'stages'"])
    #expect(fixture.problems("- a\n") == ["w.yaml:1:1: the workflow must be a mapping, not a list"])
    #expect(
      fixture.problems("global: {}\n") == [
        "w.yaml:1:1: missing 'stages': a workflow lists its stages under 'stages'"
      ])
    #expect(
      fixture.problems("stages: {a: 1}\n") == [
        "w.yaml:1:9: 'stages' must be a list of stages, not a mapping"
      ])
    #expect(fixture.problems("stages:\n  - {type: t}\n") == ["w.yaml:2:5: a stage needs a 'name'"])
    #expect(
      fixture.problems("stages: []\ntasks: []\n") == [
        "w.yaml:2:1: both 'stages' and 'tasks' given: 'tasks' is another name for 'stages'"
      ])
    #expect(
      fixture.problems("stages:\n  - {name: a, kwargs: {}, with: {}}\n") == [
        "w.yaml:2:27: both 'kwargs' and 'with' given: they are one key"
      ])
    #expect(
      fixture.problems("stages:\n  - {name: \"a\\u0001b\"}\n") == [
        "w.yaml:2:12: stage name must not contain control characters"
      ])
    #expect(
      fixture.problems("stages: []\nstagse: 1\n") == [
        "w.yaml:2:1: unknown key 'stagse' in the workflow (did you mean 'stages'?); expected one of 'stages', 'tasks', 'global', 'version', 'metadata', 'plugins'"
      ])
  }

  @Test func reportsBadRequirements() {
    #expect(
      fixture.problems(
        "stages:\n  - name: a\n    environment: {requirements: [\">=1\", houdini, houdini ~=20]}\n")
        == [
          "w.yaml:3:34: requirement '>=1' has no package name: expected like 'houdini ~=20.0.506'",
          "w.yaml:3:50: package 'houdini' is required twice (first at 3:41)",
        ])
  }

  @Test func reportsDuplicateKeysFromYAML() {
    #expect(
      fixture.problems("stages:\n  - name: a\n    name: b\n") == [
        "w.yaml:3:5: duplicate key 'name' (first defined at 2:5)"
      ])
  }
}
