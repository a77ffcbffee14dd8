import FlowCommand

extension FlowSched {
  /// The plain form: the document, the capacity (`--cpus`, `--memory`, `--gpus`,
  /// `--resource`), `--format`, `--pretty`, `--output`/`-o`, `--plan-time`, `--history`,
  /// `--waves`, `--probe`, `--probe-root`, `--explain`, `--make-command` and `--timing`.
  static let plainForm = PlainArguments.Form(
    flags: ["--probe", "--explain", "--waves", "--pretty", "--timing"],
    options: [
      "--probe-root", "--cpus", "--memory", "--gpus", "--history", "--plan-time", "--format",
      "--make-command",
    ],
    repeatable: ["--resource"], mostWords: 1
  ).adding(.output)

  /// The command `arguments` give when they are in the plain form, every option set as
  /// the argument parser sets it; nil for anything else, which the argument parser reads.
  init?(plain arguments: [String]) {
    guard let plain = PlainArguments(arguments, form: Self.plainForm) else { return nil }
    // Numbers and formats the argument parser would refuse are left to it to report.
    var cpus: Double?
    if let text = plain.value("--cpus") {
      guard let number = Double(text) else { return nil }
      cpus = number
    }
    var planTime: Double?
    if let text = plain.value("--plan-time") {
      guard let number = Double(text) else { return nil }
      planTime = number
    }
    guard let format = plain.choice("--format", else: Format.json) else { return nil }
    self.init()
    file = plain.words.first ?? "-"
    probe = plain.has("--probe")
    explain = plain.has("--explain")
    probeRoot = plain.value("--probe-root")
    var capacity = CapacityOptions()
    capacity.cpus = cpus
    capacity.memory = plain.value("--memory")
    capacity.gpus = plain.value("--gpus")
    capacity.resources = plain.all("--resource")
    capacityOptions = capacity
    history = plain.value("--history")
    waves = plain.has("--waves")
    self.planTime = planTime
    self.format = format
    makeCommand = plain.value("--make-command") ?? "flow-exec"
    var output = OutputOptions()
    output.path = plain.value("--output")
    self.output = output
    pretty = plain.has("--pretty")
    timing = plain.has("--timing")
  }
}
