/// A binary heap of stage indices ordered by a key: the largest key first, ties to the
/// smaller index, so plans do not depend on anything but their input.
struct IndexHeap {
  private var items: [(key: Double, index: Int)] = []

  init(capacity: Int = 0) {
    items.reserveCapacity(capacity)
  }

  var isEmpty: Bool { items.isEmpty }
  var count: Int { items.count }
  var top: (key: Double, index: Int)? { items.first }

  private static func before(_ a: (key: Double, index: Int), _ b: (key: Double, index: Int)) -> Bool
  {
    a.key > b.key || (a.key == b.key && a.index < b.index)
  }

  mutating func push(_ index: Int, key: Double) {
    items.append((key, index))
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard Self.before(items[child], items[parent]) else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> (key: Double, index: Int)? {
    guard !items.isEmpty else { return nil }
    let first = items[0]
    let last = items.removeLast()
    if !items.isEmpty {
      items[0] = last
      var parent = 0
      while true {
        let left = 2 * parent + 1
        guard left < items.count else { break }
        var best = left
        if left + 1 < items.count && Self.before(items[left + 1], items[left]) { best = left + 1 }
        guard Self.before(items[best], items[parent]) else { break }
        items.swapAt(best, parent)
        parent = best
      }
    }
    return first
  }
}
