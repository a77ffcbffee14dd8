import FlowTestSupport
import Foundation
import Testing

/// Every file of `realworld/fasthep-flow/` (fasthep-flow's shipped workflows and the
/// YAML blocks of its documentation, verbatim; see that folder's README) through
/// flow-parse, and the complete Bash and Python workflows on through flow-exec as real
/// processes. Each case says what fasthep-flow does with the file and why flow's answer
/// is the same. Placeholders such as `<path to .env>` are filled in a scratch copy.
///
/// What fasthep-flow does, from its code (legacy branch): a task's `type` is imported,
/// `fasthep_flow.operators.BashOperator` being `LocalBashOperator`, which runs
/// `plumbum.local[bash_command]` with `*arguments`, so `bash_command` is a program and
/// `arguments` its argv; its `PythonOperator` calls `python_callable(*arguments)`; a
/// task's name becomes its function's name with every space and punctuation character
/// made `_`; a task with `needs` becomes a function of the tasks it needs, one without is
/// a root of the graph; the tasks of a file without any `needs` run one after another,
/// in the order written; the configuration is read by OmegaConf, so YAML that does not
/// parse is refused, and `tasks` is required.
@Suite(.enabled(if: SharedData.isPresent)) struct FasthepFlowRealworldTests {
  /// A scratch copy of one realworld file as `w.yaml`, with `fill` applied in order and
  /// `append` added; beside it `vars.env` and `macro.C`, which the placeholders name.
  final class Scratch {
    let folder: TemporaryFolder
    let workflow: String

    init(_ file: String, fill: [(String, String)] = [], append: String = "") throws {
      folder = try TemporaryFolder()
      let original = try #require(SharedData.path("realworld/fasthep-flow/" + file))
      var text = try String(contentsOfFile: original, encoding: .utf8)
      for (placeholder, value) in fill {
        #expect(text.contains(placeholder), "\(file) has no \(placeholder)")
        text = text.replacingOccurrences(
          of: placeholder, with: value.replacingOccurrences(of: "SCRATCH", with: folder.path))
      }
      workflow = try folder.write("w.yaml", text + append)
      try folder.write("vars.env", "STATS_METHOD=CLS\n")
      try folder.write("macro.C", "void macro() {}\n")
    }

    func parse(_ options: [String] = []) throws -> ToolRun {
      try ToolRun.run("flow-parse", options + [workflow], in: folder.url)
    }

    /// The stages' `needs` in the document flow-parse writes.
    func needs() throws -> [String: [String]] {
      let run = try parse()
      #expect(run.status == 0, "\(run.stderr)")
      let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
      let stages = (document as? [String: Any])?["stages"] as? [[String: Any]] ?? []
      var needs: [String: [String]] = [:]
      for stage in stages { needs[stage["name"] as? String ?? ""] = stage["needs"] as? [String] }
      return needs
    }

    /// flow-parse, then flow-exec with `options`: the run and what each stage wrote to
    /// its log.
    func run(_ options: [String] = []) throws -> (run: ToolRun, logs: [String: String]) {
      let parsed = try parse()
      #expect(parsed.status == 0, "\(parsed.stderr)")
      let run = try ToolRun.run(
        "flow-exec", ["--log-dir", folder.path + "/logs"] + options, stdin: parsed.stdout,
        in: folder.url)
      var logs: [String: String] = [:]
      for (stage, end) in ExecFolder.ends(run.stdout) {
        if let log = end["log"] as? String {
          logs[stage] = try? String(contentsOfFile: log, encoding: .utf8)
        }
      }
      return (run, logs)
    }
  }

  static let rootMacroFill = [
    ("<path to .env>", "vars.env"), ("<path to ROOT macro>", "macro.C"),
    ("gitlab.cern/<namespace>/<project>/<my image>", "gitlab.cern/ns/project/image"),
  ]

  // MARK: - The seven complete Bash/Python workflows, run as real processes

  struct Complete: Sendable, CustomTestStringConvertible {
    var file: String
    /// What each stage prints, as fasthep-flow's operator would.
    var output: [String: String]
    var needs: [String: [String]]
    var fill: [(String, String)] = []
    var testDescription: String { file }
  }

  static let complete: [Complete] = [
    // echo with arguments ["Hello World!"] prints it; touch makes the file (the path is
    // moved into the scratch folder); print(*["Hello World!"]) prints it. No needs: in order.
    Complete(
      file: "legacy-hello_world.yaml",
      output: [
        "hello_world in bash": "Hello World!\n", "touch /tmp/date.txt": "",
        "printPython": "Hello World!\n",
      ],
      needs: [
        "hello_world in bash": [], "touch /tmp/date.txt": ["hello_world in bash"],
        "printPython": ["touch /tmp/date.txt"],
      ],
      fill: [(#"arguments: ["/tmp/date.txt"]"#, #"arguments: ["SCRATCH/date.txt"]"#)]),
    // A and B are roots (no needs while others have them), C after A, D after B, Y last.
    Complete(
      file: "legacy-tests-parallel.yaml",
      output: ["A": "A\n", "B": "B\n", "C": "C\n", "D": "D\n", "Y": "Y\n"],
      needs: ["A": [], "B": [], "C": ["A"], "D": ["B"], "Y": ["C", "D"]]),
    // The same graph; the plugins are fasthep-flow's own and are passed through.
    Complete(
      file: "legacy-tests-plugins.yaml",
      output: ["A": "A\n", "B": "B\n", "C": "C\n", "D": "D\n", "Y": "Y\n"],
      needs: ["A": [], "B": [], "C": ["A"], "D": ["B"], "Y": ["C", "D"]]),
    Complete(
      file: "legacy-tests-simple_config.yaml", output: ["printEcho": "Hello World!\n"],
      needs: ["printEcho": []]),
    // The documentation's own examples write the whole command in bash_command and
    // Airflow's op_args; they print what the page says they print.
    Complete(
      file: "doc-legacy-configuration_index-L24.yaml",
      output: ["printEcho": "Hello World!\n", "printPython": "Hello World!\n"],
      needs: ["printEcho": [], "printPython": ["printEcho"]]),
    Complete(
      file: "doc-legacy-hello_world-L7.yaml", output: ["hello_world in bash": "Hello World!\n"],
      needs: ["hello_world in bash": []]),
    // The page's diagram: A and B start the graph, Y ends it.
    Complete(
      file: "doc-legacy-task_dependencies-L8.yaml",
      output: ["A": "A\n", "B": "B\n", "C": "C\n", "D": "D\n", "Y": "Y\n"],
      needs: ["A": [], "B": [], "C": ["A"], "D": ["B"], "Y": ["C", "D"]]),
  ]

  @Test(arguments: complete)
  func completeWorkflowsRunAsFasthepFlowRunsThem(_ expected: Complete) throws {
    let scratch = try Scratch(expected.file, fill: expected.fill)
    let check = try scratch.parse(["--check"])
    #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)")
    #expect(try scratch.needs() == expected.needs)
    let (run, logs) = try scratch.run()
    #expect(run.status == 0, "\(run.stderr)")
    #expect(logs == expected.output)
    if expected.file == "legacy-hello_world.yaml" {
      #expect(FileManager.default.fileExists(atPath: scratch.folder.path + "/date.txt"))
    }
  }

  /// Pull request 1's file: `stages` and Airflow's class paths. flow reads an operator by
  /// its last name, so both stages run and print (Airflow itself has no
  /// `airflow.operators.bash.PythonOperator`: a difference flow-parse(1) states).
  @Test func airflowTypedStagesRun() throws {
    let scratch = try Scratch("pr1-simple_config.yaml")
    #expect(try scratch.needs() == ["printEcho": [], "printPython": ["printEcho"]])
    let (run, logs) = try scratch.run()
    #expect(run.status == 0, "\(run.stderr)")
    #expect(logs == ["printEcho": "Hello World!\n", "printPython": "Hello World!\n"])
  }

  // MARK: - Environments pages: containers, so flow-exec --dry-run

  /// The three versions of the page (types `airflow::BashOperator` and
  /// `fasthep_flow.operators.BashOperator`; `executor: LocalExecutor`,
  /// `flow: prefect::SequentialTaskRunner`, `flow: sequential::local`): two stages in
  /// order, the first in the ROOT image with the `.env` file's variables.
  @Test(arguments: [
    "doc-2023-environments-L18.yaml", "doc-2024-03-environments-L18.yaml",
    "doc-legacy-environments-L18.yaml",
  ])
  func environmentPagesRunInTheirImages(file: String) throws {
    let scratch = try Scratch(file, fill: Self.rootMacroFill)
    let check = try scratch.parse(["--check"])
    #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)")
    #expect(try scratch.needs() == ["runROOTMacro": [], "runStatsCode": ["runROOTMacro"]])
    let (run, _) = try scratch.run(["--dry-run", "--format", "json", "--engine", "podman"])
    #expect(run.status == 0, "\(run.stderr)")
    let argv = ExecFolder.events(run.stdout).compactMap { event -> [String]? in
      (event["data"] as? [String: Any])?["argv"] as? [String]
    }
    #expect(argv.count == 2)
    #expect(argv.first?.contains("docker.io/rootproject/root:6.28.04-ubuntu22.04") == true)
    #expect(argv.first?.suffix(4) == ["bash", "-c", "--", "root -bxq macro.C"])
    #expect(argv.last?.contains("--env=STATS_METHOD=CLS") == true)
  }

  // MARK: - Files fasthep-flow refuses too

  /// Documentation blocks that are not YAML as published (a `|` list of alternatives, a
  /// `...` elision, a key under a plain scalar): OmegaConf cannot load them either.
  @Test(arguments: [
    ("doc-2023-global_settings-L7.yaml", "11:38"), ("doc-legacy-global_settings-L7.yaml", "12:38"),
    ("doc-legacy-environments-L69.yaml", "2:38"), ("doc-legacy-cms_full_analysis-L25.yaml", "4:3"),
    ("doc-legacy-variations-L18.yaml", "9:16"),
  ])
  func documentationBlocksThatAreNotYAMLAreRefusedWithTheirPlace(file: String, place: String)
    throws
  {
    let run = try Scratch(file).parse()
    #expect(run.status == 65)
    #expect(run.stderr.hasPrefix("flow-parse: "))
    #expect(run.stderr.contains("w.yaml:\(place): "), "\(run.stderr)")
  }

  /// Blocks of one section of a workflow, without its `tasks`, which fasthep-flow's
  /// configuration requires (its top level holds `tasks`, `metadata` and `plugins`); the
  /// two settings pages with their first alternatives chosen.
  @Test(arguments: [
    ("doc-legacy-provenance-L35.yaml", [(String, String)]()),
    ("doc-legacy-register-L18.yaml", []),
    (
      "doc-legacy-environments-L69.yaml",
      [(" | { <key>: <value>, ... }", ""), ("<image name>", "image")]
    ),
    ("doc-2023-global_settings-L7.yaml", Self.settingsFill),
    ("doc-legacy-global_settings-L7.yaml", Self.settingsFill),
  ])
  func sectionsWithoutTasksAreNotWorkflows(file: String, fill: [(String, String)]) throws {
    let run = try Scratch(file, fill: fill).parse()
    #expect(run.status == 65)
    #expect(
      run.stderr.contains("missing 'stages': a workflow lists its stages under 'stages'"),
      "\(run.stderr)")
  }

  static let settingsFill = [
    (" | gpu | gpu_if_available", ""), (" | fixed | None", ""),
    ("<path to .env> | { <key>: <value>, ... }", "vars.env"),
  ]

  /// The settings pages with a task added: the global keys are read and applied.
  @Test func globalSettingsApplyToTheStages() throws {
    let task = "tasks:\n  - name: a\n    type: BashOperator\n    kwargs: {bash_command: 'true'}\n"
    for (file, executor) in [
      ("doc-2023-global_settings-L7.yaml", "DaskExecutor"),
      ("doc-legacy-global_settings-L7.yaml", "DaskExecutor"),
    ] {
      let run = try Scratch(file, fill: Self.settingsFill, append: task).parse()
      #expect(run.status == 0, "\(file): \(run.stderr)")
      let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
      let stage = (document?["stages"] as? [[String: Any]])?.first
      let environment = stage?["environment"] as? [String: Any]
      #expect(environment?["executor"] as? String == executor)
      #expect((environment?["resources"] as? [String: Any])?["memory"] as? Int == 4_294_967_296)
      let global = document?["global"] as? [String: Any]
      #expect(global?["output_dir"] != nil || global?["output"] != nil)
    }
  }

  /// Operators from fasthep-flow's plugins (fasthep_carpenter, its io module, a
  /// registered `my_namespace::my_task`): the file reads, and `--check` refuses it as
  /// flow-exec would, at the stage, since flow runs only Bash and Python operators.
  @Test(arguments: [
    ("doc-legacy-cms_pub_example-L73.yaml", "Input data", 2),
    ("doc-legacy-register-L28.yaml", "my_task", 2),
    ("selection-single_tree_root_file.yaml", "root_data", 2),
    ("selection-single_tree_root_file_with_curator.yaml", "root_data", 2),
  ])
  func pluginOperatorsReadButDoNotRun(file: String, stage: String, line: Int) throws {
    let scratch = try Scratch(file)
    #expect(try scratch.parse().status == 0)
    let check = try scratch.parse(["--check"])
    #expect(check.status == 65)
    #expect(
      check.stderr.hasPrefix(
        "flow-parse: \(scratch.workflow):\(line):5: stage '\(stage)': unknown stage type"),
      "\(check.stderr)")
  }

  @Test func theSelectionFilesAreAGraph() throws {
    let scratch = try Scratch("selection-single_tree_root_file.yaml")
    #expect(try scratch.needs() == ["root_data": [], "printMET": ["root_data"]])
  }

  /// The products page adds a stage key that fasthep-flow's task configuration (name,
  /// type, needs, args, kwargs, plugins, merged into a structured OmegaConf schema) does
  /// not have either; flow refuses it by name.
  @Test func theProductsKeyIsNotRead() throws {
    let run = try Scratch("doc-selection-products-L6.yaml").parse()
    #expect(run.status == 65)
    #expect(run.stderr.contains("12:5: unknown key 'products' in a stage"), "\(run.stderr)")
  }

  /// fasthep-flow's newer format: one message that says so and what flow reads.
  @Test func theNewerFormatIsNamed() throws {
    let run = try Scratch("main-toy_workflow.yaml").parse()
    #expect(run.status == 65)
    #expect(run.stderr.split(separator: "\n").count == 1)
    #expect(run.stderr.contains("w.yaml:22:1: this is fasthep-flow's newer workflow format"))
    #expect(run.stderr.contains("flow reads its earlier format: 'stages:' (or 'tasks:')"))
  }
}
