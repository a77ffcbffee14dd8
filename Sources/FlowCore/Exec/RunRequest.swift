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
    let needsEngine = selected.contains { workflow.stages[$0].environment.image != nil }
    let chosenEngine =
      needsEngine
      ? try ContainerEngine.choose(named: engine, environment: host, mustBeInstalled: !dryRun)
      : nil
    let logs = logDirectory ?? (RunPreparation.folder(of: workflow) ?? ".") + "/.flow/logs"
    var gpuNotes: [String] = []
    var preparation = RunPreparation(
      baseEnvironment: cleanEnvironment ? [:] : host, logDirectory: logs, engine: chosenEngine,
      runID: String(getpid()), machine: machine, capacity: capacity)
    if let chosenEngine {
      let probe = MachineProbe(environment: host, queriesTools: false)
      preparation.enginePassesGPUs = chosenEngine.passesNvidiaGPUs(files: probe.files)
      if chosenEngine == .apptainer {
        preparation.apptainerVersion = ApptainerVersion.installed(environment: host)
      }
      gpuNotes = try GPUPreflight(
        machine: machine, files: probe.files, environment: host, engine: chosenEngine,
        apptainerVersion: preparation.apptainerVersion
      ).apply(to: &workflow, selected: selected)
    }
    preparation.history = history
    preparation.executorOverride = executorOverride
    preparation.clusterExecutors = [.slurm, .dask]
    let launches = try preparation.prepare(workflow, selected: selected)
    return (launches, logs, gpuNotes + preparation.notes)
  }

  /// Resolves the requirements of a document flow-resolve did not see, with the default
  /// catalogue.
  private func resolve(_ workflow: inout Workflow) throws(ExecError) {
    let sources = Catalogue.defaultSources(environment: host)
    let path = CatalogueIndex.defaultPath(sources: sources, environment: host)
    do {
      // Rez repositories are read as flow-resolve reads them in a pipe.
      let source: any PackageSource =
        try RezRepository.roots(of: sources, syntax: syntax).map { try RezRepository(roots: $0) }
        ?? CatalogueIndex.open(sources: sources, at: path)
      var resolution = PipeResolution(source: source, syntax: syntax)
      // As flow-resolve does in a pipe: the machine's facts are packages a variant may need.
      resolution.implicits = ImplicitPackages.probed(environment: host)
      _ = try resolution.annotate(&workflow)
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
