import ArgumentParser
import FlowCommand
import FlowCore
import Glibc

/// flow-resolve's start, for its own executable and for `flow`, the one binary installed
/// under every tool's name.
public enum FlowResolveMain {
  /// A plain resolve skips the argument parser's start-up cost; anything else (help,
  /// subcommands, unknown options, errors) goes through it.
  public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
    ProcessMemory.preferOneLargeHeap()
    if let run = ResolveRun(plain: arguments) {
      FlowResolve.end {
        try run.run()
        // Skips tearing down the decoded catalogue: the process is done.
        FlowResolve.endNow(ExitStatus.success.rawValue)
      }
    }
    FlowResolve.main(arguments: arguments)
  }
}

struct FlowResolve: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "flow-resolve",
    abstract: "Choose package versions for requirements and print their environment.",
    usage: """
      flow-resolve [resolve] [<options>] [<requirements> ...]
      flow-resolve scan [--root <root>]
      flow-resolve generate [--root <root>] [--output <output>] [--override]
      """,
    discussion: """
      Reads the catalogue of installed software (Lifeblood's TOML format plus `requires`, \
      `conflicts` and `released`, or rez repositories, whose package files are read without \
      running them), chooses one version per package so that every requirement holds, and \
      prints the chosen packages and the ordered environment actions. Without requirements, \
      reads a pipe document on standard input and adds a resolution to every stage.

      Preference: requested packages are decided first, in request order; then, among the \
      dependencies that must be selected, the one with the fewest versions left (ties: the \
      one first needed). Each takes the newest version the constraints still allow. The \
      same input always gives the same answer.

      Specs are read in Lifeblood's syntax (python-semanticversion) or node-semver's, chosen \
      per spec unless --syntax says which, and in rez's against rez repositories, where \
      versions are chosen in rez's own order; flow-resolve(1) gives the grammars. Prereleases \
      are chosen only when a spec names a prerelease of the same release, or with --pre. Lifeblood always includes them; with --pre this tool picks what Lifeblood \
      picks. Exit status: 0 resolved, 64 bad usage or requirement, 65 no set of versions \
      fits (the reason is printed), 66 a catalogue is missing, 78 a catalogue is not valid \
      TOML, 74 output could not be written.
      """,
    version: FlowVersion.current,
    subcommands: [ResolveCommand.self, ScanCommand.self, GenerateCommand.self],
    defaultSubcommand: ResolveCommand.self)
}

struct ResolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resolve", abstract: "Resolve requirements (the default subcommand).",
    usage: "flow-resolve [resolve] [<options>] [<requirements> ...]")

  @OptionGroup var catalogue: CatalogueOptions

  @Option(
    help:
      "Output: json (packages and actions), sh (export lines, then alias functions) or env (full environment)."
  )
  var format: ResolveRun.OutputFormat = .json

  @Option(
    help:
      "With --format env or sh: the base environment (NAME=VALUE lines) instead of the current one.",
    completion: .file())
  var baseEnv: String?

  @Flag(help: "Say why each version was chosen.")
  var explain = false

  @Flag(
    help: "When no set of versions fits, give every step of the reason (default: at most 100).")
  var fullDerivation = false

  @Flag(help: "Allow prereleases wherever a spec allows them (Lifeblood's behaviour).")
  var pre = false

  @Option(help: syntaxOptionHelp)
  var syntax: VersionSpec.SyntaxChoice = .auto

  @Option(
    help: ArgumentHelp(
      "Never choose the versions a 'name spec' allows (any spec: every version); repeatable.",
      valueName: "requirement"))
  var exclude: [String] = []

  @Option(
    help: ArgumentHelp(
      "Choose from what was released by this date (2024-05-01 or 2024-05-01T12:00:00Z); "
        + "versions without 'released' stay visible.",
      valueName: "date"))
  var time: String?

  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Offer the machine's facts as packages (gpu, cuda_driver, glibc); default: on for a "
        + "pipe document, off for requirements given here."))
  var implicits: Bool?

  @Flag(help: "Indent the JSON output for people.")
  var pretty = false

  @OptionGroup var output: OutputOptions

  @OptionGroup var lock: LockOptions

  @Flag(
    help: ArgumentHelp(
      "Move the lock on: resolve the packages named as arguments (none: every package) afresh "
        + "and record them; the others keep their locked versions while they fit."))
  var updateLock = false

  @Argument(
    help:
      "Requirements such as 'houdini ~=20.0.506', '~numpy >=1.20' (weak) or '!python 2' (conflict); none: read a pipe document on standard input."
  )
  var requirements: [String] = []

  /// The run these options ask for.
  var plainRun: ResolveRun {
    ResolveRun(
      catalogs: catalogue.catalogs, index: catalogue.index, format: format, baseEnv: baseEnv,
      explain: explain, fullDerivation: fullDerivation, pre: pre, syntax: syntax, pretty: pretty,
      output: output.path, requirements: requirements, exclusions: exclude, time: time,
      implicits: implicits,
      lock: ResolveRun.LockRequest(
        path: lock.path, locked: lock.locked, updating: updateLock ? Set(requirements) : nil))
  }

  func run() throws {
    try plainRun.run()
  }
}

extension ResolveRun.OutputFormat: ExpressibleByArgument {}
