import Testing

@testable import FlowCore

/// The YAML reader and the pipe document reader hold a workflow to the same rules
/// (`WorkflowRules`, `QuantityLimit`, `Workflow.stageProblems`).
@Suite struct WorkflowRulesTests {
  let fixture: WorkflowFixture

  init() throws {
    fixture = try WorkflowFixture()
  }

  /// The document reader's message for a document text, or nil when it reads.
  func documentProblem(_ text: String) -> String? {
    do throws(DocumentError) {
      _ = try Workflow(documentBytes: Array(text.utf8), file: "d")
      return nil
    } catch {
      return error.description
    }
  }

  @Test func imagesAndPackageNamesWithUnicodeSpacesAreRefused() {
    #expect(WorkflowRules.problemWithImage("img\u{2003}x") != nil)
    #expect(WorkflowRules.problemWithImage("img\u{A0}x") != nil)
    #expect(WorkflowRules.problemWithImage("img\u{0B}x") != nil)
    #expect(WorkflowRules.problemWithImage("registry.example.org/root:6.30") == nil)
    #expect(WorkflowRules.problemWithPackageName("py\u{3000}thon") != nil)
    #expect(WorkflowRules.problemWithPackageName("café") == nil)
  }

  func stage(_ fields: String) -> String {
    #"{"flow": 1, "source": "s", "stages": [{"name": "a", "# + fields + "}]}"
  }

  @Test func canonicallyEquivalentStageNamesAreDuplicatesInYAMLWithBothPositions() {
    #expect(
      fixture.problems("stages:\n  - name: caf\u{E9}\n  - name: cafe\u{301}\n")
        == [
          "w.yaml:3:5: duplicate stage name 'cafe\u{301}' (first at 2:5), the same name in another Unicode form"
        ])
  }

  @Test func eachNumberAtItsBoundReadsAndOnePastIsRefusedInYAML() {
    let cases: [(String, String, String)] = [
      ("environment: {resources: {cpu: %@}}", "1000000", "1000000.5"),
      ("environment: {resources: {memory: %@}}", "1Pi", "1125899906842625"),
      ("environment: {resources: {gpu: %@}}", "4096", "4097"),
      ("environment: {resources: {licence: %@}}", "1000000000", "1000000001"),
      ("duration: %@", "3650d", "3650d1s"),
      ("timeout: %@", "315360000", "315360001"),
    ]
    for (field, at, past) in cases {
      let text = { (value: String) in
        "stages:\n  - name: a\n    " + field.replacing("%@", with: value)
      }
      #expect(fixture.problems(text(at)) == [], "\(field) \(at)")
      let problems = fixture.problems(text(past))
      #expect(
        problems.count == 1 && problems[0].contains("is more than the limit of"), "\(problems)")
    }
    #expect(
      fixture.problems("stages:\n  - name: a\n    environment: {resources: {cpu: 1e19}}")
        == ["w.yaml:3:36: cpu 1e+19 is more than the limit of 1000000 cpus"])
    #expect(
      fixture.problems("stages:\n  - name: a\n    timeout: \(String(repeating: "9", count: 400))")
        == ["w.yaml:3:14: timeout inf is more than the limit of 315360000 seconds"])
  }

  @Test func aStageNameOf200BytesReadsAndLongerIsRefused() {
    #expect(fixture.problems("stages:\n  - name: \(String(repeating: "é", count: 100))") == [])
    #expect(
      fixture.problems("stages:\n  - name: \(String(repeating: "é", count: 101))")
        == [
          "w.yaml:2:11: stage name '\(String(repeating: "é", count: 40))...' is 202 bytes long: at most 200"
        ])
  }

  @Test func variableNamesAndPackageNamesFollowOneRuleInYAML() {
    #expect(
      fixture.problems("stages:\n  - name: a\n    environment: {variables: {\"A=B\": x}}")
        == ["w.yaml:3:31: variable name 'A=B' must not contain '='"])
    #expect(
      fixture.problems("stages:\n  - name: a\n    environment: {variables: {A: \"x\\0y\"}}")
        == ["w.yaml:3:34: the value of variable 'A' must not contain a NUL"])
    #expect(
      fixture.problems("stages:\n  - name: a\n    environment: {requirements: {\"a b\": \"1\"}}")
        == [
          "w.yaml:3:34: package name 'a b' must not contain spaces, control or operator characters"
        ])
  }

  @Test func variablesWhoseNamesDifferOnlyInNormalizationAreTwoVariables() throws {
    let workflow = try fixture.read(
      "stages:\n  - name: a\n    environment: {variables: {CAF\u{C9}: nfc, CAFE\u{301}: nfd}}")
    guard case .values(let values) = workflow.stages[0].environment.variables.first?.content else {
      Issue.record("no values")
      return
    }
    #expect(values.map(\.value) == ["nfc", "nfd"])
    let text = workflow.documentText()
    let again = try Workflow(documentBytes: text, file: "d")
    guard case .values(let read) = again.stages[0].environment.variables.first?.content else {
      Issue.record("no values")
      return
    }
    #expect(read.map(\.value) == ["nfc", "nfd"])
  }

  @Test func theDocumentReaderClosesWhatTheYAMLReaderRefuses() {
    let cases: [(String, String)] = [
      (
        #""environment": {"image": "-rm"}"#,
        "d:1:39: stages[0].environment.image: image '-rm' must not start with '-'"
      ),
      (
        #""environment": {"resources": {"counters": {"cpu": 1}}}"#,
        "d:1:39: stages[0].environment.resources.counters.cpu: 'cpu' is a built-in resource, not a named counter"
      ),
      (
        #""environment": {"resources": {"counters": {"l\u00e9": 1, "le\u0301": 1}}}"#,
        "d:1:39: stages[0].environment.resources.counters.le\u{301}: counter 'le\u{301}' is given twice in another Unicode form"
      ),
      (
        #""environment": {"requirements": [{"package": "a b"}]}"#,
        "d:1:39: stages[0].environment.requirements[0].package: package name 'a b' must not contain spaces, control or operator characters"
      ),
      (
        #""environment": {"requirements": [{"package": "a"}, {"package": "a", "spec": "1"}]}"#,
        "d:1:39: stages[0].environment.requirements[1].package: package 'a' is required twice (first at stages[0].environment.requirements[0])"
      ),
      (
        #""environment": {"variables": {"merged": {"A=": "1"}}}"#,
        "d:1:39: stages[0].environment.variables.merged.A=: variable name 'A=' must not contain '='"
      ),
      (
        #""resolution": {"actions": [{"action": "set", "variable": "", "value": "v"}]}"#,
        "d:1:39: stages[0].resolution.actions[0].variable: a variable name must not be empty"
      ),
      (#""timeout": -1"#, "d:1:39: stages[0].timeout: timeout must be a number 0 or more, not -1"),
      (
        #""plan": {"order": 1, "start": -1}"#,
        "d:1:39: stages[0].plan.start: start must not be negative"
      ),
      (
        #""name": "a\u0001b""#,
        "d:1:39: stages[0].name: stage name must not contain control characters"
      ),
    ]
    for (fields, message) in cases {
      // A second "name" would be a duplicate key: the name case replaces the first.
      let text =
        fields.hasPrefix(#""name""#)
        ? #"{"flow": 1, "source": "s", "stages": [{"# + fields + "}]}" : stage(fields)
      #expect(documentProblem(text) == message)
    }
  }

  @Test func theDocumentLocatorFindsStagesPastStringsThatLookLikeJSON() {
    let text = """
      {"source": "s", "x": {"a": "[{\\"]}"}, "flow": 1,
        "stages": [ {"name": "a", "kwargs": {"k": ["]", "}"]}},
          {"name": "a"}]}
      """
    #expect(
      documentProblem(text)
        == "d:3:5: stages[1].name: duplicate stage name 'a' (first at 2:15, stages[0])")
  }

  @Test func bothSchemasStateTheReadersBounds() {
    let resources =
      DocumentSchema.document["definitions"]?["environment"]?["properties"]?["resources"]?[
        "properties"]
    #expect(resources?["cpu"]?["maximum"]?.doubleValue == QuantityLimit.maximumCPUs)
    #expect(resources?["memory"]?["maximum"]?.integerValue == QuantityLimit.maximumMemory)
    #expect(
      DocumentSchema.document["definitions"]?["stageSeconds"]?["maximum"]?.doubleValue
        == QuantityLimit.maximumSeconds)
    let yaml = WorkflowSchema.document["definitions"]?["resources"]?["properties"]
    #expect(yaml?["gpus"]?["maximum"]?.integerValue == QuantityLimit.maximumGPUs)
    #expect(
      WorkflowSchema.document["definitions"]?["stage"]?["properties"]?["name"]?["maxLength"]?
        .integerValue == Int64(WorkflowRules.maximumStageNameBytes))
  }

  @Test func aLongCycleIsToldOnOneLineWithItsMiddleLeftOut() {
    let stages = (0..<30).map { #"{"name": "s\#($0)", "needs": ["s\#(($0 + 29) % 30)"]}"# }
    let text = #"{"flow": 1, "source": "s", "stages": ["# + stages.joined(separator: ",") + "]}"
    let path = ["s0"] + (1..<30).reversed().map { "s\($0)" } + ["s0"]
    let shown = path.prefix(10) + ["... 11 more ..."] + path.suffix(10)
    #expect(
      documentProblem(text)
        == "d:1:39: stages[0].needs: stages depend on each other in a cycle: "
        + shown.joined(separator: " -> "))
  }

  /// `=` followed by a combining mark is one character that is not `=`, but its byte
  /// would still end the name in the environment entry.
  @Test func aVariableNameWithAnEqualsByteBeforeACombiningMarkIsRefused() {
    #expect(WorkflowRules.problemWithVariableName("A=\u{301}B") != nil)
    #expect(WorkflowRules.problemWithVariableName("A=B") != nil)
    #expect(WorkflowRules.problemWithVariableName("ÉTÉ") == nil)
  }

  @Test func aStagePathWithAParentComponentOrAControlCharacterIsRefused() {
    for path in ["..", "../a", "a/..", "a/../b", "a//../b"] {
      #expect(
        WorkflowRules.problemWithStagePath(path, key: "inputs")?.contains("no '..'") == true,
        "\(path)")
    }
    for path in ["a..", "..a", "a/.../b", "...", "a/.b/c", "./a", "é/..é"] {
      #expect(WorkflowRules.problemWithStagePath(path, key: "inputs") == nil, "\(path)")
    }
    for path in ["a\tb", "a\u{7F}", "é\nx"] {
      #expect(
        WorkflowRules.problemWithStagePath(path, key: "outputs")?.contains("control") == true,
        "\(path)")
    }
  }
}
