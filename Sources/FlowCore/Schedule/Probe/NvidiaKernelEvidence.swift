/// NVIDIA GPUs as the kernel driver shows them, without NVML: the driver's `/proc`
/// entries first, then `/dev/nvidiaN` nodes, then PCI functions bound to `nvidia`.
/// A GPU split into MIG instances stands for its instances.
struct NvidiaKernelEvidence {
  let files: ProbeFileSystem

  func devices(pci: [PCIDisplayDevice]) -> [GPUDevice] {
    var devices = fromProcDriver()
    if devices.isEmpty { devices = fromDeviceNodes() }
    if devices.isEmpty { devices = fromPCI(pci) }
    for position in devices.indices {
      let minor = devices[position].minor ?? devices[position].hardwareIndex
      devices[position].deviceNodes = [files.realPath("/dev/nvidia\(minor)")]
    }
    // A MIG instance is used through its parent GPU's device file, which it keeps.
    return devices.flatMap(splitIntoMIG)
  }

  /// `/proc/driver/nvidia/gpus/<bus id>/information`, in bus order.
  private func fromProcDriver() -> [GPUDevice] {
    let folder = "/proc/driver/nvidia/gpus"
    var result: [GPUDevice] = []
    for busID in files.list(folder) {
      let path = "\(folder)/\(busID)/information"
      guard let text = files.read(path) else { continue }
      var fields: [String: String] = [:]
      for line in text.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[line[..<colon].trimmedString] = line[line.index(after: colon)...].trimmedString
      }
      let index = result.count
      var device = GPUDevice(
        vendor: .nvidia, id: String(index), hardwareIndex: index, uuid: fields["GPU UUID"],
        name: fields["Model"], pciBusID: normalizedBusID(fields["Bus Location"] ?? busID),
        sources: [path])
      if let minor = fields["Device Minor"].flatMap({ Int($0) }) { device.minor = minor }
      result.append(device)
    }
    return result
  }

  /// `/dev/nvidia0`, `/dev/nvidia1`, …: one per GPU; the number is the device minor.
  private func fromDeviceNodes() -> [GPUDevice] {
    let minors = files.list("/dev").compactMap { name -> Int? in
      guard name.hasPrefix("nvidia") else { return nil }
      let digits = name.dropFirst("nvidia".count)
      return !digits.isEmpty && digits.allSatisfy(\.isASCIIDigit) ? Int(digits) : nil
    }.sorted()
    return minors.enumerated().map { index, minor in
      var device = GPUDevice(
        vendor: .nvidia, id: String(index), hardwareIndex: index, sources: ["/dev/nvidia\(minor)"])
      device.minor = minor
      return device
    }
  }

  private func fromPCI(_ pci: [PCIDisplayDevice]) -> [GPUDevice] {
    pci.filter { $0.vendorID == PCIDisplayDevice.nvidiaVendor && $0.driver == "nvidia" }
      .enumerated().map { index, function in
        GPUDevice(
          vendor: .nvidia, id: String(index), hardwareIndex: index,
          pciBusID: normalizedBusID(function.address), sources: [function.source])
      }
  }

  /// The MIG instances of a GPU, from `/proc/driver/nvidia/capabilities/gpuN/mig/giG/ciC`,
  /// each named `MIG-<GPU uuid>/<G>/<C>`; the GPU itself when it has none.
  private func splitIntoMIG(_ gpu: GPUDevice) -> [GPUDevice] {
    let folder = "/proc/driver/nvidia/capabilities/gpu\(gpu.minor ?? gpu.hardwareIndex)/mig"
    var instances: [GPUDevice] = []
    let instanceNumbers = { (names: [String], prefix: String) in
      names.compactMap { $0.hasPrefix(prefix) ? Int($0.dropFirst(prefix.count)) : nil }.sorted()
    }
    for gpuInstance in instanceNumbers(files.list(folder), "gi") {
      let computeFolder = "\(folder)/gi\(gpuInstance)"
      for computeInstance in instanceNumbers(files.list(computeFolder), "ci") {
        let parent = gpu.uuid ?? "GPU-\(gpu.hardwareIndex)"
        var instance = gpu
        instance.id = "MIG-\(parent)/\(gpuInstance)/\(computeInstance)"
        instance.uuid = nil
        instance.migParent = parent
        instance.sources = gpu.sources + ["\(computeFolder)/ci\(computeInstance)"]
        instances.append(instance)
      }
    }
    return instances.isEmpty ? [gpu] : instances
  }
}
