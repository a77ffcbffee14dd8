import ArgumentParser
import FlowCommand
import FlowCore

#if canImport(Glibc)
  import Glibc
#endif

@main
struct FlowExec: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "flow-exec",
    abstract: "Run a workflow's stages as processes or containers, in parallel as capacity allows.",
    discussion: """
      Reads a pipe document (FILE or standard input), completes what earlier tools \
      skipped (variable files, requirements, plan) unless --strict, and runs the \
      stages. Writes one JSON line per event on standard output; each stage's output \
      goes to its log file.

      Exit status: 0 when every stage succeeded, else the first failing stage's \
      status; 124 a stage timed out; 125 flow-exec failed; 126/127 a command could \
      not run or was not found; 130/143 stopped by SIGINT/SIGTERM. See flow-exec(1).
      """,
    version: FlowVersion.current)

  @Argument(help: "The pipe document; - or nothing reads standard input.")
  var file: String = "-"

  @Option(name: .shortAndLong, help: "Run at most N stages at once.")
  var jobs: Int?

  @Option(help: "Run only this stage (for Makefile recipes); its needs are taken as done.")
  var stage: String?

  @Option(help: "Run only these stages (repeatable).")
  var only: [String] = []

  @Option(help: "Run this stage and every stage after it (repeatable).")
  var from: [String] = []

  @Flag(help: "After a failure, keep running the stages that do not depend on it.")
  var keepGoing = false

  @Flag(help: "Print each stage's exact argv and environment; run nothing.")
  var dryRun = false

  @Flag(help: "Refuse a document that skipped a step of the pipeline, naming it.")
  var strict = false

  @Flag(
    help: "Also report each line the stages write as a stage-output event.")
  var stageOutput = false

  @Flag(help: "Start stages from an empty environment instead of this one.")
  var cleanEnv = false

  @Option(help: "Folder for the stages' log files (default: .flow/logs beside the workflow).")
  var logDir: String?

  @Option(help: "Container engine: podman, docker or apptainer.")
  var engine: String?

  @Option(help: "Write Chrome trace-event JSON of the run to FILE.")
  var trace: String?

  @Option(help: "Plan with the durations in FILE and record this run's durations there.")
  var history: String?

  @Option(help: "Seconds between SIGTERM and SIGKILL when stopping a stage.")
  var grace: Double = 10

  @Option(help: "CPUs the stages may use together (default: what the probe finds).")
  var cpus: Double?

  @Option(help: "Bytes of memory the stages may use together (default: the probe's).")
  var memory: Int64?

  @Option(
    name: .customLong("resource"),
    help: ArgumentHelp(
      "The amount of a named counter stages share (repeatable).", valueName: "NAME=N"))
  var counters: [String] = []

  @Option(
    help: "Run every stage with this executor: local, slurm or dask (default: the document's).")
  var executor: String?

  @Option(help: "Slurm partition for the jobs (over extra_data.slurm.partition).")
  var partition: String?

  @Option(help: "Slurm account for the jobs (over extra_data.slurm.account).")
  var account: String?

  @Option(help: "Slurm quality of service for the jobs (over extra_data.slurm.qos).")
  var qos: String?

  @Option(help: "The Dask scheduler's address (default: $DASK_SCHEDULER_ADDRESS).")
  var daskScheduler: String?

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("-j needs a positive number") }
    if grace < 0 { throw ValidationError("--grace needs a positive number of seconds") }
    if let executor, Executor(name: executor) == nil {
      throw ValidationError("--executor expects local, slurm or dask, got '\(executor)'")
    }
  }

  func run() throws {
    let console = Console(tool: "flow-exec")
    func fail(_ message: String) -> Never {
      console.report(message)
      Glibc.exit(125)
    }
    let host = ProcessEnvironment.current
    let name = file == "-" ? InputFile.standardInputName : file
    var workflow: Workflow
    do {
      let bytes = try InputFile.read(file)
      workflow = try Workflow(document: try JSONCodec.decode(bytes), file: name)
    } catch {
      fail(error is JSONSyntaxError ? "\(name):\(error)" : "\(error)")
    }
    do throws(ExecError) {
      let selected = try StageSelection(stage: stage, only: only, from: from).select(workflow)
      let gaps = DocumentCompletion.gaps(workflow, selected: selected)
      if strict, let first = gaps.first { throw first.error }
      try DocumentCompletion.loadVariables(&workflow, base: cleanEnv ? [:] : host)
      if gaps.contains(where: { $0.tool == "flow-resolve" }) {
        try resolve(&workflow, environment: host)
      }
      let machine = MachineProbe(environment: host, queriesTools: false).probe()
      var capacity = PlanCapacity(machine: machine)
      if let cpus { capacity.cpu = cpus }
      if let memory { capacity.memory = memory }
      for assignment in counters {
        guard let counter = PlanCapacity.counterAssignment(assignment) else {
          fail("--resource expects NAME=N with a whole N, got '\(assignment)'")
        }
        capacity.counters[counter.name] = counter.amount
      }
      let needsEngine = selected.contains { workflow.stages[$0].environment.image != nil }
      let chosenEngine =
        needsEngine
        ? try ContainerEngine.choose(
          named: engine, environment: host, mustBeInstalled: !dryRun) : nil
      let folder = RunPreparation.folder(of: workflow) ?? "."
      let logs = logDir ?? folder + "/.flow/logs"
      var preparation = RunPreparation(
        baseEnvironment: cleanEnv ? [:] : host, logDirectory: logs, engine: chosenEngine,
        runID: String(getpid()), machine: machine, capacity: capacity)
      if let chosenEngine {
        let probe = MachineProbe(environment: host, queriesTools: false)
        preparation.enginePassesGPUs = chosenEngine.passesNvidiaGPUs(files: probe.files)
      }
      preparation.history = readHistory(console)
      preparation.executorOverride = executor.flatMap(Executor.init(name:))
      preparation.clusterExecutors = [.slurm, .dask]
      let launches = try preparation.prepare(workflow, selected: selected)
      for note in preparation.notes { console.report(note) }
      if dryRun {
        printDryRun(launches, logs: logs)
        return
      }
      guard makeFolders(logs) else { fail("cannot create log folder \(logs)") }
      // As GNU make does when its jobserver is out of reach (a recipe without `+`
      // under make 4.3): run on the one slot this process already holds.
      var jobserver: Jobserver?
      var jobLimit = jobs
      do throws(ExecError) {
        jobserver = try Jobserver.connect(makeflags: host["MAKEFLAGS"])
      } catch {
        if launches.count > 1 { console.report("\(error); running one stage at a time") }
        jobLimit = 1
      }
      let status = try execute(
        launches, capacity: capacity, jobserver: jobserver, jobs: jobLimit, environment: host,
        logs: logs)
      Glibc.exit(status)
    } catch {
      if case .clusterUnavailable = error {
        console.report(error.description)
        Glibc.exit(69)
      }
      fail(error.description)
    }
  }

  private func resolve(_ workflow: inout Workflow, environment: [String: String])
    throws(ExecError)
  {
    let sources = Catalogue.defaultSources(environment: environment)
    let path = CatalogueIndex.defaultPath(sources: sources, environment: environment)
    do {
      let index = try CatalogueIndex.open(sources: sources, at: path)
      _ = try PipeResolution(source: index).annotate(&workflow)
    } catch {
      throw .resolution("\(error)")
    }
  }

  private func execute(
    _ launches: [StageLaunch], capacity: PlanCapacity, jobserver: Jobserver?, jobs: Int?,
    environment: [String: String], logs: String
  ) throws(ExecError) -> Int32 {
    let began = MonotonicClock.now()
    let console = Console(tool: "flow-exec")
    var recorder = TraceRecorder()
    let status = StatusLine(enabled: isatty(STDERR_FILENO) == 1, total: launches.count)
    var firstFailure: Int32?
    let handle: (RunEvent) -> Void = { event in
      switch event {
      case .started(let index, let pid, let gpus, let time):
        recorder.started(index, at: time - began)
        StandardOutput.write(
          RunEventLine.start(stage: launches[index], pid: pid, gpus: gpus, time: time - began))
        status.started(launches[index].name)
      case .ended(let index, let result, let time):
        recorder.ended(index, name: launches[index].name, result: result, at: time - began)
        if result.outcome == .failed, firstFailure == nil { firstFailure = result.status }
        StandardOutput.write(
          RunEventLine.end(stage: launches[index], result: result, time: time - began))
        status.ended(launches[index].name, failed: result.outcome == .failed)
      case .output(let index, let line, let time):
        if stageOutput {
          StandardOutput.write(
            RunEventLine.line(
              "stage-output",
              JSONObject([
                ("stage", .string(launches[index].name)), ("time", .number(time - began)),
                ("line", .string(line)),
              ])))
        }
        status.output(launches[index].name, line)
      case .stopping(let signal, let time):
        status.clear()
        console.report("\(SignalName.of(signal)) received: stopping the run")
        StandardOutput.write(
          RunEventLine.line(
            "stop",
            JSONObject([("signal", .integer(Int64(signal))), ("time", .number(time - began))])))
      case .cancelling(let jobs, let time):
        status.clear()
        console.report("cancelling slurm jobs \(jobs.joined(separator: ", "))")
        StandardOutput.write(
          RunEventLine.line(
            "cancel",
            JSONObject([
              ("jobs", .array(jobs.map(JSONValue.string))), ("time", .number(time - began)),
            ])))
      case .submitted(let index, let job, let time):
        StandardOutput.write(
          RunEventLine.line(
            "stage-submit",
            JSONObject([
              ("stage", .string(launches[index].name)), ("time", .number(time - began)),
              ("job", .string(job)),
            ])))
      }
    }
    let runner: any StageRunner
    let onCluster = clusterLaunches(launches)
    if launches.first?.executor == .slurm {
      runner = SlurmRunner(
        stages: onCluster,
        options: SlurmRunner.Options(
          keepGoing: keepGoing, placement: placement, scriptDirectory: absolute(logs)),
        environment: environment, report: handle)
    } else if launches.first?.executor == .dask {
      guard let scheduler = daskScheduler ?? environment["DASK_SCHEDULER_ADDRESS"] else {
        throw .clusterUnavailable(
          "no Dask scheduler: pass --dask-scheduler or set DASK_SCHEDULER_ADDRESS")
      }
      let (python, bridge) = try DaskBridge.locate(environment: environment)
      runner = DaskRunner(
        stages: onCluster,
        options: DaskRunner.Options(
          keepGoing: keepGoing, scheduler: scheduler, bridge: bridge, python: python,
          logDirectory: absolute(logs), environment: environment),
        report: handle)
    } else {
      runner = LocalRunner(
        stages: launches,
        options: LocalRunner.Options(
          jobs: jobs, keepGoing: keepGoing, grace: grace, capacity: capacity,
          relaysOutput: stageOutput || isatty(STDERR_FILENO) == 1),
        jobserver: jobserver, report: handle)
    }
    let results = try runner.run()
    status.clear()
    if let signal = runner.stopSignal, runner is SlurmRunner {
      console.report("stopped by \(SignalName.of(signal)); no job of this run is left in the queue")
    }
    let exitStatus = runner.stopSignal.map { 128 + $0 } ?? firstFailure ?? 0
    StandardOutput.write(
      RunEventLine.summary(
        results: results, status: exitStatus, seconds: MonotonicClock.now() - began))
    if let history {
      let durations = results.indices.filter { results[$0].outcome == .succeeded }.map {
        (stage: launches[$0].name, seconds: results[$0].seconds)
      }
      let updated = readHistory(console).recording(durations)
      do throws(IOError) {
        try OutputFile.write(JSONCodec.encode(updated.document) + [10], to: history)
      } catch {
        console.report(error.description)
      }
    }
    if let trace {
      do throws(IOError) {
        try OutputFile.write(JSONCodec.encode(recorder.document) + [10], to: trace)
      } catch {
        console.report(error.description)
        return exitStatus == 0 ? 125 : exitStatus
      }
    }
    return exitStatus
  }

  private var placement: SlurmSubmission.Placement {
    SlurmSubmission.Placement(partition: partition, account: account, qos: qos)
  }

  /// A cluster runs a stage in another folder, maybe on another machine: absolute paths.
  private func clusterLaunches(_ launches: [StageLaunch]) -> [StageLaunch] {
    launches.map { launch in
      var launch = launch
      launch.logPath = absolute(launch.logPath)
      return launch
    }
  }

  /// What would run: each stage's argv and environment, or for Slurm what sbatch would get.
  private func printDryRun(_ launches: [StageLaunch], logs: String) {
    guard launches.first?.executor == .slurm else {
      for launch in launches { StandardOutput.write(RunEventLine.dryRun(stage: launch)) }
      return
    }
    let stages = clusterLaunches(launches)
    let planned = SlurmSubmission.planned(
      stages: stages, placement: placement, scriptDirectory: absolute(logs))
    for (index, submission) in planned {
      StandardOutput.write(RunEventLine.dryRun(stage: stages[index], submission: submission))
    }
  }

  /// The durations recorded in `--history`, none when the file does not exist yet.
  private func readHistory(_ console: Console) -> DurationHistory {
    guard let history, InputFile.isRegularFile(history) else { return DurationHistory() }
    guard let bytes = try? InputFile.read(history), let json = try? JSONCodec.decode(bytes),
      let read = DurationHistory(json: json)
    else {
      console.report("\(history): not a duration history; ignored")
      return DurationHistory()
    }
    return read
  }

  /// The path from the root: a cluster job runs elsewhere.
  private func absolute(_ path: String) -> String {
    guard !path.hasPrefix("/"), let folder = getcwd(nil, 0) else { return path }
    defer { free(folder) }
    return String(cString: folder) + "/" + path
  }

  private func makeFolders(_ path: String) -> Bool {
    var prefix = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
      prefix += "/" + part
      if mkdir(prefix, 0o755) != 0 && errno != EEXIST { return false }
    }
    return true
  }
}
