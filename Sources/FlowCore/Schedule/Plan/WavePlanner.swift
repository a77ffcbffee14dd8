/// Snakemake-style layers: stages grouped by depth in the graph, each depth split into
/// layers that fit the capacity together, every layer waiting for the one before to
/// finish completely. Simple to reason about, and the idle capacity shows its cost.
struct WavePlanner {
  let problem: PlanProblem
  let rank: [Double]

  func plan(listMakespan: Double) -> (starts: [Double], summary: WaveSummary) {
    let resources = problem.resourceCount
    var depth = [Int](repeating: 0, count: problem.count)
    for stage in problem.topologicalOrder {
      for predecessor in problem.predecessors[stage] {
        depth[stage] = max(depth[stage], depth[predecessor] + 1)
      }
    }
    var levels = [[Int]](repeating: [], count: (depth.max() ?? -1) + 1)
    for stage in 0..<problem.count { levels[depth[stage]].append(stage) }

    var starts = [Double](repeating: 0, count: problem.count)
    var layers: [[Int]] = []
    var now = 0.0
    var heldTime = 0.0
    let tolerance = problem.capacity.map { $0 * 1e-9 }
    for level in levels {
      var remaining = level.sorted { rank[$0] > rank[$1] || (rank[$0] == rank[$1] && $0 < $1) }
      while !remaining.isEmpty {
        var free = problem.capacity
        var layer: [Int] = []
        var rest: [Int] = []
        var misses = 0
        for (position, stage) in remaining.enumerated() {
          // Past a few misses with the layer nearly full, the rest waits for the next one.
          if misses >= 32 {
            rest += remaining[position...]
            break
          }
          let fits = (0..<resources).allSatisfy {
            problem.demand(stage, $0) <= free[$0] + tolerance[$0]
          }
          guard fits else {
            rest.append(stage)
            misses += 1
            continue
          }
          for resource in 0..<resources { free[resource] -= problem.demand(stage, resource) }
          layer.append(stage)
        }
        var height = 0.0
        for stage in layer {
          starts[stage] = now
          height = max(height, problem.durations[stage])
        }
        now += height
        heldTime += height
        layers.append(layer)
        remaining = rest
      }
    }
    var idle = [Double](repeating: 0, count: resources)
    var idleFraction = [Double](repeating: 0, count: resources)
    for resource in 0..<resources {
      var work = 0.0
      for stage in 0..<problem.count {
        work += problem.durations[stage] * problem.demand(stage, resource)
      }
      let offered = problem.capacity[resource] * heldTime
      idle[resource] = max(0, offered - work)
      idleFraction[resource] = offered > 0 ? idle[resource] / offered : 0
    }
    return (
      starts,
      WaveSummary(
        layers: layers, idle: idle, idleFraction: idleFraction, listMakespan: listMakespan)
    )
  }
}
