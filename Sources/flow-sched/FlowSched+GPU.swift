import FlowCore

extension FlowSched {
  /// The checks a stage's GPUs get before planning: the probed machine, the container
  /// engine that would run images (`FLOW_CONTAINER_ENGINE`, else the first installed),
  /// and apptainer's version when that is the engine; the engine is looked for only when
  /// a stage with an image asks for a GPU.
  func gpuPreflight(
    _ workflow: Workflow, machine: MachineDescription?, environment: EnvironmentMap
  ) -> GPUPreflight {
    let probe = MachineProbe(environment: environment, queriesTools: false)
    let needsEngine = workflow.stages.contains {
      $0.environment.image != nil && GPUDecision.asksForGPU($0.environment.resources)
    }
    let engine =
      needsEngine ? try? ContainerEngine.choose(named: nil, environment: environment) : nil
    var preflight = GPUPreflight(
      machine: machine, files: probe.files, environment: environment, engine: engine,
      apptainerVersion: engine == .apptainer
        ? ApptainerVersion.installed(environment: environment) : nil)
    preflight.folder = RunPreparation.folder(of: workflow)
    return preflight
  }
}
