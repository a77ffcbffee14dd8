/// Turns a complete pipe document into stage launches: the command per stage type, the
/// environment in DESIGN.md's order, the demand, the plan's order and GPU ids (from the
/// document's `plan` when every chosen stage has one, else from the core planner), the log
/// file, and for a stage with an image the container engine's argv.
public struct RunPreparation {
  public var baseEnvironment: EnvironmentMap
  public var logDirectory: String
  public var engine: ContainerEngine?
  /// Makes container names unique to the run.
  public var runID: String
  public var machine: MachineDescription
  public var capacity: PlanCapacity
  /// How long stages took before, for planning (`--history`).
  public var history = DurationHistory()
  /// Whether the container engine can hand the machine's NVIDIA GPUs to a container.
  public var enginePassesGPUs = true
  /// The installed apptainer's version, which decides how GPUs reach its containers.
  public var apptainerVersion: ApptainerVersion?
  /// Runs every stage with this executor whatever the document says (`--executor`).
  public var executorOverride: Executor?
  /// The executors this run can use besides the local one.
  public var clusterExecutors: Set<Executor> = []
  /// Choices made while preparing, for people (a stage sent to the CPU).
  public private(set) var notes: [String] = []
  /// Images' own environments, by image, as read for this run.
  private var imageEnvironments: [String: EnvironmentMap] = [:]
  /// What the engine said of each image, asked once per image per run.
  public var inspections: ImageInspections
  /// The user's home folders, never mounted whole into a container.
  public var homes = ContainerMount.homes(environment: ProcessEnvironment.current)

  public init(
    baseEnvironment: EnvironmentMap, logDirectory: String, engine: ContainerEngine?,
    runID: String, machine: MachineDescription, capacity: PlanCapacity
  ) {
    self.baseEnvironment = baseEnvironment
    self.logDirectory = logDirectory
    self.engine = engine
    self.runID = runID
    self.machine = machine
    self.capacity = capacity
    inspections = ImageInspections(environment: baseEnvironment)
  }

  /// The folder relative paths and stages run in: the workflow file's folder.
  public static func folder(of workflow: Workflow) -> String? {
    guard workflow.source.hasPrefix("/"), let slash = workflow.source.lastIndex(of: "/") else {
      return nil
    }
    let folder = String(workflow.source[..<slash])
    return folder.isEmpty ? "/" : folder
  }

  public mutating func prepare(_ workflow: Workflow, selected: [Int]) throws(ExecError)
    -> [StageLaunch]
  {
    let chosen = selected.map { workflow.stages[$0] }
    let position = Dictionary(chosen.enumerated().map { ($1.name, $0) }) { first, _ in first }
    let executors = chosen.map { executorOverride ?? $0.environment.executor ?? .local }
    for (offset, executor) in executors.enumerated()
    where executor != .local && !clusterExecutors.contains(executor) {
      throw .unsupportedExecutor(stage: chosen[offset].name, executor: executor.rawValue)
    }
    // A cluster places its stages itself: only local stages are planned against this
    // machine, and only they get its GPU ids.
    let onCluster = executors.map { $0 != .local }
    if let clash = workflow.safeNameClash() { throw clash }
    let commands = try chosen.map { stage throws(ExecError) in
      try StageCommand(stage: stage, place: workflow.place(of: stage))
    }
    var planStages = chosen.map { stage in
      var planStage = PlanStage(stage: stage)
      planStage.needs.removeAll { position[$0] == nil }
      return planStage
    }
    let nvidia = machine.gpus.contains { $0.vendor == .nvidia }
    for (offset, stage) in chosen.enumerated()
    where stage.environment.image != nil && nvidia && !enginePassesGPUs {
      let reason = "\(engine?.rawValue ?? "the engine") has no CDI specification for the gpus"
      switch planStages[offset].processOn {
      case .gpu: throw .gpuUnavailable(stage: stage.name, reason: reason)
      case .gpuIfAvailable:
        planStages[offset].processOn = .cpu
        planStages[offset].demand.gpu = 0
        planStages[offset].demand.gpuFraction = 0
        planStages[offset].demand.gpuMemory = 0
        notes.append("stage '\(stage.name)' runs on the cpu: \(reason) (gpu_if_available)")
      case .cpu: break
      }
    }
    let placements = try ClusterPlacement.placements(
      planStages, onCluster: onCluster, plans: chosen.map(\.plan)
    ) { (stages, plans) throws(ExecError) in try self.placements(stages, plans: plans) }
    let folder = Self.folder(of: workflow)
    var launches: [StageLaunch] = []
    for (offset, stage) in chosen.enumerated() {
      var demand = planStages[offset].demand
      if !onCluster[offset] {
        demand.cpu = capacity.cpuGranted(to: demand.cpu)
        demand.gpu = placements[offset].gpus.count
        demand.holdShare(of: capacity, gpus: placements[offset].gpus)
      }
      let vendor = placements[offset].gpus.first.flatMap { id in
        machine.gpus.first { $0.id == id }?.vendor
      }
      let environment = StageEnvironment(stage: stage)
      let command = commands[offset]
      let image = stage.environment.image
      var invocation: ContainerInvocation? = try image.map { image throws(ExecError) in
        guard let engine else { throw .noContainerEngine }
        guard let folder else {
          throw .refused(
            stage: stage.name,
            reason: "the workflow source \(workflow.source.debugDescription) is no absolute path,"
              + " so there is no workflow folder to mount")
        }
        do throws(ContainerInvocation.Refusal) {
          var invocation = try ContainerInvocation.checked(
            engine: engine, image: image, name: containerName(stage.name),
            folder: folder, homes: homes, memory: demand.memory, cpu: demand.cpu)
          invocation.apptainerVersion = apptainerVersion
          invocation.packageFolders = ContainerMount.packageFolders(
            of: stage.resolution?.packages ?? [], workflowFolder: folder, homes: homes)
          return invocation
        } catch {
          throw .refused(stage: stage.name, reason: error.description)
        }
      }
      // On Slurm the job's GPUs are known only on its node, where the script names them.
      if executors[offset] == .slurm && demand.gpu > 0 { invocation?.gpusFromScheduler = true }
      // On Dask they are the worker's, named where the stage starts (not for a stage that may
      // run on CPUs instead: its argv is made before the bridge knows).
      if executors[offset] == .dask && planStages[offset].processOn == .gpu {
        invocation?.gpusFromWorker = demand.wholeGPUs
      }
      let container = invocation
      let base = container.map { imageEnvironment($0, stage: stage) } ?? baseEnvironment
      // The environment the actions' tests read where they are decided here (nil: on the
      // Slurm node or Dask worker the stage runs on). A podman or docker container's is the
      // image's with the variables the engine sets as the container starts, their values
      // unknown here and so not given to it. The stops, the tests the actions are applied
      // under and the cache key's outcomes all read it. In an apptainer container, whose
      // environment is not read, only a stop that holds everywhere stops the stage.
      let tested: EnvironmentMap?
      let stop: EnvironmentActions.Action?
      if let container, ContainerImageEnvironment.isReadable(engine: container.engine) {
        var started = base
        for (name, value) in ContainerImageEnvironment.startVariables where started[name] == nil {
          started[name] = value
        }
        tested = started
        stop = environment.actions.stop(appliedTo: started)
      } else if container != nil {
        tested = base
        stop = environment.actions.stopEverywhere
      } else if onCluster[offset] {
        tested = nil
        stop = environment.actions.stopEverywhere
      } else {
        tested = base
        stop = environment.actions.stop(appliedTo: base)
      }
      if let stop { throw .environmentStopped(stage: stage.name, message: stop.stopMessage) }
      let host = baseEnvironment
      let gpuDevices = machine.gpus
      let name = stage.name
      let source = workflow.source
      let build: @Sendable ([String], Int64) -> (argv: [String], environment: EnvironmentMap) = {
        gpus, memory in
        let visibility = vendor.map { GPUVisibility(vendor: $0, ids: gpus) }
        let variables = environment.build(
          base: base, tested: tested, stage: name, workflow: source, gpus: visibility,
          command: command.environment)
        guard var container else { return (command.argv, variables) }
        container.gpus = gpus.compactMap { id in gpuDevices.first { $0.id == id } }
        container.memory = memory
        return (
          container.argv(command: command.argv, environment: variables),
          container.clientEnvironment(host: host, stage: variables)
        )
      }
      var launch =
        StageLaunch(
          name: stage.name, needs: planStages[offset].needs.compactMap { position[$0] },
          priority: placements[offset].order, demand: demand,
          plannedGPUs: placements[offset].gpus, gpuVendor: vendor,
          directory: container == nil ? folder : nil,
          logPath: logDirectory + "/" + Self.logName(stage.name), timeout: stage.timeout,
          command: { [memory = container?.memory ?? 0] gpus in build(gpus, memory) },
          containerRemoval: container?.removal)
      launch.executor = executors[offset]
      launch.gpuIfAvailable = onCluster[offset] && planStages[offset].processOn == .gpuIfAvailable
      launch.container = container.map { ($0.engine, $0.name) }
      launch.extraData = stage.environment.extraData
      launch.image = image
      launch.stageArgv = command.argv
      launch.cacheEntry = StageCacheEntry(
        stage: stage, executor: executors[offset], device: demand.gpu > 0 ? "gpu" : "cpu",
        tested: tested)
      let time = placements[offset].time
      launch.planned = time.map { ($0.start, $0.seconds) }
      launch.expectedSeconds = time.flatMap { $0.known ? $0.seconds : nil }
      launch.retry = stage.retry
      if !onCluster[offset] {
        launch.gpuDeviceNodes = Dictionary(
          machine.gpus.map { ($0.id, $0.deviceNodes) }, uniquingKeysWith: { first, _ in first })
      }
      if onCluster[offset] {
        // The node's (or Dask worker's) own environment is the base; a container's is built
        // in its argv.
        launch.nodeAssignments =
          container != nil
          ? []
          : environment.nodeAssignments(
            stage: name, workflow: source, command: command.environment,
            skipping: executors[offset] == .slurm ? SlurmSubmission.isSlurmOwned : { _ in false })
      }
      if container != nil { launch.commandWithMemory = build }
      launch.addedEnvironment = { gpus in
        let visibility = vendor.map { GPUVisibility(vendor: $0, ids: gpus) }
        let variables = environment.build(
          base: base, tested: tested, stage: name, workflow: source, gpus: visibility,
          command: command.environment)
        return variables.filter { base[$0.key] != $0.value }
      }
      launches.append(launch)
    }
    return launches
  }

  /// The image's own environment, the base of a container stage's, read once per image
  /// for stages whose packages change the environment (the engine keeps the image's
  /// variables that the stage does not set); none where the engine cannot say, with a note.
  private mutating func imageEnvironment(_ container: ContainerInvocation, stage: Stage)
    -> EnvironmentMap
  {
    guard !(stage.resolution?.actions ?? []).isEmpty else { return [:] }
    if let known = imageEnvironments[container.image] { return known }
    let read = ContainerImageEnvironment.read(
      engine: container.engine, image: container.image, inspections: inspections)
    imageEnvironments[container.image] = read ?? [:]
    if read == nil, ContainerImageEnvironment.isReadable(engine: container.engine) {
      notes.append(
        "the environment of image \(container.image) could not be read (not pulled yet?):"
          + " stage '\(stage.name)' starts from none, so its packages' variables replace the"
          + " image's")
    }
    return read ?? [:]
  }

  /// A stage's log file name: its safe name (`SafeName`) and `.log`.
  public static func logName(_ stage: String) -> String {
    SafeName.of(stage) + ".log"
  }

  private func containerName(_ stage: String) -> String {
    "flow-\(runID)-\(SafeName.of(stage))"
  }

  /// Order and GPU ids per stage: from the document's plan, else planned here.
  private mutating func placements(_ stages: [PlanStage], plans: [StagePlan?])
    throws(ExecError)
    -> [ClusterPlacement.Placement]
  {
    let planned = plans.compactMap { $0 }
    if !planned.isEmpty, planned.count == plans.count {
      return planned.enumerated().map { offset, plan in
        let known = plan.durationSource.map { $0 != "unit" } ?? false
        return (
          plan.order ?? offset, plan.gpuIDs ?? [], (plan.start ?? 0, plan.duration ?? 0, known)
        )
      }
    }
    do throws(PlanError) {
      let plan = try Planner.plan(
        stages, capacity: capacity, history: history,
        options: PlanOptions(improvementRounds: 0))
      notes += plan.notes
      return plan.stages.map {
        ($0.order, $0.gpuIDs, ($0.start, $0.duration, $0.durationSource != .unit))
      }
    } catch {
      throw .plan(error)
    }
  }
}
