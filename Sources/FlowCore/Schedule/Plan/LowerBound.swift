/// No plan can finish sooner than the longest chain of dependencies, nor sooner than
/// any resource can get through the work asked of it: max(critical path, per resource
/// Σ duration × demand / capacity).
public struct LowerBound: Sendable, Equatable {
  public var criticalPath: Double
  /// The work bound of each resource, in the problem's resource order.
  public var resourceBounds: [(name: String, seconds: Double)]

  public var value: Double {
    resourceBounds.reduce(criticalPath) { max($0, $1.seconds) }
  }

  /// What sets the bound: `critical path` or a resource's name.
  public var binding: String {
    let resource = resourceBounds.max { $0.seconds < $1.seconds }
    if let resource, resource.seconds > criticalPath { return resource.name }
    return "critical path"
  }

  public static func == (lhs: LowerBound, rhs: LowerBound) -> Bool {
    lhs.criticalPath == rhs.criticalPath
      && lhs.resourceBounds.map(\.name) == rhs.resourceBounds.map(\.name)
      && lhs.resourceBounds.map(\.seconds) == rhs.resourceBounds.map(\.seconds)
  }

  init(problem: PlanProblem, upwardRank: [Double]) {
    criticalPath = upwardRank.max() ?? 0
    resourceBounds = problem.resourceNames.indices.compactMap { resource in
      let capacity = problem.capacity[resource]
      guard capacity > 0 else { return nil }
      var work = 0.0
      for stage in 0..<problem.count {
        work += problem.durations[stage] * problem.demand(stage, resource)
      }
      return (problem.resourceNames[resource], work / capacity)
    }
  }
}

extension PlanProblem {
  /// Each stage's duration plus the longest chain of stages after it (HEFT's upward
  /// rank, the bottom level).
  func upwardRank() -> [Double] {
    var rank = [Double](repeating: 0, count: count)
    for stage in topologicalOrder.reversed() {
      var longest = 0.0
      for successor in successors[stage] { longest = max(longest, rank[successor]) }
      rank[stage] = durations[stage] + longest
    }
    return rank
  }
}
