import ArgumentParser
import FlowCommand
import FlowCore

/// flow-parse's start, for its own executable and for `flow`, the one binary installed under
/// every tool's name.
public enum FlowParseMain {
  /// Runs the tool on `arguments`, the words after its name.
  public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
    ProcessMemory.preferOneLargeHeap(secondHeap: true)
    if let run = ParseRun(plain: arguments) {
      FlowParse.end { try run.run() }
    }
    FlowParse.main(arguments: arguments)
  }
}

struct FlowParse: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "flow-parse",
    abstract: "Read a workflow YAML file and print the pipe document.",
    discussion: """
      Reads a workflow in fasthep-flow's format (stages with per-stage environments) and \
      prints the JSON pipe document that flow-envfile, flow-resolve, flow-sched and \
      flow-exec read. Every problem found is reported as FILE:LINE:COLUMN: MESSAGE, and \
      the exit status is 65. See flow-parse(1) and flow-json(5).
      """,
    version: FlowVersion.current)

  @Argument(help: "The workflow file, or - for standard input.", completion: .file())
  var file: String = "-"

  @Flag(help: "Indent the JSON output for people.")
  var pretty = false

  @OptionGroup var output: OutputOptions

  @Flag(help: "Only check the workflow and that flow-exec can run its stages; print nothing.")
  var check = false

  @OptionGroup var defaultExecutor: DefaultExecutorOption

  @Flag(help: "Print a JSON Schema of the workflow format, for editors, and exit.")
  var schema = false

  @Flag(help: "Print a JSON Schema of the pipe document the flow tools write, and exit.")
  var documentSchema = false

  /// The run these options ask for.
  var plainRun: ParseRun {
    ParseRun(
      file: file, pretty: pretty, output: output.path, check: check,
      defaultExecutor: defaultExecutor.defaultExecutor.flatMap(Executor.init(name:)),
      schema: schema, documentSchema: documentSchema)
  }

  func run() throws {
    try plainRun.run()
  }
}

/// One flow-parse run, from its options however they were read.
struct ParseRun: Equatable {
  var file = "-"
  var pretty = false
  var output: String?
  var check = false
  var defaultExecutor: Executor?
  var schema = false
  var documentSchema = false

  /// The plain form: the file, `--pretty`, `--check`, `--output`/`-o` and
  /// `--default-executor`; nil for anything else, which the argument parser reads.
  static let plainForm = PlainArguments.Form(
    flags: ["--pretty", "--check"], options: ["--default-executor"], mostWords: 1
  ).adding(.output)

  init(
    file: String = "-", pretty: Bool = false, output: String? = nil, check: Bool = false,
    defaultExecutor: Executor? = nil, schema: Bool = false, documentSchema: Bool = false
  ) {
    self.file = file
    self.pretty = pretty
    self.output = output
    self.check = check
    self.defaultExecutor = defaultExecutor
    self.schema = schema
    self.documentSchema = documentSchema
  }

  init?(plain arguments: [String]) {
    guard let plain = PlainArguments(arguments, form: Self.plainForm) else { return nil }
    file = plain.words.first ?? "-"
    pretty = plain.has("--pretty")
    check = plain.has("--check")
    output = plain.value("--output")
    if let name = plain.value("--default-executor") {
      // A name that is not an executor is reported by the argument parser.
      guard let executor = Executor(name: name) else { return nil }
      defaultExecutor = executor
    }
  }

  func run() throws {
    let console = Console(tool: "flow-parse")
    if schema {
      try console.emit(JSONCodec.encode(WorkflowSchema.document, pretty: true), to: output)
      return
    }
    if documentSchema {
      try console.emit(JSONCodec.encode(DocumentSchema.document, pretty: true), to: output)
      return
    }
    let bytes = try console.read(file)
    var workflow: Workflow
    do throws(WorkflowError) {
      workflow = try Workflow(workflowFile: bytes, path: file)
      if let defaultExecutor { workflow.setDefaultExecutor(defaultExecutor) }
    } catch {
      // One report per problem, so that each line starts with the tool's name.
      for problem in error.problems { console.report(problem.description) }
      throw ExitCode(error.exitStatus.rawValue)
    }
    if check {
      // What flow-exec would refuse before starting anything is refused here too.
      let problems = workflow.commandProblems(
        file: file == "-" ? InputFile.standardInputName : file)
      for problem in problems { console.report(problem.description) }
      if !problems.isEmpty { throw ExitCode(WorkflowError(problems: problems).exitStatus.rawValue) }
      return
    }
    // A document's text is about one and a half times its workflow's size, compact, and
    // the room set aside beyond what is written is never touched.
    try console.emit(
      workflow.documentText(pretty: pretty, expectedSize: bytes.count * (pretty ? 4 : 2)),
      to: output)
  }
}
