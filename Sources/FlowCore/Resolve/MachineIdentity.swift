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
///   `DISTRIB_RELEASE`), else what rez's next source, the `lsb_release` program, says where
///   it is installed, worked out rather than run: `/etc/os-release`'s `ID` with its first
///   letter upper case (its `NAME` where that differs only in case) and `VERSION_ID` (`n/a`
///   without), as Debian's gives them (`Debian-12`); else `/etc/os-release` (`ID`,
///   `VERSION_ID`, as rez reads it last: `debian-12`). The distributor alone when no release
///   is written.
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
    if let text = files.read("/etc/lsb-release", limit: 65536),
      let os = MachineIdentity.os(text, "DISTRIB_ID", "DISTRIB_RELEASE")
    {
      self.os = (os, "/etc/lsb-release")
    } else if let text = files.read("/etc/os-release", limit: 65536) {
      if files.read("/usr/bin/lsb_release", limit: 1) != nil {
        os = (MachineIdentity.lsbReleaseOS(text), "/etc/os-release, as lsb_release gives it")
      } else {
        os = MachineIdentity.os(text, "ID", "VERSION_ID").map { ($0, "/etc/os-release") }
      }
    }
  }

  /// `DISTRIBUTOR-RELEASE` from the assignments `text` holds, the distributor alone
  /// without a release; nil without a distributor.
  static func os(_ text: String, _ distributorKey: String, _ releaseKey: String) -> String? {
    let values = assignments(text)
    guard let distributor = values[distributorKey], !distributor.isEmpty else { return nil }
    let release = values[releaseKey] ?? ""
    return release.isEmpty ? distributor : "\(distributor)-\(release)"
  }

  /// What Debian's `lsb_release -a` says of `/etc/os-release`'s `text`, as rez joins it:
  /// `ID` with its first letter upper case (`NAME` where that differs from it only in
  /// case), then `VERSION_ID`, each `n/a` where missing.
  static func lsbReleaseOS(_ text: String) -> String {
    let values = assignments(text)
    let id = values["ID"] ?? ""
    var distributor = id.prefix(1).uppercased() + id.dropFirst()
    if let name = values["NAME"], name.lowercased() == distributor.lowercased() {
      distributor = name
    }
    let release = values["VERSION_ID"] ?? ""
    return "\(distributor.isEmpty ? "n/a" : distributor)-\(release.isEmpty ? "n/a" : release)"
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
