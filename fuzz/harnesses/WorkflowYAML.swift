import FlowCore

/// Workflow YAML: any bytes give a workflow or problems, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkflowYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  if let workflow = try? WorkflowReader.read(
    bytes, file: "fuzz.yaml", source: "/fuzz/fuzz.yaml", baseDirectory: "/fuzz")
  {
    _ = JSONCodec.encode(workflow.document)
  }
  return 0
}
