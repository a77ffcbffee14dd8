import FlowTestSupport
import Testing

@testable import FlowCore

/// Environment variables are byte strings: two names that differ only in Unicode
/// normalization are two variables through the merge and the pipe document.
@Suite struct EnvVariableNormalizationTests {
  @Test func namesThatDifferOnlyInNormalizationAreTwoVariablesInTheDocument() throws {
    var workflow = Workflow(
      source: "/w.yaml",
      stages: [
        Stage(
          name: "a",
          environment: Environment(variables: [
            VariableSource(.values([NameValue("CAF\u{C9}", "nfc")]), origin: .global),
            VariableSource(.values([NameValue("CAFE\u{301}", "nfd")]), origin: .stage),
          ]))
      ])
    var pipe = EnvPipeDocument(options: EnvMergeOptions())
    pipe.load(&workflow)
    #expect(pipe.errors == [])
    let merged = workflow.stages[0].environment.mergedVariables ?? []
    #expect(merged.map(\.value) == ["nfc", "nfd"])
    let read = try Workflow(documentBytes: workflow.documentText(), file: "d")
    #expect(read.stages[0].environment.mergedVariables?.map(\.value) == ["nfc", "nfd"])
  }

  @Test func aNameTheNextReaderWouldRefuseIsRefusedWhereItIsWritten() {
    var workflow = Workflow(
      source: "/w.yaml",
      stages: [
        Stage(
          name: "a",
          environment: Environment(variables: [
            VariableSource(.values([NameValue("A", "x\u{0}y")]), origin: .stage)
          ]))
      ])
    var pipe = EnvPipeDocument(options: EnvMergeOptions())
    pipe.load(&workflow)
    #expect(
      pipe.errors.map(\.description)
        == [
          "the pipe document output cannot carry 'A': the value of variable 'A' must not contain a NUL"
        ])
    #expect(workflow.stages[0].environment.mergedVariables == [])
  }

  @Test func filesWhosePathsDifferOnlyInNormalizationAreReadApart() throws {
    let folder = try TemporaryFolder()
    let composed = try folder.write("caf\u{E9}.env", "A=nfc\n")
    let decomposed = try folder.write("cafe\u{301}.env", "A=nfd\n")
    var loader = EnvFileLoader(dialect: .compose)
    #expect(loader.load(composed)?.entries.first?.value == "nfc")
    #expect(loader.load(decomposed)?.entries.first?.value == "nfd")
  }
}
