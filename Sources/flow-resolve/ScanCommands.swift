import ArgumentParser
import FlowCommand
import FlowCore

struct ScanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scan", abstract: "Print a catalogue of the software installed here.")

  @Option(
    help: "Look under DIR instead of / (its opt, usr and usr/local folders).",
    completion: .directory)
  var root: String = ""

  func run() throws {
    let console = Console(tool: "flow-resolve")
    let scan = InstallationScan(root: root)
    for problem in scan.problems { console.report(problem) }
    try console.emit(Array(scan.catalogueText.utf8))
  }
}

struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Add the software installed here to a catalogue file.")

  @Option(
    help: "Look under DIR instead of / (its opt, usr and usr/local folders).",
    completion: .directory)
  var root: String = ""

  @Option(
    name: [.customShort("o", allowingJoined: true), .long],
    help: "The catalogue file (default: ~/.config/flow/packages.toml).", completion: .file())
  var output: String?

  @Flag(help: "Replace entries that already exist instead of keeping them.")
  var override = false

  func run() throws {
    let console = Console(tool: "flow-resolve")
    let directories = UserDirectories(environment: ProcessEnvironment.current)
    // Without a home folder the default lies under /tmp: only written when private.
    if output == nil, let folder = directories.privateFolder,
      let problem = directories.checkPrivateFolder()
    {
      throw CommandFailure(
        "\(folder): \(problem); give the catalogue file with -o", status: .ioError)
    }
    let path = output ?? directories.flowConfig + "/packages.toml"
    let scan = InstallationScan(root: root)
    for problem in scan.problems { console.report(problem) }
    let existing = InputFile.isRegularFile(path) ? try console.read(path) : []
    // A catalogue that cannot be read is a ResolveError with status 78.
    let merged = try scan.merged(into: existing, file: path, override: override)
    try console.emit(merged, to: path)
  }
}
