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
  ///
  /// A term is satisfied once the assignments to its package, intersected in order, fall
  /// inside it; that happens at one assignment and stays so. The answer is the latest of
  /// those moments, found per term among its own package's assignments (`trail`) rather than
  /// by walking every assignment. Only the first term of a package is followed, as the walk
  /// over all assignments did.
  func earliestSatisfying(
    _ incompatibility: Incompatibility, before limit: Int, seed: (package: Int, set: DomainSet)?
  ) -> Int? {
    let terms = incompatibility.terms
    var latest = -1
    for (position, term) in terms.enumerated() {
      var running: DomainSet? = seed.flatMap { $0.package == term.package ? $0.set : nil }
      if running.map({ $0.isSubset(of: term.set) }) ?? false { continue }
      if terms[..<position].contains(where: { $0.package == term.package }) { return nil }
      var satisfiedAt: Int? = nil
      for index in trail[term.package] {
        if index >= limit { break }
        let narrowed =
          running.map { $0.intersection(assignments[index].set) }
          ?? assignments[index].set
        running = narrowed
        if narrowed.isSubset(of: term.set) {
          satisfiedAt = index
          break
        }
      }
      guard let satisfiedAt else { return nil }
      latest = max(latest, satisfiedAt)
    }
    return latest >= 0 ? latest : nil
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
