import FlowCore

/// The pipe document: any bytes give a workflow or an error; a workflow read holds to
/// flow-parse's rules, and encodes and reads again to the same document.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeDocument(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard let workflow = PipeDocumentFuzzing.read(data, size) else { return 0 }
  let encoded = JSONCodec.encode(workflow.document)
  guard let again = try? Workflow(documentBytes: encoded, file: "again.json") else {
    fatalError("a document this library wrote does not read back")
  }
  if JSONCodec.encode(again.document) != encoded {
    fatalError("a document changes when read back")
  }
  return 0
}
