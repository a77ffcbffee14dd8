/// A PCI function that may be a GPU, read from `/sys/bus/pci/devices/*`.
struct PCIDisplayDevice: Equatable {
  var address: String
  var vendorID: UInt32
  /// Base class and subclass, `0x0302` for a 3D controller.
  var classCode: UInt32
  var driver: String?

  static let nvidiaVendor: UInt32 = 0x10de
  static let amdVendor: UInt32 = 0x1002
  static let intelVendor: UInt32 = 0x8086
  /// VGA, 3D controller, other display controller, processing accelerator.
  static let computeClasses: Set<UInt32> = [0x0300, 0x0302, 0x0380, 0x1200]

  var source: String { "/sys/bus/pci/devices/\(address)" }

  /// The PCI functions of a GPU vendor with a display or accelerator class.
  static func scan(_ files: ProbeFileSystem) -> [PCIDisplayDevice] {
    let folder = "/sys/bus/pci/devices"
    var result: [PCIDisplayDevice] = []
    for address in files.list(folder) {
      guard let vendor = files.readValue("\(folder)/\(address)/vendor").flatMap(hex),
        let fullClass = files.readValue("\(folder)/\(address)/class").flatMap(hex)
      else { continue }
      let classCode = fullClass > 0xffff ? fullClass >> 8 : fullClass
      guard computeClasses.contains(classCode),
        [nvidiaVendor, amdVendor, intelVendor].contains(vendor)
      else { continue }
      result.append(
        PCIDisplayDevice(
          address: address, vendorID: vendor, classCode: classCode,
          driver: files.linkTargetName("\(folder)/\(address)/driver")))
    }
    return result
  }

  private static func hex(_ text: String) -> UInt32? {
    let digits = text.hasPrefix("0x") ? text.dropFirst(2) : Substring(text)
    return UInt32(digits, radix: 16)
  }
}

/// PCI bus ids in one spelling: `0000:3b:00.0` (nvidia-smi writes `00000000:3B:00.0`).
func normalizedBusID(_ text: String) -> String {
  var parts = text.lowercased().split(separator: ":").map(String.init)
  if parts.count == 3, parts[0].count > 4 { parts[0] = String(parts[0].suffix(4)) }
  if parts.count == 2 { parts.insert("0000", at: 0) }
  return parts.joined(separator: ":")
}
