import FlowCore

import Glibc

/// TOML catalogues: any bytes give a catalogue or an error, never a crash. The input is
/// split at its first `#---` line into two files merged in order, read both ways: compiled
/// entry by entry from the files (`Catalogue(sources:)`, what the index build uses) and as
/// whole documents (`Catalogue(contents:)`). Both must give the same catalogue, or the same
/// error.
/// Where the two files are written: on tmpfs, removed when the fuzzer exits.
let scratch = scratchFolder("catalogue")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOMLCatalogue(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  _ = try? TOMLReader.parse(bytes)
  let marker = Array("\n#---\n".utf8)
  var parts = [bytes]
  if let cut = (0...max(0, bytes.count - marker.count)).first(where: {
    bytes.count >= marker.count && bytes[$0..<$0 + marker.count].elementsEqual(marker)
  }) {
    parts = [Array(bytes[..<(cut + 1)]), Array(bytes[(cut + marker.count)...])]
  }
  let folder = scratch
  var files: [String] = []
  for (number, part) in parts.enumerated() {
    let path = folder + "/c\(number).toml"
    guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
    guard fwrite(part, 1, part.count, file) == part.count, fclose(file) == 0 else {
      fatalError("cannot write \(path)")
    }
    files.append(path)
  }
  let compiled = Result { try Catalogue(sources: files) }
  let documents = Result { try Catalogue(contents: zip(files, parts).map { ($0, $1) }) }
  switch (compiled, documents) {
  case (.success(let fast), .success(let tree)):
    guard fast.names == tree.names, fast.problems == tree.problems,
      fast.versionCount == tree.versionCount
    else { fatalError("compiled and document catalogues differ") }
    for name in tree.names where fast.versions(of: name) != tree.versions(of: name) {
      fatalError("compiled and document catalogues differ on \(name)")
    }
  case (.failure(let fast), .failure(let tree)):
    guard "\(fast)" == "\(tree)" else {
      fatalError("compiled and document catalogues fail differently: \(fast) / \(tree)")
    }
  default:
    fatalError("only one way of reading the catalogue failed")
  }
  return 0
}
