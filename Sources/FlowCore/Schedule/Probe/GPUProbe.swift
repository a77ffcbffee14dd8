/// Finds the GPUs stages may use, in this order: kernel evidence of what exists (no
/// vendor libraries), details from `nvidia-smi` when it answers in time, then the
/// visibility variables, which decide which of those GPUs this process may hand out.
/// Integrated display adapters (Intel, AMD APUs) are noted and never counted.
struct GPUProbe {
  let files: ProbeFileSystem
  let environment: EnvironmentMap
  var queriesTools = true
  var toolTimeout = 2.0

  init(files: ProbeFileSystem, environment: EnvironmentMap) {
    self.files = files
    self.environment = environment
  }

  func probe() -> (devices: [GPUDevice], notes: [String]) {
    var notes: [String] = []
    let pci = PCIDisplayDevice.scan(files)
    var nvidia = NvidiaKernelEvidence(files: files).devices(pci: pci)
    var amd = AMDKernelEvidence(files: files).devices(pci: pci, notes: &notes)
    notes += setAside(pci)
    if !nvidia.isEmpty && queriesTools { enrichNvidia(&nvidia, notes: &notes) }
    if !amd.isEmpty && queriesTools { enrichAMD(&amd, notes: &notes) }

    return (visibleNvidia(nvidia, notes: &notes) + visibleAMD(amd, notes: &notes), notes)
  }

  /// PCI display functions that are not compute GPUs, each with the reason.
  private func setAside(_ pci: [PCIDisplayDevice]) -> [String] {
    pci.compactMap { function in
      let driver = function.driver ?? "no driver"
      switch function.vendorID {
      case PCIDisplayDevice.intelVendor:
        return "\(function.source) (intel, \(driver)) is a display adapter, not a compute gpu"
      case PCIDisplayDevice.nvidiaVendor where function.driver != "nvidia":
        return "\(function.source) (nvidia, \(driver)) is not bound to the nvidia driver"
      case PCIDisplayDevice.amdVendor where function.driver != "amdgpu":
        return "\(function.source) (amd, \(driver)) is not bound to the amdgpu driver"
      default:
        return nil
      }
    }
  }

  private func enrichNvidia(_ devices: inout [GPUDevice], notes: inout [String]) {
    if let output = detail(from: "nvidia-smi", NvidiaSMIQuery.arguments, notes: &notes) {
      NvidiaSMIQuery.enrich(&devices, with: NvidiaSMIQuery.parse(output))
    }
    if devices.contains(where: { $0.migParent != nil }),
      let output = detail(from: "nvidia-smi", NvidiaSMIQuery.listArguments, notes: &notes)
    {
      NvidiaSMIQuery.nameMIGInstances(&devices, from: output)
    }
  }

  private func enrichAMD(_ devices: inout [GPUDevice], notes: inout [String]) {
    if let output = detail(from: "rocm-smi", RocmSMIQuery.arguments, notes: &notes) {
      RocmSMIQuery.enrich(&devices, with: RocmSMIQuery.parse(output))
    }
  }

  /// A detail tool's output, or a note saying why there is none (silent when the tool
  /// is not installed).
  private func detail(from tool: String, _ arguments: [String], notes: inout [String]) -> String? {
    let runner = ToolRunner(environment: environment, timeout: toolTimeout)
    switch runner.run(tool, arguments: arguments) {
    case .finished(0, let output):
      return output
    case .finished(let status, _):
      notes.append("\(tool) failed with status \(status): gpu details are missing")
    case .timedOut:
      notes.append("\(tool) took longer than \(toolTimeout) s: gpu details are missing")
    case .notFound:
      break
    case .failedToStart(let reason):
      notes.append("\(tool) could not start: \(reason)")
    }
    return nil
  }

  private func visibleNvidia(_ devices: [GPUDevice], notes: inout [String]) -> [GPUDevice] {
    if let container = environment["NVIDIA_VISIBLE_DEVICES"], ["void", "none"].contains(container) {
      if !devices.isEmpty {
        notes.append("NVIDIA_VISIBLE_DEVICES=\(container): no nvidia gpu is visible")
      }
      return []
    }
    // Slurm's GPU ids are machine-wide indices; inside a job whose devices are
    // constrained, CUDA numbers the job's GPUs from 0, so they are handed out by UUID.
    if environment["CUDA_VISIBLE_DEVICES"] == nil, environment["SLURM_JOB_GPUS"] != nil {
      return apply(["SLURM_JOB_GPUS"], to: devices, notes: &notes).map { device in
        var named = device
        if device.migParent == nil, let uuid = device.uuid { named.id = uuid }
        return named
      }
    }
    return apply(["CUDA_VISIBLE_DEVICES"], to: devices, notes: &notes)
  }

  /// ROCr filters first; HIP then indexes within what ROCr left.
  private func visibleAMD(_ devices: [GPUDevice], notes: inout [String]) -> [GPUDevice] {
    apply(["ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES"], to: devices, notes: &notes)
  }

  private func apply(
    _ variables: [String], to devices: [GPUDevice], notes: inout [String]
  ) -> [GPUDevice] {
    var visible = devices
    for variable in variables {
      guard let value = environment[variable] else { continue }
      var candidates = visible
      if variable == "HIP_VISIBLE_DEVICES" {
        for position in candidates.indices { candidates[position].hardwareIndex = position }
      }
      let (chosen, note) = VisibleDeviceList(variable: variable, value: value).select(
        from: candidates)
      if let note, !devices.isEmpty || value.isEmpty { notes.append(note) }
      visible = chosen.map { device in
        var kept = visible.first(where: { $0.id == device.id }) ?? device
        kept.sources.append(variable)
        return kept
      }
    }
    return visible
  }
}
