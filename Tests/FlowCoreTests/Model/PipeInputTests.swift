import Testing

@testable import FlowCore

@Suite struct PipeInputTests {
  @Test func emptyOrBlankInputIsNoDocument() {
    #expect(Workflow.misplacedInput([]) == .empty)
    #expect(Workflow.misplacedInput(Array(" \n\t\r\n".utf8)) == .empty)
  }

  /// Any YAML mapping is a workflow file (`stages:`, fasthep-flow's older `tasks:`); a
  /// pipe document starts with `{` and is never read as YAML.
  @Test func aYAMLMappingIsAWorkflowFile() {
    #expect(Workflow.misplacedInput(Array("stages:\n  - name: a\n".utf8)) == .workflowFile)
    #expect(Workflow.misplacedInput(Array("# note\ntasks: []\n".utf8)) == .workflowFile)
    #expect(Workflow.misplacedInput(Array(#"{"flow":1}"#.utf8)) == nil)
    #expect(Workflow.misplacedInput(Array("[1, 2]".utf8)) == nil)
    #expect(Workflow.misplacedInput(Array("stages: [\n".utf8)) == nil)
    #expect(Workflow.misplacedInput([0xEF, 0xBB, 0xBF] + Array(#"{"flow":1}"#.utf8)) == nil)
  }

  @Test func messagesSayWhichStepToRun() {
    #expect(
      PipeInputError(.empty, file: InputFile.standardInputName, tool: "flow-sched").description
        == "no document on standard input: did the step before fail?")
    #expect(
      PipeInputError(.workflowFile, file: "my w.yaml", tool: "flow-sched").description
        == "my w.yaml is a workflow file, not a pipe document: run flow-parse 'my w.yaml' | flow-sched"
    )
  }

  @Test func shellWordsAreQuotedOnlyWhenNeeded() {
    #expect(ShellWord.quotedIfNeeded("examples/diamond/w.yaml") == "examples/diamond/w.yaml")
    #expect(ShellWord.quotedIfNeeded("it's") == #"'it'\''s'"#)
    #expect(ShellWord.quotedIfNeeded("") == "''")
    #expect(ShellWord.quotedIfNeeded("$HOME") == "'$HOME'")
  }

  @Test func sourcesBelowTheCurrentFolderAreShownFromIt() {
    #expect(PathText.shown("/work/a/w.yaml", from: "/work") == "a/w.yaml")
    #expect(PathText.shown("/work/a/w.yaml", from: "/work/") == "a/w.yaml")
    #expect(PathText.shown("/workshop/w.yaml", from: "/work") == "/workshop/w.yaml")
    #expect(PathText.shown("<stdin>", from: "/") == "<stdin>")
    #expect(PathText.shown("/w.yaml", from: "/") == "w.yaml")
  }

  @Test func stagePlacesNameTheWorkflowFile() {
    var stage = Stage(name: "a")
    stage.position = SourcePosition(line: 2, column: 5)
    let workflow = Workflow(source: "/nowhere/w.yaml", stages: [stage])
    #expect(workflow.place(of: stage) == "/nowhere/w.yaml:2:5")
    #expect(workflow.place(of: Stage(name: "b")) == nil)
  }
}
