/// Details from `rocm-smi --json` (product name, VRAM, PCI bus) for AMD GPUs the kernel
/// already showed, matched by PCI bus id. Like `nvidia-smi`, it never adds a GPU.
struct RocmSMIQuery {
  static let arguments = ["--showproductname", "--showbus", "--showmeminfo", "vram", "--json"]

  struct Card: Equatable {
    var busID: String
    var name: String?
    var memoryBytes: Int64?
  }

  /// The `cardN` objects of the JSON output; cards without a bus id cannot be matched.
  static func parse(_ output: String) -> [Card] {
    guard let document = try? JSONCodec.decode(Array(output.utf8)),
      let cards = document.objectValue
    else { return [] }
    return cards.compactMap { key, value in
      guard key.hasPrefix("card"), let bus = value["PCI Bus"]?.stringValue else { return nil }
      let name = value["Card series"]?.stringValue ?? value["Device Name"]?.stringValue
      let memory = value["VRAM Total Memory (B)"]?.stringValue.flatMap { Int64($0) }
      return Card(busID: normalizedBusID(bus), name: name, memoryBytes: memory)
    }
  }

  static func enrich(_ devices: inout [GPUDevice], with cards: [Card]) {
    for position in devices.indices where devices[position].vendor == .amd {
      guard let card = cards.first(where: { $0.busID == devices[position].pciBusID }) else {
        continue
      }
      if let name = card.name { devices[position].name = name }
      devices[position].memoryBytes = devices[position].memoryBytes ?? card.memoryBytes
      devices[position].sources.append("rocm-smi")
    }
  }
}
