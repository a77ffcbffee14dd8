/// The order rez gives a resolve's packages (its `_ResolvePhase.finalise`), which is the
/// order their commands run in, and so their environment actions apply: each package after
/// the packages it requires, directly or not, and otherwise in the order of the requests,
/// then by name. Rez's ephemerals take part as packages required and requiring nothing.
extension Resolution {
  /// The resolution with its packages, ephemerals and actions in rez's order.
  func rezOrdered() -> Resolution {
    let names = packages.map(\.name) + ephemerals.map(\.name)
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
    let order = Self.dependencyOrder(
      requires: requires, first: requestOrder, precedes: { names[$0] < names[$1] })
    var ordered = self
    ordered.order(
      packages: order.filter { $0 < packages.count },
      ephemerals: order.filter { $0 >= packages.count }.map { $0 - packages.count })
    return ordered
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
    // Per node, the nodes it reaches, one bit each.
    let width = (count + 63) / 64
    var reached = [[UInt64]?](repeating: nil, count: count)
    func reach(_ node: Int) -> [UInt64] {
      if let known = reached[node] { return known }
      reached[node] = [UInt64](repeating: 0, count: width)
      var result = [UInt64](repeating: 0, count: width)
      for other in requires[node] {
        result[other / 64] |= 1 << UInt64(other % 64)
        for (word, bits) in reach(other).enumerated() { result[word] |= bits }
      }
      result[node / 64] &= ~(1 << UInt64(node % 64))
      reached[node] = result
      return result
    }
    var listed = [Bool](repeating: false, count: count)
    var list: [Int] = []
    for node in first where !listed[node] {
      list.append(node)
      listed[node] = true
    }
    list += (0..<count).filter { !listed[$0] }.sorted(by: precedes)
    var taken = [Bool](repeating: false, count: count)
    var result: [Int] = []
    result.reserveCapacity(count)
    // The nodes placed before the list's next one, the last placed first.
    var placed: [Int] = []
    var next = 0
    while true {
      while next < list.count && taken[list[next]] { next += 1 }
      guard let current = placed.last ?? (next < list.count ? list[next] : nil) else { break }
      let needs = reach(current)
      let needed = list[next...].first { node in
        !taken[node] && !placed.contains(node) && needs[node / 64] & (1 << UInt64(node % 64)) != 0
      }
      if let needed {
        placed.append(needed)
        continue
      }
      result.append(current)
      taken[current] = true
      if !placed.isEmpty { placed.removeLast() }
    }
    return result
  }
}
