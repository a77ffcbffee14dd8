/// A resolution on rez repositories as rez gives it: with rez's ephemerals, and in rez's
/// order.
extension Resolution {
  /// The resolution with its ephemerals (`rezEphemerals()`), its packages, ephemerals and
  /// actions in rez's order (its `_ResolvePhase.finalise`), which is the order their
  /// commands run in: each package after the packages it requires, directly or not, and
  /// otherwise in the order of the requests, then by name; the ephemerals take part as
  /// packages required that require nothing.
  func rezFinished() throws -> Resolution {
    var finished = self
    finished.ephemerals = try rezEphemerals().map { ($0.name, $0.range.boundsText) }
    let names = packages.map(\.name) + finished.ephemerals.map(\.name)
    var number: [String: Int] = [:]
    for (place, name) in names.enumerated() { number[name] = place }
    var requires = [[Int]](repeating: [], count: names.count)
    for (place, package) in packages.enumerated() {
      for requirement in package.requires where requirement.kind == .required {
        if let other = number[requirement.name], other != place { requires[place].append(other) }
      }
    }
    var requestOrder: [Int] = []
    for requirement in requirements {
      if let place = number[requirement.name], !requestOrder.contains(place) {
        requestOrder.append(place)
      }
    }
    let order = Self.dependencyOrder(requires: requires, first: requestOrder) {
      names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8)
    }
    finished.order(
      packages: order.filter { $0 < packages.count },
      ephemerals: order.filter { $0 >= packages.count }.map { $0 - packages.count })
    return finished
  }

  /// Rez's ephemerals (names that start with `.`, which no repository holds) that the
  /// requests or the chosen packages require, each with the range left: the requests'
  /// ranges merged as rez merges a request (met, a conflict's versions taken out, a weak
  /// reference's left in), met with each chosen package's requirement on it. Throws
  /// `ResolveError.unsatisfiable` when no version is left, or a chosen package's conflict
  /// (or weak reference) rules out what is left, naming each range and who asks for it.
  func rezEphemerals() throws -> [(name: String, range: RezRange)] {
    struct Ranges {
      var required: RezRange?
      var excluded: RezRange?
      /// Each requirement as written, its range, who asks for it, and whether a chosen
      /// package does (its conflicts are checked, not merged).
      var asked:
        [(requirement: PackageRequirement, range: RezRange, by: String, checkedOnly: Bool)] =
          []
    }
    var names: [String] = []
    var byName: [String: Ranges] = [:]
    func add(_ requirement: PackageRequirement, by asker: String, checkedOnly: Bool) throws {
      guard RezRequirement.isEphemeral(requirement.name) else { return }
      if byName[requirement.name] == nil { names.append(requirement.name) }
      var ranges = byName[requirement.name] ?? Ranges()
      let range = try RezRange(parsing: requirement.spec.text)
      ranges.asked.append((requirement, range, asker, checkedOnly))
      switch requirement.kind {
      case .required: ranges.required = ranges.required?.meeting(range) ?? range
      case .conflict where !checkedOnly:
        ranges.excluded = ranges.excluded?.union(range) ?? range
      case .weak where !checkedOnly && !range.isAny:
        ranges.excluded = ranges.excluded?.union(range.complement) ?? range.complement
      default: break
      }
      byName[requirement.name] = ranges
    }
    for requirement in requirements { try add(requirement, by: "requested", checkedOnly: false) }
    for package in packages {
      let asker = "required by \(package.name) \(package.key)"
      for requirement in package.requires { try add(requirement, by: asker, checkedOnly: true) }
      for requirement in package.conflicts {
        try add(
          PackageRequirement(name: requirement.name, spec: requirement.spec, kind: .conflict),
          by: asker, checkedOnly: true)
      }
    }
    var result: [(name: String, range: RezRange)] = []
    for name in names {
      let ranges = byName[name]!
      guard var left = ranges.required else { continue }
      if let excluded = ranges.excluded { left = left.subtracting(excluded) }
      let asked = ranges.asked.map { "\($0.requirement) (\($0.by))" }.joined(separator: ", ")
      if left.isEmpty {
        throw ResolveError.unsatisfiable(
          explanation: "no range of rez's ephemeral \(name) holds all of \(asked)")
      }
      // A chosen package's conflict or weak reference counts as rez's reduction counts it.
      for (requirement, range, asker, checkedOnly) in ranges.asked where checkedOnly {
        let rulesOut: Bool
        switch requirement.kind {
        case .required: rulesOut = false
        case .conflict: rulesOut = range.isSuperset(of: left)
        case .weak: rulesOut = !range.isAny && !range.intersects(left)
        }
        if rulesOut {
          throw ResolveError.unsatisfiable(
            explanation: "\(requirement) (\(asker)) rules out rez's ephemeral \(name) "
              + "\(left.boundsText), which \(asked) leave")
        }
      }
      result.append((name, left))
    }
    return result
  }

  /// Nodes `0..<requires.count` (each with the nodes it requires) in rez's
  /// `_get_dependency_order`: the list is `first`, then the other nodes by `precedes`;
  /// taking it in turn, a node one of whose requirements, direct or not, is still in the
  /// list has the first of those (in the list's order) placed before it, and is taken once
  /// none is left. The nodes require each other in no cycle (rez rejects such an answer
  /// before it orders one), so each is taken once; a cycle still ends, its nodes taken in
  /// turn.
  static func dependencyOrder(
    requires: [[Int]], first: [Int], precedes: (Int, Int) -> Bool
  ) -> [Int] {
    let count = requires.count
    var listed = [Bool](repeating: false, count: count)
    var list: [Int] = []
    list.reserveCapacity(count)
    for node in first where !listed[node] {
      list.append(node)
      listed[node] = true
    }
    list += (0..<count).filter { !listed[$0] }.sorted(by: precedes)
    // Worked on places in the list, so that the first node of a set in the list's order is
    // its lowest bit: per place, the places it reaches, one bit each.
    var place = [Int](repeating: 0, count: count)
    for (index, node) in list.enumerated() { place[node] = index }
    let width = (count + 63) / 64
    // Per place, `width` words in one array: a row per place rather than an array each.
    var reached = [UInt64](repeating: 0, count: count * width)
    /// Per place: 0 before its row is worked out, 1 while it is (a cycle back to it reaches
    /// nothing more), 2 once it is.
    var state = [UInt8](repeating: 0, count: count)
    func reach(_ at: Int) {
      guard state[at] == 0 else { return }
      state[at] = 1
      let row = at * width
      for other in requires[list[at]] {
        let bit = place[other]
        reached[row + bit / 64] |= 1 << UInt64(bit % 64)
        reach(bit)
        if state[bit] == 2 {
          for word in 0..<width { reached[row + word] |= reached[bit * width + word] }
        }
      }
      reached[row + at / 64] &= ~(1 << UInt64(at % 64))
      state[at] = 2
    }
    // The places not taken yet, and not placed before the next (which a cycle could reach).
    var open = [UInt64](repeating: ~0, count: width)
    if count % 64 != 0 { open[width - 1] = (1 << UInt64(count % 64)) - 1 }
    func close(_ at: Int) { open[at / 64] &= ~(1 << UInt64(at % 64)) }
    var result: [Int] = []
    result.reserveCapacity(count)
    // The places put before the list's next one, the last put first.
    var placed: [Int] = []
    var next = 0
    while true {
      while next < count && open[next / 64] & (1 << UInt64(next % 64)) == 0 { next += 1 }
      guard let current = placed.last ?? (next < count ? next : nil) else { break }
      reach(current)
      let row = current * width
      var needed: Int?
      for word in 0..<width where reached[row + word] & open[word] != 0 {
        needed = word * 64 + (reached[row + word] & open[word]).trailingZeroBitCount
        break
      }
      if let needed, needed != current {
        placed.append(needed)
        close(needed)
        continue
      }
      result.append(list[current])
      close(current)
      if !placed.isEmpty { placed.removeLast() }
    }
    return result
  }
}
