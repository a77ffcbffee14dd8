import Testing

@testable import FlowCore

@Suite struct StageSelectionTests {
  /// a → b → d, a → c, e alone.
  let workflow = Workflow(
    source: "/w.yaml",
    stages: [
      Stage(name: "a"), Stage(name: "b", needs: ["a"]), Stage(name: "c", needs: ["a"]),
      Stage(name: "d", needs: ["b"]), Stage(name: "e"),
    ])

  @Test func everythingByDefault() throws {
    #expect(try StageSelection().select(workflow) == [0, 1, 2, 3, 4])
  }

  @Test func oneStageOrSome() throws {
    #expect(try StageSelection(stage: "c").select(workflow) == [2])
    #expect(try StageSelection(only: ["e", "b"]).select(workflow) == [1, 4])
  }

  @Test func fromAStageTakesEverythingAfterIt() throws {
    #expect(try StageSelection(from: ["b"]).select(workflow) == [1, 3])
    #expect(try StageSelection(from: ["a"]).select(workflow) == [0, 1, 2, 3])
  }

  @Test func anUnknownNameSuggestsTheClosest() {
    #expect(throws: ExecError.unknownStage("dd", suggestion: "d")) {
      try StageSelection(stage: "dd").select(workflow)
    }
  }

  @Test func aStageMayBeNamedByItsTaskNameWhenThatNamesOne() throws {
    let named = Workflow(
      source: "/w.yaml",
      stages: [
        Stage(name: "touch /tmp/date.txt"), Stage(name: "a b"), Stage(name: "a/b"),
      ])
    #expect(try StageSelection(only: ["touch__tmp_date_txt"]).select(named) == [0])
    #expect(try StageSelection(stage: "a/b").select(named) == [2])
    #expect(throws: ExecError.self) { try StageSelection(stage: "a_b").select(named) }
  }
}
