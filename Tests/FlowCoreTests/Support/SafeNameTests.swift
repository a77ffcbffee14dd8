import Testing

@testable import FlowCore

@Suite struct SafeNameTests {
  @Test func plainNamesStayThemselves() {
    for name in ["fit", "a.b", "a_b", "fit-2", "_.hidden", "Plot.v2"] {
      #expect(SafeName.of(name) == name)
    }
  }

  /// `.hidden` and `_.hidden` once shared one log file (`_.hidden.log`).
  @Test func hiddenAndUnderscoreHiddenGetDifferentLogs() {
    #expect(SafeName.of(".hidden") != SafeName.of("_.hidden"))
    #expect(RunPreparation.logName(".hidden") != RunPreparation.logName("_.hidden"))
    #expect(SafeName.of(".hidden").hasPrefix("_hidden-"))
  }

  /// The same name maps to the same safe name run after run (a fixed hash, not a seed).
  @Test func theMappingIsStable() {
    #expect(SafeName.of(".hidden") == "_hidden-28280da0cdcb6865")
    #expect(SafeName.of("café") == "caf_-48e8823acfa40d89")
  }

  /// A 300-character name passed `flow-parse --check` and then failed at run time
  /// (ENAMETOOLONG for its log).
  @Test func longNamesAreBoundedAndStillDistinct() {
    let long = String(repeating: "x", count: 300)
    let other = String(repeating: "x", count: 299) + "y"
    #expect(SafeName.of(long).utf8.count <= SafeName.maximumLength)
    #expect(SafeName.of(long) != SafeName.of(other))
    #expect(SafeName.of(String(repeating: "y", count: 64)) == String(repeating: "y", count: 64))
    #expect(SafeName.of(String(repeating: "y", count: 65)).utf8.count <= SafeName.maximumLength)
  }

  /// Names that made one container name (`a.b`, `a_b`) or an invalid one (`café`).
  @Test func safeNamesAreValidContainerNames() {
    let names = ["a.b", "a_b", "café", "-x", ".", "", "a/b", "a b", "$(id)", "日本", "x\ny"]
    let safe = names.map(SafeName.of)
    #expect(Set(safe).count == names.count)
    for name in safe {
      let first = name.unicodeScalars.first!
      #expect(
        ("a"..."z").contains(first) || ("A"..."Z").contains(first)
          || ("0"..."9").contains(first) || first == "_")
      #expect(
        name.unicodeScalars.allSatisfy { scalar in
          ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
            || ("0"..."9").contains(scalar) || "_.-".unicodeScalars.contains(scalar)
        })
    }
  }

  /// A name chosen to equal another's hashed form is found, so a run can refuse it.
  @Test func clashesAreFound() {
    let crafted = SafeName.of(".hidden")
    #expect(SafeName.clashes(["a", ".hidden", crafted])! == (".hidden", crafted))
    #expect(SafeName.clashes(["a", ".hidden", "_.hidden", "a"]) == nil)
  }

}
