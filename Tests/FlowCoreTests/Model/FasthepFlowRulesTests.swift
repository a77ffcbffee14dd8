import Testing

@testable import FlowCore

/// fasthep-flow's own reading of its workflow files: argv from `arguments`, task names,
/// `pkg::Operator` types, `global` keys, builtins as callables, the `needs` rule and
/// its newer format.
@Suite struct FasthepFlowRulesTests {
  let fixture: WorkflowFixture

  init() throws {
    fixture = try WorkflowFixture()
  }

  @Test func bashArgumentsAreTheProgramsArgvNeverJoinedIntoTheCommand() throws {
    let stage = Stage(
      name: "A", type: "fasthep_flow.operators.BashOperator",
      kwargs: JSONObject([
        ("bash_command", .string("echo")),
        ("arguments", .array([.string("A"), .string("$(touch x); b c"), .integer(7)])),
      ]))
    let command = try StageCommand(stage: stage)
    #expect(
      command.argv == ["bash", "-c", "--", #"echo "$@""#, "bash", "A", "$(touch x); b c", "7"])
  }

  @Test func bashArgumentsMustBeAListOfWords() {
    for value in [JSONValue.string("A"), .array([.object(JSONObject())]), .array([.bool(true)])] {
      let stage = Stage(
        name: "A", type: "BashOperator",
        kwargs: JSONObject([("bash_command", .string("echo")), ("arguments", value)]))
      #expect(
        throws: ExecError.badKeyword(
          stage: "A", keyword: "arguments", expected: "a list of strings", place: nil)
      ) { try StageCommand(stage: stage) }
    }
  }

  @Test(arguments: [
    "airflow::BashOperator", "fasthep_flow.operators.BashOperator",
    "fasthep_flow.operators.bash.LocalBashOperator", "airflow.operators.bash.BashOperator",
  ])
  func operatorTypesAreReadAsFasthepFlowSpellsThem(type: String) throws {
    let stage = Stage(
      name: "a", type: type, kwargs: JSONObject([("bash_command", .string("true"))]))
    #expect(try StageCommand(stage: stage).kind == .bash)
  }

  @Test(arguments: ["my_namespace::my_task", "fasthep_flow.io.Uproot5Import", "airflow::"])
  func operatorsFlowCannotRunAreRefused(type: String) {
    #expect(throws: ExecError.self) { try StageCommand(stage: Stage(name: "x", type: type)) }
  }

  @Test func aBuiltinIsACallableAndArgumentsArePositional() throws {
    let stage = Stage(
      name: "p", type: "airflow.operators.bash.PythonOperator", args: [.string("a")],
      kwargs: JSONObject([
        ("python_callable", .string("print")), ("arguments", .array([.string("b")])),
        ("op_args", .array([.string("c")])),
        ("op_kwargs", .object(JSONObject([("sep", .string("-"))]))),
      ]))
    let command = try StageCommand(stage: stage)
    let call = try JSONCodec.decode(Array(command.environment[0].value.utf8))
    #expect(call["callable"]?.stringValue == "print")
    #expect(call["args"]?.arrayValue == [.string("a"), .string("b"), .string("c")])
    #expect(call["kwargs"] == .object(JSONObject([("sep", .string("-"))])))
  }

  @Test func taskNamesMapSpacesAndPunctuationAsFasthepFlowDoes() {
    #expect(Stage.taskName("touch /tmp/date.txt") == "touch__tmp_date_txt")
    #expect(Stage.taskName("hello_world in bash") == "hello_world_in_bash")
    #expect(Stage.taskName("my_task [variation]") == "my_task__variation_")
    #expect(Stage.taskName("café-1") == "café_1")
  }

  @Test func taskNamesMapEveryASCIISpaceButLeaveOtherScalarsAsWritten() {
    #expect(Stage.taskName("a\tb\nc\u{0B}d\u{0C}e\rf g") == "a_b_c_d_e_f_g")
    #expect(Stage.taskName("stage_000001") == "stage_000001")
    // Unicode spaces and control characters outside ASCII are not fasthep-flow's to map.
    #expect(Stage.taskName("x\u{A0}y\u{2003}z\u{85}") == "x\u{A0}y\u{2003}z\u{85}")
    #expect(Stage.taskName("a\u{1F}b\u{7F}") == "a\u{1F}b\u{7F}")
  }

  @Test func namesWithSlashesReadAndKeepTheirWrittenForm() throws {
    let workflow = try fixture.read(
      "tasks:\n  - name: touch /tmp/date.txt\n    type: BashOperator\n  - name: ..\n")
    #expect(workflow.stages.map(\.name) == ["touch /tmp/date.txt", ".."])
    #expect(workflow.stages.map(\.taskName) == ["touch__tmp_date_txt", "__"])
  }

  @Test func needsMayNameAStageByItsTaskName() throws {
    let workflow = try fixture.read(
      "tasks:\n  - name: Common_selection\n  - name: signal\n    needs: [Common selection]\n")
    #expect(workflow.stages[1].needs == ["Common_selection"])
  }

  @Test func twoNamesWithOneTaskNameAreDuplicates() {
    #expect(
      fixture.problems("tasks:\n  - name: a b\n  - name: a/b\n") == [
        "w.yaml:3:5: stage names 'a b' (first at 2:5) and 'a/b' are one task name 'a_b' (spaces and punctuation become '_')"
      ])
  }

  @Test func withoutAnyNeedsStagesRunInSequence() throws {
    let workflow = try fixture.read("tasks:\n  - name: a\n  - name: b\n  - name: c\n")
    #expect(workflow.stages.map(\.needs) == [[], ["a"], ["b"]])
  }

  @Test func onceAStageNamesNeedsAStageWithoutThemIsARoot() throws {
    let workflow = try fixture.read(
      "tasks:\n  - name: A\n  - name: B\n  - name: C\n    needs: [A]\n  - name: D\n"
        + "    dependencies: [B]\n  - name: Y\n    needs: [C, D]\n")
    #expect(workflow.stages.map(\.needs) == [[], [], ["A"], ["B"], ["C", "D"]])
    let empty = try fixture.read("tasks:\n  - name: a\n  - name: b\n    needs: []\n  - name: c\n")
    #expect(empty.stages.map(\.needs) == [[], [], []])
  }

  @Test func globalOutputDirIsKeptInTheDocumentsGlobal() throws {
    let workflow = try fixture.read(
      "global:\n  output_dir: /path/to/output/dir\n  executor: DaskExecutor\ntasks:\n  - name: a\n")
    #expect(workflow.global?["output_dir"]?.stringValue == "/path/to/output/dir")
    #expect(workflow.stages[0].environment.executor == .dask)
  }

  @Test func prefectTaskRunnersAreExecutors() {
    #expect(Executor(name: "prefect::SequentialTaskRunner") == .local)
    #expect(Executor(name: "prefect::ConcurrentTaskRunner") == .local)
    #expect(Executor(name: "prefect::DaskTaskRunner") == .dask)
    #expect(Executor(name: "prefect::RayTaskRunner") == nil)
  }

  @Test func theNewerFormatGetsOneMessage() {
    let problems = fixture.problems(
      "version: 1.0\nregistry: {}\nsources: {}\nanalysis:\n  stages:\n    - id: Scale\n")
    #expect(problems == ["w.yaml:4:1: " + WorkflowReader.newerFormatMessage])
  }

  @Test func theRunCheckIsToldAtTheStage() throws {
    let workflow = try fixture.read(
      "tasks:\n  - name: a\n    type: my_namespace::my_task\n  - name: b\n    type: PythonOperator\n"
        + "    kwargs: {python_callable: print}\n")
    #expect(
      workflow.commandProblems(file: "w.yaml").map(\.description) == [
        "w.yaml:2:5: stage 'a': unknown stage type 'my_namespace::my_task' (expected BashOperator or PythonOperator)"
      ])
  }
}
