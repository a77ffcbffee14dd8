/// Chooses one version per package so that every request and every `requires` holds and no
/// `conflicts` is violated, or proves that none exists.
///
/// A conflict-driven solver in the PubGrub family: facts are incompatibilities (sets of terms
/// that cannot all hold), unit propagation derives what must follow, each decision takes the
/// newest allowed version, and a conflict is resolved into a learned incompatibility that
/// jumps back to the decision responsible. Terms are bit sets over each package's versions.
///
/// Preference: requested packages are decided first, in request order; then the dependency
/// with the fewest versions left (ties: first mentioned); each takes its newest version the
/// constraints allow, and of its variants the first by rez's rule (`variantOrder`); a
/// package's own versions before those other packages provide (`Solver+Provides`). Same
/// input, same answer.
public final class Solver {
  let source: any PackageSource
  let includePrereleases: Bool
  /// Whether a failure is explained in full, however long, rather than summarised.
  let fullDerivation: Bool
  /// Whether dependencies are decided in the order first met (`PackageSource`).
  let discoveryOrder: Bool
  /// Whether requirements on rez's ephemerals (names that start with `.`) are set aside: on
  /// rez repositories, where an ephemeral is a range no repository holds, which the
  /// resolution checks once its packages are chosen (`Resolution.rezFinished()`).
  let setsEphemeralsAside: Bool

  var names: [String] = [""]
  var packageIDs: [String: Int] = [:]
  /// Every name the source holds, read once an explanation names a package it does not
  /// (`Suggestion.packageHint`).
  lazy var sourceNames: [String] = source.packageNames()
  @exclusivity(unchecked) var tables: [CandidateTable] = [CandidateTable()]
  /// Per package with variants, the source's index of each candidate of its table, whose
  /// variants the solver put in its order of preference (`variantOrder`).
  var sourceIndices: [[Int]?] = [nil]
  @exclusivity(unchecked) var incompatibilities: [Incompatibility] = []
  @exclusivity(unchecked) var byPackage: [[Int]] = [[]]
  @exclusivity(unchecked) var assignments: [Assignment] = []
  /// The intersection of every assignment per package; nil = no assignment yet.
  @exclusivity(unchecked) var current: [DomainSet?] = [nil]
  /// Per package, the positions of its assignments in `assignments`, in order.
  @exclusivity(unchecked) var trail: [[Int]] = [[]]
  @exclusivity(unchecked) var decided: [Bool] = [false]
  @exclusivity(unchecked) var decisionLevel = 0
  /// The packages that must be selected and are not decided yet, by preference.
  @exclusivity(unchecked) var waiting = DecisionQueue()
  /// Per package, the requirement numbers (times two, plus one for conflicts) already added.
  var addedRelations: [Set<Int>] = [[]]
  /// Per package, the versions whose requirements and conflicts are all added.
  @exclusivity(unchecked) var versionsWithRelations: [DomainSet] = [DomainSet(size: 2)]
  var specCache: [String: DomainSet] = [:]
  /// The versions each requirement number allows of its package.
  var numberedDomains: [Int: DomainSet] = [:]
  var requests: [PackageRequirement] = []
  /// Packages 1...requestedCount are the requested ones, in request order.
  var requestedCount = 0
  /// Versions to take when the constraints still allow them, by package (a lock's).
  var preferences: [String: PreferredVersion] = [:]
  /// Per package, the versions other packages provide of it: the first candidates of its
  /// table, in this order (`Solver+Provides`).
  var providedVersions: [[ProvidedVersion]] = [[]]
  /// Provided versions ruled out, as their providers were selected only for them.
  let hiddenProvisions: Set<ProvidedVersion>

  static let root = 0

  /// What one solve found: the chosen versions and, for each, every version of its package
  /// (ascending, with keys), which the reasons compare the choice with.
  struct Solution {
    var packages: [PackageVersion] = []
    var candidates: [(versions: [Version], keys: [String])] = []
    /// Per chosen package, the other variants of its version, most preferred first.
    var otherVariants: [[(entry: PackageVersion, preferred: Bool)]] = []
    /// Per chosen package, the provided version it is; nil for a version of its own.
    var provided: [ProvidedVersion?] = []
  }

  private init(
    source: any PackageSource, includePrereleases: Bool, fullDerivation: Bool,
    hiddenProvisions: Set<ProvidedVersion>
  ) {
    self.hiddenProvisions = hiddenProvisions
    self.source = source
    self.includePrereleases = includePrereleases
    self.fullDerivation = fullDerivation
    discoveryOrder = source.decidesInDiscoveryOrder
    setsEphemeralsAside = source.rezSearch != nil
  }

  /// Whether the requirement on `name` is set aside (`setsEphemeralsAside`).
  func isSetAside(_ name: String) -> Bool {
    setsEphemeralsAside && RezRequirement.isEphemeral(name)
  }

  /// The chosen versions, requested packages first in request order, then dependencies in
  /// the order first needed. Throws `ResolveError.unsatisfiable` with the reason in words.
  public static func solve(
    _ requirements: [PackageRequirement], source: any PackageSource,
    includePrereleases: Bool = false, fullDerivation: Bool = false
  ) throws -> [PackageVersion] {
    try solution(
      requirements, source: source, includePrereleases: includePrereleases,
      fullDerivation: fullDerivation
    ).packages
  }

  /// Solves once; the search state lives only for this call.
  static func solution(
    _ requirements: [PackageRequirement], source: any PackageSource, includePrereleases: Bool,
    fullDerivation: Bool = false, preferences: [String: PreferredVersion] = [:]
  ) throws -> Solution {
    var hidden: Set<ProvidedVersion> = []
    while true {
      let solver = Solver(
        source: source, includePrereleases: includePrereleases, fullDerivation: fullDerivation,
        hiddenProvisions: hidden)
      solver.preferences = preferences
      let solution = try solver.run(requirements)
      // Each round hides at least one more provided version, so this ends.
      let unneeded = unneededProviders(solution, requests: requirements)
      if unneeded.isEmpty { return solution }
      hidden.formUnion(unneeded)
    }
  }

  private func run(_ requirements: [PackageRequirement]) throws -> Solution {
    requests = requirements
    assign(Assignment(package: Solver.root, set: .single(1, size: 2), level: 0, cause: nil))
    for requirement in requirements where !isSetAside(requirement.name) {
      let package = id(of: requirement.name)
      requestedCount = max(requestedCount, package)
      let matching = domain(package, matching: requirement.spec)
      guard let forbidden = Solver.forbidden(requirement.kind, matching: matching) else {
        continue
      }
      add(
        Incompatibility(
          terms: [Term(package: Solver.root, set: .single(1, size: 2)), forbidden(package)],
          cause: .request(requirement)))
    }
    var next = Solver.root
    while true {
      try propagate(from: next)
      guard let package = nextPackage() else { break }
      next = package
      decide(package)
    }
    var result = Solution()
    for package in 1..<names.count where decided[package] {
      let choice = current[package]!.highest!
      let table = tables[package]
      let provided = providedVersions[package]
      // The reasons compare a choice with the package's own versions only.
      let own = (
        Array(table.versions.dropFirst(provided.count)), Array(table.keys.dropFirst(provided.count))
      )
      if choice - 1 < provided.count {
        result.packages.append(Solver.providedEntry(provided[choice - 1]))
        result.candidates.append(own)
        result.otherVariants.append([])
        result.provided.append(provided[choice - 1])
        continue
      }
      result.provided.append(nil)
      result.packages.append(
        source.entry(of: names[package], at: sourceIndex(package, choice - 1))
          ?? PackageVersion(
            name: names[package], version: table.versions[choice - 1],
            key: table.keys[choice - 1]))
      result.candidates.append(own)
      result.otherVariants.append(otherVariants(package, choice - 1))
    }
    return result
  }

  // MARK: packages and terms

  func id(of name: String) -> Int {
    if let id = packageIDs[name] { return id }
    let id = names.count
    packageIDs[name] = id
    names.append(name)
    let table = source.candidateTable(of: name)
    let order = variantOrder(of: table)
    sourceIndices.append(order)
    let provided = source.providedVersions(of: name)
    providedVersions.append(provided)
    let own = order.map { table.keeping($0) } ?? table
    tables.append(provided.isEmpty ? own : own.prepending(provided))
    byPackage.append([])
    current.append(nil)
    trail.append([])
    decided.append(false)
    addedRelations.append([])
    versionsWithRelations.append(DomainSet(size: size(of: id)))
    if !provided.isEmpty { addProvisionRelations(id) }
    return id
  }

  /// A requirement the source cannot give (an index written on purpose to fool it) stands
  /// for a package no catalogue can hold, so that no version needing it is chosen.
  func requirement(numbered number: Int) -> PackageRequirement {
    source.requirement(numbered: number)
      ?? PackageRequirement(name: "(unreadable requirement \(number))", spec: .any)
  }

  /// The source's index of candidate `index` of `package`'s table, one of its own versions
  /// (after those provided).
  func sourceIndex(_ package: Int, _ index: Int) -> Int {
    let own = index - providedVersions[package].count
    return sourceIndices[package]?[own] ?? own
  }

  /// The variants of candidate `index`'s version other than it, most preferred first, each
  /// with whether it ranks above it.
  func otherVariants(_ package: Int, _ index: Int) -> [(entry: PackageVersion, preferred: Bool)] {
    let table = tables[package]
    guard table.variants[index] >= 0 else { return [] }
    return table.versions.indices.reversed().filter {
      $0 != index && table.versions[$0] == table.versions[index] && table.variants[$0] >= 0
    }.compactMap { other in
      source.entry(of: names[package], at: sourceIndex(package, other)).map { ($0, other > index) }
    }
  }

  func size(of package: Int) -> Int { package == Solver.root ? 2 : tables[package].count + 1 }

  /// The versions of `package` a spec allows (a positive set: bit 0 left out).
  func domain(_ package: Int, matching spec: VersionSpec) -> DomainSet {
    let key = "\(package)\u{0}\(spec.text)"
    if let cached = specCache[key] { return cached }
    let set = allowedVersions(package, spec)
    specCache[key] = set
    return set
  }

  /// The versions of its package a requirement number allows.
  func domain(numbered number: Int, of package: Int, _ spec: VersionSpec) -> DomainSet {
    if let cached = numberedDomains[number] { return cached }
    let set = allowedVersions(package, spec)
    numberedDomains[number] = set
    return set
  }

  private func allowedVersions(_ package: Int, _ spec: VersionSpec) -> DomainSet {
    let allowed = spec.versions(includingPrereleases: includePrereleases)
    var set = DomainSet(size: size(of: package))
    let table = tables[package]
    if table.hasOnlyPlainReleases {
      for range in allowed.positions(inAscendingReleases: table.versions) {
        for index in range { set.insert(index + 1) }
      }
      return set
    }
    for (index, version) in table.versions.enumerated() where allowed.contains(version) {
      set.insert(index + 1)
    }
    return set
  }

  /// Adds an incompatibility with one term per package: terms on the same package (a
  /// version that requires or conflicts with its own package, a package that provides
  /// itself) become one, their intersection. When that is empty the versions can never be
  /// selected together and nothing is added.
  func add(_ incompatibility: Incompatibility) {
    let index = incompatibilities.count
    var kept = incompatibility
    var merged: [Term] = []
    for term in kept.terms {
      if let same = merged.firstIndex(where: { $0.package == term.package }) {
        merged[same].set = merged[same].set.intersection(term.set)
        if merged[same].set.isEmpty { return }
      } else {
        merged.append(term)
      }
    }
    kept.terms = merged.filter { !$0.set.isAll }
    incompatibilities.append(kept)
    for term in kept.terms { byPackage[term.package].append(index) }
  }

  /// Records a derived incompatibility for explanations without watching it.
  func record(_ incompatibility: Incompatibility) -> Int {
    incompatibilities.append(incompatibility)
    return incompatibilities.count - 1
  }

  func watch(_ index: Int) {
    for term in incompatibilities[index].terms { byPackage[term.package].append(index) }
  }

  // MARK: partial solution

  func assign(_ assignment: consuming Assignment) {
    let package = assignment.package
    // Moved, not copied: the set before this assignment goes with it, for backtracking.
    let previous = current[package].take()
    current[package] = previous.map { $0.intersection(assignment.set) } ?? assignment.set
    assignment.previous = previous
    if assignment.cause == nil { decided[package] = true }
    trail[package].append(assignments.count)
    assignments.append(assignment)
    rank(package)
  }

  /// Places `package` in the decision queue: requested packages first (rank 0), then by the
  /// number of versions left, or in the order first met when the source decides so; out of
  /// it when decided or not needed.
  func rank(_ package: Int) {
    guard !decided[package], let set = current[package], !set.includesAbsent else {
      waiting.set(package, rank: nil)
      return
    }
    if discoveryOrder { return waiting.set(package, rank: package) }
    waiting.set(package, rank: package <= requestedCount ? 0 : set.count)
  }

  func backtrack(to level: Int) {
    while let top = assignments.indices.last, assignments[top].level > level {
      let last = assignments.removeLast()
      trail[last.package].removeLast()
      current[last.package] = last.previous
      if last.cause == nil { decided[last.package] = false }
      rank(last.package)
    }
    decisionLevel = level
  }

  enum Relation {
    case satisfied
    case contradicted
    case almostSatisfied(Int)
    case inconclusive
  }

  func relation(_ incompatibility: Incompatibility) -> Relation { relation(incompatibility.terms) }

  func relation(_ terms: [Term]) -> Relation {
    var open: Int? = nil
    for (index, term) in terms.enumerated() {
      guard let assigned = current[term.package] else {
        if open != nil { return .inconclusive }
        open = index
        continue
      }
      if assigned.isSubset(of: term.set) { continue }
      if assigned.isDisjoint(with: term.set) { return .contradicted }
      if open != nil { return .inconclusive }
      open = index
    }
    return open.map { .almostSatisfied($0) } ?? .satisfied
  }

  func propagate(from start: Int) throws {
    var changed = [start]
    while let package = changed.popLast() {
      for index in byPackage[package].reversed() {
        let terms = incompatibilities[index].terms
        switch relation(terms) {
        case .satisfied:
          let learned = try resolveConflict(index)
          guard case .almostSatisfied(let open) = relation(incompatibilities[learned]) else {
            preconditionFailure("a learned incompatibility must be almost satisfied")
          }
          derive(incompatibilities[learned].terms[open], cause: learned)
          changed = [incompatibilities[learned].terms[open].package]
        case .almostSatisfied(let open):
          derive(terms[open], cause: index)
          changed.append(terms[open].package)
          continue
        case .contradicted, .inconclusive:
          continue
        }
        break
      }
    }
  }

  func derive(_ term: Term, cause: Int) {
    assign(
      Assignment(
        package: term.package, set: term.set.complement, level: decisionLevel, cause: cause))
  }

  // MARK: decisions

  /// The next package to decide: requested packages first, in request order; then, among
  /// the others that must be selected, the one with the fewest versions left (ties: first
  /// mentioned), which keeps conflicts small.
  func nextPackage() -> Int? { waiting.first }

  func decide(_ package: Int) {
    let choice = preferredChoice(package) ?? current[package]!.highest!
    if !versionsWithRelations[package].contains(choice) {
      versionsWithRelations[package].insert(choice)
      for number in tables[package].requires(of: choice - 1) {
        addRelation(package, number, conflict: false)
      }
      for number in tables[package].conflicts(of: choice - 1) {
        addRelation(package, number, conflict: true)
      }
    }
    decisionLevel += 1
    assign(
      Assignment(
        package: package, set: .single(choice, size: size(of: package)), level: decisionLevel,
        cause: nil))
  }

  /// Adds "versions of `package` with this requirement need (or exclude) it", once for all
  /// versions that carry the same requirement.
  func addRelation(_ package: Int, _ number: Int, conflict: Bool) {
    guard addedRelations[package].insert(number * 2 + (conflict ? 1 : 0)).inserted else { return }
    let requirement = requirement(numbered: number)
    if isSetAside(requirement.name) { return }
    var holders = DomainSet(size: size(of: package))
    let table = tables[package]
    for index in 0..<table.count {
      let list = conflict ? table.conflicts(of: index) : table.requires(of: index)
      if list.contains(number) { holders.insert(index + 1) }
    }
    let other = id(of: requirement.name)
    let matching = domain(numbered: number, of: other, requirement.spec)
    // An entry's `conflicts` list holds plain names; each is a conflict however written.
    let kind = conflict ? .conflict : requirement.kind
    guard let forbidden = Solver.forbidden(kind, matching: matching) else { return }
    add(
      Incompatibility(
        terms: [Term(package: package, set: holders), forbidden(other)],
        cause: kind == .required
          ? .dependency(package: package, requirement)
          : .conflict(package: package, requirement)))
  }

  /// The term a requirement of `kind` rules out, given the versions its spec allows: for a
  /// required package, any other choice, absence included; for a weak reference, the other
  /// versions only (absence stays allowed, so it never brings the package in); for a
  /// conflict, the allowed versions themselves. Nil when nothing is ruled out.
  static func forbidden(_ kind: PackageRequirement.Kind, matching: DomainSet) -> ((Int) -> Term)? {
    let set: DomainSet
    switch kind {
    case .required: set = matching.complement
    case .weak: set = matching.complement.removingAbsent
    case .conflict: set = matching
    }
    if set.isEmpty { return nil }
    return { Term(package: $0, set: set) }
  }
}

struct Term: Sendable {
  var package: Int
  var set: DomainSet
}

struct Incompatibility: Sendable {
  enum Cause: Sendable {
    case request(PackageRequirement)
    case dependency(package: Int, PackageRequirement)
    case conflict(package: Int, PackageRequirement)
    /// A provided version needs its provider (`Solver+Provides`).
    case provided(ProvidedVersion)
    /// While a provider is selected, no other version of what it provides can be.
    case provides(ProvidedVersion)
    /// A provided version whose provider nothing else selects.
    case unneededProvider(ProvidedVersion)
    case derived(Int, Int)
  }

  var terms: [Term]
  var cause: Cause
}

struct Assignment: Sendable {
  var package: Int
  /// The value of the package lies in this set.
  var set: DomainSet
  var level: Int
  /// The incompatibility this was derived from; nil for a decision.
  var cause: Int?
  var previous: DomainSet? = nil
}
