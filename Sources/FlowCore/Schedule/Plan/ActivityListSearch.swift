/// A genetic search over activity lists (Hartmann's representation): each individual is
/// an order of the stages that respects every dependency, decoded by the serial scheme
/// and then justified once backward and forward, after which it takes the order of its
/// justified plan. Two-point crossover keeps orders valid; mutation swaps neighbours that
/// do not depend on each other and moves a few stages each to a random place among those
/// its dependencies allow; the shortest distinct plans survive. The last schedules go to a
/// walk from the best plan found, a few moves at a time.
///
/// The search stops after a fixed number of schedules (each serial pass counts), so the
/// same input and seed give the same plan on any machine; a deadline on the thread's
/// processor time only caps it on a machine far slower than expected, and other work on
/// a busy machine does not bring it closer.
struct ActivityListSearch {
  let problem: PlanProblem
  private let justifier: Justifier
  private var random: SplitMix
  /// Serial passes made so far.
  private(set) var schedules = 0

  /// Individuals kept from one generation to the next.
  static let populationSize = 40
  /// The chance that each neighbouring pair in a child's order is swapped.
  static let mutationRate = 0.02
  /// Stages each child moves to a random place between its last predecessor and its
  /// first successor: a longer step than swapping neighbours, which keeps a population
  /// of justified plans from settling on one shape (on PSPLIB J120 it takes about a
  /// sixth off the gap to the best known makespans at the same schedule count).
  static let movesPerChild = 2
  /// The share of the schedules kept for a walk from the generations' best plan.
  static let walkShare = 0.3
  /// Each step of the walk moves from one to this many stages.
  static let walkMoves = 4
  /// Forward-backward rounds per decoded order: one round takes most of what
  /// justification gains, and the schedules saved go to more children.
  static let justificationRounds = 1

  struct Individual {
    var order: [Int]
    var starts: [Double]
    var makespan: Double
  }

  init(problem: PlanProblem, seed: UInt64) {
    self.problem = problem
    self.justifier = Justifier(problem: problem)
    self.random = SplitMix(seed: seed)
  }

  /// The best plan found from the starting plans and the rank, within `limit` schedules.
  mutating func search(
    from seeds: [[Double]], rank: [Double], limit: Int, deadline: Double, bound: Double
  ) -> Individual {
    let target = bound * (1 + 1e-9)
    var population: [Individual] = []
    for starts in seeds { population.append(decode(justifier.startOrder(starts))) }
    population.append(decode(problem.eligibleOrder(rank)))
    while population.count < Self.populationSize && schedules < limit {
      var priority = rank
      for stage in priority.indices { priority[stage] *= 0.25 + 1.5 * random.nextUnit() }
      population.append(decode(problem.eligibleOrder(priority)))
    }
    population = Self.survivors(population, count: Self.populationSize)
    let generationsLimit = limit - Int(Double(limit) * Self.walkShare)
    while schedules < generationsLimit && population[0].makespan > target
      && ThreadCPUClock.now() < deadline
    {
      var children: [Individual] = []
      children.reserveCapacity(population.count)
      while children.count < population.count && schedules < generationsLimit {
        let mother = population[pick(population.count)].order
        let father = population[pick(population.count)].order
        let cuts = [pick(problem.count + 1), pick(problem.count + 1)].sorted()
        for (first, second) in [(mother, father), (father, mother)] {
          var order = Self.crossover(first, second, cuts[0], cuts[1])
          mutate(&order)
          children.append(decode(order))
        }
      }
      population = Self.survivors(population + children, count: Self.populationSize)
    }
    return walk(from: population[0], limit: limit, deadline: deadline, target: target)
  }

  /// From the best plan of the generations, tries orders a few moves away and goes on
  /// from any that is no longer: plans of equal length are steps too, so the walk
  /// crosses the plateaus where most of a population's plans end up.
  private mutating func walk(from start: Individual, limit: Int, deadline: Double, target: Double)
    -> Individual
  {
    var current = start
    var best = start
    while schedules < limit && best.makespan > target && ThreadCPUClock.now() < deadline {
      var order = current.order
      for _ in 0..<(1 + pick(Self.walkMoves)) { moveOne(&order) }
      let next = decode(order)
      if next.makespan <= current.makespan { current = next }
      if current.makespan < best.makespan { best = current }
    }
    return best
  }

  /// Builds and justifies the plan for an order; the individual keeps the order of the
  /// justified plan, so what justification learnt is passed on.
  private mutating func decode(_ order: [Int]) -> Individual {
    let starts = justifier.serial.schedule(order: order)
    var schedule = (starts: starts, makespan: Planner.makespan(problem, starts))
    schedules += 1 + justifier.justify(&schedule, rounds: Self.justificationRounds)
    return Individual(
      order: justifier.startOrder(schedule.starts), starts: schedule.starts,
      makespan: schedule.makespan)
  }

  /// The first `low` stages of one parent, then the other's next ones up to `high`, then
  /// the first's remaining ones, each in its parent's order: valid when both parents are.
  static func crossover(_ first: [Int], _ second: [Int], _ low: Int, _ high: Int) -> [Int] {
    var taken = [Bool](repeating: false, count: first.count)
    var child: [Int] = []
    child.reserveCapacity(first.count)
    for stage in first[..<low] {
      child.append(stage)
      taken[stage] = true
    }
    for stage in second where child.count < high && !taken[stage] {
      child.append(stage)
      taken[stage] = true
    }
    for stage in first where !taken[stage] { child.append(stage) }
    return child
  }

  /// Swaps neighbours at random where neither needs the other, then moves a few stages.
  private mutating func mutate(_ order: inout [Int]) {
    guard order.count > 1 else { return }
    for position in 0..<(order.count - 1) where random.nextUnit() < Self.mutationRate {
      if !problem.predecessors[order[position + 1]].contains(order[position]) {
        order.swapAt(position, position + 1)
      }
    }
    for _ in 0..<Self.movesPerChild { moveOne(&order) }
  }

  /// Moves a stage chosen at random to a random place among those it may take.
  private mutating func moveOne(_ order: inout [Int]) {
    let from = pick(order.count)
    let allowed = Self.allowedPlaces(of: from, in: order, problem)
    Self.move(&order, from: from, to: allowed.lowerBound + pick(allowed.count))
  }

  /// The positions the stage at `index` may take in the order while every predecessor
  /// stays before it and every successor after it.
  static func allowedPlaces(of index: Int, in order: [Int], _ problem: PlanProblem)
    -> ClosedRange<Int>
  {
    let stage = order[index]
    var first = index
    var last = index
    // The nearest predecessor before and successor after bound the range.
    while first > 0 && !problem.predecessors[stage].contains(order[first - 1]) { first -= 1 }
    while last < order.count - 1 && !problem.successors[stage].contains(order[last + 1]) {
      last += 1
    }
    return first...last
  }

  /// Takes the stage at `from` out of the order and puts it back at position `to`.
  static func move(_ order: inout [Int], from: Int, to: Int) {
    let stage = order[from]
    if from < to {
      for position in from..<to { order[position] = order[position + 1] }
    } else {
      for position in stride(from: from, to: to, by: -1) { order[position] = order[position - 1] }
    }
    order[to] = stage
  }

  private mutating func pick(_ count: Int) -> Int {
    Int(random.next() % UInt64(count))
  }

  /// The shortest plans, one of each distinct schedule, best first; ties keep the
  /// earlier individual so the result depends only on the input and the seed.
  static func survivors(_ candidates: [Individual], count: Int) -> [Individual] {
    let ranked = candidates.indices.sorted {
      candidates[$0].makespan < candidates[$1].makespan
        || (candidates[$0].makespan == candidates[$1].makespan && $0 < $1)
    }
    var kept: [Individual] = []
    for index in ranked where kept.count < count {
      let candidate = candidates[index]
      if !kept.contains(where: {
        $0.makespan == candidate.makespan && $0.starts == candidate.starts
      }) {
        kept.append(candidate)
      }
    }
    return kept
  }
}
