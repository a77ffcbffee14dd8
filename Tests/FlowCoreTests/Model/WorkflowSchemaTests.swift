import Testing

@testable import FlowCore

/// The workflow schema names every key `WorkflowReader` accepts, at the place it accepts it.
@Suite struct WorkflowSchemaTests {
  let schema = WorkflowSchema.document

  func properties(_ path: [String]) -> Set<String> {
    var value: JSONValue? = schema
    for key in path { value = value?[key] }
    return Set(value?["properties"]?.objectValue?.keys ?? [])
  }

  @Test func topLevelKeys() {
    let missing = Set(WorkflowReader.topLevelKeys).subtracting(properties([]))
    #expect(missing.isEmpty, "not in the schema: \(missing.sorted())")
  }

  @Test func stageKeys() {
    let missing = Set(WorkflowReader.stageKeys).subtracting(properties(["definitions", "stage"]))
    #expect(missing.isEmpty, "not in the schema: \(missing.sorted())")
  }

  @Test func environmentKeys() {
    let stage = Set(WorkflowReader.environmentKeys).subtracting(
      properties(["definitions", "environment"]))
    #expect(stage.isEmpty, "not in the schema: \(stage.sorted())")
    let global = Set(WorkflowReader.environmentKeys + WorkflowReader.globalOnlyKeys).subtracting(
      properties(["definitions", "global"]))
    #expect(global.isEmpty, "not in the schema: \(global.sorted())")
  }

  @Test func resourceKeys() {
    let missing = Set(WorkflowReader.resourceKeys).subtracting(
      properties(["definitions", "resources"]))
    #expect(missing.isEmpty, "not in the schema: \(missing.sorted())")
  }
}
