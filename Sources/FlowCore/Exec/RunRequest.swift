import Glibc

/// What flow-exec is asked to run, before anything runs: which stages, how strictly,
/// from which environment, with which engine and logs. `prepare` completes what earlier
/// tools skipped and turns the chosen stages into launches.
public struct RunRequest {
  public var selection = StageSelection()
  /// Refuse a document that skipped a step of the pipeline instead of completing it.
  public var strict = false
  /// The environment flow-exec runs in; stages start from it unless `cleanEnvironment`.
  public var host: EnvironmentMap
  public var cleanEnvironment = false
  /// The container engine asked for; the first one installed when `nil`.
  public var engine: String?
  /// Only show what would run: the engine need not be installed.
  public var dryRun = false
  /// Where logs go; `.flow/logs` beside the workflow when `nil`.
  public var logDirectory: String?
  public var history = DurationHistory()
  public var executorOverride: Executor?
  /// How the specs of requirements flow-resolve did not see are read.
  public var syntax = VersionSpec.SyntaxChoice.auto
  /// The catalogues requirements are resolved from (flow-resolve's `--catalog`); empty: the
  /// default lookup.
  public var catalogs: [String] = []
  /// Where the compiled index is kept (`--index`); nil: the per-user cache.
  public var index: String?
  /// The lock this run keeps to (`RunLockKeeping`), checked and written once the document
  /// is complete; nil: none.
  public var lock: RunLockKeeping?
  /// Told what flow-resolve would report while it resolves the stages' requirements: entries
  /// skipped, and an index rebuilt, not written or not used, with why.
  public var report: (String) -> Void = { _ in }

  public init(host: EnvironmentMap) {
    self.host = host
  }

  /// The launches for the chosen stages, the folder for their logs, and notes for people.
  public func prepare(
    _ workflow: Workflow, machine: MachineDescription, capacity: PlanCapacity
  ) throws(ExecError) -> (launches: [StageLaunch], logDirectory: String, notes: [String]) {
    var workflow = workflow
    let selected = try selection.select(workflow)
    let gaps = DocumentCompletion.gaps(workflow, selected: selected)
    if strict, let first = gaps.first { throw first.error }
    try DocumentCompletion.loadVariables(&workflow, base: cleanEnvironment ? [:] : host)
    if gaps.contains(where: { $0.tool == "flow-resolve" }) {
      try resolve(&workflow)
    }
    try lock?.keep(
      workflow, selected: selected, variables: gaps.contains { $0.tool == "flow-envfile" },
      packages: gaps.contains { $0.tool == "flow-resolve" })
    let needsEngine = selected.contains { workflow.stages[$0].environment.image != nil }
    let chosenEngine =
      needsEngine
      ? try ContainerEngine.choose(named: engine, environment: host, mustBeInstalled: !dryRun)
      : nil
    // One inspection per image serves the lock, the GPU checks and the images' environments.
    let inspections = ImageInspections(environment: host)
    try lock?.keep(
      RunLock.observe(
        workflow, selected: selected, engine: chosenEngine, machine: machine, environment: host,
        inspections: inspections))
    let logs = logDirectory ?? (RunPreparation.folder(of: workflow) ?? ".") + "/.flow/logs"
    var gpuNotes: [String] = []
    var preparation = RunPreparation(
      baseEnvironment: cleanEnvironment ? [:] : host, logDirectory: logs, engine: chosenEngine,
      runID: String(getpid()), machine: machine, capacity: capacity)
    preparation.inspections = inspections
    let probe = MachineProbe(environment: host, queriesTools: false)
    if chosenEngine == .apptainer {
      preparation.apptainerVersion = ApptainerVersion.installed(environment: host)
    }
    var preflight = GPUPreflight(
      machine: machine, files: probe.files, environment: host, engine: chosenEngine,
      apptainerVersion: preparation.apptainerVersion)
    preflight.inspections = preparation.inspections
    preflight.folder = RunPreparation.folder(of: workflow)
    // Made before a stage asking `gpu_if_available` is sent to the CPU, so its record
    // says why.
    let decisions = StageGPUDecisions(workflow, preflight: preflight, gpuIDs: capacity.gpuIDs)
    if let chosenEngine {
      preparation.enginePassesGPUs = chosenEngine.passesNvidiaGPUs(files: probe.files)
      gpuNotes = try preflight.apply(to: &workflow, selected: selected)
    }
    preparation.history = history
    preparation.executorOverride = executorOverride
    preparation.clusterExecutors = [.slurm, .dask]
    var launches = try preparation.prepare(workflow, selected: selected)
    decisions.attach(to: &launches, selected: selected)
    return (launches, logs, gpuNotes + preparation.notes)
  }

  /// Resolves the requirements of a document flow-resolve did not see, with the catalogues
  /// given or the default lookup, reporting what flow-resolve would (`report`).
  private func resolve(_ workflow: inout Workflow) throws(ExecError) {
    let sources = catalogs.isEmpty ? Catalogue.defaultSources(environment: host) : catalogs
    do {
      // As flow-resolve does in a pipe: the machine's facts are packages a variant may need.
      let machine = ImplicitPackages.probed(environment: host)
      func annotated(_ source: any PackageSource) throws -> Workflow {
        var resolution = PipeResolution(source: source, syntax: syntax)
        resolution.preferences = lock?.packagePreferences ?? [:]
        resolution.implicits = machine
        var copy = workflow
        _ = try resolution.annotate(&copy)
        return copy
      }
      // Rez repositories are read as flow-resolve reads them in a pipe, again when the
      // reading was out of date; their problems are found as packages are read: told once
      // resolved.
      if let roots = try RezRepository.roots(of: sources, syntax: syntax) {
        workflow = try RezRepository.reading(
          roots: roots, at: index, environment: host, report: { report($0.description) },
          annotated)
      } else {
        let opened = try CatalogueIndex.open(sources: sources, at: index, environment: host)
        opened.report { [report] in report($0.description) }
        workflow = try annotated(opened)
      }
    } catch let failure as PipeResolution.StageFailure {
      let explained = Catalogue.explainingDefaultLookup(
        failure.error, sources: sources, environment: host)
      throw .stageResolution(
        stage: failure.stage, place: failure.place, reason: explained.description)
    } catch let error as ResolveError {
      let explained = Catalogue.explainingDefaultLookup(
        error, sources: sources, environment: host)
      throw .resolution("\(explained)")
    } catch {
      throw .resolution("\(error)")
    }
  }
}
