import Glibc

/// What rez calls the system's platform, architecture and operating system, the values of its
/// default implicit packages (`~platform==linux`, `~arch==x86_64`, `~os==Ubuntu-22.04`), read
/// below the probe's root so that a fixture tree stands in for the machine.
///
/// - platform: `linux`, the only system flow runs on;
/// - arch: the kernel's name for the processor (`/proc/sys/kernel/arch`; on the machine
///   itself, `uname -m` when that file is missing), as rez takes Python's
///   `platform.machine()`;
/// - os: rez's `DISTRIBUTOR-RELEASE`, from `/etc/lsb-release` (`DISTRIB_ID`,
///   `DISTRIB_RELEASE`), else `/etc/os-release` (`ID`, `VERSION_ID`, as the `distro` module
///   rez falls back on gives them); rez also runs `lsb_release`, which the probe never does.
///   The distributor alone when no release is written.
struct MachineIdentity {
  var platform = "linux"
  var arch: (value: String, source: String)?
  var os: (value: String, source: String)?

  init(_ files: ProbeFileSystem) {
    if let value = files.readValue("/proc/sys/kernel/arch"), !value.isEmpty {
      arch = (value, "/proc/sys/kernel/arch")
    } else if files.isLiveRoot, let value = MachineIdentity.unameMachine() {
      arch = (value, "uname()")
    }
    for (file, distributorKey, releaseKey) in [
      ("/etc/lsb-release", "DISTRIB_ID", "DISTRIB_RELEASE"),
      ("/etc/os-release", "ID", "VERSION_ID"),
    ] {
      guard let text = files.read(file, limit: 65536) else { continue }
      let values = MachineIdentity.assignments(text)
      guard let distributor = values[distributorKey], !distributor.isEmpty else { continue }
      let release = values[releaseKey] ?? ""
      os = (release.isEmpty ? distributor : "\(distributor)-\(release)", file)
      break
    }
  }

  /// The facts, in rez's order: platform, arch, os.
  var facts: [ImplicitPackages.Fact] {
    var facts = [
      ImplicitPackages.Fact(name: "platform", version: platform, source: "flow runs on Linux")
    ]
    if let arch { facts.append(.init(name: "arch", version: arch.value, source: arch.source)) }
    if let os { facts.append(.init(name: "os", version: os.value, source: os.source)) }
    return facts
  }

  /// `KEY=value` lines, the value without the quotes around it.
  static func assignments(_ text: String) -> [String: String] {
    var values: [String: String] = [:]
    for line in text.split(separator: "\n") {
      guard let equals = line.firstIndex(of: "=") else { continue }
      let key = line[..<equals].trimmedString
      var value = line[line.index(after: equals)...].trimmedString
      if value.count >= 2, let first = value.first, first == "\"" || first == "'",
        value.last == first
      {
        value = String(value.dropFirst().dropLast())
      }
      values[key] = value
    }
    return values
  }

  private static func unameMachine() -> String? {
    var names = utsname()
    guard uname(&names) == 0 else { return nil }
    return withUnsafeBytes(of: &names.machine) { raw in
      let bytes = raw.prefix { $0 != 0 }
      return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
  }
}
