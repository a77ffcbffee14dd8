import FlowCore

/// TOML catalogues: any bytes give a catalogue or an error, never a crash, and a
/// catalogue answers requests for every package it holds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOMLCatalogue(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  _ = try? TOMLReader.parse(Array(UnsafeBufferPointer(start: data, count: size)))
  guard let catalogue = try? Catalogue(texts: [("fuzz.toml", text)]) else { return 0 }
  for name in catalogue.names.prefix(8) {
    for entry in catalogue.versions(of: name).prefix(8) { _ = entry.version.description }
  }
  return 0
}
