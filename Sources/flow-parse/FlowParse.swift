import ArgumentParser
import FlowCommand
import FlowCore

@main
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

  @Flag(help: "Only check the workflow; print nothing when it is valid.")
  var check = false

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
    let workflow: Workflow
    do throws(WorkflowError) {
      workflow = try Workflow(workflowFile: bytes, path: file)
    } catch {
      // One report per problem, so that each line starts with the tool's name.
      for problem in error.problems { console.report(problem.description) }
      throw ExitCode(error.exitStatus.rawValue)
    }
    if check { return }
    try console.emit(workflow.documentText(pretty: pretty), to: output.path)
  }
}
