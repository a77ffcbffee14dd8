import Foundation
import Testing

@testable import FlowCore

@Suite struct EnvPipeDocumentTests {
  func document(_ sources: [JSONValue], extra: JSONValue = .null) -> JSONValue {
    .object(
      JSONObject([
        ("flow", .integer(1)), ("source", .string("workflow")),
        (
          "stages",
          .array([
            .object(
              JSONObject([
                ("name", .string("fit")), ("extra", extra),
                (
                  "environment",
                  .object(
                    JSONObject([
                      ("image", .null),
                      ("variables", .object(JSONObject([("sources", .array(sources))]))),
                    ]))
                ),
              ]))
          ])
        ),
      ]))
  }

  func file(_ path: String, origin: String = "stage") -> JSONValue {
    .object(JSONObject([("file", .string(path)), ("origin", .string(origin))]))
  }

  func values(_ pairs: [(String, String)], origin: String = "stage") -> JSONValue {
    .object(
      JSONObject([
        ("values", .object(JSONObject(pairs.map { ($0.0, JSONValue.string($0.1)) }))),
        ("origin", .string(origin)),
      ]))
  }

  /// The document with every stage's variables loaded by `pipe`.
  func load(_ pipe: inout EnvPipeDocument, _ document: JSONValue) throws -> JSONValue {
    var workflow = try Workflow(document: document, file: "document")
    pipe.load(&workflow)
    return workflow.document
  }

  func temporaryFile(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("flow-pipe-\(UUID().uuidString).env").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func globalThenFilesThenMapLaterWinning() throws {
    let global = try temporaryFile("A=global\nB=global\nC=global\n")
    let own = try temporaryFile("B=file\nD=${A}-${B}\n")
    defer {
      try? FileManager.default.removeItem(atPath: global)
      try? FileManager.default.removeItem(atPath: own)
    }
    var pipe = EnvPipeDocument(options: EnvMergeOptions())
    let loaded = try load(
      &pipe,
      document(
        [file(global, origin: "global"), file(own), values([("C", "map"), ("E", "${A}")])],
        extra: .string("kept")))
    #expect(pipe.errors.isEmpty)
    let stage = loaded["stages"]?.arrayValue?.first
    #expect(stage?["extra"] == .string("kept"))
    let merged = stage?["environment"]?["variables"]?["merged"]
    #expect(
      merged
        == .object(
          JSONObject([
            ("A", .string("global")), ("B", .string("file")), ("C", .string("map")),
            ("D", .string("global-file")), ("E", .string("${A}")),
          ])))
    #expect(stage?["environment"]?["image"] == .null)
  }

  @Test func provenanceNamesTheMap() throws {
    var pipe = EnvPipeDocument(options: EnvMergeOptions(), provenance: true)
    let loaded = try load(
      &pipe,
      document([values([("K", "1")], origin: "global"), values([("K", "2")])]))
    let merged = loaded["stages"]?.arrayValue?.first?["environment"]?["variables"]?["merged"]
    #expect(
      merged?["K"]?["from"] == .object(JSONObject([("map", .string("variables of stage 'fit'"))])))
    #expect(merged?["K"]?["overrides"]?.arrayValue?.first?["map"] == .string("global variables"))
  }

  @Test func missingFileIsAnErrorUnlessOptional() throws {
    var pipe = EnvPipeDocument(options: EnvMergeOptions())
    _ = try load(&pipe, document([file("/nonexistent/flow.env")]))
    #expect(pipe.errors.exitStatus == .noInput)
    #expect(
      pipe.errors.map(\.description) == [
        "workflow: variables file '/nonexistent/flow.env': no such file or directory"
      ])
    var optional = EnvPipeDocument(options: EnvMergeOptions())
    let source = JSONValue.object(
      JSONObject([("file", .string("/nonexistent/flow.env")), ("optional", .bool(true))]))
    let loaded = try load(&optional, document([source]))
    #expect(optional.errors.isEmpty)
    // The flag survives the trip through the model.
    let sources = loaded["stages"]?.arrayValue?.first?["environment"]?["variables"]?["sources"]
    #expect(sources?.arrayValue?.first?["optional"] == .bool(true))
  }

  @Test func somethingOtherThanAFlowDocumentIsAnError() {
    #expect(throws: DocumentError.self) {
      _ = try Workflow(document: .object(JSONObject()), file: "document")
    }
    #expect(throws: DocumentError.self) {
      _ = try Workflow(
        document: .object(JSONObject([("flow", .integer(1)), ("stages", .string("none"))])),
        file: "document")
    }
  }
}
