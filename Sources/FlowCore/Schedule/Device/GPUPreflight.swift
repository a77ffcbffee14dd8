/// Checks, before anything starts, that a stage's GPUs can work where it runs, and makes
/// its `GPUDecision`. A stage with an image on NVIDIA GPUs is refused (or, asking
/// `gpu_if_available`, sent to the CPU) when the engine's CDI specification was made for
/// another driver than the loaded one, or when its locally stored image needs a newer
/// CUDA than the driver runs.
public struct GPUPreflight {
  public var machine: MachineDescription?
  public var files: ProbeFileSystem
  /// The environment the GPUs were probed in; also where the engine is looked up.
  public var environment: EnvironmentMap
  public var engine: ContainerEngine?
  public var apptainerVersion: ApptainerVersion?
  /// Whether to ask the engine what a locally stored image needs (`image inspect`).
  public var inspectsImages = true
  /// The run's inspections, shared with what else reads the images.
  public var inspections: ImageInspections
  /// The workflow folder, against which apptainer's local image paths are made absolute.
  public var folder: String?

  public init(
    machine: MachineDescription?, files: ProbeFileSystem, environment: EnvironmentMap,
    engine: ContainerEngine?, apptainerVersion: ApptainerVersion? = nil
  ) {
    self.machine = machine
    self.files = files
    self.environment = environment
    self.engine = engine
    self.apptainerVersion = apptainerVersion
    inspections = ImageInspections(environment: environment)
  }

  /// The decision for a stage that asks for a GPU, given the GPU ids stages may use;
  /// nil for a stage that asks for none.
  public func decide(_ stage: Stage, gpuIDs: [String]) -> GPUDecision? {
    let resources = stage.environment.resources
    guard GPUDecision.asksForGPU(resources) else { return nil }
    let devices = gpuIDs.map { id in
      machine?.gpus.first { $0.id == id }
        ?? GPUDevice(vendor: .nvidia, id: id, hardwareIndex: -1, sources: ["--gpus"])
    }
    var decision = GPUDecision(
      stage: stage.name, request: resources, visibility: visibility, devices: devices,
      driver: nvidiaDriver, outcome: .gpu)
    let processOn = resources.completed.processOn ?? .cpu
    guard !gpuIDs.isEmpty else {
      decision.outcome = processOn == .gpuIfAvailable ? .cpu : .refused
      decision.reason =
        processOn == .gpuIfAvailable
        ? Self.noGPU : PlanError.gpuRequired(stage: stage.name).description
      return decision
    }
    let check = imageCheck(stage)
    decision.image = check.image
    decision.engine = check.engine
    decision.cdi = check.cdi
    decision.imageRequirement = check.requirement
    decision.imageUnknown = check.unknown
    if let problem = check.problem {
      decision.outcome = processOn == .gpuIfAvailable ? .cpu : .refused
      decision.reason = problem
    }
    return decision
  }

  /// Why a stage's image cannot use the NVIDIA GPUs here (a stale CDI specification, an
  /// image needing a newer CUDA), or nil; an engine without any CDI specification is left
  /// to the runner, which sends such stages to the CPU itself.
  public func problem(for stage: Stage) -> String? {
    guard GPUDecision.asksForGPU(stage.environment.resources) else { return nil }
    let check = imageCheck(stage)
    return check.missingCDI ? nil : check.problem
  }

  static let noGPU = "no gpu is available"

  private var nvidiaDriver: NvidiaDriver? {
    guard machine?.gpus.contains(where: { $0.vendor == .nvidia }) ?? false else { return nil }
    return NvidiaDriver(files: files)
  }

  private var visibility: [(name: String, value: String)] {
    GPUDecision.visibilityVariables.compactMap { name in
      environment[name].map { (name, $0) }
    }
  }

  private struct ImageCheck {
    var image: String?
    var engine: String?
    var cdi: CDISpecification?
    var requirement: ImageCUDARequirement?
    var unknown: String?
    var problem: String?
    var missingCDI = false
  }

  private func imageCheck(_ stage: Stage) -> ImageCheck {
    var check = ImageCheck()
    guard let image = stage.environment.image else { return check }
    check.image = image
    guard let engine else {
      check.engine = "none found"
      return check
    }
    check.engine =
      engine == .apptainer
      ? "apptainer \(apptainerVersion?.description ?? "(version unknown)")"
      : engine.rawValue
    guard machine?.gpus.contains(where: { $0.vendor == .nvidia }) ?? false else { return check }
    let driver = nvidiaDriver
    let usesCDI =
      engine == .podman || (engine == .apptainer && (apptainerVersion?.takesCDIDevices ?? false))
    if usesCDI {
      check.cdi = CDISpecification.found(files: files).first
      if !engine.passesNvidiaGPUs(files: files) || (engine == .apptainer && check.cdi == nil) {
        check.problem = "\(engine.rawValue) has no CDI specification for the gpus"
        check.missingCDI = true
      } else if let cdi = check.cdi, let driver, let stale = cdi.staleness(against: driver) {
        check.problem = stale
      }
    }
    guard inspectsImages else { return check }
    let word: String
    do throws(ContainerInvocation.Refusal) {
      word = try ContainerImage.argument(image, engine: engine, folder: folder ?? "/")
    } catch {
      check.unknown = "unknown: \(error.description)"
      return check
    }
    let found = ImageCUDARequirement.inspect(word, engine: engine, inspections: inspections)
    check.requirement = found.requirement
    check.unknown = found.unknown
    if check.problem == nil, let driver, let requirement = found.requirement {
      check.problem = requirement.problem(with: driver, image: image)
    }
    return check
  }
}

extension GPUPreflight {
  /// Refuses the first selected stage whose image cannot use the GPUs here, or sends it to
  /// the CPU when it asks `gpu_if_available`; the notes say which stages went.
  public func apply(to workflow: inout Workflow, selected: [Int]) throws(ExecError) -> [String] {
    var notes: [String] = []
    for index in selected {
      let stage = workflow.stages[index]
      guard let problem = problem(for: stage) else { continue }
      guard stage.environment.resources.completed.processOn == .gpuIfAvailable else {
        throw .refused(stage: stage.name, reason: problem)
      }
      var resources = stage.environment.resources
      resources.processOn = .cpu
      resources.gpu = 0
      resources.gpuFraction = nil
      resources.gpuMemory = nil
      workflow.stages[index].environment.resources = resources
      notes.append("stage '\(stage.name)' runs on the cpu: \(problem) (gpu_if_available)")
    }
    return notes
  }
}
