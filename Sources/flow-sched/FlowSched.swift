import ArgumentParser
import FlowCommand
import FlowCore
import Glibc

/// flow-sched's start, for its own executable and for `flow`, the one binary installed under
/// every tool's name.
public enum FlowSchedMain {
  /// Runs the tool on `arguments`, the words after its name.
  public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
    ProcessMemory.preferOneLargeHeap(secondHeap: true)
    if let command = FlowSched(plain: arguments) {
      FlowSched.end { try command.run() }
    }
    FlowSched.main(arguments: arguments)
  }
}

struct FlowSched: ToolCommand {
  enum Format: String, ExpressibleByArgument, CaseIterable { case json, text, dot, svg, make }

  static let configuration = CommandConfiguration(
    commandName: "flow-sched",
    abstract: "Know the machine, and plan stages to fit it, near the optimum.",
    discussion: """
      With --probe, prints the CPUs, memory and GPUs this process may use, each fact with \
      its source. Otherwise reads a pipe document and adds each stage's plan (order, \
      start, device, GPU ids) and a schedule summary with the makespan, a lower bound and \
      the gap between them. Capacity comes from the probe unless given. Exit status: \
      0 ok, 64 usage (a named resource without --resource), 65 bad input or a plan that \
      cannot be made, 66 missing file, 74 I/O error. See flow-sched(1).
      """,
    version: FlowVersion.current)

  @Argument(help: "The pipe document; - or nothing reads standard input.", completion: .file())
  var file: String = "-"

  @Flag(help: "Print what this machine offers instead of planning.")
  var probe = false

  @Flag(help: "Print why each stage that asks for a GPU gets one or not, instead of the plan.")
  var explain = false

  @Option(
    help: ArgumentHelp(
      "Read /sys, /proc and /dev below DIR (also FLOW_PROBE_ROOT).", valueName: "DIR"),
    completion: .directory)
  var probeRoot: String?

  @OptionGroup var capacityOptions: CapacityOptions

  @Option(
    help: ArgumentHelp(
      "Durations of earlier runs: {\"stages\": {\"name\": seconds}}.", valueName: "FILE"),
    completion: .file())
  var history: String?

  @Flag(help: "Plan Snakemake-style layers with barriers, and report their idle capacity.")
  var waves = false

  @Option(
    help: ArgumentHelp(
      "Seconds the planner may search (default 10 ms a stage, at most 1).",
      valueName: "SECONDS"))
  var planTime: Double?

  @Option(help: "Output: json, text, dot, svg or make.")
  var format: Format = .json

  @Option(help: "The command the Makefile's recipes run (--format make).")
  var makeCommand: String = "flow-exec"

  @OptionGroup var output: OutputOptions

  @Flag(help: "Indent the JSON output.")
  var pretty = false

  @Flag(help: "Report on standard error how long reading, planning and writing took.")
  var timing = false

  func run() throws {
    let console = Console(tool: "flow-sched")
    var environment = ProcessEnvironment.current
    if let probeRoot { environment["FLOW_PROBE_ROOT"] = probeRoot }
    let needsProbe = probe || !capacityOptions.replacesProbe
    let machine = needsProbe ? MachineProbe(environment: environment).probe() : nil
    if probe {
      guard format == .json || format == .text else {
        throw CommandFailure("--probe prints json or text, not \(format.rawValue)", status: .usage)
      }
      let bytes =
        format == .text
        ? Array(MachineText.render(machine!).utf8)
        : JSONCodec.encode(machine!.jsonValue, pretty: pretty)
      return try console.emit(bytes, to: output.path)
    }
    if let planTime, !(planTime >= 0 && planTime <= 3600) {
      throw CommandFailure("--plan-time takes seconds from 0 to 3600", status: .usage)
    }
    let capacity = try capacityOptions.capacity(over: machine)
    let durations = try history.map { try loadHistory($0) } ?? DurationHistory()
    let name = file == "-" ? InputFile.standardInputName : file
    let started = MonotonicClock.now()
    var workflow = try Workflow(pipeInput: console.read(file), file: name, tool: "flow-sched")
    let read = MonotonicClock.now()
    var decisions = StageGPUDecisions(
      workflow, preflight: gpuPreflight(workflow, machine: machine, environment: environment),
      gpuIDs: capacity.gpuIDs)
    if let refusal = decisions.refusal {
      if explain { try console.emit(Array(decisions.text.utf8), to: output.path) }
      throw CommandFailure("\(name): \(refusal)", status: .dataError)
    }
    let plan: Plan
    do throws(PlanError) {
      plan = try Planner.plan(
        decisions.planStages(workflow), capacity: capacity, history: durations,
        options: PlanOptions(waves: waves, timeBudget: planTime))
    } catch {
      if explain { try console.emit(Array(decisions.text.utf8), to: output.path) }
      throw CommandFailure("\(name): \(error)", status: error.exitStatus)
    }
    decisions.record(plan)
    if explain { return try console.emit(Array(decisions.text.utf8), to: output.path) }
    let planned = MonotonicClock.now()
    for note in decisions.notes + plan.notes { console.report("note: \(note)") }
    try console.emit(
      render(plan, &workflow, gpuIDs: capacity.gpuIDs, decisions: decisions), to: output.path)
    if timing {
      let written = MonotonicClock.now()
      console.report(
        "timing: read \(Self.milliseconds(read - started)) ms, plan "
          + "\(Self.milliseconds(planned - read)) ms, write \(Self.milliseconds(written - planned)) ms, "
          + "\(workflow.stages.count) stages")
    }
  }

  private func render(
    _ plan: Plan, _ workflow: inout Workflow, gpuIDs: [String], decisions: StageGPUDecisions
  ) throws(PlanMakefileRenderer.RenderError) -> [UInt8] {
    switch format {
    case .json:
      plan.annotate(&workflow, gpuIDs: gpuIDs)
      decisions.annotate(&workflow)
      return workflow.documentText(pretty: pretty)
    case .text: return Array(PlanTextRenderer.render(plan).utf8)
    case .dot: return Array(PlanDotRenderer.render(plan).utf8)
    case .svg: return Array(PlanSVGRenderer.render(plan).utf8)
    case .make:
      let document = file == "-" ? "plan.json" : file
      return Array(
        try PlanMakefileRenderer(command: makeCommand, document: document).render(plan).utf8)
    }
  }

  private func loadHistory(_ path: String) throws -> DurationHistory {
    let document: JSONValue
    let bytes = try InputFile.read(path)
    do throws(JSONSyntaxError) {
      document = try JSONCodec.decode(bytes)
    } catch {
      throw CommandFailure("\(path):\(error)", status: .dataError)
    }
    guard let history = DurationHistory(json: document) else {
      throw CommandFailure(
        "\(path): expected {\"stages\": {\"NAME\": SECONDS}} with seconds 0 or more",
        status: .dataError)
    }
    return history
  }

  static func milliseconds(_ seconds: Double) -> String {
    String(Int64((seconds * 1000).rounded()))
  }
}
