extension Workflow {
  /// A cycle among the stages' `needs`, as the path of names that closes it
  /// (`["a", "b", "a"]`), or nil when there is none. Unknown names and a stage that
  /// names itself are ignored (they are reported on their own).
  public func dependencyCycle() -> [String]? {
    var index: [String: Int] = [:]
    for (position, stage) in stages.enumerated() where index[stage.name] == nil {
      index[stage.name] = position
    }
    return dependencyCycle(firstIndex: index)
  }

  /// `dependencyCycle()` with the position of each name's first stage already known.
  func dependencyCycle(firstIndex index: [String: Int]) -> [String]? {
    // Every stage's edges in one list, stage `n`'s from `starts[n]` to `starts[n + 1]`:
    // one allocation rather than one per stage.
    var starts: [Int] = [0]
    starts.reserveCapacity(stages.count + 1)
    var targets: [Int] = []
    for (position, stage) in stages.enumerated() {
      for need in stage.needs {
        if let target = index[need], target != position { targets.append(target) }
      }
      starts.append(targets.count)
    }
    // 0 = not seen, 1 = on the current path, 2 = done. Iterative, so deep chains
    // cannot overflow the stack.
    var state = [UInt8](repeating: 0, count: stages.count)
    for start in stages.indices where state[start] == 0 {
      var path: [(node: Int, next: Int)] = [(start, 0)]
      state[start] = 1
      while let top = path.last {
        if top.next < starts[top.node + 1] - starts[top.node] {
          path[path.count - 1].next += 1
          let target = targets[starts[top.node] + top.next]
          if state[target] == 1 {
            let from = path.firstIndex { $0.node == target }!
            return path[from...].map { stages[$0.node].name } + [stages[target].name]
          }
          if state[target] == 0 {
            state[target] = 1
            path.append((target, 0))
          }
        } else {
          state[top.node] = 2
          path.removeLast()
        }
      }
    }
    return nil
  }
}
