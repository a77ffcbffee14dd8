/// What a package file's functions read of the process and the machine that load it, as rez
/// runs them there: `@early()` ones as it loads the file, `@late()` ones as a resolve asks
/// for the field (flow works both out as it compiles the index). They may read environment
/// variables (`os.getenv`, `os.environ`) and rez's `system.arch`, `system.os` and
/// `system.variant`.
///
/// Each value read is kept (`readings`): the index compiled from them holds them, and one
/// opened where any of them differs is compiled again (`CatalogueIndex`), so that a package
/// whose variants follow `REZ_COOK_VARIANT` has the variants rez would give it here and now.
final class RezHost {
  /// One value read: a variable (`$NAME`) or a fact of the machine (`system.arch`), and
  /// its value (nil: an unset variable, a fact not known).
  struct Reading: Equatable, Sendable {
    var name: String
    var value: String?
  }

  private let environment: EnvironmentMap
  /// Where the machine's facts are read (`MachineIdentity`), once asked for.
  private let files: ProbeFileSystem
  private lazy var machine = MachineIdentity(files)
  /// The values read so far, each name once, in the order first read.
  private(set) var readings: [Reading] = []

  /// `environment` is the process's; the machine's facts are read below `files`' root (a
  /// fixture tree stands in for the machine).
  init(environment: EnvironmentMap, files: ProbeFileSystem) {
    self.environment = environment
    self.files = files
  }

  /// The process flow runs in, on the machine the probe reads (`FLOW_PROBE_ROOT`).
  convenience init(environment: EnvironmentMap) {
    self.init(
      environment: environment,
      files: MachineProbe(environment: environment, queriesTools: false).files)
  }

  /// The value of environment variable `name`; nil when it is not set.
  func variable(_ name: String) -> String? {
    read("$" + name)
  }

  /// What rez's `system.NAME` gives for `arch` or `os`; nil for one not known here.
  func fact(_ name: String) -> String? {
    read("system." + name)
  }

  /// The value of `name` (`$NAME`, `system.NAME`), kept among the readings.
  private func read(_ name: String) -> String? {
    let value = current(name)
    if !readings.contains(where: { $0.name == name }) {
      readings.append(Reading(name: name, value: value))
    }
    return value
  }

  /// The value of `name` here, without keeping it.
  func current(_ name: String) -> String? {
    if name.hasPrefix("$") { return environment[String(name.dropFirst())] }
    switch name {
    case "system.arch": return machine.arch?.value
    case "system.os": return machine.os?.value
    default: return nil
    }
  }

  /// The first of `readings` whose value differs here; nil when all hold.
  func firstChanged(_ readings: [Reading]) -> Reading? {
    readings.first { current($0.name) != $0.value }
  }
}
