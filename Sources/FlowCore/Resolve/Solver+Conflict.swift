extension Solver {
  /// Turns a satisfied incompatibility into a learned one that, after jumping back, derives
  /// something new; throws when the conflict reaches the request itself.
  func resolveConflict(_ start: Int) throws -> Int {
    var index = start
    var learnedNew = false
    while true {
      let incompatibility = incompatibilities[index]
      if isTerminal(incompatibility) {
        throw ResolveError.unsatisfiable(explanation: explain(index))
      }
      let satisfierIndex = earliestSatisfying(
        incompatibility, before: assignments.count, seed: nil)!
      let satisfier = assignments[satisfierIndex]
      let previousIndex = earliestSatisfying(
        incompatibility, before: satisfierIndex, seed: (satisfier.package, satisfier.set))
      let previousLevel = previousIndex.map { max(assignments[$0].level, 0) } ?? 0
      if satisfier.cause == nil || previousLevel != satisfier.level {
        if learnedNew { watch(index) }
        backtrack(to: previousLevel)
        return index
      }
      let cause = incompatibilities[satisfier.cause!]
      index = record(
        resolve(incompatibility, with: cause, on: satisfier.package, from: index, satisfier.cause!))
      learnedNew = true
    }
  }

  /// No terms, or only the root: nothing can satisfy the request.
  func isTerminal(_ incompatibility: Incompatibility) -> Bool {
    incompatibility.terms.allSatisfy { $0.package == Solver.root }
  }

  /// The index of the first assignment (below `limit`) after which every term is satisfied,
  /// counting `seed` as already assigned.
  func earliestSatisfying(
    _ incompatibility: Incompatibility, before limit: Int, seed: (package: Int, set: DomainSet)?
  ) -> Int? {
    let terms = incompatibility.terms
    var running: [DomainSet?] = terms.map { term in
      seed.flatMap { $0.package == term.package ? $0.set : nil }
    }
    var unsatisfied = 0
    for (position, term) in terms.enumerated() {
      if !(running[position].map { $0.isSubset(of: term.set) } ?? false) { unsatisfied += 1 }
    }
    if seed != nil && unsatisfied == 0 { return nil }
    for index in 0..<limit {
      let assignment = assignments[index]
      guard let position = terms.firstIndex(where: { $0.package == assignment.package }) else {
        continue
      }
      let before = running[position].map { $0.isSubset(of: terms[position].set) } ?? false
      let narrowed = running[position].map { $0.intersection(assignment.set) } ?? assignment.set
      running[position] = narrowed
      if !before && narrowed.isSubset(of: terms[position].set) {
        unsatisfied -= 1
        if unsatisfied == 0 { return index }
      }
    }
    return nil
  }

  /// The resolvent of two incompatibilities on `package`: other packages' terms intersect,
  /// the two terms on `package` unite (and vanish when they cover everything).
  func resolve(
    _ left: Incompatibility, with right: Incompatibility, on package: Int, from leftIndex: Int,
    _ rightIndex: Int
  ) -> Incompatibility {
    var order: [Int] = []
    var sets: [Int: DomainSet] = [:]
    for term in left.terms + right.terms {
      if let existing = sets[term.package] {
        sets[term.package] =
          term.package == package ? existing.union(term.set) : existing.intersection(term.set)
      } else {
        sets[term.package] = term.set
        order.append(term.package)
      }
    }
    let terms = order.compactMap { id -> Term? in
      let set = sets[id]!
      return set.isAll ? nil : Term(package: id, set: set)
    }
    return Incompatibility(terms: terms, cause: .derived(leftIndex, rightIndex))
  }
}
