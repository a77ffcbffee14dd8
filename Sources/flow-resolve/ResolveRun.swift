import FlowCommand
import FlowCore
import Glibc

/// One resolve, from already parsed options: what `flow-resolve [REQ…]` does.
struct ResolveRun: Equatable {
  enum OutputFormat: String { case json, sh, env }

  var catalogs: [String] = []
  var index: String?
  var format: OutputFormat = .json
  var baseEnv: String?
  var explain = false
  var fullDerivation = false
  var pre = false
  var syntax = VersionSpec.SyntaxChoice.auto
  var pretty = false
  var output: String?
  var requirements: [String] = []
  /// `--exclude` specs, as written.
  var exclusions: [String] = []
  /// `--time`, as written.
  var time: String?
  /// `--implicits` or `--no-implicits`; nil: on in pipe mode only.
  var implicits: Bool?
  var lock = LockRequest()

  /// What the options ask of the lock: `--lock FILE`, `--locked`, `--update-lock [PKG…]`.
  struct LockRequest: Equatable {
    var path: String?
    var locked = false
    /// The packages `--update-lock` moves on (empty: all); nil without it.
    var updating: Set<String>?

    var isAsked: Bool { path != nil || locked || updating != nil }
  }

  init(
    catalogs: [String], index: String?, format: OutputFormat, baseEnv: String?, explain: Bool,
    fullDerivation: Bool, pre: Bool, syntax: VersionSpec.SyntaxChoice, pretty: Bool,
    output: String?, requirements: [String], exclusions: [String] = [], time: String? = nil,
    implicits: Bool? = nil, lock: LockRequest = LockRequest()
  ) {
    self.lock = lock
    self.implicits = implicits
    self.exclusions = exclusions
    self.time = time
    self.catalogs = catalogs
    self.index = index
    self.format = format
    self.baseEnv = baseEnv
    self.explain = explain
    self.fullDerivation = fullDerivation
    self.pre = pre
    self.syntax = syntax
    self.pretty = pretty
    self.output = output
    self.requirements = requirements
  }

  /// The plain form: `--catalog`, `--index`, `--format`, `--base-env`, `--explain`,
  /// `--full-derivation`, `--pre`, `--syntax`, `--pretty`, `--output`/`-o`, `--exclude`,
  /// `--time`, `--implicits` or `--no-implicits`, and requirements.
  static let plainForm = PlainArguments.Form(
    flags: [
      "--explain", "--full-derivation", "--pre", "--pretty", "--implicits", "--no-implicits",
    ],
    options: ["--index", "--base-env", "--time", "--format", "--syntax"],
    repeatable: ["--catalog", "--exclude"], mostWords: .max
  ).adding(.output)

  /// A resolve of requirements given in the plain form; nil for anything else (a pipe
  /// document, a subcommand, the lock), which the argument parser reads.
  init?(plain arguments: [String]) {
    guard let plain = PlainArguments(arguments, form: Self.plainForm),
      let first = plain.words.first, !["resolve", "scan", "generate", "help"].contains(first),
      !(plain.has("--implicits") && plain.has("--no-implicits")),
      let format = plain.choice("--format", else: OutputFormat.json),
      let syntax = plain.choice("--syntax", else: VersionSpec.SyntaxChoice.auto)
    else { return nil }
    self.format = format
    self.syntax = syntax
    requirements = plain.words
    catalogs = plain.all("--catalog")
    exclusions = plain.all("--exclude")
    index = plain.value("--index")
    baseEnv = plain.value("--base-env")
    time = plain.value("--time")
    output = plain.value("--output")
    explain = plain.has("--explain")
    fullDerivation = plain.has("--full-derivation")
    pre = plain.has("--pre")
    pretty = plain.has("--pretty")
    implicits = plain.has("--implicits") ? true : plain.has("--no-implicits") ? false : nil
  }

  func run() throws {
    guard catalogs.isEmpty else { return try resolve() }
    do {
      try resolve()
    } catch let error as ResolveError {
      throw Self.withDefaultLookup(error)
    } catch var failure as PipeResolution.StageFailure {
      failure.error = Self.withDefaultLookup(failure.error)
      throw failure
    }
  }

  /// `error` told with what the default catalogue lookup found; looked up only once a
  /// resolve has failed, so that a run that succeeds does not look twice.
  private static func withDefaultLookup(_ error: ResolveError) -> ResolveError {
    let environment = ProcessEnvironment.current
    return Catalogue.explainingDefaultLookup(
      error, sources: Catalogue.defaultSources(environment: environment), environment: environment)
  }

  private func resolve() throws {
    let console = Console(tool: "flow-resolve")
    if lock.updating != nil && lock.locked {
      throw CommandFailure("--update-lock changes the lock, which --locked refuses", status: .usage)
    }
    // With --update-lock the arguments name the packages to move on.
    if requirements.isEmpty || requirements == ["-"] || lock.updating != nil {
      try runPipe(console: console)
      return
    }
    if lock.isAsked {
      throw CommandFailure(
        "--lock, --locked and --update-lock apply to a pipe document, not to requirements "
          + "named here", status: .usage)
    }
    if let repositories = try rezRepositories() {
      try resolveRez(repositories, console: console)
    }
    var parsed: [PackageRequirement] = []
    for text in requirements {
      // A requirement that cannot be read is a ResolveError with status 64.
      parsed.append(try PackageRequirement(parsing: text, syntax: syntax))
    }
    let index = try openSource(console: console)
    let resolution = try Resolution.resolving(
      parsed, source: index,
      implicits: implicits == true
        ? ImplicitPackages.probed(environment: ProcessEnvironment.current) : nil,
      includePrereleases: pre, fullDerivation: fullDerivation)
    try emit(resolution, console: console)
  }

  /// Prints a resolution in the chosen format, then ends the process.
  func emit(_ resolution: Resolution, console: Console) throws -> Never {
    switch format {
    case .json:
      // A stop without a test: rez's context fails wherever it is built, and so will
      // applying these actions; said now, as the resolve itself succeeded.
      if let stop = resolution.actions.stopEverywhere {
        console.report("the environment cannot be made anywhere: \(stop.stopMessage)")
      }
      try console.emit(
        resolution.stageResolution(explain: explain).text(pretty: pretty), to: output)
    case .sh, .env:
      if explain {
        for (package, reasons) in zip(resolution.packages, resolution.reasons()) {
          console.report("\(package.name) \(package.key): \(reasons.joined(separator: "; "))")
        }
      }
      let base =
        try baseEnv.map { ProcessEnvironment.parse(try console.read($0)) }
        ?? ProcessEnvironment.current
      let actions = resolution.actions
      if let stop = actions.stop(appliedTo: base) {
        throw CommandFailure(
          "the environment cannot be made here: \(stop.stopMessage)", status: .unavailable)
      }
      let applied = actions.applied(to: base)
      let bytes =
        format == .sh
        ? try EnvOutput.shellExports(
          applied,
          names: actions.actions.filter { $0.kind != .alias && $0.kind != .stop }.map(\.variable))
          + EnvOutput.shellFunctions(actions.functions(appliedTo: base))
        : EnvOutput.environmentLines(applied)
      try console.emit(bytes, to: output)
    }
    // Ends here: freeing the resolution and its document would only cost time.
    FlowResolve.endNow(ExitStatus.success.rawValue)
  }

  func runPipe(console: Console) throws {
    var workflow = try Workflow(
      pipeInput: try console.read("-"), file: InputFile.standardInputName, tool: "flow-resolve")
    let roots = try rezRepositories()
    let index = try roots == nil ? openSource(console: console) : nil
    let machine =
      implicits != false ? ImplicitPackages.probed(environment: ProcessEnvironment.current) : nil
    let use = try LockUse.open(explicit: lock.path, locked: lock.locked, workflow: workflow)
    if lock.updating != nil && use == nil {
      throw CommandFailure(
        "--update-lock: no lock to move on (none beside the workflow; --lock FILE names one)",
        status: .usage)
    }
    if let moving = lock.updating {
      let known = Set((use?.lock?.packages ?? [:]).values.flatMap(\.keys))
      if let unknown = moving.sorted().first(where: { !known.contains($0) }) {
        let hint = Suggestion.closest(to: unknown, among: known).map { " (did you mean '\($0)'?)" }
        throw CommandFailure(
          "--update-lock: the lock holds no package '\(unknown)'\(hint ?? "")", status: .usage)
      }
    }
    // The document annotated against `source`, on a copy: a rez repository's reading found
    // out of date is read again.
    func annotated(_ source: any PackageSource) throws -> Workflow {
      var resolution = PipeResolution(
        source: source, includePrereleases: pre, explain: explain,
        fullDerivation: fullDerivation, syntax: syntax)
      if let machine { resolution.implicits = machine }
      if let locked = use?.lock?.packages {
        resolution.preferences = PackageLock.preferences(locked, moving: lock.updating)
      }
      var copy = workflow
      _ = try resolution.annotate(&copy)
      return copy
    }
    if let index {
      workflow = try annotated(index)
    } else if let roots {
      workflow = try readingRez(roots, console: console) { _, source in try annotated(source) }
    }
    if let use {
      // Written before the document goes on, as flow-envfile does, for the next tool.
      let section = PackageLock.section(of: workflow, keeping: nil)
      var updated = use.lock ?? LockFile()
      updated.packages = section
      let places = Dictionary(
        workflow.stages.compactMap { stage in workflow.place(of: stage).map { (stage.name, $0) } }
      ) { first, _ in first }
      try use.settle(
        .resolve, updated: updated,
        changes: PackageLock.changes(from: use.lock?.packages ?? [:], to: section, places: places))
    }
    try console.emit(workflow.documentText(pretty: pretty), to: output)
  }

  /// The TOML catalogues' index, without what `--exclude` and `--time` hide.
  func openSource(console: Console) throws -> any PackageSource {
    var excluded: [PackageRequirement] = []
    for text in exclusions {
      excluded.append(try PackageRequirement(parsing: text, syntax: syntax))
    }
    let filter = try PackageFilter(exclusions: excluded, time: time)
    let index = try openIndex(console: console)
    return filter.isEmpty ? index : FilteredSource(index, filter: filter)
  }

  /// Opens the catalogue's index, reporting skipped entries.
  func openIndex(console: Console) throws -> CatalogueIndex {
    let environment = ProcessEnvironment.current
    let sources = catalogs.isEmpty ? Catalogue.defaultSources(environment: environment) : catalogs
    // A file-size limit (`ulimit -f`) then fails the index write with EFBIG, which resolves
    // from memory, instead of ending the process.
    signal(SIGXFSZ, SIG_IGN)
    do {
      let opened = try CatalogueIndex.open(sources: sources, at: index, environment: environment)
      opened.report { console.report($0.description) }
      // Kept until the process ends: tearing down its caches would only cost time.
      _ = Unmanaged.passRetained(opened)
      return opened
    } catch let error as ResolveError {
      throw error
    } catch {
      throw CommandFailure("\(error)", status: .software)
    }
  }
}
