import ArgumentParser
import FlowCommand
import FlowCore

/// flow-parse's start, for its own executable and for `flow`, the one binary installed under
/// every tool's name.
public enum FlowParseMain {
  /// Runs the tool on `arguments`, the words after its name.
  public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
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

  func run() throws {
    let console = Console(tool: "flow-parse")
    if schema {
      try console.emit(JSONCodec.encode(WorkflowSchema.document, pretty: true), to: output.path)
      return
    }
    if documentSchema {
      try console.emit(
        JSONCodec.encode(DocumentSchema.document, pretty: true), to: output.path)
      return
    }
    let bytes = try console.read(file)
    var workflow: Workflow
    do throws(WorkflowError) {
      workflow = try Workflow(workflowFile: bytes, path: file)
      defaultExecutor.apply(to: &workflow)
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
    try console.emit(workflow.documentText(pretty: pretty), to: output.path)
  }
}
