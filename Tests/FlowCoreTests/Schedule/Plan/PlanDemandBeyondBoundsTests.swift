import Testing

@testable import FlowCore

/// The readers bound every number, but stages built in code reach the planner too: a
/// demand no Int64 holds is refused as never fitting, not trapped on.
@Suite struct PlanDemandBeyondBoundsTests {
  @Test func aDemandPastInt64IsToldAsNeverFitting() {
    let capacity = PlanCapacity(cpu: 4, memory: 1 << 30)
    for (demand, resource, amount) in [
      (StageDemand(memory: .max), "memory", String(Double(Int64.max)))
    ] {
      #expect(
        throws: PlanError.neverFits(
          stage: "a", resource: resource, demand: amount,
          capacity: resource == "cpu" ? "4" : "1 GiB")
      ) {
        _ = try Planner.plan([PlanStage(name: "a", demand: demand)], capacity: capacity)
      }
    }
  }

  @Test func stagesAtEveryBoundPlanOnAMachineThatHoldsThem() throws {
    let limit = PlanStage(
      name: "a", duration: QuantityLimit.maximumSeconds,
      demand: StageDemand(
        cpu: QuantityLimit.maximumCPUs, memory: QuantityLimit.maximumMemory,
        counters: ["licence": QuantityLimit.maximumCounter]))
    var second = limit
    second.name = "b"
    second.needs = ["a"]
    let plan = try Planner.plan(
      [limit, second],
      capacity: PlanCapacity(
        cpu: QuantityLimit.maximumCPUs, memory: .max,
        counters: ["licence": QuantityLimit.maximumCounter]))
    #expect(plan.makespan == 2 * QuantityLimit.maximumSeconds)
  }
}
