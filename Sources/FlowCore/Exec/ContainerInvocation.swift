/// The argv that runs a stage's command inside its image, per engine: the environment
/// passed variable by variable (never through an engine's env-file dialect), memory and
/// CPU limits in the engine's units, the workflow folder mounted at the same path and
/// used as the working folder, and the stage's GPUs passed through.
public struct ContainerInvocation: Sendable, Equatable {
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

  /// The engine's argv for `command`, with `environment` set inside (in name order).
  public func argv(command: [String], environment: [String: String]) -> [String] {
    let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    let cpus = cpu.rounded() == cpu ? String(Int64(cpu)) : String(cpu)
    var result: [String]
    switch engine {
    case .podman, .docker:
      result = [engine.rawValue, "run", "--rm", "--name", name]
      for variable in variables { result += ["-e", variable] }
      if memory > 0 { result += ["--memory", String(memory)] }
      if cpu > 0 { result += ["--cpus", cpus] }
      result += ["-v", "\(folder):\(folder)", "-w", folder]
      result += gpuFlags
      result.append(image)
    case .apptainer:
      result = ["apptainer", "exec", "--cleanenv"]
      for variable in variables { result += ["--env", variable] }
      if memory > 0 { result += ["--memory", String(memory)] }
      if cpu > 0 { result += ["--cpus", cpus] }
      result += ["-B", "\(folder):\(folder)", "--pwd", folder]
      result += gpuFlags
      result.append(image)
    }
    return result + command
  }

  /// The argv that removes the container by force, for engines that keep one.
  /// The grace period was already given to the client, so podman kills at once.
  public var removal: [String]? {
    switch engine {
    case .podman: return ["podman", "rm", "-f", "-t", "0", name]
    case .docker: return ["docker", "rm", "-f", name]
    case .apptainer: return nil
    }
  }

  private var gpuFlags: [String] {
    let nvidia = gpus.filter { $0.vendor == .nvidia }.map(\.id)
    let amd = gpus.filter { $0.vendor == .amd }
    var flags: [String] = []
    switch engine {
    case .docker:
      if !nvidia.isEmpty { flags += ["--gpus", "\"device=\(nvidia.joined(separator: ","))\""] }
    case .podman:
      for id in nvidia { flags += ["--device", "nvidia.com/gpu=\(id)"] }
    case .apptainer:
      if !nvidia.isEmpty { flags.append("--nv") }
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
