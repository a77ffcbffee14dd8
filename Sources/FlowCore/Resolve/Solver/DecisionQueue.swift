/// The packages waiting for a decision, in the solver's order of preference: each package has
/// a rank (lower first; ties: lower package number) or none, and the first package is found
/// without looking at every package. A tournament tree over package numbers: each inner node
/// holds the smaller key of its two children, so a change costs a walk up the tree.
struct DecisionQueue {
  private static let none = UInt64.max
  /// Leaves start at `capacity`; node `i` has children `2i` and `2i + 1`.
  private var nodes: [UInt64] = [none, none]
  private var capacity = 1

  /// Ranks `package` (nil: not waiting). Ranks and package numbers must fit in 32 bits.
  mutating func set(_ package: Int, rank: Int?) {
    if package >= capacity { grow(beyond: package) }
    let key = rank.map { UInt64($0) << 32 | UInt64(package) } ?? DecisionQueue.none
    let leaf = capacity + package
    if nodes[leaf] == key { return }
    // Every index below stays under 2 * capacity, the number of nodes.
    nodes.withUnsafeMutableBufferPointer { nodes in
      var node = leaf
      nodes[node] = key
      while node > 1 {
        node >>= 1
        let smaller = min(nodes[2 * node], nodes[2 * node + 1])
        if nodes[node] == smaller { break }
        nodes[node] = smaller
      }
    }
  }

  /// The waiting package with the lowest rank (ties: the lowest number), or nil.
  var first: Int? {
    nodes[1] == DecisionQueue.none ? nil : Int(nodes[1] & 0xffff_ffff)
  }

  private mutating func grow(beyond package: Int) {
    var wider = capacity
    while wider <= package { wider *= 2 }
    var grown = [UInt64](repeating: DecisionQueue.none, count: 2 * wider)
    for leaf in 0..<capacity { grown[wider + leaf] = nodes[capacity + leaf] }
    for node in stride(from: wider - 1, through: 1, by: -1) {
      grown[node] = min(grown[2 * node], grown[2 * node + 1])
    }
    nodes = grown
    capacity = wider
  }
}
