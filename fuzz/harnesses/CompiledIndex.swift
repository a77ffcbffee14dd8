import FlowCore
import Glibc

/// The compiled catalogue index, damaged in memory by the input and opened as flow-resolve
/// opens a file (`CatalogueIndex.open(sources:copying:)`: the same checks, without writing a
/// file for every input). The first input byte chooses the damage to a valid index: 0 the
/// rest of the input replaces it; 1 it is cut to a length the input gives; 2 the input's
/// (offset, byte) pairs are XORed into it; 3 the same within its data, then sealed afresh
/// (`IndexSeal`), as only a file written on purpose would be. For 0 to 2 the damage must be
/// noticed (the index rebuilt, as every block is read) and every answer be the catalogue's
/// own; for 3 the index's bounds-checked reads must still never trap, whatever they answer.
let catalogueText = """
  [packages.app."1.0.0"]
  label = "App"
  env.PATH.prepend = ["/opt/app1/bin"]
  requires = ["lib >=2.0, <3"]

  [packages.app."1.1.0-rc.1"]
  priority = 60
  requires = ["lib ^2.1.0 || ^3.0.0", "tool"]
  conflicts = ["old"]

  [packages.lib."2.0.0"]
  env.LIB = "/opt/lib2"

  [packages.lib."2.1.5"]
  env.LIB.set = ["/opt/lib21", "/opt/extra"]

  [packages.lib."3.0.0"]
  requires = ["tool ~=1.2"]

  [packages.tool."1.2.0"]
  [packages.tool."1.3.0"]
  env.TOOL.append = "/opt/tool"

  [packages.old."0.9.0"]

  [packages.plug."1.0.0"]
  env.PLUG = "/opt/plug"
  variants = [["lib <3"], { requires = ["tool", "!old"], env = { PLUG_MODE = "tool" } }]
  """

let packageNames = ["app", "lib", "tool", "old", "missing", "plug"]
/// The requests solved on every input, read once: reading them is no part of what is tested.
let requests = [
  ["app"], ["app ==1.1.0-rc.1", "old"], ["lib <2.1", "tool"], ["missing"], ["plug", "tool"],
].map { request in
  request.map { text in
    guard let requirement = try? PackageRequirement(parsing: text) else {
      fatalError("cannot read the request \(text)")
    }
    return requirement
  }
}

/// Where the catalogue and its reference index live: on tmpfs, removed when the fuzzer exits.
let scratch = scratchFolder("index")
let cataloguePath = scratch + "/catalogue.toml"
let indexPath = scratch + "/catalogue.index"

func writeFile(_ path: String, _ bytes: [UInt8]) {
  unlink(path)
  let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
  guard descriptor >= 0, write(descriptor, bytes, bytes.count) == bytes.count,
    close(descriptor) == 0
  else { fatalError("cannot write \(path)") }
}

func readFile(_ path: String) -> [UInt8] {
  guard let file = fopen(path, "rb") else { fatalError("cannot read \(path)") }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65536)
  while true {
    let count = fread(&buffer, 1, buffer.count, file)
    if count == 0 { break }
    bytes += buffer[..<count]
  }
  return bytes
}

/// What a source answers: every version of every package, in full, and a few solves.
/// Compared as values, not as text: describing entries by reflection cost more than the
/// rest of an execution.
struct Answers: Equatable {
  var keys: [[String]] = []
  var entries: [PackageVersion?] = []
  var solves: [String] = []
}

func answers(_ source: any PackageSource) -> Answers {
  var found = Answers()
  for name in packageNames {
    let table = source.candidateTable(of: name)
    found.keys.append(table.keys)
    for number in 0..<table.count {
      found.entries.append(source.entry(of: name, at: number))
    }
  }
  for request in requests {
    do {
      let chosen = try Solver.solve(request, source: source)
      found.solves.append(chosen.map { "\($0.name) \($0.key)" }.joined(separator: ", "))
    } catch {
      found.solves.append("\(error)")
    }
  }
  return found
}

/// The valid index, the length of its data and the catalogue's own answers, made once.
let reference: (index: [UInt8], dataLength: Int, answers: Answers) = {
  writeFile(cataloguePath, Array(catalogueText.utf8))
  guard (try? CatalogueIndex.open(sources: [cataloguePath], at: indexPath)) != nil,
    let catalogue = try? Catalogue(sources: [cataloguePath])
  else { fatalError("the reference catalogue cannot be read") }
  let index = readFile(indexPath)
  guard let dataLength = IndexSeal.dataLength(of: index) else {
    fatalError("the reference index has no seal")
  }
  return (index, dataLength, answers(CatalogueSource(catalogue)))
}()

/// The valid index damaged as the input says.
func damaged(_ input: [UInt8]) -> (bytes: [UInt8], sealed: Bool) {
  var bytes = reference.index
  guard let mode = input.first else { return (bytes, false) }
  let rest = Array(input.dropFirst())
  switch mode % 4 {
  case 0:
    return (rest, false)
  case 1:
    let length = rest.prefix(4).reduce(0) { $0 << 8 | Int($1) }
    return (Array(bytes.prefix(length % (bytes.count + 1))), false)
  default:
    let sealed = mode % 4 == 3
    if sealed { bytes.removeLast(bytes.count - reference.dataLength) }
    var position = 0
    while position + 2 < rest.count {
      let offset = (Int(rest[position]) << 8 | Int(rest[position + 1])) % bytes.count
      bytes[offset] ^= rest[position + 2]
      position += 3
    }
    if sealed { IndexSeal.seal(&bytes) }
    return (bytes, sealed)
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCompiledIndex(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let input = Array(UnsafeBufferPointer(start: data, count: size))
  let (bytes, sealed) = damaged(input)
  guard let index = try? CatalogueIndex.open(sources: [cataloguePath], copying: bytes) else {
    fatalError("the index cannot be opened although its catalogue is fine")
  }
  let found = answers(index)
  if sealed { return 0 }
  if bytes != reference.index && !index.rebuilt {
    fatalError("a damaged index was believed")
  }
  if found != reference.answers {
    fatalError("the index answers otherwise than its catalogue:\n\(found)\n\(reference.answers)")
  }
  return 0
}
