import Glibc

/// Facts of the machine as packages a requirement can name (rez's implicit packages), each
/// with one version: `gpu 1` or `gpu 0`, `cuda_driver 12.4` (the highest CUDA the NVIDIA
/// driver supports), `glibc 2.36`, and rez's own three, `platform linux`, `arch x86_64` and
/// `os Ubuntu-22.04` (`MachineIdentity`). A variant written for GPUs (`["gpu 1",
/// "cuda_driver >=12.1"]`) is then chosen where they are and the CPU variant elsewhere.
/// Versions that are not numbers (`linux`) can only be named in rez's syntax.
///
/// Each fact is also a weak request after the stage's own (`~gpu ==1`), as rez adds its
/// implicit packages to every request: a variant that names a fact ranks as one sharing a
/// requested package, and one that needs another value is ruled out.
public struct ImplicitPackages: Sendable {
  public struct Fact: Sendable, Hashable {
    public var name: String
    public var version: String
    /// Where it was read, as the resolution's `defined_at` says.
    public var source: String
  }

  public var facts: [Fact]

  public init(facts: [Fact]) { self.facts = facts }

  /// The facts of the machine flow runs on, read by the probe from kernel evidence
  /// (`FLOW_PROBE_ROOT` stands in a fixture tree), without asking tools.
  public static func probed(environment: EnvironmentMap) -> ImplicitPackages {
    let probe = MachineProbe(environment: environment, queriesTools: false)
    return ImplicitPackages(machine: probe.probe(), files: probe.files)
  }

  /// The facts of a probed machine; `files` is where the probe read it, whose root tells
  /// whether the running process's own C library is the machine's.
  public init(machine: MachineDescription, files: ProbeFileSystem) {
    var facts: [Fact] = []
    let gpuSource = machine.gpus.first?.sources.first ?? "the machine probe: no gpu"
    facts.append(Fact(name: "gpu", version: machine.gpus.isEmpty ? "0" : "1", source: gpuSource))
    if let (cuda, source) = ImplicitPackages.cudaDriver(files) {
      facts.append(Fact(name: "cuda_driver", version: cuda, source: source))
    }
    if files.root == "/", let glibc = ImplicitPackages.glibcVersion() {
      facts.append(Fact(name: "glibc", version: glibc, source: "gnu_get_libc_version()"))
    }
    facts += MachineIdentity(files).facts
    self.init(facts: facts)
  }

  /// The facts for a stage of a pipe document: none for one sent to Slurm or Dask, whose node
  /// is not known here; for one planned without a GPU (`plan.device` cpu), `gpu 0`.
  public func forStage(_ stage: Stage) -> ImplicitPackages? {
    switch stage.environment.executor {
    case .slurm?, .dask?: return nil
    default: break
    }
    guard stage.plan?.device == "cpu" else { return self }
    var facts = self.facts
    for index in facts.indices where facts[index].name == "gpu" {
      facts[index] = Fact(name: "gpu", version: "0", source: "the stage's plan: device cpu")
    }
    return ImplicitPackages(facts: facts)
  }

  /// The C library's version, looked up by name as its header is not in the module.
  private static func glibcVersion() -> String? {
    typealias GetVersion = @convention(c) () -> UnsafePointer<CChar>?
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "gnu_get_libc_version") else {
      return nil
    }
    return unsafeBitCast(symbol, to: GetVersion.self)().map { String(cString: $0) }
  }

  /// The weak requests that go after a stage's own.
  public var requests: [PackageRequirement] {
    facts.compactMap { fact in
      (try? VersionSpec(parsing: "==" + fact.version)).map {
        PackageRequirement(name: fact.name, spec: $0, kind: .weak)
      }
    }
  }

  /// The highest CUDA version the loaded NVIDIA driver supports, from its version
  /// (`/sys/module/nvidia/version`, else `/proc/driver/nvidia/version`) and NVIDIA's table
  /// of the least driver each CUDA release needs on Linux.
  static func cudaDriver(_ files: ProbeFileSystem) -> (String, String)? {
    var found: (text: String, source: String)?
    if let text = files.readValue("/sys/module/nvidia/version") {
      found = (text, "/sys/module/nvidia/version")
    } else if let text = files.read("/proc/driver/nvidia/version"),
      let range = text.firstRange(of: "Kernel Module")
    {
      let rest = text[range.upperBound...].split(separator: " ", omittingEmptySubsequences: true)
      if let first = rest.first { found = (String(first), "/proc/driver/nvidia/version") }
    }
    guard let found else { return nil }
    let driver = found.text.split(separator: ".").compactMap { Int($0) }
    guard driver.count >= 2 else { return nil }
    for (cuda, least) in cudaReleases where driver.lexicographicallyPrecedes(least) == false {
      return (cuda, "\(found.source) (driver \(found.text))")
    }
    return nil
  }

  /// CUDA releases, newest first, with the least Linux driver each needs.
  static let cudaReleases: [(String, [Int])] = [
    ("12.9", [575, 51]), ("12.8", [570, 26]), ("12.6", [560, 28]), ("12.5", [555, 42]),
    ("12.4", [550, 54]), ("12.3", [545, 23]), ("12.2", [535, 54]), ("12.1", [530, 30]),
    ("12.0", [525, 60]), ("11.8", [520, 61]), ("11.7", [515, 43]), ("11.6", [510, 39]),
    ("11.5", [495, 29]), ("11.4", [470, 42]), ("11.3", [465, 19]), ("11.2", [460, 27]),
    ("11.1", [455, 23]), ("11.0", [450, 36]),
  ]
}

/// A package source with the machine's facts as packages: a name a fact has is the fact's
/// one version, whatever the catalogue holds under it.
public final class ImplicitSource: WrappingSource {
  public let inner: any PackageSource
  public let implicits: ImplicitPackages

  public init(_ inner: any PackageSource, implicits: ImplicitPackages) {
    self.inner = inner
    self.implicits = implicits
  }

  public func hiddenText(of name: String) -> String? { inner.hiddenText(of: name) }

  public func packageNames() -> [String] { implicits.facts.map(\.name) + inner.packageNames() }

  private func fact(_ name: String) -> (ImplicitPackages.Fact, Version)? {
    guard let fact = implicits.facts.first(where: { $0.name == name }),
      let version = try? Version(parsing: fact.version)
    else { return nil }
    return (fact, version)
  }

  public func candidateTable(of name: String) -> CandidateTable {
    guard let (fact, version) = fact(name) else { return inner.candidateTable(of: name) }
    var table = CandidateTable()
    table.addVersion(version, key: fact.version)
    table.endList()
    table.endList()
    return table
  }

  /// A fact is the one version of its name: nothing provides another.
  public func providedVersions(of name: String) -> [ProvidedVersion] {
    fact(name) == nil ? inner.providedVersions(of: name) : []
  }

  public func entry(of name: String, at index: Int) -> PackageVersion? {
    guard let (fact, version) = fact(name) else { return inner.entry(of: name, at: index) }
    return index == 0
      ? PackageVersion(
        name: name, version: version, key: fact.version, definedAt: "implicit: \(fact.source)")
      : nil
  }
}
