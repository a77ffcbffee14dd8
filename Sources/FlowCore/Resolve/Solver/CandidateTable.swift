/// What the solver reads of one package: its candidates, versions (ascending) with their keys,
/// one per variant for a version with variants, and the numbers of each candidate's
/// requirements and conflicts. Within one source a number stands
/// for one requirement (name and spec text), so equal numbers mean equal requirements and
/// the solver compares integers, not strings.
public struct CandidateTable: Sendable {
  public private(set) var versions: [Version] = []
  /// The version keys as written in the catalogue.
  public private(set) var keys: [String] = []
  /// Per candidate, the index of its variant; -1 for a version without variants. The
  /// variants of one version are consecutive candidates of the same version.
  public private(set) var variants: [Int] = []
  /// Requirement numbers of every version: its requires, then its conflicts.
  private var numbers: [Int] = []
  /// Version `i`'s requires are `numbers[bounds[2i]..<bounds[2i+1]]`, its conflicts
  /// `numbers[bounds[2i+1]..<bounds[2i+2]]`.
  private var bounds: [Int] = [0]
  /// Releases only, without build metadata: as versions ascend (which every source promises
  /// and the solver relies on for "newest first"), a spec's interval then holds one run of
  /// consecutive versions, found by binary search.
  public private(set) var hasOnlyPlainReleases = true

  public init() {}

  public var count: Int { versions.count }

  public mutating func reserve(versions count: Int) {
    versions.reserveCapacity(count)
    keys.reserveCapacity(count)
    variants.reserveCapacity(count)
    bounds.reserveCapacity(2 * count + 1)
    numbers.reserveCapacity(2 * count)
  }

  /// Starts a version: add its requirement numbers, end the list, add its conflict numbers,
  /// end the list.
  /// A version with variants is added once per variant, `variant` its index.
  public mutating func addVersion(_ version: Version, key: String, variant: Int? = nil) {
    if version.isPrerelease || !version.build.isEmpty { hasOnlyPlainReleases = false }
    versions.append(version)
    keys.append(key)
    variants.append(variant ?? -1)
  }

  /// How messages name candidate `index`: its key, with `[N]` for variant N.
  public func name(of index: Int) -> String {
    variants[index] < 0 ? keys[index] : "\(keys[index])[\(variants[index])]"
  }

  public mutating func addNumber(_ number: Int) { numbers.append(number) }

  /// Ends the current version's requires (first call) or conflicts (second call).
  public mutating func endList() { bounds.append(numbers.count) }

  /// The same table with only the candidates at `indices`, in that order, each with its own
  /// requirement numbers.
  func keeping(_ indices: [Int]) -> CandidateTable {
    var table = CandidateTable()
    table.reserve(versions: indices.count)
    for index in indices { table.addCandidate(index, of: self) }
    return table
  }

  /// Adds candidate `index` of `table`, with its requirement numbers.
  private mutating func addCandidate(_ index: Int, of table: CandidateTable) {
    let variant = table.variants[index]
    addVersion(table.versions[index], key: table.keys[index], variant: variant < 0 ? nil : variant)
    for number in table.requires(of: index) { addNumber(number) }
    endList()
    for number in table.conflicts(of: index) { addNumber(number) }
    endList()
  }

  /// The same table after one candidate per provided version (`Solver+Provides`), each
  /// without requirements of its own. Versions then no longer ascend throughout, so specs are
  /// matched version by version.
  func prepending(_ provided: [ProvidedVersion]) -> CandidateTable {
    var table = CandidateTable()
    table.reserve(versions: provided.count + count)
    for item in provided {
      table.addVersion(item.version, key: item.key)
      table.endList()
      table.endList()
    }
    for index in 0..<count { table.addCandidate(index, of: self) }
    table.hasOnlyPlainReleases = false
    return table
  }

  func requires(of index: Int) -> ArraySlice<Int> {
    numbers[bounds[2 * index]..<bounds[2 * index + 1]]
  }

  func conflicts(of index: Int) -> ArraySlice<Int> {
    numbers[bounds[2 * index + 1]..<bounds[2 * index + 2]]
  }
}
