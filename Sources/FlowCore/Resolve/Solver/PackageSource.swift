/// Where the solver finds packages: a catalogue read from TOML, or its compiled index, which
/// reads only the packages a resolve touches. The solver asks for each package it meets once.
public protocol PackageSource {
  /// The candidates of `name` (`PackageVersion.candidates` of its versions, ascending), with
  /// requirements as numbers; empty when the package is unknown.
  func candidateTable(of name: String) -> CandidateTable

  /// The requirement a number of `candidateTable(of:)` stands for.
  func requirement(numbered number: Int) -> PackageRequirement?

  /// The full entry of the `index`-th candidate of `name`: what a chosen version brings
  /// (label, variables, priority, the variant's index).
  func entry(of name: String, at index: Int) -> PackageVersion?

  /// Whether dependencies are decided in the order first met, as rez decides them, rather
  /// than the one with the fewest versions left first.
  var decidesInDiscoveryOrder: Bool { get }

  /// Reads a spec of a requirement for this source, in `syntax`.
  func spec(parsing text: String, syntax: VersionSpec.SyntaxChoice) throws -> VersionSpec

  /// The versions of `name` that versions of other packages provide (`provides`), ascending.
  func providedVersions(of name: String) -> [ProvidedVersion]

  /// Reads a requirement as a pipe document writes it: the package with its mark (`~`,
  /// `!`) and the spec, in `syntax`.
  func requirement(package: String, spec: String, syntax: VersionSpec.SyntaxChoice) throws
    -> PackageRequirement

  /// The candidate of `name` to decide when the constraints allow it, by key and variant
  /// (a rez repository's answer from rez's own search); nil: the newest allowed.
  func preferredCandidate(of name: String) -> PreferredVersion?

  /// The rez repository whose own search answers for this source (itself, or the one a
  /// filter reads through) and that filter; nil where the solver's order answers.
  var rezSearch: (repository: RezRepository, filter: PackageFilter?)? { get }

  /// This source with the machine's facts among its own versions, placed as the source
  /// orders them (a rez repository ranks `platform linux` in rez's order), and the facts'
  /// weak requests read against it; nil where the source cannot place them itself.
  func placingFacts(_ implicits: ImplicitPackages) -> (
    source: any PackageSource, requests: [PackageRequirement]
  )?

  /// What a filter hid of `name`, in words: `2.0 (excluded by --exclude 'foo >=2')`, …;
  /// nil when this source hides nothing of it.
  func hiddenText(of name: String) -> String?

  /// Every package name this source holds: where a requirement names none of them, the
  /// explanation suggests the closest (`Suggestion`). Asked only then.
  func packageNames() -> [String]
}

extension PackageSource {
  public var decidesInDiscoveryOrder: Bool { false }

  public func providedVersions(of name: String) -> [ProvidedVersion] { [] }

  public func requirement(package: String, spec: String, syntax: VersionSpec.SyntaxChoice)
    throws -> PackageRequirement
  {
    let kind = package.utf8.first.map(PackageRequirement.kind(marked:)) ?? .required
    return PackageRequirement(
      name: kind == .required ? package : String(package.dropFirst()),
      spec: try self.spec(parsing: spec, syntax: syntax), kind: kind)
  }

  public func preferredCandidate(of name: String) -> PreferredVersion? { nil }

  // Asked of the source rather than found by casting it: a process's first dynamic cast
  // looks through the whole program's types, a sixth of a small resolve's time.
  public var rezSearch: (repository: RezRepository, filter: PackageFilter?)? { nil }

  public func placingFacts(_ implicits: ImplicitPackages) -> (
    source: any PackageSource, requests: [PackageRequirement]
  )? { nil }

  public func hiddenText(of name: String) -> String? { nil }

  public func packageNames() -> [String] { [] }

  public func spec(parsing text: String, syntax: VersionSpec.SyntaxChoice) throws -> VersionSpec {
    try VersionSpec(parsing: text, syntax: syntax)
  }
}

/// A source that changes what another holds of some packages (hides versions, adds the
/// machine's facts): how requirements are read and numbered, and the decision order, are
/// the other's.
public protocol WrappingSource: PackageSource {
  var inner: any PackageSource { get }
}

extension WrappingSource {
  public var decidesInDiscoveryOrder: Bool { inner.decidesInDiscoveryOrder }

  public func preferredCandidate(of name: String) -> PreferredVersion? {
    inner.preferredCandidate(of: name)
  }

  public func spec(parsing text: String, syntax: VersionSpec.SyntaxChoice) throws -> VersionSpec {
    try inner.spec(parsing: text, syntax: syntax)
  }

  public func requirement(package: String, spec: String, syntax: VersionSpec.SyntaxChoice)
    throws -> PackageRequirement
  {
    try inner.requirement(package: package, spec: spec, syntax: syntax)
  }

  public func requirement(numbered number: Int) -> PackageRequirement? {
    inner.requirement(numbered: number)
  }

  public func packageNames() -> [String] { inner.packageNames() }
}

/// Builds the candidate tables of a source that holds its entries as values, numbering their
/// requirements: one number per distinct requirement (name and spec text), in the order
/// first met.
public struct CandidateTableBuilder {
  public private(set) var requirements: [PackageRequirement] = []
  private var numbers: [PackageRequirement: Int] = [:]

  public init() {}

  /// `versions` (ascending) as a candidate table, their requirements numbered here.
  ///
  /// A version's own requirements and conflicts are every one of its candidates' (each
  /// variant's requirements come after them), so they are numbered once per version, not
  /// hashed again for each variant: a long requirement on a version of many variants costs
  /// its length once. The numbers are those given in candidate order.
  public mutating func table(of versions: [PackageVersion]) -> CandidateTable {
    var table = CandidateTable()
    table.reserve(versions: versions.count)
    for version in versions {
      var own: [Int]?
      var conflicts: [Int]?
      for entry in version.candidates {
        table.addVersion(entry.version, key: entry.key, variant: entry.variant)
        let shared = own ?? version.requires.map { number(of: $0) }
        own = shared
        for number in shared { table.addNumber(number) }
        for requirement in entry.requires.dropFirst(shared.count) {
          table.addNumber(number(of: requirement))
        }
        table.endList()
        let excluded = conflicts ?? entry.conflicts.map { number(of: $0) }
        conflicts = excluded
        for number in excluded { table.addNumber(number) }
        table.endList()
      }
    }
    return table
  }

  public mutating func number(of requirement: PackageRequirement) -> Int {
    if let number = numbers[requirement] { return number }
    numbers[requirement] = requirements.count
    requirements.append(requirement)
    return requirements.count - 1
  }

  public func requirement(numbered number: Int) -> PackageRequirement? {
    requirements.indices.contains(number) ? requirements[number] : nil
  }
}

/// A catalogue as a package source.
public final class CatalogueSource: PackageSource {
  public let catalogue: Catalogue
  private var builder = CandidateTableBuilder()

  public init(_ catalogue: Catalogue) { self.catalogue = catalogue }

  public func candidateTable(of name: String) -> CandidateTable {
    builder.table(of: catalogue.versions(of: name))
  }

  public func requirement(numbered number: Int) -> PackageRequirement? {
    builder.requirement(numbered: number)
  }

  public func entry(of name: String, at index: Int) -> PackageVersion? {
    let all = catalogue.versions(of: name).flatMap(\.candidates)
    return all.indices.contains(index) ? all[index] : nil
  }

  public func providedVersions(of name: String) -> [ProvidedVersion] {
    catalogue.compiled.provisions[name] ?? []
  }

  public func packageNames() -> [String] { catalogue.names + catalogue.namesWithoutVersions }
}
