/// A device visibility variable (`CUDA_VISIBLE_DEVICES`, `ROCR_VISIBLE_DEVICES`,
/// `HIP_VISIBLE_DEVICES`) applied to the devices the kernel shows, with CUDA's rules:
/// entries are indices, `GPU-` UUIDs (or unique prefixes of them) and `MIG-` ids, kept in
/// the order written; the list stops at the first entry that names no device, so an
/// empty value or `-1` leaves none. A device named twice also ends the list.
struct VisibleDeviceList {
  var variable: String
  var value: String

  /// The devices the variable leaves visible, in its order, and a note when it was cut.
  func select(from devices: [GPUDevice]) -> (devices: [GPUDevice], note: String?) {
    var chosen: [GPUDevice] = []
    var chosenIDs = Set<String>()
    let entries = value.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmedString }
    for (position, entry) in entries.enumerated() {
      let matches = resolve(entry, in: devices)
      let fresh = matches.filter { !chosenIDs.contains($0.id) }
      guard !matches.isEmpty, fresh.count == matches.count else {
        let rest = entries[position...].joined(separator: ",")
        let note =
          entry.isEmpty && position == 0 && entries.count == 1
          ? "\(variable) is empty: no gpu is visible"
          : "\(variable): entry '\(entry)' names no visible device, so '\(rest)' is ignored"
        return (chosen, note)
      }
      for device in fresh {
        chosen.append(device)
        chosenIDs.insert(device.id)
      }
    }
    return (chosen, nil)
  }

  /// The devices one entry names: an index selects a GPU (all of its MIG instances when
  /// it is split), a UUID or its prefix the one GPU it identifies, a MIG id its instance.
  private func resolve(_ entry: String, in devices: [GPUDevice]) -> [GPUDevice] {
    if !entry.isEmpty, entry.allSatisfy(\.isASCIIDigit), let index = Int(entry) {
      return devices.filter { $0.hardwareIndex == index }
    }
    if entry.hasPrefix("MIG-") {
      return devices.filter { $0.id == entry || $0.uuid == entry }
    }
    if entry.hasPrefix("GPU-") {
      let parents = Set(
        devices.compactMap { $0.migParent ?? $0.uuid }.filter { $0.hasPrefix(entry) })
      guard parents.count == 1, let parent = parents.first else { return [] }
      return devices.filter { $0.uuid == parent || $0.migParent == parent }
    }
    return []
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}
