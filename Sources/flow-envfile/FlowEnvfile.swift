import ArgumentParser
import FlowCommand
import FlowCore
import Glibc

extension EnvFileDialect: ExpressibleByArgument {}
extension EnvOutputFormat: ExpressibleByArgument {}

/// flow-envfile's start, for its own executable and for `flow`, the one binary installed under
/// every tool's name.
public enum FlowEnvfileMain {
  /// Runs the tool on `arguments`, the words after its name.
  public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
    ProcessMemory.preferOneLargeHeap()
    if let run = EnvfileRun(plain: arguments) {
      FlowEnvfile.end { try run.run() }
    }
    FlowEnvfile.main(arguments: arguments)
  }
}

struct FlowEnvfile: ToolCommand {
  enum LintFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

  static let configuration = CommandConfiguration(
    commandName: "flow-envfile",
    abstract: "Read .env files exactly, merge them with provenance, never execute them.",
    usage: """
      flow-envfile [<options>] [<files> ...]
      flow-envfile --lint [--lint-format <lint-format>] [--schema <schema>] [<files> ...]
      flow-envfile [<options>] < DOCUMENT
      """,
    discussion: """
      Merges the files in order (later wins), then the --set assignments, and prints the \
      variables. A file written PATH? is optional: it is skipped when missing. Without \
      files, reads a pipe document on standard input and loads each stage's variables \
      into it (environment.variables.merged). Exit status: 0 ok, 1 lint findings, \
      64 usage, 65 bad input, 66 missing file, 74 I/O error. See flow-envfile(1).
      """,
    version: FlowVersion.current)

  @Argument(
    help: "The .env files in order; PATH? is optional, - is standard input.", completion: .file())
  var files: [String] = []

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp("Set a variable after the files.", valueName: "K=V"))
  var assignments: [String] = []

  @Option(help: "The .env dialect.")
  var dialect: EnvFileDialect = .compose

  @Flag(help: "Leave the host environment out: no inheritance, no expansion from it.")
  var noEnv = false

  @Flag(help: "Take values literally: no $ expansion.")
  var noExpand = false

  @Flag(help: "For each variable, say where it was defined and what it overrode.")
  var provenance = false

  @Option(help: "The output format.")
  var format: EnvOutputFormat = .json

  @Flag(help: "Lint the files with dotenv-linter's checks instead; exit 1 on findings.")
  var lint = false

  @Option(help: "The lint report's format.")
  var lintFormat: LintFormat = .text

  @Option(
    help: "A dotenv-linter schema (JSON) for the SchemaViolation check.", completion: .file())
  var schema: String?

  @OptionGroup var output: OutputOptions

  @OptionGroup var lock: LockOptions

  /// The run these options ask for.
  var plainRun: EnvfileRun {
    EnvfileRun(
      files: files, assignments: assignments, dialect: dialect, noEnv: noEnv, noExpand: noExpand,
      provenance: provenance, format: format, lint: lint, lintFormat: lintFormat, schema: schema,
      output: output.path, lockPath: lock.path, locked: lock.locked)
  }

  func run() throws {
    try plainRun.run()
  }
}

/// One flow-envfile run, from its options however they were read.
struct EnvfileRun: Equatable {
  var files: [String] = []
  var assignments: [String] = []
  var dialect: EnvFileDialect = .compose
  var noEnv = false
  var noExpand = false
  var provenance = false
  var format: EnvOutputFormat = .json
  var lint = false
  var lintFormat: FlowEnvfile.LintFormat = .text
  var schema: String?
  var output: String?
  var lockPath: String?
  var locked = false

  /// The plain form: files, `--set`, `--dialect`, `--no-env`, `--no-expand`,
  /// `--provenance`, `--format` and `--output`/`-o`; nil for anything else (linting, the
  /// lock), which the argument parser reads.
  static let plainForm = PlainArguments.Form(
    flags: ["--no-env", "--no-expand", "--provenance"], options: ["--dialect", "--format"],
    repeatable: ["--set"], mostWords: .max
  ).adding(.output)

  init(
    files: [String] = [], assignments: [String] = [], dialect: EnvFileDialect = .compose,
    noEnv: Bool = false, noExpand: Bool = false, provenance: Bool = false,
    format: EnvOutputFormat = .json, lint: Bool = false,
    lintFormat: FlowEnvfile.LintFormat = .text, schema: String? = nil, output: String? = nil,
    lockPath: String? = nil, locked: Bool = false
  ) {
    self.files = files
    self.assignments = assignments
    self.dialect = dialect
    self.noEnv = noEnv
    self.noExpand = noExpand
    self.provenance = provenance
    self.format = format
    self.lint = lint
    self.lintFormat = lintFormat
    self.schema = schema
    self.output = output
    self.lockPath = lockPath
    self.locked = locked
  }

  init?(plain arguments: [String]) {
    guard let plain = PlainArguments(arguments, form: Self.plainForm),
      let dialect = plain.choice("--dialect", else: EnvFileDialect.compose),
      let format = plain.choice("--format", else: EnvOutputFormat.json)
    else { return nil }
    self.dialect = dialect
    self.format = format
    files = plain.words
    assignments = plain.all("--set")
    noEnv = plain.has("--no-env")
    noExpand = plain.has("--no-expand")
    provenance = plain.has("--provenance")
    output = plain.value("--output")
  }

  func run() throws {
    let console = Console(tool: "flow-envfile")
    if lint { return try runLint(console) }
    let options = EnvMergeOptions(
      dialect: dialect, expand: !noExpand, baseEnvironment: noEnv ? [:] : ProcessEnvironment.current
    )
    if (lockPath != nil || locked) && !(files.isEmpty && assignments.isEmpty) {
      throw CommandFailure(
        "--lock and --locked apply to a pipe document, not to files named here", status: .usage)
    }
    if files.isEmpty && assignments.isEmpty {
      if format != .json {
        throw CommandFailure(
          "--format \(format.rawValue) needs files: a pipe document stays JSON", status: .usage)
      }
      return try runPipe(console, options: options)
    }
    let (result, errors) = try mergeFiles(options: options)
    try finish(console, warnings: result.warnings, errors: errors + result.errors)
    let bytes =
      format == .json && provenance
      ? JSONCodec.encode(EnvOutput.json(result.variables, provenance: true))
      : try EnvOutput.text(result, format: format)
    try console.emit(bytes, to: output)
    // Ends here rather than returning: freeing every value one by one would cost more
    // than the merge. The merge is kept to the end, or it would be freed entry by entry
    // right after its last use.
    withExtendedLifetime(result) {
      FlowEnvfile.endNow(ExitStatus.success.rawValue)
    }
  }

  /// The files and `--set` assignments merged, with the files' parse errors. Each file is
  /// merged as it is read. The files' records, which the merge no longer needs, are freed
  /// on return: a few blocks each, so freeing them costs no more than keeping them, and
  /// the output written next may reuse that memory.
  func mergeFiles(options: EnvMergeOptions) throws -> (EnvMergeResult, [EnvFileError]) {
    var loader = EnvFileLoader(dialect: dialect)
    var merge = EnvMerge(options: options)
    var errors: [EnvFileError] = []
    for argument in files {
      let (path, optional) = EnvFileLoader.splitOptionalMarker(argument)
      guard let fileErrors = loader.load(path, optional: optional, into: &merge) else { continue }
      errors += fileErrors
    }
    do throws(EnvFileError) {
      merge.add(try EnvFileLoader.assignments(assignments, name: "--set"))
    } catch {
      throw CommandFailure(error.description, status: .usage)
    }
    return (merge.finish(), errors)
  }

  /// Reports warnings, then errors; with errors, ends the command with their status.
  func finish(_ console: Console, warnings: [Diagnostic], errors: [EnvFileError]) throws(ExitCode) {
    for warning in warnings { console.report("warning: \(warning)") }
    var reported: Set<EnvFileError> = []
    for error in errors where reported.insert(error).inserted { console.report(error.description) }
    if !errors.isEmpty { throw ExitCode(errors.exitStatus.rawValue) }
  }

  func runPipe(_ console: Console, options: EnvMergeOptions) throws {
    var workflow = try Workflow(
      pipeInput: try console.read("-"), file: InputFile.standardInputName, tool: "flow-envfile")
    var pipe = EnvPipeDocument(options: options, provenance: provenance)
    pipe.load(&workflow)
    try finish(console, warnings: pipe.warnings, errors: pipe.errors)
    // Written before the document goes on, so that the next tool of a pipeline, which
    // starts once it has read the whole document, reads the lock with this section.
    if let use = try LockUse.open(explicit: lockPath, locked: locked, workflow: workflow) {
      let files = VariableFileLock(workflow, lockFolder: use.folder, dialect: dialect)
      var updated = use.lock ?? LockFile()
      updated.variableFiles = files.section()
      try use.settle(
        .envfile, updated: updated,
        changes: files.changes(from: use.lock?.variableFiles ?? [:], complete: true))
    }
    try console.emit(workflow.documentText(), to: output)
  }

  func runLint(_ console: Console) throws {
    var linter = EnvLinter()
    if let schema {
      let bytes = try console.read(schema)
      do throws(EnvFileError) {
        let document: JSONValue
        do throws(JSONSyntaxError) {
          document = try JSONCodec.decode(bytes)
        } catch {
          throw .invalidSchema(file: schema, reason: error.description)
        }
        linter.schema = try EnvLintSchema(document: document, file: schema)
      } catch {
        throw CommandFailure(error.description, status: .config)
      }
    }
    var problems: [EnvLintProblem] = []
    for argument in files.isEmpty ? ["-"] : files {
      let (path, optional) = EnvFileLoader.splitOptionalMarker(argument)
      let bytes: [UInt8]
      do throws(IOError) {
        bytes = try InputFile.read(path)
      } catch {
        if optional && error.kind == .missing { continue }
        throw error
      }
      let name = path == "-" ? InputFile.standardInputName : path
      problems += linter.lint(EnvFileText(file: name, bytes: bytes))
    }
    switch lintFormat {
    case .json:
      try console.emit(JSONCodec.encode(.array(problems.map(\.document))), to: output)
    case .text:
      var text = problems.map { "\($0)\n" }.joined()
      if !problems.isEmpty {
        text += "Found \(problems.count) problem\(problems.count == 1 ? "" : "s")\n"
      }
      try console.emit(Array(text.utf8), to: output)
    }
    if !problems.isEmpty { throw ExitCode(ExitStatus.found.rawValue) }
  }
}
