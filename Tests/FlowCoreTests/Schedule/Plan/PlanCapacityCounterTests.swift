import Testing

@testable import FlowCore

@Suite struct PlanCapacityCounterTests {
  @Test func readsNameAndWholeAmount() {
    let counter = PlanCapacity.counterAssignment("houdini_license=2")
    #expect(counter?.name == "houdini_license")
    #expect(counter?.amount == 2)
    #expect(PlanCapacity.counterAssignment("a=b=1") == nil)
  }

  @Test(arguments: ["license", "=2", "license=", "license=-1", "license=1.5", "license=x"])
  func refusesWhatIsNotNameEqualsWholeAmount(text: String) {
    #expect(PlanCapacity.counterAssignment(text) == nil)
  }
}
