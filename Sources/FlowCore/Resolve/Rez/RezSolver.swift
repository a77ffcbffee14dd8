/// Rez's own search over rez repositories, step for step, so that a resolve against a rez
/// repository gives the answer rez gives (rez 3.x `solver.py`, its default `version_priority`
/// variant mode, no package orderers).
///
/// The state is a stack of phases, each a list of package scopes: the requests, in order
/// (merged per name), then packages as the search extracts them. A phase repeats, until
/// nothing changes:
/// 1. extraction: each scope, in order, gives the packages every one of its remaining
///    variants requires (in name order), each as the union of the ranges they require; the
///    extractions merge per name (an empty merge fails the phase), narrow the scopes of
///    their names and open scopes for new names, in order first extracted;
/// 2. reduction: a scope drops the variants whose requirement on another scope's package
///    conflicts with that scope (an emptied scope fails the phase).
///
/// An ephemeral (a name that starts with `.`) has no versions: its scope is a range, which
/// extraction narrows as it narrows a package's versions, and which reduces variants as a
/// package's remaining versions do.
///
/// A phase where every scope holds one variant is solved (unless its packages require each
/// other in a cycle, which fails the whole resolve, as in rez). Otherwise the first scope with
/// more than one variant splits, versions newest first and each version's variants in rez's
/// order of preference: the leading run of variants that share a requirement not yet
/// extracted (or, without one, the first variant) against the rest; the first half is solved
/// next, the second kept for when it fails.
///
/// The search repeats the same few operations on the same packages and ranges many thousand
/// times, so it works on numbers: a package is its number in this search, a range its
/// number in a table of the distinct ranges met (`RezRangeTable`, which remembers each union,
/// intersection and difference it computed), and a remaining set of variants an ascending
/// list of positions in its package's variants. Which versions a range holds is computed
/// once per package and range. Each step computes what rez computes, on the same sets of
/// versions, so the decisions are rez's.
///
/// The answer is a choice per package; the caller turns it into a resolution.
final class RezSolver {
  /// One way the search stops without an answer.
  enum Failure: Error {
    /// What rez reports as an error rather than a failed phase: a package family or
    /// version that does not exist, a variant whose own requirements conflict.
    case error(String)
    /// A state rez's search does not reach (a requirement the index cannot give back): the
    /// caller falls back to its own order.
    case unexpected(String)
    /// More phases than `phaseLimit`: the caller falls back to its own order.
    case tooLong
  }

  /// A requirement as rez's solver holds it: a weak reference `~foo-R` is the conflict
  /// `!foo` with every version outside R (no range for `~foo` without one, which constrains
  /// nothing).
  struct Requirement: Hashable {
    var family: Int32
    /// The range's number in `ranges`; `RezRangeTable.none` for no range.
    var range: Int32
    var conflict: Bool
  }

  /// Requirements merged per package, in the order first named (rez's `RequirementList`).
  struct RequirementList {
    var requirements: [Requirement] = []
    /// The packages required (not only constrained), in name order.
    var names: [Int32] = []
    /// Two requirements no version satisfies together.
    var conflict = false

    func get(_ family: Int32) -> Requirement? {
      for requirement in requirements where requirement.family == family { return requirement }
      return nil
    }

    /// Whether `family` is required (not only constrained).
    func requires(_ family: Int32) -> Bool {
      for requirement in requirements where requirement.family == family {
        return !requirement.conflict
      }
      return false
    }
  }

  struct Variant {
    /// Nil for a version without variants.
    var index: Int?
    var requires: RequirementList
  }

  /// A package's versions, newest first, each with its variants in rez's order of
  /// preference (which no step of the search changes, so they are sorted once), all in one
  /// list: a slice is a list of positions in it. A version's variants are made when a slice
  /// first holds it, as rez loads a version's variants only when a range first holds it.
  final class Family {
    let id: Int32
    let name: String
    /// Each version once the search compares it (`version(_:at:)`), nil before: the
    /// versions a range holds are found by bisection, so most are never compared.
    @exclusivity(unchecked) var versions: [RezVersion?] = []
    /// Per version, the number of the index key it is read from (`ReadVersion.key`); -1 for
    /// a version read as itself.
    @exclusivity(unchecked) var keys: [Int] = []
    /// Per version, its requirement numbers as read, until its variants are made.
    @exclusivity(unchecked) var unmade: [RequirementNumbers?] = []
    /// Per version, its place (`Read.place`).
    @exclusivity(unchecked) var places: [Int] = []
    /// Per version, its folder's check (`Read.folder`).
    @exclusivity(unchecked) var folders: [Int] = []
    /// The version whose variants were made last, and its requirement numbers: most versions
    /// repeat the requirements of the version next to them, and their variants are then the
    /// same.
    @exclusivity(unchecked) var lastMade: (version: Int32, numbers: RequirementNumbers)?
    /// Per version, the position of its first variant.
    @exclusivity(unchecked) var firstPosition: [Int32] = []
    @exclusivity(unchecked) var variants: [Variant] = []
    /// Per position in `variants`, its version's position in `versions`.
    @exclusivity(unchecked) var versionOf: [Int32] = []
    /// Per position in `variants`, the position of the variant whose requirements it holds
    /// (its own, unless taken from the version made before: `lastMade`). Where the next
    /// position of a slice holds the same, extraction and reduction decide it as the one
    /// before without reading its requirements again.
    @exclusivity(unchecked) var sameAs: [Int32] = []
    /// Per range number, the versions it holds, one bit per position in `versions`.
    @exclusivity(unchecked) var held: [Int32: [UInt64]] = [:]

    init(id: Int32, name: String) {
      self.id = id
      self.name = name
    }
  }

  /// Per package number, the packages the variants made of it name, required or
  /// constrained, one row of bits per package (every variant of a slice is made). Kept by
  /// the search rather than by each family: the reduction asks it for each pair of scopes,
  /// and a row read here costs no reference counting.
  struct NamedRows {
    private var words: [UInt64] = []
    /// Words per row, and rows.
    private var width = 0
    private var rows = 0

    /// Whether package `row`'s variants name package `id`.
    func contains(_ row: Int32, _ id: Int32) -> Bool {
      let word = Int(id) / 64
      guard Int(row) < rows, word < width else { return false }
      return words[Int(row) * width + word] & (1 << UInt64(id % 64)) != 0
    }

    mutating func insert(_ id: Int32, into row: Int32) {
      let word = Int(id) / 64
      if word >= width || Int(row) >= rows {
        // Grown by half again or more, copying each row to its place.
        let newWidth = word < width ? width : max(word + 1, width + width / 2)
        let newRows = Int(row) < rows ? rows : max(Int(row) + 1, rows + rows / 2)
        var grown = [UInt64](repeating: 0, count: newRows * newWidth)
        for old in 0..<rows {
          for offset in 0..<width { grown[old * newWidth + offset] = words[old * width + offset] }
        }
        (words, width, rows) = (grown, newWidth, newRows)
      }
      words[Int(row) * width + word] |= 1 << UInt64(id % 64)
    }
  }

  /// The variants a scope still allows.
  final class Slice {
    let family: Family
    /// Positions in the family's variants, ascending: versions newest first, each version's
    /// variants most preferred first.
    let positions: [Int32]
    /// The packages every variant requires, in name order.
    let commonNames: [Int32]

    /// `known`: packages all these variants are known to require, those common to the
    /// slice they were taken from; only the first variant's other packages are checked
    /// against every variant.
    init(family: Family, positions: [Int32], knownCommon known: [Int32] = []) {
      self.family = family
      self.positions = positions
      let first = family.variants[Int(positions[0])].requires
      var common = first.names
      if positions.count > 1 {
        common.removeAll { name in
          !known.contains(name)
            && positions.dropFirst().contains { !family.variants[Int($0)].requires.requires(name) }
        }
      }
      commonNames = common
    }

    var count: Int { positions.count }

    func variant(_ position: Int32) -> Variant { family.variants[Int(position)] }

    var firstVariant: Variant { variant(positions[0]) }

    /// The position in `family.versions` of the first variant's version.
    var firstVersion: Int { Int(family.versionOf[Int(positions[0])]) }

    /// The package every variant requires at `place` in `commonNames`, as the union of the
    /// ranges they require it in.
    func extract(_ place: Int, _ table: RezRangeTable) -> Requirement {
      let name = commonNames[place]
      // The union of the distinct ranges, in the order first met. Most slices name one
      // range, so the list of the others met is made only when a second one appears.
      var first = RezRangeTable.none
      var seen: [Int32] = []
      var union = table.any
      var previous: Int32 = -1
      for position in positions {
        let same = family.sameAs[Int(position)]
        if same == previous { continue }
        previous = same
        guard let range = family.variants[Int(position)].requires.get(name)?.range,
          range != RezRangeTable.none, range != first
        else { continue }
        if first == RezRangeTable.none {
          first = range
          union = range
        } else if !seen.contains(range) {
          seen.append(range)
          union = table.union(union, range)
        }
      }
      return Requirement(family: name, range: union, conflict: false)
    }

    /// The slice without the versions outside range `range`; nil when none is left.
    func intersect(_ range: Int32, _ solver: RezSolver) -> Slice? {
      if range == solver.ranges.any { return self }
      let held = solver.held(family, range)
      func holds(_ position: Int32) -> Bool {
        RezSolver.contains(held, family.versionOf[Int(position)])
      }
      // Most narrowings leave every version: the positions kept are listed only once one
      // is left out.
      guard let out = positions.firstIndex(where: { !holds($0) }) else { return self }
      let kept = Array(positions[..<out]) + positions[(out + 1)...].filter(holds)
      if kept.isEmpty { return nil }
      return Slice(family: family, positions: kept, knownCommon: commonNames)
    }

    /// The slice without the variants whose requirement on `request`'s package conflicts
    /// with it; nil when none is left.
    func reduce(by request: Scope, _ solver: RezSolver) -> Slice? {
      guard request.constrains, solver.named.contains(family.id, request.family) else {
        return self
      }
      // The requirements tested, the last apart: most variants repeat the one before.
      var last: (requirement: Requirement, conflicts: Bool)?
      var tested: [(Requirement, Bool)] = []
      // The positions kept, listed only once one is left out: most reductions leave all.
      var kept: [Int32]?
      var previous: (same: Int32, kept: Bool) = (-1, false)
      for (offset, position) in positions.enumerated() {
        let same = family.sameAs[Int(position)]
        let keep: Bool
        if same == previous.same {
          keep = previous.kept
        } else if let requirement = family.variants[Int(position)].requires.get(request.family) {
          let conflicts: Bool
          if let last, last.requirement == requirement {
            conflicts = last.conflicts
          } else if let known = tested.first(where: { $0.0 == requirement }) {
            conflicts = known.1
          } else {
            conflicts = request.conflicts(with: requirement, solver)
            if let last { tested.append(last) }
            last = (requirement, conflicts)
          }
          keep = !conflicts
        } else {
          keep = true
        }
        previous = (same, keep)
        if keep {
          kept?.append(position)
        } else if kept == nil {
          kept = Array(positions[..<offset])
        }
      }
      guard let kept else { return self }
      if kept.isEmpty { return nil }
      return Slice(family: family, positions: kept, knownCommon: commonNames)
    }

    /// The preferred part and the rest: the leading variants sharing a requirement not
    /// extracted yet (beyond the first `extractedCount` of `commonNames`), or the first
    /// variant alone.
    func split(extractedCount: Int) throws -> (Slice, Slice) {
      func parts(_ cut: Int) -> (Slice, Slice) {
        (
          Slice(family: family, positions: Array(positions[..<cut]), knownCommon: commonNames),
          Slice(family: family, positions: Array(positions[cut...]), knownCommon: commonNames)
        )
      }
      guard count > 2 else { return parts(1) }
      let extracted = commonNames[..<extractedCount]
      var shared = firstVariant.requires.names.filter { !extracted.contains($0) }
      if shared.isEmpty { return parts(1) }
      for (offset, position) in positions.enumerated() {
        let requires = variant(position).requires
        shared.removeAll { !requires.requires($0) }
        if shared.isEmpty { return parts(max(offset, 1)) }
      }
      throw Failure.unexpected("\(family.name): every variant still shares a requirement")
    }
  }

  /// What one package may still be: its remaining variants, with how many of the packages
  /// they all require were extracted, or, for a package only constrained (`!foo`,
  /// `~foo-2`), the constraint; for an ephemeral (`.foo-1`: a name that starts with `.`,
  /// which no repository holds), the range it is required in, or the constraint. A value:
  /// extracting counts on in place, where a scope and a slice made anew for each package
  /// extracted cost two allocations and their release.
  struct Scope {
    let family: Int32
    /// Not counted: the search keeps every slice a scope holds (`scope(holding:)`), so that
    /// copying a phase's scopes, as each split does, copies plain values.
    private let heldSlice: Unmanaged<Slice>?
    var slice: Slice? { heldSlice?.takeUnretainedValue() }
    let constraint: Requirement?
    /// How many of the slice's `commonNames` were extracted: the search extracts them in
    /// name order, so they are always the first. A narrowed slice starts without, as in rez.
    private(set) var extractedCount: Int32 = 0
    /// Whether extraction can take a package from this scope, kept here: each round of
    /// extraction passes every scope, and most have nothing left.
    private(set) var isExtractable: Bool
    /// Whether this scope can rule out a variant's requirement at all: it has variants, or
    /// its constraint a range.
    let constrains: Bool

    /// Only through `RezSolver.scope(holding:)`, which keeps the slice.
    fileprivate init(slice: Slice) {
      family = slice.family.id
      heldSlice = Unmanaged.passUnretained(slice)
      constraint = nil
      isExtractable = !slice.commonNames.isEmpty
      constrains = true
    }

    init(constraint: Requirement) {
      family = constraint.family
      heldSlice = nil
      self.constraint = constraint
      isExtractable = false
      constrains = constraint.range >= 0
    }

    /// A constraint rather than a package that must be chosen (rez's `is_conflict`).
    var isConflict: Bool { constraint?.conflict ?? false }

    var isSolved: Bool { slice.map { $0.count == 1 && !isExtractable } ?? true }

    /// The first package (by name) every variant requires and not yet extracted, counted as
    /// extracted (`Slice.extract(_:_:)`); nil when none is left.
    mutating func extract(_ table: RezRangeTable) -> Requirement? {
      guard isExtractable, let slice else { return nil }
      let requirement = slice.extract(Int(extractedCount), table)
      extractedCount += 1
      isExtractable = Int(extractedCount) < slice.commonNames.count
      return requirement
    }

    /// Whether `requirement` (of some variant, on this package) cannot hold together with
    /// this scope (rez's `Requirement.conflicts_with` against the scope's request, which for
    /// a package with variants left is exactly the versions left).
    func conflicts(with requirement: Requirement, _ solver: RezSolver) -> Bool {
      guard requirement.range != RezRangeTable.none else { return false }
      if let slice {
        let held = solver.held(slice.family, requirement.range)
        let versionOf = slice.family.versionOf
        if requirement.conflict {
          return slice.positions.allSatisfy { RezSolver.contains(held, versionOf[Int($0)]) }
        }
        return !slice.positions.contains { RezSolver.contains(held, versionOf[Int($0)]) }
      }
      guard let constraint, constraint.range != RezRangeTable.none else { return false }
      switch (constraint.conflict, requirement.conflict) {
      case (true, true): return false
      case (true, false): return solver.ranges.isSuperset(constraint.range, of: requirement.range)
      // An ephemeral required in a range (rez's `Requirement.conflicts_with`).
      case (false, true): return solver.ranges.isSuperset(requirement.range, of: constraint.range)
      case (false, false):
        return solver.ranges.isEmpty(solver.ranges.meeting(requirement.range, constraint.range))
      }
    }
  }

  struct Phase {
    enum Status { case pending, exhausted, solved, failed, cyclic }
    var scopes: [Scope]
    /// The scopes changed since the phase was last reduced, in any order, perhaps twice: the
    /// only ones extraction may take a package from (`Scope.isExtractable`).
    var changed: [Int]
    var status: Status
  }

  /// One version as the search reads it: its requirements and each variant's, as numbers
  /// that `written` reads, the number the reader gave it (its `place`, told back in
  /// `Choice`), and the number of its folder's check (told back in `reading`; -1 for none).
  typealias Read = (version: ReadVersion, numbers: RequirementNumbers, place: Int, folder: Int)

  /// A version as `read` gives it: the version itself, or the number of the index key whose
  /// text it is, read as a version (`keyVersion`) only when the search first compares it.
  enum ReadVersion {
    case version(RezVersion)
    case key(Int)
  }

  /// Reads a package's versions, ascending; nil for a package the repositories do not hold.
  let read: (String) -> [Read]?
  /// An index key's version (`ReadVersion.key`).
  let keyVersion: (Int) -> RezVersion
  /// A requirement number's requirement; nil when it cannot be read.
  let written: (Int) -> RezRequirement?
  /// Told of each version whose requirements the search reads, once, before it reads them:
  /// its folder's check (`Read.folder`), a number rather than the package's name and the
  /// version's place, which would be hashed again for each version.
  let reading: (Int) -> Void
  /// Every package name the repositories hold: asked only to word a package none holds.
  let knownNames: () -> [String]
  let ranges = RezRangeTable()
  private(set) var requests = RequirementList()
  @exclusivity(unchecked) private var names: [String] = []
  /// Per package number, the leading eight bytes of its name's UTF-8, big-endian and padded
  /// with zeros: what orders most pairs of names (`namePrecedes`).
  @exclusivity(unchecked) private var nameLeads: [UInt64] = []
  @exclusivity(unchecked) private var familyIDs: [String: Int32] = [:]
  @exclusivity(unchecked) private var families: [Family?] = []
  /// Per requirement number, the requirement as the search holds it.
  @exclusivity(unchecked) private var converted: [Requirement?] = []
  /// Per package number, one more than its requirement's position in the list
  /// `list(_:naming:)` is making; 0 outside it.
  @exclusivity(unchecked) private var listSlots: [Int32] = []
  /// Per package number, the packages its variants name (`NamedRows`).
  @exclusivity(unchecked) private(set) var named = NamedRows()
  /// Per package number, one more than its place among the requests that require it (not
  /// only constrain it); 0 for the others.
  private var requestPlaces: [Int32] = []
  /// The phases still on the stack when the search ended, kept as the search itself is
  /// (`RezRepository`): freeing each one's scopes one by one would cost more than holding
  /// them.
  private var leftPhases: [Phase] = []
  /// Phases solved before the search gives up (rez has no limit; flow's solver then
  /// answers in its own order).
  static let phaseLimit = 200_000

  init(
    requests: [RezRequirement], read: @escaping (String) -> [Read]?,
    keyVersion: @escaping (Int) -> RezVersion,
    written: @escaping (Int) -> RezRequirement?,
    reading: @escaping (Int) -> Void, knownNames: @escaping () -> [String] = { [] }
  ) {
    self.read = read
    self.knownNames = knownNames
    self.keyVersion = keyVersion
    self.written = written
    self.reading = reading
    self.requests = list(requests.map(requirement))
    requestPlaces = Array(repeating: 0, count: names.count)
    for (place, request) in self.requests.requirements.enumerated() where !request.conflict {
      requestPlaces[Int(request.family)] = Int32(place + 1)
    }
  }

  /// A package's chosen version and variant, and the version's place (`Read.place`).
  struct Choice {
    var version: RezVersion
    var variant: Int?
    var place: Int
  }

  enum Outcome {
    /// Each package's choice, in the order of the scopes (rez's order, and the ephemerals,
    /// are `Resolution.rezFinished()`'s).
    case solved([(name: String, choice: Choice)])
    case failed
    /// An answer whose packages require each other in this cycle, which rez rejects.
    case cyclic([String])
  }

  /// What rez's search ends with.
  func solve() throws -> Outcome {
    if requests.conflict { return .failed }
    var initial = Phase(scopes: [], changed: [], status: .pending)
    for requirement in requests.requirements {
      initial.scopes.append(try scope(for: requirement))
    }
    initial.changed = Array(initial.scopes.indices)
    var stack = [initial]
    defer { leftPhases = stack }
    var solves = 0
    // Each phase is moved, never copied, from the stack to the solve: a list of scopes
    // held twice would be copied whole at its first change.
    while true {
      switch stack[stack.count - 1].status {
      case .cyclic: return .cyclic(cycle(stack[stack.count - 1]) ?? [])
      case .solved: return .solved(answer(stack[stack.count - 1]))
      case .failed where stack.count == 1: return .failed
      default: break
      }
      solves += 1
      if solves > RezSolver.phaseLimit { throw Failure.tooLong }
      var phase = stack.removeLast()
      if phase.status == .failed { phase = stack.removeLast() }
      if phase.status == .exhausted {
        let (first, rest) = try split(consume phase)
        stack.append(rest)
        phase = first
      }
      var solved = try solve(consume phase)
      if solved.status == .solved && cycle(solved) != nil { solved.status = .cyclic }
      stack.append(solved)
    }
  }

  private func answer(_ phase: Phase) -> [(name: String, choice: Choice)] {
    var result: [(name: String, choice: Choice)] = []
    for scope in phase.scopes {
      guard let slice = scope.slice else { continue }
      let family = slice.family
      let version = slice.firstVersion
      let choice = Choice(
        version: self.version(family, at: version), variant: slice.firstVariant.index,
        place: family.places[version])
      result.append((family.name, choice))
    }
    return result
  }

  // MARK: packages, requirements and ranges

  /// The package's number in this search, given when first named.
  private func id(of name: String) -> Int32 {
    if let known = familyIDs[name] { return known }
    let id = Int32(names.count)
    familyIDs[name] = id
    names.append(name)
    var leading: UInt64 = 0
    for (offset, byte) in name.utf8.prefix(8).enumerated() {
      leading |= UInt64(byte) << UInt64(56 - 8 * offset)
    }
    nameLeads.append(leading)
    families.append(nil)
    return id
  }

  /// Whether package `a`'s name comes before `b`'s, by code point as rez (Python) orders
  /// strings: by the leading eight bytes of their UTF-8, then by the whole.
  fileprivate func namePrecedes(_ a: Int32, _ b: Int32) -> Bool {
    let (first, second) = (nameLeads[Int(a)], nameLeads[Int(b)])
    if first != second { return first < second }
    return names[Int(a)].utf8.lexicographicallyPrecedes(names[Int(b)].utf8)
  }

  private func requirement(_ written: RezRequirement) -> Requirement {
    let family = id(of: written.name)
    switch written.kind {
    case .required:
      return Requirement(family: family, range: ranges.id(of: written.range), conflict: false)
    case .conflict:
      return Requirement(family: family, range: ranges.id(of: written.range), conflict: true)
    case .weak:
      let range =
        written.range.isAny ? RezRangeTable.none : ranges.complement(ranges.id(of: written.range))
      return Requirement(family: family, range: range, conflict: true)
    }
  }

  /// Requirement `number` as the search holds it; nil when it cannot be read.
  private func requirement(numbered number: Int) -> Requirement? {
    if number < converted.count, let known = converted[number] { return known }
    if number >= converted.count {
      converted += Array(repeating: nil, count: number + 1 - converted.count)
    }
    guard let written = written(number) else { return nil }
    let result = requirement(written)
    converted[number] = result
    return result
  }

  /// Both at once (rez's `Requirement.merged`); nil when no version satisfies both.
  private func merged(_ mine: Requirement, _ other: Requirement) -> Requirement? {
    guard mine.range != RezRangeTable.none else { return other }
    guard other.range != RezRangeTable.none else { return mine }
    let result: Int32
    switch (mine.conflict, other.conflict) {
    case (true, true):
      return Requirement(
        family: mine.family, range: ranges.union(mine.range, other.range), conflict: true)
    case (true, false): result = ranges.subtracting(other.range, mine.range)
    case (false, true): result = ranges.subtracting(mine.range, other.range)
    case (false, false): result = ranges.meeting(mine.range, other.range)
    }
    if ranges.isEmpty(result) { return nil }
    return Requirement(family: mine.family, range: result, conflict: false)
  }

  /// Requirements merged per package, in the order first named; `names` only when `naming`.
  private func list(_ items: [Requirement], naming: Bool = true) -> RequirementList {
    var result = RequirementList()
    result.requirements.reserveCapacity(items.count)
    if listSlots.count < names.count {
      listSlots += Array(repeating: 0, count: names.count - listSlots.count)
    }
    defer { for requirement in result.requirements { listSlots[Int(requirement.family)] = 0 } }
    for requirement in items {
      let slot = Int(listSlots[Int(requirement.family)])
      if slot > 0 {
        guard let merged = merged(result.requirements[slot - 1], requirement) else {
          result.conflict = true
          return result
        }
        result.requirements[slot - 1] = merged
      } else {
        result.requirements.append(requirement)
        listSlots[Int(requirement.family)] = Int32(result.requirements.count)
      }
    }
    guard naming else { return result }
    result.names.reserveCapacity(result.requirements.count)
    for requirement in result.requirements where !requirement.conflict {
      result.names.append(requirement.family)
    }
    result.names.sort(by: namePrecedes)
    return result
  }

  /// `family`'s version at `index`, read as a version when first asked for.
  private func version(_ family: Family, at index: Int) -> RezVersion {
    if let known = family.versions[index] { return known }
    let version = keyVersion(family.keys[index])
    family.versions[index] = version
    return version
  }

  /// The versions of `family` range `range` holds. A family's versions are distinct and
  /// newest first, so each bound holds one run of them, found by bisection: the first
  /// version below its upper end, and the first below its lower end.
  fileprivate func held(_ family: Family, _ range: Int32) -> [UInt64] {
    if let known = family.held[range] { return known }
    let count = family.versions.count
    var bits = [UInt64](repeating: 0, count: (count + 63) / 64)
    /// The first index from which `holds` holds (it does for a suffix of the versions).
    func start(_ holds: (RezVersion) -> Bool) -> Int {
      var low = 0
      var high = count
      while low < high {
        let middle = (low + high) / 2
        // Tested where it is kept once read: a copy of each version tested would cost more
        // than the test.
        if family.versions[middle] == nil { _ = version(family, at: middle) }
        if holds(family.versions[middle].unsafelyUnwrapped) {
          high = middle
        } else {
          low = middle + 1
        }
      }
      return low
    }
    for bound in ranges.range(range).bounds {
      let first = start { bound.isBelowUpper($0) }
      let end = start { !bound.isAboveLower($0) }
      guard first < end else { continue }
      for index in first..<end { bits[index / 64] |= 1 << UInt64(index % 64) }
    }
    family.held[range] = bits
    return bits
  }

  fileprivate static func contains(_ bits: [UInt64], _ index: Int32) -> Bool {
    bits[Int(index) / 64] & (1 << UInt64(index % 64)) != 0
  }

  // MARK: families and scopes

  func family(_ id: Int32) throws -> Family {
    if let known = families[Int(id)] { return known }
    let name = names[Int(id)]
    guard let versions = read(name), !versions.isEmpty else {
      let known = knownNames()
      // A family the repositories hold with no version: each was skipped, with its warning.
      throw Failure.error(
        known.contains(name)
          ? "no version of \(name) in the repositories can be read"
          : "no repository holds a package \(name)"
            + Suggestion.packageHint(for: name, among: known))
    }
    let family = Family(id: id, name: name)
    let placeholder = Variant(index: nil, requires: RequirementList())
    let variantCounts = versions.map { max($0.numbers.variantCount, 1) }
    let variantCount = variantCounts.reduce(0, +)
    family.versions.reserveCapacity(versions.count)
    family.keys.reserveCapacity(versions.count)
    family.unmade.reserveCapacity(versions.count)
    family.places.reserveCapacity(versions.count)
    family.folders.reserveCapacity(versions.count)
    family.firstPosition.reserveCapacity(versions.count)
    family.variants.reserveCapacity(variantCount)
    family.versionOf.reserveCapacity(variantCount)
    family.sameAs.reserveCapacity(variantCount)
    for position in versions.indices.reversed() {
      let version = Int32(family.versions.count)
      switch versions[position].version {
      case .version(let version):
        family.versions.append(version)
        family.keys.append(-1)
      case .key(let key):
        family.versions.append(nil)
        family.keys.append(key)
      }
      family.unmade.append(versions[position].numbers)
      family.places.append(versions[position].place)
      family.folders.append(versions[position].folder)
      family.firstPosition.append(Int32(family.variants.count))
      for _ in 0..<variantCounts[position] {
        family.sameAs.append(Int32(family.variants.count))
        family.variants.append(placeholder)
        family.versionOf.append(version)
      }
    }
    families[Int(id)] = family
    return family
  }

  /// Makes the variants of `family`'s version at `version`, most preferred first, unless
  /// made already; a version with the same requirement numbers as the version made last
  /// takes its variants (`Family.lastMade`).
  private func make(_ family: Family, version: Int) throws {
    guard let numbers = family.unmade[version] else { return }
    family.unmade[version] = nil
    reading(family.folders[version])
    func converted(_ number: Int) throws -> Requirement {
      guard let known = requirement(numbered: number) else {
        throw Failure.unexpected(
          "\(family.name)-\(self.version(family, at: version)): a requirement cannot be read")
      }
      return known
    }
    var position = Int(family.firstPosition[version])
    if let made = family.lastMade, made.numbers == numbers {
      var source = Int(family.firstPosition[Int(made.version)])
      while position < family.versionOf.count && family.versionOf[position] == version {
        family.variants[position] = family.variants[source]
        family.sameAs[position] = family.sameAs[source]
        position += 1
        source += 1
      }
      return
    }
    var lists = numbers.makeIterator()
    let own = lists.next() ?? 0..<0
    var requirements: [Requirement] = []
    requirements.reserveCapacity(own.count + numbers.longestVariantList)
    for place in own { requirements.append(try converted(numbers[place])) }
    let common = requirements.count
    var variants: [Variant] = []
    // A version without variants is one variant of its own list, without an index.
    var extra = lists.next()
    let hasVariants = extra != nil
    var index = 0
    repeat {
      requirements.removeSubrange(common...)
      for place in extra ?? 0..<0 { requirements.append(try converted(numbers[place])) }
      let list = list(requirements)
      if list.conflict {
        let variant = hasVariants ? "[\(index)]" : ""
        throw Failure.error(
          "the requirements of \(family.name)-\(self.version(family, at: version))\(variant)"
            + " conflict with each other")
      }
      for requirement in list.requirements { named.insert(requirement.family, into: family.id) }
      variants.append(Variant(index: hasVariants ? index : nil, requires: list))
      index += 1
      extra = lists.next()
    } while extra != nil
    for variant in sortedByPreference(variants) {
      family.variants[position] = variant
      position += 1
    }
    family.lastMade = (Int32(version), numbers)
  }

  /// A scope for a request or an extracted requirement (rez's `_PackageScope`).
  func scope(for requirement: Requirement) throws -> Scope {
    let range = requirement.range == RezRangeTable.none ? ranges.any : requirement.range
    if requirement.conflict { return Scope(constraint: requirement) }
    if isEphemeral(requirement.family) {
      return Scope(
        constraint: Requirement(family: requirement.family, range: range, conflict: false))
    }
    guard let slice = try slice(requirement.family, in: range) else {
      let name = names[Int(requirement.family)]
      throw Failure.error(
        "no version of \(name) is in \(RezRequirement.written(name, ranges.range(range).text))")
    }
    return scope(holding: slice)
  }

  /// Every slice a scope holds, kept for the search's length: scopes refer to theirs
  /// without counting (`Scope.slice`).
  private var keptSlices: [Slice] = []

  /// A scope of `slice`, which the search keeps.
  private func scope(holding slice: Slice) -> Scope {
    keptSlices.append(slice)
    return Scope(slice: slice)
  }

  func slice(_ id: Int32, in range: Int32) throws -> Slice? {
    let family = try family(id)
    let held = self.held(family, range)
    var positions: [Int32] = []
    for (position, version) in family.versionOf.enumerated()
    where RezSolver.contains(held, version) {
      try make(family, version: Int(version))
      positions.append(Int32(position))
    }
    return positions.isEmpty ? nil : Slice(family: family, positions: positions)
  }

  /// `scope` narrowed to range `range`: the same scope (the same slice) when nothing goes,
  /// nil when all does. An ephemeral's scope stays a range: the range met (or, from a
  /// constraint, the range left), the same scope when that is its own range.
  func intersect(_ scope: Scope, _ range: Int32) throws -> Scope? {
    if let slice = scope.slice {
      guard let narrowed = slice.intersect(range, self) else { return nil }
      return narrowed === slice ? scope : self.scope(holding: narrowed)
    }
    var allowed = range
    if let constraint = scope.constraint, constraint.range != RezRangeTable.none {
      allowed =
        constraint.conflict
        ? ranges.subtracting(range, constraint.range) : ranges.meeting(range, constraint.range)
      if ranges.isEmpty(allowed) { return nil }
    }
    guard isEphemeral(scope.family) else {
      return try slice(scope.family, in: allowed).map { self.scope(holding: $0) }
    }
    let narrowed = Requirement(family: scope.family, range: allowed, conflict: false)
    return narrowed == scope.constraint ? scope : Scope(constraint: narrowed)
  }

  /// Whether package `id` is an ephemeral: its name starts with `.`.
  func isEphemeral(_ id: Int32) -> Bool { RezRequirement.isEphemeral(names[Int(id)]) }

  // MARK: phases

  /// Extracts and reduces until nothing changes (rez's `_ResolvePhase.solve`).
  func solve(_ phase: consuming Phase) throws -> Phase {
    // Taken out of the phase, so that the list is changed in place.
    var scopes: [Scope] = []
    var changed: [Int] = []
    swap(&scopes, &phase.scopes)
    swap(&changed, &phase.changed)
    func ended(_ status: Phase.Status) -> Phase {
      Phase(scopes: scopes, changed: [], status: status)
    }
    // Only a scope changed since extraction last passed it can give a package
    // (`Scope.isExtractable`): those the phase names as changed, then those narrowed, opened
    // or reduced here. Extraction passes them in the order of the scopes.
    var extractable = changed
    // Per package number, one more than the index of its scope; 0 for the others.
    var scopeSlots = [Int32](repeating: 0, count: names.count)
    for index in scopes.indices { scopeSlots[Int(scopes[index].family)] = Int32(index + 1) }
    while true {
      let previousCount = scopes.count
      var widened: [Int] = []
      while true {
        var extracted: [Requirement] = []
        extractable.sort()
        for index in extractable {
          while let requirement = scopes[index].extract(ranges) { extracted.append(requirement) }
        }
        extractable = []
        if extracted.isEmpty { break }
        let list = list(extracted, naming: false)
        if list.conflict { return ended(.failed) }
        if scopeSlots.count < names.count {
          scopeSlots += Array(repeating: 0, count: names.count - scopeSlots.count)
        }
        // The scopes of the packages extracted are narrowed in the order of the scopes; the
        // other packages get scopes of their own after, in the order of the list.
        var narrowing: [(index: Int, range: Int32)] = []
        var opening: [Requirement] = []
        for requirement in list.requirements {
          let slot = scopeSlots[Int(requirement.family)]
          if slot > 0 {
            narrowing.append((Int(slot - 1), requirement.range))
          } else {
            opening.append(requirement)
          }
        }
        narrowing.sort { $0.index < $1.index }
        for (index, extractedRange) in narrowing {
          let range = extractedRange == RezRangeTable.none ? ranges.any : extractedRange
          guard let narrowed = try intersect(scopes[index], range) else {
            return ended(.failed)
          }
          if narrowed.slice !== scopes[index].slice
            || narrowed.constraint != scopes[index].constraint
          {
            if scopes[index].isConflict && !narrowed.isConflict { widened.append(index) }
            scopes[index] = narrowed
            changed.append(index)
            extractable.append(index)
          }
        }
        for requirement in opening {
          extractable.append(scopes.count)
          do {
            scopes.append(try scope(for: requirement))
          } catch Failure.error(let reason) {
            throw Failure.error(reason + requiredBy(requirement.family, scopes))
          }
          scopeSlots[Int(requirement.family)] = Int32(scopes.count)
        }
      }
      let count = scopes.count
      if count == previousCount && changed.isEmpty && widened.isEmpty { break }
      // The pairs to reduce, in rez's order, leaving out those that cannot reduce: a scope
      // is only reduced by a package some of its variants name, and by a constraint only
      // when it has a range.
      var isNew = [Bool](repeating: false, count: count)
      for x in previousCount..<count { isNew[x] = true }
      for x in widened { isNew[x] = true }
      var isPartial = isNew
      for x in changed { isPartial[x] = true }
      let partial = isPartial.indices.filter { isPartial[$0] }
      func scopeNames(_ x: Int, _ id: Int32) -> Bool {
        scopes[x].slice != nil && named.contains(scopes[x].family, id)
      }
      var pending: [Pair] = []
      for x in 0..<count where scopes[x].slice != nil {
        let family = scopes[x].family
        func reduces(_ y: Int) -> Bool {
          y != x && scopes[y].constrains && named.contains(family, scopes[y].family)
        }
        if isNew[x] {
          for y in 0..<count where reduces(y) { pending.append(Pair(x, y)) }
        } else {
          for y in partial where reduces(y) { pending.append(Pair(x, y)) }
        }
      }
      while let pair = pending.popLast() {
        guard let slice = scopes[pair.x].slice else { continue }
        guard let reduced = slice.reduce(by: scopes[pair.y], self) else { return ended(.failed) }
        if reduced !== slice {
          scopes[pair.x] = scope(holding: reduced)
          extractable.append(pair.x)
          let family = scopes[pair.x].family
          for other in 0..<count where other != pair.x && scopeNames(other, family) {
            pending.append(Pair(other, pair.x))
          }
        }
      }
      changed = []
    }
    return ended(scopes.allSatisfy(\.isSolved) ? .solved : .exhausted)
  }

  /// Which scopes the package `family` was extracted from, in words (` (b is required by
  /// a-1, c)`): each as its version, or its variant, where only one is left.
  private func requiredBy(_ family: Int32, _ scopes: [Scope]) -> String {
    var sources: [String] = []
    for scope in scopes {
      guard let slice = scope.slice,
        slice.commonNames.prefix(Int(scope.extractedCount)).contains(family)
      else { continue }
      let name = slice.family.name
      let versions = Set(slice.positions.map { slice.family.versionOf[Int($0)] })
      guard versions.count == 1 else {
        sources.append(name)
        continue
      }
      let version = self.version(slice.family, at: slice.firstVersion)
      let variant = slice.count == 1 ? slice.firstVariant.index.map { "[\($0)]" } ?? "" : ""
      sources.append("\(name)-\(version)\(variant)")
    }
    guard !sources.isEmpty else { return "" }
    return " (\(names[Int(family)]) is required by \(sources.joined(separator: ", ")))"
  }

  struct Pair {
    var x: Int
    var y: Int
    init(_ x: Int, _ y: Int) { (self.x, self.y) = (x, y) }
  }

  /// The phase with its first splittable scope's preferred part, and with the rest.
  /// The phase's list of scopes is copied once, for the rest; the preferred part keeps it.
  func split(_ phase: consuming Phase) throws -> (Phase, Phase) {
    guard
      let index = phase.scopes.firstIndex(where: { ($0.slice?.count ?? 0) > 1 }),
      let slice = phase.scopes[index].slice
    else {
      throw Failure.unexpected("an exhausted phase with nothing to split")
    }
    let (first, rest) = try slice.split(
      extractedCount: Int(phase.scopes[index].extractedCount))
    var other = Phase(scopes: phase.scopes, changed: [index], status: .pending)
    other.scopes[index] = scope(holding: rest)
    phase.scopes[index] = scope(holding: first)
    phase.changed = [index]
    phase.status = .pending
    return (phase, other)
  }

  /// The chosen packages that require each other in a cycle, the first again at the end;
  /// nil when none do. The packages are visited by their numbers, in name order, each
  /// following its requirements in the order its variant lists them.
  func cycle(_ phase: Phase) -> [String]? {
    // Per package number, its chosen variant's requirements, whose packages required (not
    // only constrained) it leads to; nil when not chosen. The variant's own list, not a copy.
    var edges = [[Requirement]?](repeating: nil, count: names.count)
    var chosen: [Int32] = []
    for scope in phase.scopes {
      guard let slice = scope.slice else { continue }
      edges[Int(slice.family.id)] = slice.firstVariant.requires.requirements
      chosen.append(slice.family.id)
    }
    var done = [Bool](repeating: false, count: names.count)
    var path: [Int32] = []
    func visit(_ id: Int32) -> [Int32]? {
      if let start = path.firstIndex(of: id) { return Array(path[start...]) + [id] }
      guard !done[Int(id)] else { return nil }
      path.append(id)
      for next in edges[Int(id)] ?? [] where !next.conflict {
        if let found = visit(next.family) { return found }
      }
      path.removeLast()
      done[Int(id)] = true
      return nil
    }
    for id in chosen.sorted(by: namePrecedes) {
      if let found = visit(id) { return found.map { names[Int($0)] } }
    }
    return nil
  }

  // MARK: variant preference

  /// `variants` most preferred first: rez's `_PackageEntry.sort` in its `version_priority`
  /// mode, the rule `VariantKey` ranks by.
  func sortedByPreference(_ variants: [Variant]) -> [Variant] {
    guard variants.count > 1 else { return variants }
    let keys = variants.map(preferenceKey)
    return variants.indices.sorted { keys[$0] > keys[$1] }.map { variants[$0] }
  }

  func preferenceKey(_ variant: Variant) -> VariantKey<RangeOrder, NameOrder> {
    typealias Item = VariantKey<RangeOrder, NameOrder>.Item
    var requested: [Item] = []
    var others: [Item] = []
    others.reserveCapacity(variant.requires.requirements.count)
    for requirement in variant.requires.requirements {
      let family = Int(requirement.family)
      let place = family < requestPlaces.count ? Int(requestPlaces[family]) : 0
      // A requested package's items differ in `order` (one request per package), so its
      // name never decides.
      let item = Item(
        order: place > 0 ? 1 - place : 0, range: order(requirement.range),
        name: NameOrder(number: requirement.family, solver: self))
      if place > 0 {
        requested.append(item)
      } else if !requirement.conflict {
        others.append(item)
      }
    }
    // In request order: the variant lists its requirements in its own.
    requested.sort { $0.order > $1.order }
    return VariantKey(
      requested: requested, fewerOthers: -others.count, others: others, index: variant.index ?? 0)
  }

  private func order(_ range: Int32) -> RangeOrder { RangeOrder(number: range, table: ranges) }

  /// A package's name as rez (Python) orders names, by its number in this search
  /// (`namePrecedes`): a variant's key then holds no string to copy, retain and release.
  struct NameOrder: Comparable {
    var number: Int32
    /// The search itself, which outlives every sort (and is not counted by each copy).
    unowned(unsafe) let solver: RezSolver

    /// Equal numbers are the same name.
    static func == (a: NameOrder, b: NameOrder) -> Bool { a.number == b.number }
    static func < (a: NameOrder, b: NameOrder) -> Bool {
      a.number != b.number && a.solver.namePrecedes(a.number, b.number)
    }
  }

  /// A range as rez orders ranges (`RezRangeTable.compare`), by its number in the search's
  /// table: sorting a package's variants compares the same few ranges over and over.
  struct RangeOrder: Comparable {
    var number: Int32
    /// The search's own table, which outlives every sort (and is not counted by each copy).
    unowned(unsafe) let table: RezRangeTable

    /// Equal numbers are the same bounds, which is what rez's order calls equal.
    static func == (a: RangeOrder, b: RangeOrder) -> Bool { a.number == b.number }
    static func < (a: RangeOrder, b: RangeOrder) -> Bool { a.table.compare(a.number, b.number) < 0 }
  }
}
