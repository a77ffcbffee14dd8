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
/// A phase where every scope holds one variant is solved (unless its packages require each
/// other in a cycle, which fails the whole resolve, as in rez). Otherwise the first scope with
/// more than one variant splits, versions newest first and each version's variants in rez's
/// order of preference: the leading run of variants that share a requirement not yet
/// extracted (or, without one, the first variant) against the rest; the first half is solved
/// next, the second kept for when it fails.
///
/// The answer is a choice per package; the caller has the conflict-learning `Solver` take
/// those choices, which keeps one way of building outputs and explanations.
final class RezSolver {
  /// One way the search stops without an answer.
  enum Failure: Error {
    /// What rez reports as an error rather than a failed phase: a package family or
    /// version that does not exist, a variant whose own requirements conflict.
    case error(String)
    /// More phases than `phaseLimit`: the caller falls back to its own order.
    case tooLong
  }

  /// A requirement as rez's solver holds it: a weak reference `~foo-R` is the conflict
  /// `!foo` with every version outside R (nil for `~foo` without a range, which constrains
  /// nothing).
  struct Requirement: Hashable {
    var name: String
    var range: RezRange?
    var conflict: Bool

    init(name: String, range: RezRange?, conflict: Bool) {
      self.name = name
      self.range = range
      self.conflict = conflict
    }

    init(_ written: RezRequirement) {
      name = written.name
      switch written.kind {
      case .required: (range, conflict) = (written.range, false)
      case .conflict: (range, conflict) = (written.range, true)
      case .weak: (range, conflict) = (written.range.isAny ? nil : written.range.complement, true)
      }
    }

    /// Both at once (rez's `Requirement.merged`); nil when no version satisfies both.
    func merged(with other: Requirement) -> Requirement? {
      guard let mine = range else { return other }
      guard let theirs = other.range else { return self }
      let result: RezRange
      switch (self.conflict, other.conflict) {
      case (true, true):
        return Requirement(name: name, range: mine.union(theirs), conflict: true)
      case (true, false): result = theirs.subtracting(mine)
      case (false, true): result = mine.subtracting(theirs)
      case (false, false): result = mine.meeting(theirs)
      }
      if result.isEmpty { return nil }
      return Requirement(name: name, range: result, conflict: false)
    }
  }

  /// Requirements merged per name, in the order first named (rez's `RequirementList`).
  struct RequirementList {
    var requirements: [Requirement] = []
    var byName: [String: Int] = [:]
    /// The names required, and those only constrained.
    var names: Set<String> = []
    var conflictNames: Set<String> = []
    /// Both.
    var allNames: Set<String> = []
    /// Two requirements no version satisfies together.
    var conflict: (Requirement, Requirement)?

    init(_ list: [Requirement]) {
      for requirement in list {
        if let index = byName[requirement.name] {
          guard let merged = requirements[index].merged(with: requirement) else {
            conflict = (requirements[index], requirement)
            return
          }
          requirements[index] = merged
        } else {
          byName[requirement.name] = requirements.count
          requirements.append(requirement)
        }
      }
      for requirement in requirements {
        if requirement.conflict {
          conflictNames.insert(requirement.name)
        } else {
          names.insert(requirement.name)
        }
        allNames.insert(requirement.name)
      }
    }

    func get(_ name: String) -> Requirement? { byName[name].map { requirements[$0] } }
  }

  struct Variant {
    /// Nil for a version without variants.
    var index: Int?
    var requires: RequirementList
  }

  /// A package's versions, newest first, each with its variants in rez's order of
  /// preference (which no step of the search changes, so they are sorted once).
  final class Family {
    let name: String
    var versions: [RezVersion] = []
    var variants: [[Variant]] = []

    init(name: String) { self.name = name }
  }

  /// One version of a slice: the positions of its remaining variants in the family's list.
  struct Entry {
    var version: Int
    var variants: [Int]
  }

  /// The variants a scope still allows, with what the search extracted from them.
  final class Slice {
    let family: Family
    let entries: [Entry]
    let count: Int
    /// The packages every variant requires, in name order, and every package any variant
    /// names.
    let commonNames: [String]
    let namedNames: Set<String>
    /// How many of `commonNames` were extracted: the search extracts them in name order, so
    /// they are always the first.
    var extractedCount = 0

    init(family: Family, entries: [Entry]) {
      self.family = family
      self.entries = entries
      count = entries.reduce(0) { $0 + $1.variants.count }
      var common: Set<String>? = nil
      var named: Set<String> = []
      for entry in entries {
        for position in entry.variants {
          let requires = family.variants[entry.version][position].requires
          if common == nil {
            common = requires.names
          } else if !common!.isEmpty {
            common!.formIntersection(requires.names)
          }
          named.formUnion(requires.allNames)
        }
      }
      commonNames = (common ?? []).sorted()
      namedNames = named
    }

    /// The same variants with `extractedCount` of their common packages extracted: a
    /// narrowed slice starts without, as in rez.
    private init(_ other: Slice, extractedCount: Int) {
      family = other.family
      entries = other.entries
      count = other.count
      commonNames = other.commonNames
      namedNames = other.namedNames
      self.extractedCount = extractedCount
    }

    var isExtractable: Bool { extractedCount < commonNames.count }

    func variant(_ entry: Entry, _ position: Int) -> Variant {
      family.variants[entry.version][position]
    }

    var firstVariant: Variant { variant(entries[0], entries[0].variants[0]) }

    func forEachVariant(_ body: (Variant) -> Void) {
      for entry in entries {
        for position in entry.variants { body(variant(entry, position)) }
      }
    }

    func version(_ entry: Entry) -> RezVersion { family.versions[entry.version] }

    /// The first package (by name) every variant requires and not yet extracted, as the
    /// union of the ranges they require it in.
    func extract() -> (Slice, Requirement)? {
      guard isExtractable else { return nil }
      let name = commonNames[extractedCount]
      var ranges: [RezRange] = []
      forEachVariant { variant in
        guard let range = variant.requires.get(name)?.range else { return }
        if !ranges.contains(where: { $0.holdsSameVersions(as: range) }) { ranges.append(range) }
      }
      let union = ranges.dropFirst().reduce(ranges.first ?? .any) { $0.union($1) }
      return (
        Slice(self, extractedCount: extractedCount + 1),
        Requirement(name: name, range: union, conflict: false)
      )
    }

    /// The slice without the versions outside `range`; nil when none is left.
    func intersect(_ range: RezRange) -> Slice? {
      if range.isAny { return self }
      let kept = entries.filter { range.contains(version($0)) }
      if kept.isEmpty { return nil }
      return kept.count < entries.count ? Slice(family: family, entries: kept) : self
    }

    /// The slice without the variants whose requirement on `request`'s package conflicts
    /// with it; nil when none is left.
    func reduce(by request: Scope) -> Slice? {
      guard request.constrains, namedNames.contains(request.name) else { return self }
      var tested: [Requirement: Bool] = [:]
      var kept: [Entry] = []
      var reduced = false
      for entry in entries {
        let remaining = entry.variants.filter { position in
          guard let requirement = variant(entry, position).requires.get(request.name) else {
            return true
          }
          if let known = tested[requirement] { return !known }
          let conflicts = request.conflicts(with: requirement)
          tested[requirement] = conflicts
          return !conflicts
        }
        if remaining.count < entry.variants.count { reduced = true }
        if !remaining.isEmpty { kept.append(Entry(version: entry.version, variants: remaining)) }
      }
      if kept.isEmpty { return nil }
      return reduced ? Slice(family: family, entries: kept) : self
    }

    /// The preferred part and the rest: the leading variants sharing a requirement not
    /// extracted yet, or the first variant alone.
    func split() throws -> (Slice, Slice) {
      func parts(_ index: Int, _ taken: Int) -> (Slice, Slice) {
        let entry = entries[index]
        var first = Array(entries[..<index])
        var rest = Array(entries[(index + 1)...])
        if taken < entry.variants.count {
          first.append(Entry(version: entry.version, variants: Array(entry.variants[..<taken])))
          rest.insert(
            Entry(version: entry.version, variants: Array(entry.variants[taken...])), at: 0)
        } else {
          first.append(entry)
        }
        return (Slice(family: family, entries: first), Slice(family: family, entries: rest))
      }
      guard count > 2 else { return parts(0, 1) }
      var shared = firstVariant.requires.names.subtracting(commonNames[..<extractedCount])
      if shared.isEmpty { return parts(0, 1) }
      var previous = (0, 1)
      for (index, entry) in entries.enumerated() {
        for (offset, position) in entry.variants.enumerated() {
          shared.formIntersection(variant(entry, position).requires.names)
          if shared.isEmpty { return parts(previous.0, previous.1) }
          previous = (index, offset + 1)
        }
      }
      throw Failure.error("\(family.name): every variant still shares a requirement")
    }
  }

  /// What one package may still be: its remaining variants, or, for a package only
  /// constrained (`!foo`, `~foo-2`), the constraint.
  final class Scope {
    let name: String
    let slice: Slice?
    let constraint: Requirement?

    init(slice: Slice) {
      name = slice.family.name
      self.slice = slice
      constraint = nil
    }

    init(constraint: Requirement) {
      name = constraint.name
      slice = nil
      self.constraint = constraint
    }

    var isConflict: Bool { slice == nil }

    var isSolved: Bool { slice.map { $0.count == 1 && !$0.isExtractable } ?? true }

    /// Whether this scope can rule out a variant's requirement at all.
    var constrains: Bool { slice != nil || constraint?.range != nil }

    /// Whether `requirement` (of some variant, on this package) cannot hold together with
    /// this scope (rez's `Requirement.conflicts_with` against the scope's request, which for
    /// a package with variants left is exactly the versions left).
    func conflicts(with requirement: Requirement) -> Bool {
      guard let range = requirement.range else { return false }
      if let slice {
        if requirement.conflict {
          return slice.entries.allSatisfy { range.contains(slice.version($0)) }
        }
        return !slice.entries.contains { range.contains(slice.version($0)) }
      }
      guard !requirement.conflict, let constrained = constraint?.range else { return false }
      return constrained.isSuperset(of: range)
    }
  }

  struct Phase {
    enum Status { case pending, exhausted, solved, failed, cyclic }
    var scopes: [Scope]
    var changed: Set<Int>
    var status: Status
  }

  /// One version as the search reads it: its requirements and each variant's.
  typealias Read = (version: RezVersion, requires: [RezRequirement], variants: [[RezRequirement]])

  let requests: RequirementList
  /// Reads a package's versions, ascending; nil for a package the repositories do not hold.
  let read: (String) -> [Read]?
  private var families: [String: Family] = [:]
  /// Phases solved before the search gives up (rez has no limit; flow's solver then
  /// answers in its own order).
  static let phaseLimit = 200_000

  init(requests: [RezRequirement], read: @escaping (String) -> [Read]?) {
    self.requests = RequirementList(requests.map(Requirement.init))
    self.read = read
  }

  enum Outcome {
    /// The chosen version and variant per package.
    case solved([String: (version: RezVersion, variant: Int?)])
    case failed
    /// An answer whose packages require each other in this cycle, which rez rejects.
    case cyclic([String])
  }

  /// What rez's search ends with.
  func solve() throws -> Outcome {
    if requests.conflict != nil { return .failed }
    var initial = Phase(scopes: [], changed: [], status: .pending)
    for requirement in requests.requirements {
      initial.scopes.append(try scope(for: requirement))
    }
    initial.changed = Set(initial.scopes.indices)
    var stack = [initial]
    var solves = 0
    while true {
      let top = stack[stack.count - 1]
      switch top.status {
      case .cyclic: return .cyclic(cycle(top) ?? [])
      case .solved: return .solved(answer(top))
      case .failed where stack.count == 1: return .failed
      default: break
      }
      solves += 1
      if solves > RezSolver.phaseLimit { throw Failure.tooLong }
      var phase = stack.removeLast()
      if phase.status == .failed { phase = stack.removeLast() }
      if phase.status == .exhausted {
        let (first, rest) = try split(phase)
        stack.append(rest)
        phase = first
      }
      var solved = try solve(phase)
      if solved.status == .solved && cycle(solved) != nil { solved.status = .cyclic }
      stack.append(solved)
    }
  }

  private func answer(_ phase: Phase) -> [String: (version: RezVersion, variant: Int?)] {
    var result: [String: (version: RezVersion, variant: Int?)] = [:]
    for scope in phase.scopes {
      guard let slice = scope.slice else { continue }
      result[scope.name] = (slice.version(slice.entries[0]), slice.firstVariant.index)
    }
    return result
  }

  // MARK: families and scopes

  func family(_ name: String) throws -> Family {
    if let known = families[name] { return known }
    guard let versions = read(name), !versions.isEmpty else {
      throw Failure.error("package family not found: \(name)")
    }
    let family = Family(name: name)
    for item in versions.reversed() {
      let common = item.requires.map(Requirement.init)
      var variants: [Variant] = []
      let extras = item.variants.isEmpty ? [[]] : item.variants
      for (index, extra) in extras.enumerated() {
        let list = RequirementList(common + extra.map(Requirement.init))
        if list.conflict != nil {
          throw Failure.error("\(name)-\(item.version) has conflicting requirements")
        }
        variants.append(Variant(index: item.variants.isEmpty ? nil : index, requires: list))
      }
      family.versions.append(item.version)
      family.variants.append(sortedByPreference(variants))
    }
    families[name] = family
    return family
  }

  /// A scope for a request or an extracted requirement (rez's `_PackageScope`).
  func scope(for requirement: Requirement) throws -> Scope {
    if requirement.conflict { return Scope(constraint: requirement) }
    guard let slice = try slice(requirement.name, in: requirement.range ?? .any) else {
      throw Failure.error("package not found: \(requirement.name)")
    }
    return Scope(slice: slice)
  }

  func slice(_ name: String, in range: RezRange) throws -> Slice? {
    let family = try family(name)
    var entries: [Entry] = []
    for (index, version) in family.versions.enumerated() where range.contains(version) {
      entries.append(Entry(version: index, variants: Array(family.variants[index].indices)))
    }
    return entries.isEmpty ? nil : Slice(family: family, entries: entries)
  }

  /// `scope` narrowed to `range`: the same scope when nothing goes, nil when all does.
  func intersect(_ scope: Scope, _ range: RezRange) throws -> Scope? {
    if let slice = scope.slice {
      guard let narrowed = slice.intersect(range) else { return nil }
      return narrowed === slice ? scope : Scope(slice: narrowed)
    }
    var allowed = range
    if let excluded = scope.constraint?.range {
      allowed = range.subtracting(excluded)
      if allowed.isEmpty { return nil }
    }
    return try slice(scope.name, in: allowed).map(Scope.init(slice:))
  }

  // MARK: phases

  /// Extracts and reduces until nothing changes (rez's `_ResolvePhase.solve`).
  func solve(_ phase: Phase) throws -> Phase {
    var scopes = phase.scopes
    var changed = phase.changed
    func ended(_ status: Phase.Status) -> Phase {
      Phase(scopes: scopes, changed: [], status: status)
    }
    while true {
      let previousCount = scopes.count
      var widened = Set<Int>()
      while true {
        var extracted: [Requirement] = []
        for index in scopes.indices {
          while let slice = scopes[index].slice, let (rest, requirement) = slice.extract() {
            extracted.append(requirement)
            scopes[index] = Scope(slice: rest)
          }
        }
        if extracted.isEmpty { break }
        let list = RequirementList(extracted)
        if list.conflict != nil { return ended(.failed) }
        var named = Set<String>()
        for index in scopes.indices {
          guard let requirement = list.get(scopes[index].name) else { continue }
          named.insert(requirement.name)
          guard let narrowed = try intersect(scopes[index], requirement.range ?? .any) else {
            return ended(.failed)
          }
          if narrowed !== scopes[index] {
            if scopes[index].isConflict && !narrowed.isConflict { widened.insert(index) }
            scopes[index] = narrowed
            changed.insert(index)
          }
        }
        for requirement in list.requirements where !named.contains(requirement.name) {
          scopes.append(try scope(for: requirement))
        }
      }
      let count = scopes.count
      if count == previousCount && changed.isEmpty && widened.isEmpty { break }
      // The pairs to reduce, marked in a table rather than hashed: then read in order.
      var marked = [Bool](repeating: false, count: count * count)
      for x in 0..<previousCount {
        for y in changed { marked[x * count + y] = true }
        for y in previousCount..<count { marked[x * count + y] = true }
      }
      for x in Array(previousCount..<count) + widened {
        for y in 0..<count { marked[x * count + y] = true }
      }
      var pending: [Pair] = []
      for x in 0..<count {
        for y in 0..<count where marked[x * count + y] { pending.append(Pair(x, y)) }
      }
      while let pair = pending.popLast() {
        if pair.x == pair.y { continue }
        guard let slice = scopes[pair.x].slice else { continue }
        guard let reduced = slice.reduce(by: scopes[pair.y]) else { return ended(.failed) }
        if reduced !== slice {
          scopes[pair.x] = Scope(slice: reduced)
          for other in 0..<count where other != pair.x { pending.append(Pair(other, pair.x)) }
        }
      }
      changed = []
    }
    return ended(scopes.allSatisfy(\.isSolved) ? .solved : .exhausted)
  }

  struct Pair: Hashable, Comparable {
    var x: Int
    var y: Int
    init(_ x: Int, _ y: Int) { (self.x, self.y) = (x, y) }
    static func < (a: Pair, b: Pair) -> Bool { a.x != b.x ? a.x < b.x : a.y < b.y }
  }

  /// The phase with its first splittable scope's preferred part, and with the rest.
  func split(_ phase: Phase) throws -> (Phase, Phase) {
    for (index, scope) in phase.scopes.enumerated() {
      guard let slice = scope.slice, slice.count > 1 else { continue }
      let (first, rest) = try slice.split()
      var preferred = Phase(scopes: phase.scopes, changed: [index], status: .pending)
      var other = preferred
      preferred.scopes[index] = Scope(slice: first)
      other.scopes[index] = Scope(slice: rest)
      return (preferred, other)
    }
    throw Failure.error("an exhausted phase with nothing to split")
  }

  /// The chosen packages that require each other in a cycle, the first again at the end;
  /// nil when none do.
  func cycle(_ phase: Phase) -> [String]? {
    var edges: [String: [String]] = [:]
    for scope in phase.scopes {
      guard let slice = scope.slice else { continue }
      edges[scope.name] = slice.firstVariant.requires.requirements.filter { !$0.conflict }.map(
        \.name)
    }
    var done = Set<String>()
    var path: [String] = []
    func visit(_ name: String) -> [String]? {
      if let start = path.firstIndex(of: name) { return Array(path[start...]) + [name] }
      guard !done.contains(name) else { return nil }
      path.append(name)
      for next in edges[name] ?? [] {
        if let found = visit(next) { return found }
      }
      path.removeLast()
      done.insert(name)
      return nil
    }
    for name in edges.keys.sorted() {
      if let found = visit(name) { return found }
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

  func preferenceKey(_ variant: Variant) -> VariantKey<RangeOrder> {
    var requested: [VariantKey<RangeOrder>.Item] = []
    var names = Set<String>()
    for (position, request) in requests.requirements.enumerated() where !request.conflict {
      guard let requirement = variant.requires.get(request.name) else { continue }
      requested.append(.init(order: -position, range: RangeOrder(requirement.range), name: ""))
      names.insert(requirement.name)
    }
    let others = variant.requires.requirements.filter { !$0.conflict && !names.contains($0.name) }
      .map { VariantKey<RangeOrder>.Item(order: 0, range: RangeOrder($0.range), name: $0.name) }
    return VariantKey(
      requested: requested, fewerOthers: -others.count, others: others, index: variant.index ?? 0)
  }

  /// A range as rez orders ranges (`RezRange.compare(to:)`); no range (`~foo`) lowest.
  struct RangeOrder: Comparable {
    var range: RezRange?

    init(_ range: RezRange?) { self.range = range }

    func compare(to other: RangeOrder) -> Int {
      switch (range, other.range) {
      case (nil, nil): return 0
      case (nil, _): return -1
      case (_, nil): return 1
      case (let a?, let b?): return a.compare(to: b)
      }
    }

    static func == (a: RangeOrder, b: RangeOrder) -> Bool { a.compare(to: b) == 0 }
    static func < (a: RangeOrder, b: RangeOrder) -> Bool { a.compare(to: b) < 0 }
  }
}
