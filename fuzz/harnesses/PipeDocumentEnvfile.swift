import FlowCore

/// flow-envfile's reading path: any bytes give a document or an error; the variables of a
/// document read are merged (maps only: the fuzzer names no files) and what flow-envfile
/// would write reads back.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeDocumentEnvfile(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard var workflow = PipeDocumentFuzzing.read(data, size) else { return 0 }
  for index in workflow.stages.indices {
    workflow.stages[index].environment.variables.removeAll {
      if case .file = $0.content { return true }
      return false
    }
  }
  var pipe = EnvPipeDocument(
    options: EnvMergeOptions(expand: true, baseEnvironment: ["HOME": "/h"]), provenance: true)
  pipe.load(&workflow)
  if pipe.errors.isEmpty { PipeDocumentFuzzing.mustReadBack(workflow, after: "flow-envfile") }
  return 0
}
