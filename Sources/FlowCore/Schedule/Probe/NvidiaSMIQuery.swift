/// Details from `nvidia-smi --query-gpu`: names, memory and UUIDs for GPUs the kernel
/// already showed. It never adds a GPU; when it fails, only detail is lost.
struct NvidiaSMIQuery {
  static let arguments = [
    "--query-gpu=index,uuid,name,memory.total,pci.bus_id,mig.mode.current",
    "--format=csv,noheader,nounits",
  ]

  /// `nvidia-smi -L`: each GPU's UUID and, below it, its MIG instances' `MIG-` UUIDs.
  static let listArguments = ["-L"]

  /// The MIG UUIDs under each GPU UUID, in the order listed.
  static func migInstances(_ output: String) -> [String: [String]] {
    var result: [String: [String]] = [:]
    var parent: String?
    for line in output.split(separator: "\n") {
      guard let start = line.firstRange(of: "(UUID: "), let end = line.lastIndex(of: ")") else {
        continue
      }
      let uuid = String(line[start.upperBound..<end])
      if line.trimmedString.hasPrefix("GPU ") {
        parent = uuid
      } else if line.trimmedString.hasPrefix("MIG "), let parent {
        result[parent, default: []].append(uuid)
      }
    }
    return result
  }

  /// Names MIG instances by the `MIG-` UUIDs drivers from R470 on take in
  /// `CUDA_VISIBLE_DEVICES`, matched in order with the instances the kernel shows (GPU
  /// instance, then compute instance); left as they are when the counts differ.
  static func nameMIGInstances(_ devices: inout [GPUDevice], from output: String) {
    let listed = migInstances(output)
    for (parent, uuids) in listed {
      let positions = devices.indices.filter { devices[$0].migParent == parent }
      guard positions.count == uuids.count else { continue }
      for (position, uuid) in zip(positions, uuids) {
        devices[position].id = uuid
        devices[position].uuid = uuid
        devices[position].sources.append("nvidia-smi -L")
      }
    }
  }

  struct Row: Equatable {
    var index: Int
    var uuid: String
    var name: String
    var memoryBytes: Int64?
    var busID: String
  }

  /// The CSV lines nvidia-smi prints; memory is in MiB.
  static func parse(_ output: String) -> [Row] {
    output.split(separator: "\n").compactMap { line in
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmedString
      }
      guard fields.count >= 5, let index = Int(fields[0]) else { return nil }
      return Row(
        index: index, uuid: fields[1], name: fields[2],
        memoryBytes: Int64(fields[3]).map { $0 * 1024 * 1024 }, busID: normalizedBusID(fields[4]))
    }
  }

  /// Adds what the rows tell to the devices they match (by UUID, bus id, else index).
  static func enrich(_ devices: inout [GPUDevice], with rows: [Row]) {
    for position in devices.indices where devices[position].vendor == .nvidia {
      let device = devices[position]
      let parent = device.migParent
      guard
        let row = rows.first(where: { $0.uuid == (parent ?? device.uuid ?? "") })
          ?? rows.first(where: { $0.busID == device.pciBusID })
          ?? rows.first(where: { device.uuid == nil && $0.index == device.hardwareIndex })
      else { continue }
      if parent == nil { devices[position].uuid = row.uuid }
      devices[position].name = devices[position].name ?? row.name
      if parent == nil { devices[position].memoryBytes = row.memoryBytes }
      devices[position].pciBusID = devices[position].pciBusID ?? row.busID
      devices[position].sources.append("nvidia-smi")
    }
  }
}
