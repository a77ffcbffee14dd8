/// The argv that runs a stage's command inside its image, per engine: the environment
/// passed variable by variable (never through an engine's env-file dialect), memory and
/// CPU limits in the engine's units, the workflow folder mounted at the same path and
/// used as the working folder, and the stage's GPUs passed through. Every value from the
/// document is one whole word after its option (`--env=NAME=VALUE`), the image comes after
/// `--` where the engine was seen to take it, and `checked` refuses an image or a folder
/// that would still reach the engine as something else.
public struct ContainerInvocation: Sendable, Equatable {
  /// Why a stage's image or folder cannot go to a container engine.
  public struct Refusal: Error, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
      self.description = description
    }
  }

  public var engine: ContainerEngine
  public var image: String
  /// A name unique to the run, so the container can be stopped and removed.
  public var name: String
  public var folder: String
  /// Bytes; 0 sets no limit.
  public var memory: Int64
  /// CPUs; 0 sets no limit.
  public var cpu: Double
  public var gpus: [GPUDevice]
  /// The installed apptainer's version; unknown is taken for one before CDI `--device`.
  public var apptainerVersion: ApptainerVersion?
  /// The GPUs are those a scheduler gives the job where it runs (Slurm's
  /// `CUDA_VISIBLE_DEVICES`), known only there: the argv holds `schedulerGPUFlags` where
  /// their flags go, for the batch script to fill in (`SlurmSubmission`).
  public var gpusFromScheduler = false
  /// The word standing for the flags of the scheduler's GPUs; no argv word from a document
  /// can be it (they never hold a NUL).
  public static let schedulerGPUFlags = "\u{0}scheduler-gpu-flags"
  /// The number of GPUs a Dask worker gives the stage where it runs, their ids known only
  /// there: the argv names them by `workerGPUPlaceholders`, which the bridge replaces by the
  /// worker's ids, so that the flags are this type's own for any id.
  public var gpusFromWorker = 0
  /// Folders mounted read-only at their own paths besides the workflow folder: the stage's
  /// rez packages' (`ContainerMount.packageFolders`).
  public var packageFolders: [String] = []

  /// Stand-ins for the ids of the GPUs a worker gives; none can be in a document's word.
  public static func workerGPUPlaceholders(_ count: Int) -> [String] {
    (0..<max(0, count)).map { "\u{0}worker-gpu-\($0)" }
  }

  /// The GPUs the argv passes: the stage's, or a worker's stand-ins.
  private var passedGPUs: [GPUDevice] {
    guard gpusFromWorker > 0 else { return gpus }
    return Self.workerGPUPlaceholders(gpusFromWorker).enumerated().map { index, id in
      GPUDevice(vendor: .nvidia, id: id, hardwareIndex: index, sources: [])
    }
  }

  public init(
    engine: ContainerEngine, image: String, name: String, folder: String, memory: Int64 = 0,
    cpu: Double = 0, gpus: [GPUDevice] = []
  ) {
    self.engine = engine
    self.image = image
    self.name = name
    self.folder = folder
    self.memory = memory
    self.cpu = cpu
    self.gpus = gpus
  }

  /// An invocation whose image and folder were checked (`ContainerImage`,
  /// `ContainerMount`), the image as the engine's word for it.
  public static func checked(
    engine: ContainerEngine, image: String, name: String, folder: String, homes: [String],
    memory: Int64 = 0, cpu: Double = 0
  ) throws(Refusal) -> ContainerInvocation {
    try ContainerMount.check(folder, homes: homes)
    let argument = try ContainerImage.argument(image, engine: engine, folder: folder)
    return ContainerInvocation(
      engine: engine, image: argument, name: name, folder: folder, memory: memory, cpu: cpu)
  }

  /// The engine's argv for `command`, with `environment` set inside (names in byte order);
  /// apptainer gets the environment through its client's (`clientEnvironment`).
  public func argv(command: [String], environment: EnvironmentMap) -> [String] {
    let variables = Self.expressible(visibleInside(environment)).map {
      "\($0.key)=\($0.value)"
    }
    let cpus = cpu.rounded() == cpu ? String(Int64(cpu)) : String(cpu)
    var result: [String]
    switch engine {
    case .podman, .docker:
      // --init: a tiny init is PID 1 and forwards signals, so a shell that would be PID 1
      // (and ignore SIGTERM, having no handler) stops at once, not after the grace period.
      result = [engine.rawValue, "run", "--rm", "--init", "--name=\(name)"]
      result += variables.map { "--env=" + $0 }
      if memory > 0 { result.append("--memory=\(memory)") }
      if cpu > 0 { result.append("--cpus=\(cpus)") }
      result += ["--mount=" + ContainerMount.option(folder), "--workdir=" + folder]
      result += packageMounts
      result += gpusFromScheduler ? [Self.schedulerGPUFlags] : gpuFlags
      result += ["--", image]
    case .apptainer:
      // --no-eval: values are not shell-evaluated when the container starts. No --init:
      // exec shares the host's PID namespace (no --pid), so the command is never PID 1.
      result = ["apptainer", "exec", "--cleanenv", "--no-eval"]
      if memory > 0 { result.append("--memory=\(memory)") }
      if cpu > 0 { result.append("--cpus=\(cpus)") }
      result += ["--mount=" + ContainerMount.option(folder), "--pwd=" + folder]
      result += packageMounts
      // apptainer binds the GPUs the job sees itself.
      result += gpusFromScheduler ? ["--nv"] : gpuFlags
      result.append(image)
    }
    return result + command
  }

  private var packageMounts: [String] {
    packageFolders.map { "--mount=" + ContainerMount.option($0, readOnly: true) }
  }

  /// The environment the engine client runs in: the host's, and for apptainer each of the
  /// stage's variables as `APPTAINERENV_NAME` (its `--env` splits values on commas and
  /// trims quotes), with the host's own `APPTAINERENV_` variables left out.
  public func clientEnvironment(host: EnvironmentMap, stage environment: EnvironmentMap)
    -> EnvironmentMap
  {
    guard engine == .apptainer else { return host }
    var result = host.filter {
      !$0.key.hasPrefix(Self.apptainerPrefix) && !$0.key.hasPrefix("SINGULARITYENV_")
    }
    // An exported function's variable (`ShellFunction`) is left out: apptainer builds the
    // container's environment in a shell of its own, which has no such names.
    for (name, value) in Self.expressible(visibleInside(environment))
    where !ShellFunction.isVariable(name) {
      result[Self.apptainerPrefix + name] = value
    }
    return result
  }

  /// The variables an environment entry can carry: a name that is empty or has a `=` would
  /// be read as another name (`A=B=x` sets `A`), so it is left out.
  static func expressible(_ environment: EnvironmentMap) -> EnvironmentMap {
    environment.filter { !$0.key.isEmpty && !$0.key.contains("=") }
  }

  static let apptainerPrefix = "APPTAINERENV_"

  /// The argv that removes the container by force, for engines that keep one.
  /// The grace period was already given to the client, so podman kills at once.
  public var removal: [String]? {
    switch engine {
    case .podman: return ["podman", "rm", "-f", "-t", "0", "--", name]
    case .docker: return ["docker", "rm", "-f", "--", name]
    case .apptainer: return nil
    }
  }

  /// Whether the engine gives the container only the stage's NVIDIA GPUs (CDI devices,
  /// docker's `--gpus`), so that inside they are numbered from 0. apptainer's `--nv` binds
  /// every GPU of the machine, numbered as on the host.
  var passesOnlyTheStagesNvidiaGPUs: Bool {
    engine != .apptainer || (apptainerVersion?.takesCDIDevices ?? false)
  }

  /// The stage's environment with `CUDA_VISIBLE_DEVICES` naming its GPUs as the container
  /// sees them: by UUID (or MIG id), else by position, where the engine passes only those
  /// GPUs, whose host indices would name no device inside; the host's ids under `--nv`,
  /// which keeps the stage to its own GPUs among all the machine's.
  func visibleInside(_ environment: EnvironmentMap) -> EnvironmentMap {
    let nvidia = passedGPUs.filter { $0.vendor == .nvidia }
    guard !nvidia.isEmpty else { return environment }
    var result = environment
    let ids =
      passesOnlyTheStagesNvidiaGPUs
      ? nvidia.enumerated().map { position, device in
        device.uuid ?? (device.id.hasPrefix("MIG-") ? device.id : String(position))
      }
      : nvidia.map(\.id)
    result[GPUVendor.nvidia.visibilityVariable] = ids.joined(separator: ",")
    return result
  }

  private var gpuFlags: [String] {
    let nvidia = passedGPUs.filter { $0.vendor == .nvidia }.map(\.id)
    let amd = passedGPUs.filter { $0.vendor == .amd }
    var flags: [String] = []
    switch engine {
    case .docker:
      if !nvidia.isEmpty { flags += ["--gpus", "\"device=\(nvidia.joined(separator: ","))\""] }
    case .podman:
      for id in nvidia { flags += ["--device", "nvidia.com/gpu=\(id)"] }
    case .apptainer:
      if passesOnlyTheStagesNvidiaGPUs {
        for id in nvidia { flags += ["--device", "nvidia.com/gpu=\(id)"] }
      } else if !nvidia.isEmpty {
        flags.append("--nv")
      }
      if !amd.isEmpty { flags.append("--rocm") }
      return flags
    }
    if !amd.isEmpty {
      flags += ["--device", "/dev/kfd"]
      let renderNodes = amd.compactMap(\.minor)
      if renderNodes.count == amd.count {
        for minor in renderNodes { flags += ["--device", "/dev/dri/renderD\(minor)"] }
      } else {
        flags += ["--device", "/dev/dri"]
      }
      flags += ["--group-add", "video"]
    }
    return flags
  }
}
