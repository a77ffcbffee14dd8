import Testing

@testable import FlowCore

@Suite struct SuggestionTests {
  @Test func suggestsTheNearestName() {
    #expect(
      Suggestion.closest(to: "enviroment", among: ["environment", "executor"]) == "environment")
    #expect(Suggestion.closest(to: "nedes", among: ["needs", "name"]) == "needs")
    #expect(Suggestion.closest(to: "fitt", among: ["fit", "plot"]) == "fit")
  }

  @Test func staysQuietWhenNothingIsClose() {
    #expect(Suggestion.closest(to: "houdini_license", among: ["memory", "cpu"]) == nil)
    #expect(Suggestion.hint(for: "zzz", among: ["name"]) == "")
    // A word of one letter has no typo that keeps a letter of it.
    #expect(Suggestion.closest(to: "a", among: ["b", "ab"]) == nil)
    #expect(Suggestion.closest(to: "ab", among: ["ba"]) == "ba")
  }

  @Test func findsTheNearestResourceAmongCandidatesOfOtherLengths() {
    let resources = ["memory", "cpu", "cpus", "gpu", "gpus", "process_on"]
    #expect(Suggestion.closest(to: "memry", among: resources) == "memory")
    #expect(Suggestion.closest(to: "Memory", among: resources) == "memory")
    #expect(Suggestion.closest(to: "procss_on", among: resources) == "process_on")
    #expect(Suggestion.closest(to: "cpuss", among: resources) == "cpus")
    #expect(Suggestion.closest(to: "houdini_license", among: resources) == nil)
  }

  @Test func countsASwapAsOneEdit() {
    #expect(Suggestion.editDistance("nmae", "name") == 1)
  }

  /// Candidates of ASCII too long or short are passed over by their length alone; others
  /// are still compared letter by letter after lowercasing.
  @Test func comparesOtherScriptsAfterLowercasing() {
    #expect(Suggestion.closest(to: "gpus", among: ["gpu_memory", "GPU"]) == "GPU")
    #expect(Suggestion.closest(to: "cafe", among: ["CAFÉ", "coffee_house"]) == "CAFÉ")
    #expect(Suggestion.closest(to: "houdini_licence", among: ["memory", "cpu", "gpu"]) == nil)
  }
}
