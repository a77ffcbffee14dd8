import Testing

@testable import FlowCore

@Suite struct ComposeExpansionTests {
  let environment = ["SET": "s", "EMPTY": ""]

  func expand(_ template: String) throws(ExpansionFailure) -> String {
    try ComposeExpansion.expand(template) { environment[$0] }
  }

  @Test(arguments: [
    ("$SET/x", "s/x"), ("${SET}x", "sx"), ("$UNSET.", "."), ("a$$b", "a$b"), ("$$SET", "$SET"),
    ("${UNSET:-d}", "d"), ("${EMPTY:-d}", "d"), ("${EMPTY-d}", ""), ("${UNSET-d}", "d"),
    ("${SET:-d}", "s"), ("${SET:+a}", "a"), ("${EMPTY:+a}", ""), ("${EMPTY+a}", "a"),
    ("${UNSET+a}", ""), ("${UNSET:-${SET}}", "s"), ("${UNSET:-${UNSET2:-${SET}x}y}", "sxy"),
    ("${SET:?m}", "s"), ("${EMPTY?m}", ""), ("$(echo hi)", "$(echo hi)"),
    ("`echo hi`", "`echo hi`"),
    ("cost $5", "cost $5"), ("end$", "end$"), ("${UNSET:-a}}", "a}"), ("${UNSET:-{x}}", "{x}"),
    ("${UNSET:+${UNSET:?never}}", ""), ("${UNSET:-$SET}", "s"),
  ])
  func forms(_ template: String, _ expected: String) throws {
    #expect(try expand(template) == expected)
  }

  @Test func requiredVariables() {
    #expect(throws: ExpansionFailure.required(name: "UNSET", message: "give it")) {
      try expand("${UNSET:?give it}")
    }
    #expect(throws: ExpansionFailure.required(name: "EMPTY", message: "")) {
      try expand("${EMPTY:?}")
    }
    #expect(throws: ExpansionFailure.required(name: "UNSET", message: "s!")) {
      try expand("${UNSET?${SET}!}")
    }
  }

  @Test func malformedSubstitutions() {
    #expect(throws: ExpansionFailure.unterminated) { try expand("${SET") }
    #expect(throws: ExpansionFailure.unterminated) { try expand("${UNSET:-${SET}") }
    #expect(throws: ExpansionFailure.invalid("${1X}")) { try expand("${1X}") }
    #expect(throws: ExpansionFailure.invalid("${SET=x}")) { try expand("${SET=x}") }
    #expect(throws: ExpansionFailure.invalid("${}")) { try expand("${}") }
  }

  @Test func deepNestingIsRefusedNotACrash() throws {
    let deep =
      String(repeating: "${UNSET:-", count: 100_000) + "x" + String(repeating: "}", count: 100_000)
    #expect(throws: ExpansionFailure.tooDeep) { try expand(deep) }
    let fine = String(repeating: "${UNSET:-", count: 64) + "x" + String(repeating: "}", count: 64)
    #expect(try expand(fine) == "x")
  }

  @Test func expansionErrorsNameKeyAndLine() {
    let result = merged("A=1\nB=${NOPE:?missing}\n")
    #expect(result.errors.map(\.description) == ["t.env:2:1: value of 'B' needs 'NOPE': missing"])
    #expect(result.errors.first?.exitStatus == .dataError)
  }

  /// docker compose asks the host environment before the keys read earlier in the file.
  @Test func baseEnvironmentThenEarlierKeys() {
    let text =
      "A=file\nB=${A}-${HOST_ONLY}\nA=again\nC=$A\nD=${FILE_ONLY}\nFILE_ONLY=f\nE=$FILE_ONLY\n"
    let result = values(text, environment: ["A": "host", "HOST_ONLY": "h"])
    #expect(result["A"] == "again")
    #expect(result["B"] == "host-h")
    #expect(result["C"] == "host")
    #expect(result["E"] == "f")
    #expect(values("A=1\nB=${A}\n", environment: ["A": "5"])["B"] == "5")
    #expect(values("A=${A:-1}\nB=$A\n", environment: ["A": "5"]) == ["A": "5", "B": "5"])
  }

  /// Taking a name from the environment while the file defined it earlier with another
  /// value is a warning that names both places; the same value, or no earlier key, is not.
  @Test func environmentShadowingAnEarlierKeyIsAWarning() {
    let result = merged("A=1\nB=${A}\nC=$A$A\n", environment: ["A": "5"])
    #expect(result.values["B"] == "5")
    #expect(
      result.warnings.map(\.description) == [
        "t.env:2:1: 'B' takes 'A' from the environment, not from t.env:1:1: compose reads the environment first",
        "t.env:3:1: 'C' takes 'A' from the environment, not from t.env:1:1: compose reads the environment first",
      ])
    #expect(merged("A=5\nB=${A}\n", environment: ["A": "5"]).warnings.isEmpty)
    #expect(merged("B=${A}\n", environment: ["A": "5"]).warnings.isEmpty)
    #expect(merged("A=1\nB=${A}\n", .python, environment: ["A": "5"]).warnings.isEmpty)
  }

  @Test func selfReferenceSeesTheHostThenTheEarlierDefinition() {
    #expect(values("P=/a\nP=$P:/b\n", environment: ["P": "/host"])["P"] == "/host:/b")
    #expect(values("P=/a\nP=$P:/b\n")["P"] == "/a:/b")
  }

  @Test func forwardReferenceIsAWarning() {
    let result = merged("A=${B:-none}\nB=2\n")
    #expect(result.values["A"] == "none")
    #expect(
      result.warnings.map(\.description) == [
        "t.env:1:1: 'A' refers to 'B', which is defined only later (t.env:2:1)"
      ])
  }

  /// A value that names its own key refers to no later definition, though the key is
  /// defined only once the value is known, and defined again further on.
  @Test func selfReferenceIsNoForwardReference() {
    #expect(merged("A=${A:-none}\nA=2\n").warnings.isEmpty)
    let result = merged("A=${A:-x}${B:-y}\nB=${B}\nB=1\n")
    #expect(result.values["A"] == "xy")
    #expect(
      result.warnings.map(\.description) == [
        "t.env:1:1: 'A' refers to 'B', which is defined only later (t.env:2:1)"
      ])
  }

  /// A default's own braces are text: `${V:-{"a":1}}` ends at its last brace, set or not.
  @Test func bracesInsideAWordArePaired() throws {
    let json = #"{"json":2}"#
    #expect(values(#"R=ok ${JSON:-{"json":1}}"#, environment: ["JSON": json])["R"] == "ok \(json)")
    #expect(values(#"R=ok ${JSON-{"json":1}}"#, environment: ["JSON": json])["R"] == "ok \(json)")
    #expect(values(#"R=ok ${JSON:-{"json":1}}"#)["R"] == #"ok {"json":1}"#)
    #expect(values(#"R=${X:+{a}{b}}!"#, environment: ["X": "1"])["R"] == "{a}{b}!")
  }

  @Test func noExpandKeepsTemplates() {
    #expect(values("A=${X:-d} $$", expand: false) == ["A": "${X:-d} $$"])
  }

  @Test func singleQuotedValuesAreNotExpanded() {
    #expect(values("A='$X'", environment: ["X": "v"]) == ["A": "$X"])
  }
}
