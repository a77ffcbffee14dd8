import ArgumentParser
import FlowCommand
import FlowCore
import Glibc

/// flow-exec's start, for its own executable and for `flow`, the one binary installed under
/// every tool's name.
public enum FlowExecMain {
  /// Runs the tool on `arguments`, the words after its name.
  public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
    FlowExec.arguments = arguments
    FlowExec.main(arguments: arguments)
  }
}

struct FlowExec: ToolCommand {
  /// The words the tool was given, as they came: a quick rerun holds only for the same.
  nonisolated(unsafe) static var arguments: [String] = []

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

  static let configuration = CommandConfiguration(
    commandName: "flow-exec",
    abstract: "Run a workflow's stages as processes or containers, in parallel as capacity allows.",
    discussion: """
      Reads a pipe document (FILE or standard input) or a workflow file (FILE, read \
      as flow-parse reads it), completes what earlier tools skipped (variable files, \
      requirements, plan) unless --strict, and runs the stages. On a terminal it shows \
      the run for a person (a live view, then a table of every stage); otherwise it \
      writes one JSON line per event on standard output (--format chooses). Each stage's \
      output goes to its log file; the logs, events, trace, plan and an HTML report of \
      each run are kept in .flow/runs/ID beside the workflow (.flow/runs/latest is the \
      newest).

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

  @Option(
    help: "Run this stage even if the stage cache has it (repeatable).",
    completion: Completion.stageNames)
  var rerun: [String] = []

  @Flag(help: "Run every stage whatever the stage cache has; still record them.")
  var noCache = false

  @Flag(help: "Print why each stage would run or is cached; run nothing.")
  var why = false

  @Flag(help: "After a failure, keep running the stages that do not depend on it.")
  var keepGoing = false

  @Flag(help: "Print what each stage would run and what flow sets in its environment; run nothing.")
  var dryRun = false

  @Option(
    help: ArgumentHelp(
      "text: for a person (a live view, then a table; --dry-run: a table); json: one JSON line per event (--dry-run: each stage's exact argv and environment). Default: text on a terminal and for --dry-run, else json."
    ))
  var format: Format?

  @Option(help: ArgumentHelp("Keep the newest N runs in .flow/runs.", valueName: "N"))
  var keepRuns: Int = RunFolder.defaultKept

  @Option(
    help: ArgumentHelp(
      "Also write the run's HTML report (Gantt chart, stage table) to FILE.", valueName: "FILE"),
    completion: .file())
  var report: String?

  @Flag(help: "Refuse a document that skipped a step of the pipeline, naming it.")
  var strict = false

  @Flag(
    help: "Also report each line the stages write as a stage-output event.")
  var stageOutput = false

  @Flag(help: "Start stages from an empty environment instead of this one.")
  var cleanEnv = false

  @Option(
    help: "Folder for the stages' log files (default: .flow/runs/ID/logs beside the workflow).",
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

  @OptionGroup var catalogue: CatalogueOptions

  @OptionGroup var capacityOptions: CapacityOptions

  @OptionGroup var clusterOptions: ClusterOptions

  @OptionGroup var defaultExecutor: DefaultExecutorOption

  @OptionGroup var lock: LockOptions

  func validate() throws {
    let problems = [
      jobs.flatMap { NumberOption.problem($0, "-j", in: 1...NumberOption.mostJobs) },
      NumberOption.problem(grace, "--grace", from: 0, upTo: NumberOption.longestGrace),
      NumberOption.problem(keepRuns, "--keep-runs", in: 1...NumberOption.mostJobs),
    ]
    if let problem = problems.compactMap({ $0 }).first { throw ValidationError(problem) }
  }

  func run() throws {
    let console = Console(tool: "flow-exec")
    let host = ProcessEnvironment.current
    // Probed without asking tools for GPU memory: the full way uses it again unless its
    // workflow asks for GPU memory.
    var probed: MachineDescription?
    // A kept quick rerun whose context holds: told from it when every stage is unchanged,
    // else the full way asks only about the stages that are not.
    var kept: QuickRerun.Unchanged?
    if let quickFile = quickRerunFile {
      let machine = MachineProbe(environment: host, queriesTools: false).probe()
      probed = machine
      let capacity = try capacityOptions.capacity(over: machine)
      kept = quickRerun(of: quickFile, host: host, capacity: capacity)
      if let kept, kept.all {
        let quick = kept.run
        for note in quick.notes { console.report(note) }
        let folder = PathText.directory(of: quickFile)
        let runFolder = RunFolder(base: folder)
        let logs = logDir ?? runFolder.logs
        let launches = quick.launches(folder: folder, logDirectory: logs)
        var settings = runnerSettings(capacity: capacity, logs: logs, host: host)
        settings.cache = StageCache(
          launches: launches, workflow: quickFile, folder: folder,
          store: CacheStore(workflowFolder: folder, environment: host), unchanged: kept,
          warn: { console.report($0) })
        let (status, _) = try runStages(
          launches, settings: settings, runFolder: runFolder, console: console, host: host)
        Self.endNow(status)
      }
    }
    var stamped = stampsBeforeReading()
    var workflow = try Self.readWorkflow(file, console: console)
    stamped += variableFileStamps(workflow)
    defaultExecutor.apply(to: &workflow)
    let machine =
      workflow.asksForGPUMemory
      ? MachineProbe(environment: host, queriesTools: true).probe()
      : probed ?? MachineProbe(environment: host, queriesTools: false).probe()
    let capacity = try capacityOptions.capacity(over: machine)
    var request = RunRequest(host: host)
    request.selection = StageSelection(stage: stage, only: only, from: from)
    (request.strict, request.cleanEnvironment, request.dryRun) = (strict, cleanEnv, dryRun)
    (request.engine, request.logDirectory) = (engine, logDir)
    let runFolder = RunFolder(base: RunPreparation.folder(of: workflow) ?? Self.currentFolder())
    if logDir == nil { request.logDirectory = runFolder.logs }
    request.executorOverride = clusterOptions.executorOverride
    request.syntax = syntax
    (request.catalogs, request.index) = (catalogue.catalogs, catalogue.index)
    if var use = try lock.use(for: workflow) {
      // A run that runs nothing checks the lock but leaves it as it is.
      use.readOnly = dryRun || why
      request.lock = RunLockKeeping(use)
    }
    // What preparing the run tells people, which a quick rerun tells again.
    var told: [String] = []
    if let history {
      let (read, note) = DurationHistory.readIfPresent(history)
      if let note {
        console.report(note)
        told.append(note)
      }
      request.history = read
    }
    request.report = { console.report($0) }
    let (launches, logs, notes) = try request.prepare(
      workflow, machine: machine, capacity: capacity)
    for note in notes { console.report(note) }
    let output = StandardOutput()
    var settings = runnerSettings(capacity: capacity, logs: logs, host: host)
    settings.cache = try StageCacheOptions(rerun: rerun, noCache: noCache).cache(
      for: launches, workflow: workflow, environment: host, console: console,
      // Unless the launches are not the kept stages, or a file read changed since.
      unchanged: kept.flatMap { $0.fits(launches, read: stamped) ? $0 : nil })
    if why {
      let explained = settings.cache?.explain() ?? launches.map { ($0.name, "not cached") }
      output.write(Array(StageCacheOptions.whyTable(explained).utf8))
      if let failure = output.finish() { throw Self.lostEvents(failure, status: 0) }
      return
    }
    if dryRun {
      if format == .json {
        for line in settings.dryRunLines(launches) { output.write(line) }
      } else {
        output.write(Array(DryRunTable.render(launches).utf8))
      }
      if let failure = output.finish() { throw Self.lostEvents(failure, status: 0) }
      return
    }
    let (status, results) = try runStages(
      launches, settings: settings, runFolder: runFolder, console: console, host: host,
      output: output)
    keepQuickRerun(
      launches: launches, results: results, cache: settings.cache, workflow: workflow,
      stamped: stamped, keepsLock: request.lock != nil, notes: told + notes, host: host,
      capacity: capacity)
    Self.endNow(status)
  }

  /// How the runner runs the stages, but for the stage cache.
  private func runnerSettings(capacity: PlanCapacity, logs: String, host: EnvironmentMap)
    -> RunnerSettings
  {
    var settings = RunnerSettings(capacity: capacity, logDirectory: logs, environment: host)
    settings.keepGoing = keepGoing
    settings.grace = grace
    settings.relaysOutput = stageOutput || isatty(STDERR_FILENO) == 1 || forPerson
    clusterOptions.configure(&settings)
    return settings
  }

  /// Whether the run is shown for a person rather than as JSON events.
  private var forPerson: Bool { format.map { $0 == .text } ?? (isatty(STDOUT_FILENO) == 1) }

  /// Runs the launches in a new run folder, writing the events: the run's exit status and
  /// each stage's result.
  private func runStages(
    _ launches: [StageLaunch], settings: RunnerSettings, runFolder: RunFolder,
    console: Console, host: EnvironmentMap, output: StandardOutput = StandardOutput()
  ) throws -> (status: Int32, results: [StageResult]) {
    var settings = settings
    let keeping = try RunKeeping(
      runFolder, kept: keepRuns, withLogs: logDir == nil, console: console)
    guard settings.makeLogDirectory() else {
      throw CommandFailure(
        "cannot create log folder \(settings.logDirectory)", status: .toolFailed)
    }
    let joined = Jobserver.join(
      makeflags: host["MAKEFLAGS"], jobs: jobs, stageCount: launches.count)
    if let note = joined.note { console.report(note) }
    (settings.jobserver, settings.jobs) = (joined.jobserver, joined.jobs)
    // A run whose flow-exec was killed left its processes: they go before any log is
    // opened again.
    settings.runRecords = RunRecords(environment: host)
    for note in settings.runRecords?.sweepStale() ?? [] { console.report(note) }
    let (status, results) = try execute(
      launches, settings: settings, output: output, console: console,
      keeping: keeping, forPerson: forPerson)
    if let failure = output.finish() { throw Self.lostEvents(failure, status: status) }
    return (status, results)
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
    // Not `misplacedInput`, which reads a workflow file's YAML once more only to say it is one.
    if file != "-", !Workflow.startsLikeDocument(bytes), !Workflow.isBlank(bytes) {
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

  /// The current folder, absolute: where a workflow read from standard input keeps its runs.
  private static func currentFolder() -> String {
    guard let folder = getcwd(nil, 0) else { return "." }
    defer { free(folder) }
    return String(cString: folder)
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
    console: Console, keeping: RunKeeping, forPerson: Bool
  ) throws(ExecError) -> (status: Int32, results: [StageResult]) {
    // A person's view replaces the status line: both would draw on the same terminal.
    let status = StatusLine(
      enabled: isatty(STDERR_FILENO) == 1 && !forPerson, stages: launches, console: console)
    let view =
      forPerson
      ? TerminalView(
        // A make recipe's runs share its terminal with others: no live block to redraw.
        output: output.queue,
        live: isatty(STDOUT_FILENO) == 1 && settings.environment["MAKELEVEL"] == nil,
        colour: isatty(STDOUT_FILENO) == 1 && TerminalStyle.colourWanted(settings.environment),
        tool: console.tool, stages: launches, capacity: settings.capacity,
        began: MonotonicClock.now())
      : nil
    var timeline = RunTimeline(stages: launches, began: MonotonicClock.now())
    var report = RunReport(
      stages: launches, began: MonotonicClock.now(), writesOutput: stageOutput)
    var settings = settings
    settings.outputQueues = [output.queue, status.errors]
    if let cache = settings.cache { report.reason = { cache.reasons[$0] } }
    let runner = try settings.makeRunner(for: launches) { event in
      timeline.record(event)
      if let view {
        view.show(event)
      } else if let note = RunReport.note(for: event) ?? report.retryNote(for: event)
        ?? report.gpuNote(for: event)
      {
        status.report(note)
      }
      if let line = report.record(event) {
        if view == nil { output.write(line) }
        keeping.record(line)
      }
      status.show(event)
    }
    view?.start()
    let results: [StageResult]
    do {
      results = try runner.run()
    } catch {
      status.finish()
      view?.finish(status: ExitStatus.toolFailed.rawValue)
      throw error
    }
    status.finish()
    if let note = RunReport.note(after: runner) { view?.note(note) ?? console.report(note) }
    let exitStatus = report.status(stopSignal: runner.stopSignal)
    let summary = report.summary(results, status: exitStatus, now: MonotonicClock.now())
    if view == nil { output.write(summary) }
    keeping.record(summary)
    view?.finish(status: exitStatus)
    let saved = report.save(results, status: exitStatus, historyPath: history, tracePath: trace)
    for problem in saved.problems { console.report(problem) }
    let kept = keeping.finish(
      timeline: timeline, trace: report.trace.document, status: exitStatus, reportPath: self.report)
    for problem in kept.problems { console.report(problem) }
    return (
      kept.reportFailed && saved.status == 0 ? ExitStatus.toolFailed.rawValue : saved.status,
      results
    )
  }
}
