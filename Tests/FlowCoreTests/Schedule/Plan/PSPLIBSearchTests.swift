import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// The search on PSPLIB J120 instances, read where the shared data lies: a short,
/// counted search gives a feasible plan no shorter than the instance's proven bound.
@Suite(.enabled(if: SharedData.path("psplib-j120/optimum.csv") != nil))
struct PSPLIBSearchTests {
  /// An instance in PSPLIB's `.sm` format as stages: one per job, its duration, the jobs
  /// it follows, and its demand on the renewable resources as counters R1, R2, ...
  static func problem(_ name: String) throws -> PlanProblem {
    let path = try #require(SharedData.path("psplib-j120/\(name)"))
    var section = ""
    var successors: [Int: [Int]] = [:]
    var jobs: [(job: Int, duration: Double, demand: [Int64])] = []
    var capacity: [Int64] = []
    for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
      if line.hasPrefix("PRECEDENCE RELATIONS") || line.hasPrefix("REQUESTS/DURATIONS")
        || line.hasPrefix("RESOURCEAVAILABILITIES")
      {
        section = String(line.prefix(3))
        continue
      }
      let fields = line.split(separator: " ").compactMap { Int64($0) }
      guard !fields.isEmpty, fields.count == line.split(separator: " ").count else { continue }
      switch section {
      case "PRE": successors[Int(fields[0])] = fields.dropFirst(3).map { Int($0) }
      case "REQ": jobs.append((Int(fields[0]), Double(fields[2]), Array(fields.dropFirst(3))))
      case "RES": capacity = fields
      default: break
      }
    }
    var needs: [Int: [Int]] = [:]
    for (job, after) in successors {
      for successor in after { needs[successor, default: []].append(job) }
    }
    let counters = capacity.indices.map { "R\($0 + 1)" }
    let stages = jobs.map { job in
      PlanStage(
        name: "j\(job.job)", needs: (needs[job.job] ?? []).sorted().map { "j\($0)" },
        duration: job.duration,
        demand: StageDemand(
          cpu: 0, counters: Dictionary(uniqueKeysWithValues: zip(counters, job.demand))))
    }
    return try PlanProblem(
      stages: stages,
      capacity: PlanCapacity(
        cpu: 1, memory: 0, counters: Dictionary(uniqueKeysWithValues: zip(counters, capacity))))
  }

  /// The proven lower bound on the makespan from `optimum.csv` (`optimum` or `lower..upper`).
  static func provenBound(_ name: String) throws -> Double {
    let path = try #require(SharedData.path("psplib-j120/optimum.csv"))
    let row = try #require(
      try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first {
        $0.hasPrefix(name + ",")
      })
    let value = row.split(separator: ",")[1]
    return Double(value.split(separator: ".", omittingEmptySubsequences: false)[0]) ?? 0
  }

  @Test(arguments: ["j12010_1.sm", "j1201_1.sm"])
  func searchOnAJ120InstanceIsFeasibleAndNeverBelowTheProvenBound(name: String) throws {
    let problem = try Self.problem(name)
    #expect(problem.count == 122)
    let found = ActivityListSearchTests.search(problem, seed: 0x5eed, limit: 400)
    #expect(found.plan.makespan <= Planner.makespan(problem, found.first))
    #expect(found.plan.makespan >= (try Self.provenBound(name)))
    let rank = problem.upwardRank()
    var plan = Planner.plan(problem, gpuIDs: [], options: PlanOptions(timeBudget: 0))
    for stage in plan.stages.indices {
      plan.stages[stage].start = found.plan.starts[stage]
      plan.stages[stage].finish = found.plan.starts[stage] + problem.durations[stage]
    }
    #expect(PlanVerifier.violation(in: plan, of: problem) == nil)
    #expect(found.plan.makespan >= LowerBound(problem: problem, upwardRank: rank).value)
  }
}
