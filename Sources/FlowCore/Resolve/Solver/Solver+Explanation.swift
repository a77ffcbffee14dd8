extension Solver {
  /// A summary keeps this many steps of a derivation: the first `summaryHead`, then the last
  /// ones, which lead to the conclusion. A derivation can grow exponentially with the
  /// catalogue (n+1 packages that each need one of n exclusive places), so the whole of it is
  /// written only when asked for.
  static let summarySteps = 100
  static let summaryHead = 20
  /// A summarised step is cut to this many bytes: one step names every package it involves.
  static let summaryLineLimit = 1000

  /// The derivation of a failure in words, one "because …, …" line per step, ending with why
  /// the request cannot be satisfied; past `summarySteps`, a summary that says what it left
  /// out. Only the steps shown are put into words.
  func explain(_ failure: Int) -> String {
    let steps = derivation(of: failure)
    if steps.isEmpty { return externalText(failure, ending: true) }
    if fullDerivation || steps.count <= Solver.summarySteps {
      return steps.map(step).joined(separator: "\n")
    }
    let tail = Solver.summarySteps - Solver.summaryHead
    let omitted = steps.count - Solver.summarySteps
    var lines = steps.prefix(Solver.summaryHead).map(step)
    lines.append(
      "… \(omitted) of \(steps.count) steps left out (--full-derivation shows them all) …")
    lines += steps.suffix(tail).map(step)
    return lines.map(Solver.shortened).joined(separator: "\n")
  }

  /// The derived incompatibilities behind `failure`, each after the two it comes from, each
  /// once; walked with a stack, as a derivation can be deeper than the call stack allows.
  private func derivation(of failure: Int) -> [Int] {
    var order: [Int] = []
    var seen: Set<Int> = []
    var stack: [(index: Int, isExpanded: Bool)] = [(failure, false)]
    while let (index, isExpanded) = stack.popLast() {
      guard case .derived(let left, let right) = incompatibilities[index].cause else { continue }
      if isExpanded {
        order.append(index)
      } else if seen.insert(index).inserted {
        stack.append((index, true))
        stack.append((right, false))
        stack.append((left, false))
      }
    }
    return order
  }

  /// One step: why the derived incompatibility `index` holds.
  private func step(_ index: Int) -> String {
    guard case .derived(let left, let right) = incompatibilities[index].cause else {
      return externalText(index)
    }
    // A request followed by its consequence reads better without "is requested".
    for (request, other) in [(left, right), (right, left)] {
      if case .request(let requirement) = incompatibilities[request].cause,
        isTerminal(incompatibilities[index]), requests.count == 1
      {
        return "because \(phrase(other)), \(requirement) cannot be satisfied"
      }
    }
    return "because \(phrase(left)) and \(phrase(right)), \(statement(index))"
  }

  private static func shortened(_ line: String) -> String {
    guard line.utf8.count > summaryLineLimit else { return line }
    return String(decoding: line.utf8.prefix(summaryLineLimit - 3), as: UTF8.self) + "…"
  }

  private func phrase(_ index: Int) -> String {
    if case .derived = incompatibilities[index].cause { return statement(index) }
    return externalText(index)
  }

  /// What an incompatibility given by the catalogue or the request says.
  /// `ending`: the text ends the message, so a hint can follow a colon; inside a sentence it
  /// goes in parentheses.
  private func externalText(_ index: Int, ending: Bool = false) -> String {
    let incompatibility = incompatibilities[index]
    switch incompatibility.cause {
    case .request(let requirement):
      switch requirement.kind {
      case .required:
        return "\(requirement) is requested" + missing(requirement, ending: ending)
      case .weak, .conflict:
        return "\(requirement) is requested (\(Solver.meaning(of: requirement)))"
      }
    case .dependency(let package, let requirement):
      return "\(holders(incompatibility, package)) requires \(requirement)"
        + missing(requirement, ending: ending)
    case .conflict(let package, let requirement):
      let holders = holders(incompatibility, package)
      if requirement.kind == .required { return "\(holders) conflicts with \(requirement)" }
      return "\(holders) requires \(requirement) (\(Solver.meaning(of: requirement)))"
    case .provided, .provides, .unneededProvider:
      return Solver.providesText(incompatibility.cause) ?? ""
    case .derived:
      return statement(index)
    }
  }

  /// What a weak reference or a conflict says, in words.
  static func meaning(of requirement: PackageRequirement) -> String {
    let named = PackageRequirement(name: requirement.name, spec: requirement.spec)
    switch requirement.kind {
    case .required: return "\(named) must be selected"
    case .weak:
      return "a weak reference: \(requirement.name), if selected, must be \(named)"
    case .conflict:
      return named.description == requirement.name
        ? "a conflict: \(requirement.name) must not be selected"
        : "a conflict: \(named) must not be selected"
    }
  }

  private func holders(_ incompatibility: Incompatibility, _ package: Int) -> String {
    guard let term = incompatibility.terms.first(where: { $0.package == package }) else {
      return names[package]
    }
    return describe(package, term.set)
  }

  /// Versions a message lists before saying how many more there are.
  static let listedVersions = 5

  /// What the catalogue holds when a requirement matches nothing: " and no package … is in
  /// the catalogue"; " and only 2.3.4-beta matches: use --pre" when only prereleases, left
  /// out by default, would match (" (use --pre)" inside a sentence); else " and no … is in the
  /// catalogue", with the versions it does hold, newest first.
  private func missing(_ requirement: PackageRequirement, ending: Bool) -> String {
    let package = id(of: requirement.name)
    let table = tables[package]
    let hidden = source.hiddenText(of: requirement.name)
    if table.count == 0 {
      if let hidden { return " and every version of \(requirement.name) is hidden: \(hidden)" }
      // A name the source holds with no version: each was skipped, with its warning.
      if sourceNames.contains(requirement.name) {
        return " and no version of \(requirement.name) in the catalogue can be read"
      }
      return " and no package \(requirement.name) is in the catalogue"
        + Suggestion.packageHint(for: requirement.name, among: sourceNames)
    }
    if !domain(package, matching: requirement.spec).isEmpty { return "" }
    if !includePrereleases {
      let allowed = requirement.spec.versions(includingPrereleases: true)
      let prereleases = table.versions.indices.filter { allowed.contains(table.versions[$0]) }
      if !prereleases.isEmpty {
        let keys = distinct(prereleases.reversed().map { table.keys[$0] })
        let verb = keys.count == 1 ? "matches" : "match"
        return " and only \(Solver.listed(keys)) \(verb)"
          + (ending ? ": use --pre" : " (use --pre)")
      }
    }
    let present = Solver.listed(distinct(table.keys.reversed()))
    let unseen = hidden.map { "; hidden: \($0)" } ?? ""
    return
      " and no \(requirement) is in the catalogue (\(requirement.name) has \(present)\(unseen))"
  }

  /// `keys` without repeats: a version with variants is one candidate per variant, each
  /// with the version's key, next to each other.
  private func distinct(_ keys: some Sequence<String>) -> [String] {
    var result: [String] = []
    for key in keys where key != result.last { result.append(key) }
    return result
  }

  /// `a, b and c`; past `listedVersions`, the first of them and "and N more".
  static func listed(_ keys: some Collection<String>) -> String {
    ListedText.listed(keys, atMost: listedVersions)
  }

  /// What a derived incompatibility means.
  private func statement(_ index: Int) -> String {
    let terms = incompatibilities[index].terms.filter { $0.package != Solver.root }
    if terms.isEmpty {
      if requests.count == 1 { return "\(requests[0]) cannot be satisfied" }
      let listed = requests.map(\.description)
      return "\(listed.dropLast().joined(separator: ", ")) and \(listed.last!) "
        + "cannot be satisfied together"
    }
    // The request always holds, so its term says nothing and is left out.
    let positive = terms.filter { !$0.set.includesAbsent }.map { describe($0.package, $0.set) }
    let needed = terms.filter { $0.set.includesAbsent }.map {
      describe($0.package, $0.set.complement)
    }
    let subject = positive
    if needed.isEmpty {
      if subject.count == 1 { return "\(subject[0]) cannot be selected" }
      return "\(subject.joined(separator: " and ")) cannot be selected together"
    }
    let object = needed.joined(separator: " and ")
    if subject.isEmpty { return "\(object) must be selected" }
    return "\(subject.joined(separator: " and ")) \(subject.count == 1 ? "requires" : "require") "
      + object
  }

  /// `name` with the versions of a positive set as ranges: `python >=3.10.0,<=3.10.9`.
  func describe(_ package: Int, _ set: DomainSet) -> String {
    let name = names[package]
    let table = tables[package]
    let keys = table.keys.indices.map { table.name(of: $0) }
    var chosen = set.members.filter { $0 > 0 }.map { $0 - 1 }
    if chosen.isEmpty { return "no version of \(name)" }
    if chosen.count == keys.count && keys.count > 1 { return name }
    // Provided versions come first and out of order: each is named with its provider.
    let provided = providedVersions[package]
    let carried = chosen.filter { $0 < provided.count }.map {
      "\(provided[$0].key) (provided by \(provided[$0].providerText))"
    }
    chosen.removeAll { $0 < provided.count }
    var runs: [(Int, Int)] = []
    for index in chosen {
      if let last = runs.last, last.1 == index - 1 {
        runs[runs.count - 1].1 = index
      } else {
        runs.append((index, index))
      }
    }
    let parts = runs.map { run -> String in
      let (first, last) = run
      if first == last { return keys[first] }
      if first == provided.count { return "<=\(keys[last])" }
      if last == keys.count - 1 { return ">=\(keys[first])" }
      return ">=\(keys[first]),<=\(keys[last])"
    }
    return "\(name) \((carried + parts).joined(separator: " or "))"
  }
}
