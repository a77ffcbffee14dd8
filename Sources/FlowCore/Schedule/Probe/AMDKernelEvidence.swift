/// AMD GPUs ROCm can use, as the kernel shows them: `/dev/kfd` with KFD topology nodes
/// whose `simd_count` is above zero (a node with CPU cores too is an APU's integrated
/// GPU, not counted), else PCI functions bound to `amdgpu`.
struct AMDKernelEvidence {
  let files: ProbeFileSystem

  func devices(pci: [PCIDisplayDevice], notes: inout [String]) -> [GPUDevice] {
    if files.exists("/dev/kfd") { return fromKFDTopology(notes: &notes) }
    return pci.filter { $0.vendorID == PCIDisplayDevice.amdVendor && $0.driver == "amdgpu" }
      .enumerated().map { index, function in
        GPUDevice(
          vendor: .amd, id: String(index), hardwareIndex: index,
          pciBusID: normalizedBusID(function.address), sources: [function.source])
      }
  }

  private func fromKFDTopology(notes: inout [String]) -> [GPUDevice] {
    let folder = "/sys/class/kfd/kfd/topology/nodes"
    let nodes = files.list(folder).compactMap(Int.init).sorted()
    var result: [GPUDevice] = []
    for node in nodes {
      let path = "\(folder)/\(node)/properties"
      let properties = keyValues(files.read(path))
      guard let simdCount = properties["simd_count"], simdCount > 0 else { continue }
      if let cores = properties["cpu_cores_count"], cores > 0 {
        notes.append(
          "kfd node \(node) is an integrated gpu (it has cpu cores): not used for compute")
        continue
      }
      let index = result.count
      var device = GPUDevice(
        vendor: .amd, id: String(index), hardwareIndex: index, sources: ["/dev/kfd", path])
      if let unique = properties["unique_id"], unique > 0 {
        device.uuid = "GPU-" + String(unique, radix: 16)
      }
      if let version = properties["gfx_target_version"] {
        device.name = "gfx" + String(version / 100)
      }
      if let location = properties["location_id"], let domain = properties["domain"] {
        let bus = (location >> 8) & 0xff
        let slot = (location >> 3) & 0x1f
        let function = location & 0x7
        device.pciBusID =
          hex(domain, 4) + ":" + hex(bus, 2) + ":" + hex(slot, 2) + "." + String(function)
      }
      device.minor = properties["drm_render_minor"].map(Int.init)
      // ROCm opens `/dev/kfd` for any GPU, and the render node of each GPU it uses.
      device.deviceNodes = [
        files.realPath(device.minor.map { "/dev/dri/renderD\($0)" } ?? "/dev/kfd")
      ]
      let bankPath = "\(folder)/\(node)/mem_banks/0/properties"
      if let size = keyValues(files.read(bankPath))["size_in_bytes"], size > 0 {
        device.memoryBytes = Int64(size)
        device.sources.append(bankPath)
      }
      result.append(device)
    }
    return result
  }

  private func hex(_ value: UInt64, _ width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// KFD's `name value` lines.
  private func keyValues(_ text: String?) -> [String: UInt64] {
    var result: [String: UInt64] = [:]
    for line in (text ?? "").split(separator: "\n") {
      let fields = line.split(separator: " ")
      if fields.count == 2, let value = UInt64(fields[1]) { result[String(fields[0])] = value }
    }
    return result
  }
}
