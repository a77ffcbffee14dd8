import FlowCore

extension FlowSched {
  /// The checks a stage's GPUs get before planning: the probed machine, the container
  /// engine that would run images (`FLOW_CONTAINER_ENGINE`, else the first installed),
  /// and apptainer's version when that is the engine.
  func gpuPreflight(machine: MachineDescription?, environment: EnvironmentMap) -> GPUPreflight {
    let probe = MachineProbe(environment: environment, queriesTools: false)
    let engine = try? ContainerEngine.choose(named: nil, environment: environment)
    return GPUPreflight(
      machine: machine, files: probe.files, environment: environment, engine: engine,
      apptainerVersion: engine == .apptainer
        ? ApptainerVersion.installed(environment: environment) : nil)
  }
}
