import FlowCore

/// flow-resolve's reading path: any bytes give a document or an error; the requirements
/// of a document read are solved against a small catalogue and what flow-resolve would
/// write reads back.
let catalogue: CatalogueSource = {
  let text = """
    [packages."houdini"."20.0.506"]
    env.HFS = "/opt/hfs20.0.506"
    env.PATH.prepend = "$HFS/bin"
    requires = ["python ~=3.10"]

    [packages."python"."3.10.13"]
    priority = 60
    env.PATH.prepend = "/opt/python3.10/bin"

    [packages."root"."6.30.2"]
    env.ROOTSYS.set = "/opt/root"
    env.LD_LIBRARY_PATH.append = "$ROOTSYS/lib"
    """
  // The text is a constant of this file, so it always reads.
  return CatalogueSource(try! Catalogue(texts: [("fuzz.toml", text)]))
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeDocumentResolve(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard var workflow = PipeDocumentFuzzing.read(data, size) else { return 0 }
  let resolution = PipeResolution(source: catalogue, explain: size % 2 == 0)
  guard (try? resolution.annotate(&workflow)) != nil else { return 0 }
  PipeDocumentFuzzing.mustReadBack(workflow, after: "flow-resolve")
  return 0
}
