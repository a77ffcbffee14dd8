import FlowCore

/// The pipe document: any bytes give a workflow or an error; a workflow read back
/// encodes and reads again to the same document.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeDocument(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  guard let workflow = try? Workflow(documentBytes: bytes, file: "fuzz.json") else { return 0 }
  let encoded = JSONCodec.encode(workflow.document)
  guard let again = try? Workflow(documentBytes: encoded, file: "again.json") else {
    fatalError("a document this library wrote does not read back")
  }
  if JSONCodec.encode(again.document) != encoded {
    fatalError("a document changes when read back")
  }
  return 0
}
