import ArgumentParser
import FlowCommand
import FlowCore
import Glibc

/// flow-exec's start, for its own executable and for `flow`, the one binary installed under
/// every tool's name.
public enum FlowExecMain {
  /// Runs the tool on `arguments`, the words after its name.
  public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
    FlowExec.main(arguments: arguments)
  }
}

struct FlowExec: ToolCommand {
  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

  static let configuration = CommandConfiguration(
    commandName: "flow-exec",
    abstract: "Run a workflow's stages as processes or containers, in parallel as capacity allows.",
    discussion: """
      Reads a pipe document (FILE or standard input) or a workflow file (FILE, read \
      as flow-parse reads it), completes what earlier tools skipped (variable files, \
      requirements, plan) unless --strict, and runs the stages. Writes one JSON line \
      per event on standard output; each stage's output goes to its log file.

      Exit status: 0 when every stage succeeded, else the first failing stage's \
      status; 124 a stage timed out; 125 flow-exec failed; 126/127 a command could \
      not run or was not found; 130/143 stopped by SIGINT/SIGTERM; 74 the events \
      could not be written. See flow-exec(1).
      """,
    version: FlowVersion.current)

  @Argument(
    help: "A workflow file or pipe document; - or nothing reads a pipe document.",
    completion: .file())
  var file: String = "-"

  @Option(
    name: [.customShort("j", allowingJoined: true), .long],
    help: ArgumentHelp("Run at most N stages at once (-j2 or -j 2).", valueName: "N"))
  var jobs: Int?

  @Option(
    help: "Run only this stage (for Makefile recipes); its needs are taken as done.",
    completion: Completion.stageNames)
  var stage: String?

  @Option(help: "Run only these stages (repeatable).", completion: Completion.stageNames)
  var only: [String] = []

  @Option(
    help: "Run this stage and every stage after it (repeatable).",
    completion: Completion.stageNames)
  var from: [String] = []

  @Flag(help: "After a failure, keep running the stages that do not depend on it.")
  var keepGoing = false

  @Flag(help: "Print what each stage would run and what flow sets in its environment; run nothing.")
  var dryRun = false

  @Option(
    help:
      "How --dry-run prints: text (a table, the default) or json (each stage's exact argv and environment)."
  )
  var format: Format = .text

  @Flag(help: "Refuse a document that skipped a step of the pipeline, naming it.")
  var strict = false

  @Flag(
    help: "Also report each line the stages write as a stage-output event.")
  var stageOutput = false

  @Flag(help: "Start stages from an empty environment instead of this one.")
  var cleanEnv = false

  @Option(
    help: "Folder for the stages' log files (default: .flow/logs beside the workflow).",
    completion: .directory)
  var logDir: String?

  @Option(help: "Container engine: podman, docker or apptainer.", completion: Completion.engines)
  var engine: String?

  @Option(help: "Write Chrome trace-event JSON of the run to FILE.", completion: .file())
  var trace: String?

  @Option(
    help: "Plan with the durations in FILE and record this run's durations there.",
    completion: .file())
  var history: String?

  @Option(help: "Seconds between SIGTERM and SIGKILL when stopping a stage.")
  var grace: Double = 10

  @Option(help: syntaxOptionHelp)
  var syntax: VersionSpec.SyntaxChoice = .auto

  @OptionGroup var capacityOptions: CapacityOptions

  @OptionGroup var clusterOptions: ClusterOptions

  func validate() throws {
    let problems = [
      jobs.flatMap { NumberOption.problem($0, "-j", in: 1...NumberOption.mostJobs) },
      NumberOption.problem(grace, "--grace", from: 0, upTo: NumberOption.longestGrace),
    ]
    if let problem = problems.compactMap({ $0 }).first { throw ValidationError(problem) }
  }

  func run() throws {
    let console = Console(tool: "flow-exec")
    let host = ProcessEnvironment.current
    let workflow = try Self.readWorkflow(file, console: console)
    let machine = MachineProbe(environment: host, queriesTools: workflow.asksForGPUMemory).probe()
    let capacity = try capacityOptions.capacity(over: machine)
    var request = RunRequest(host: host)
    request.selection = StageSelection(stage: stage, only: only, from: from)
    (request.strict, request.cleanEnvironment, request.dryRun) = (strict, cleanEnv, dryRun)
    (request.engine, request.logDirectory) = (engine, logDir)
    request.executorOverride = clusterOptions.executorOverride
    request.syntax = syntax
    if let history {
      let (read, note) = DurationHistory.readIfPresent(history)
      if let note { console.report(note) }
      request.history = read
    }
    let (launches, logs, notes) = try request.prepare(
      workflow, machine: machine, capacity: capacity)
    for note in notes { console.report(note) }
    let output = StandardOutput()
    var settings = RunnerSettings(capacity: capacity, logDirectory: logs, environment: host)
    settings.keepGoing = keepGoing
    settings.grace = grace
    settings.relaysOutput = stageOutput || isatty(STDERR_FILENO) == 1
    clusterOptions.configure(&settings)
    if dryRun {
      if format == .json {
        for line in settings.dryRunLines(launches) { output.write(line) }
      } else {
        output.write(Array(DryRunTable.render(launches).utf8))
      }
      if let failure = output.finish() { throw Self.lostEvents(failure, status: 0) }
      return
    }
    guard settings.makeLogDirectory() else {
      throw CommandFailure("cannot create log folder \(logs)", status: .toolFailed)
    }
    let joined = Jobserver.join(
      makeflags: host["MAKEFLAGS"], jobs: jobs, stageCount: launches.count)
    if let note = joined.note { console.report(note) }
    (settings.jobserver, settings.jobs) = (joined.jobserver, joined.jobs)
    // A run whose flow-exec was killed left its processes: they go before any log is
    // opened again.
    settings.runRecords = RunRecords(environment: host)
    for note in settings.runRecords?.sweepStale() ?? [] { console.report(note) }
    let status = try execute(launches, settings: settings, output: output, console: console)
    if let failure = output.finish() { throw Self.lostEvents(failure, status: status) }
    Self.endNow(status)
  }

  /// The workflow to run: a pipe document, or a workflow file named on the command line,
  /// read as flow-parse reads it (standard input stays the pipe document). flow-exec's own
  /// failures end with 125, apart from the statuses of stages.
  private static func readWorkflow(_ file: String, console: Console) throws(CommandFailure)
    -> Workflow
  {
    let bytes: [UInt8]
    do throws(IOError) {
      bytes = try InputFile.read(file)
    } catch {
      throw CommandFailure(error.description, status: .toolFailed)
    }
    if file != "-", !Workflow.startsLikeDocument(bytes), Workflow.misplacedInput(bytes) != .empty {
      do throws(WorkflowError) {
        return try Workflow(workflowFile: bytes, path: file)
      } catch {
        // One line per problem, each starting with the tool's name, as flow-parse says them.
        for problem in error.problems.dropLast() { console.report(problem.description) }
        throw CommandFailure(error.problems.last?.description ?? "", status: .toolFailed)
      }
    }
    do {
      let name = file == "-" ? InputFile.standardInputName : file
      return try Workflow(pipeInput: bytes, file: name, tool: "flow-exec")
    } catch {
      throw CommandFailure("\(error)", status: .toolFailed)
    }
  }

  /// The events could not all be written: the run's own status is said, the exit is 74.
  private static func lostEvents(_ failure: SystemError, status: Int32) -> CommandFailure {
    CommandFailure(
      "standard output: \(failure); events were lost (the run's own status was \(status))",
      status: .ioError)
  }

  /// Runs the stages, writing one line per event, and returns the run's exit status.
  private func execute(
    _ launches: [StageLaunch], settings: RunnerSettings, output: StandardOutput,
    console: Console
  ) throws(ExecError) -> Int32 {
    let status = StatusLine(
      enabled: isatty(STDERR_FILENO) == 1, stages: launches, console: console)
    var report = RunReport(
      stages: launches, began: MonotonicClock.now(), writesOutput: stageOutput)
    var settings = settings
    settings.outputQueues = [output.queue, status.errors]
    let runner = try settings.makeRunner(for: launches) { event in
      if let note = RunReport.note(for: event) { status.report(note) }
      if let line = report.record(event) { output.write(line) }
      status.show(event)
    }
    let results: [StageResult]
    do {
      results = try runner.run()
    } catch {
      status.finish()
      throw error
    }
    status.finish()
    if let note = RunReport.note(after: runner) { console.report(note) }
    let exitStatus = report.status(stopSignal: runner.stopSignal)
    output.write(report.summary(results, status: exitStatus, now: MonotonicClock.now()))
    let saved = report.save(results, status: exitStatus, historyPath: history, tracePath: trace)
    for problem in saved.problems { console.report(problem) }
    return saved.status
  }
}
