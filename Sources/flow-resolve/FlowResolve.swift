import ArgumentParser
import FlowCommand
import FlowCore

#if canImport(Glibc)
  import Glibc
#endif

@main
struct FlowResolve: ToolCommand {
  static let configuration = CommandConfiguration(
    commandName: "flow-resolve",
    abstract: "Choose package versions for requirements and print their environment.",
    discussion: """
      Reads the catalogue of installed software (Lifeblood's TOML format plus `requires` and
      `conflicts`), chooses one version per package so that every requirement holds, and
      prints the chosen packages and the ordered environment actions. Without requirements,
      reads a pipe document on standard input and adds a resolution to every stage.
      See flow-resolve(1).
      """,
    version: FlowVersion.current,
    subcommands: [ResolveCommand.self, ScanCommand.self, GenerateCommand.self],
    defaultSubcommand: ResolveCommand.self)
}

struct CatalogueOptions: ParsableArguments {
  @Option(
    name: .customLong("catalog"),
    help: "A catalogue file or folder (config.toml then config.d/*.toml); repeatable.")
  var catalogs: [String] = []

  @Option(help: "Where to keep the compiled catalogue index (default: under ~/.cache/flow).")
  var index: String?

  /// Opens the catalogue's index, reporting skipped entries; ends the process on errors.
  func open(console: Console) -> CatalogueIndex {
    let environment = ProcessEnvironment.current
    let sources = catalogs.isEmpty ? Catalogue.defaultSources(environment: environment) : catalogs
    let path = index ?? CatalogueIndex.defaultPath(sources: sources, environment: environment)
    do {
      let opened = try CatalogueIndex.open(sources: sources, at: path)
      for problem in opened.problems { console.report(problem.description) }
      return opened
    } catch let error as ResolveError {
      if case .invalidCatalogue(let diagnostic) = error, diagnostic.position == nil,
        diagnostic.message == "no such catalogue"
      {
        console.fail(error.description, status: .noInput)
      }
      console.fail(error.description, status: .config)
    } catch {
      console.fail("\(error)", status: .software)
    }
  }
}

struct ResolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resolve", abstract: "Resolve requirements (the default subcommand).")

  @OptionGroup var catalogue: CatalogueOptions

  @Option(help: "Output: json (packages and actions), sh (export lines) or env (full environment).")
  var format: OutputFormat = .json

  @Option(
    help:
      "With --format env or sh: the base environment (NAME=VALUE lines) instead of the current one."
  )
  var baseEnv: String?

  @Flag(help: "Say why each version was chosen.")
  var explain = false

  @Flag(help: "Allow prereleases wherever a spec allows them (Lifeblood's behaviour).")
  var pre = false

  @Flag(help: "Indent the JSON output for people.")
  var pretty = false

  @Option(name: .shortAndLong, help: "Write to FILE atomically instead of standard output.")
  var output: String?

  @Argument(
    help: "Requirements such as 'houdini ~=20.0.506'; none: read a pipe document on standard input."
  )
  var requirements: [String] = []

  enum OutputFormat: String, ExpressibleByArgument { case json, sh, env }

  func run() throws {
    let console = Console(tool: "flow-resolve")
    if requirements.isEmpty || requirements == ["-"] {
      runPipe(console: console)
      return
    }
    var parsed: [PackageRequirement] = []
    for text in requirements {
      do {
        parsed.append(try PackageRequirement(parsing: text))
      } catch {
        console.fail("\(error)", status: .usage)
      }
    }
    let index = catalogue.open(console: console)
    let resolution: Resolution
    do {
      resolution = try Resolution(parsed, source: index, includePrereleases: pre)
    } catch {
      console.fail("\(error)", status: .dataError)
    }
    switch format {
    case .json:
      console.emit(
        JSONCodec.encode(resolution.document(explain: explain), pretty: pretty), to: output)
    case .sh, .env:
      if explain {
        for (package, reasons) in zip(resolution.packages, resolution.reasons) {
          console.report("\(package.name) \(package.key): \(reasons.joined(separator: "; "))")
        }
      }
      let base = baseEnvironment(console: console)
      let applied = resolution.actions.applied(to: base)
      let text =
        format == .sh
        ? ShellExport.lines(applied, variables: resolution.actions.actions.map(\.variable))
        : ShellExport.environmentLines(applied)
      console.emit(Array(text.utf8), to: output)
    }
  }

  func baseEnvironment(console: Console) -> [String: String] {
    guard let baseEnv else { return ProcessEnvironment.current }
    return ProcessEnvironment.parse(console.read(baseEnv))
  }

  func runPipe(console: Console) {
    let bytes = console.read("-")
    let document: JSONValue
    do {
      document = try JSONCodec.decode(bytes)
    } catch {
      console.fail("\(InputFile.standardInputName):\(error)", status: .dataError)
    }
    let index = catalogue.open(console: console)
    do throws(PipeResolution.StageFailure) {
      let (annotated, _) = try PipeResolution(
        source: index, includePrereleases: pre, explain: explain
      ).annotate(document)
      console.emit(JSONCodec.encode(annotated, pretty: pretty), to: output)
    } catch {
      console.fail(error.description, status: .dataError)
    }
  }
}
