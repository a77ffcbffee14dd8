extension Solver {
  /// The derivation of a failure in words, one "because …, …" line per step, ending with why
  /// the request cannot be satisfied.
  func explain(_ failure: Int) -> String {
    var lines: [String] = []
    var explained: Set<Int> = []
    walk(failure, lines: &lines, explained: &explained)
    if lines.isEmpty { lines.append(externalText(failure)) }
    return lines.joined(separator: "\n")
  }

  private func walk(_ index: Int, lines: inout [String], explained: inout Set<Int>) {
    guard case .derived(let left, let right) = incompatibilities[index].cause,
      !explained.contains(index)
    else { return }
    explained.insert(index)
    walk(left, lines: &lines, explained: &explained)
    walk(right, lines: &lines, explained: &explained)
    let conclusion = statement(index)
    // A request followed by its consequence reads better without "is requested".
    for (request, other) in [(left, right), (right, left)] {
      if case .request(let requirement) = incompatibilities[request].cause,
        isTerminal(incompatibilities[index]), requests.count == 1
      {
        lines.append("because \(phrase(other)), \(requirement) cannot be satisfied")
        return
      }
    }
    lines.append("because \(phrase(left)) and \(phrase(right)), \(conclusion)")
  }

  private func phrase(_ index: Int) -> String {
    if case .derived = incompatibilities[index].cause { return statement(index) }
    return externalText(index)
  }

  /// What an incompatibility given by the catalogue or the request says.
  private func externalText(_ index: Int) -> String {
    let incompatibility = incompatibilities[index]
    switch incompatibility.cause {
    case .request(let requirement):
      return "\(requirement) is requested" + missing(requirement)
    case .dependency(let package, let requirement):
      return "\(holders(incompatibility, package)) requires \(requirement)" + missing(requirement)
    case .conflict(let package, let requirement):
      return "\(holders(incompatibility, package)) conflicts with \(requirement)"
    case .derived:
      return statement(index)
    }
  }

  private func holders(_ incompatibility: Incompatibility, _ package: Int) -> String {
    guard let term = incompatibility.terms.first(where: { $0.package == package }) else {
      return names[package]
    }
    return describe(package, term.set)
  }

  /// " and no … is in the catalogue" when a requirement matches nothing.
  private func missing(_ requirement: PackageRequirement) -> String {
    let package = id(of: requirement.name)
    if tables[package].count == 0 {
      return " and no package \(requirement.name) is in the catalogue"
    }
    if domain(package, matching: requirement.spec).isEmpty {
      return " and no \(requirement) is in the catalogue"
    }
    return ""
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
    let keys = tables[package].keys
    let chosen = set.members.filter { $0 > 0 }.map { $0 - 1 }
    if chosen.isEmpty { return "no version of \(name)" }
    if chosen.count == keys.count && keys.count > 1 { return name }
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
      if first == 0 { return "<=\(keys[last])" }
      if last == keys.count - 1 { return ">=\(keys[first])" }
      return ">=\(keys[first]),<=\(keys[last])"
    }
    return "\(name) \(parts.joined(separator: " or "))"
  }
}
