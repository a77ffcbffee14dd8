/// Reads catalogue files straight into a `CompiledCatalogue`, without the tree of any
/// document: each `[packages."NAME"."VERSION"]` table is gathered alone, as a small document
/// of its own under the same rules, and compiled as soon as the next header leaves it.
///
/// It follows the usual shape of a catalogue: entries written under headers, each once, new
/// packages and versions in later files. Anything else (an entry reopened after another or
/// written again by a later file, which a deep merge would combine; packages or versions
/// written as values or dotted keys; `[[packages…]]`; any error) ends the reading with nil,
/// and the caller reads the files as whole documents, which gives the same catalogue or the
/// error with its place.
final class CatalogueCompiler: TOMLDocumentHandler {
  typealias Key = TOMLDocumentBuilder.Key

  /// Where key/value lines go.
  private enum Target { case root, other, packages, entry }

  private struct OpenEntry {
    var package: Int
    var name: String
    var key: String
    var place: Int
    var line: Int
    var definedByHeader: Bool
    var builder: TOMLDocumentBuilder
  }

  private var catalogue = CompiledCatalogue()
  private var file = ""
  private var fileNumber = 0
  private var target = Target.root
  /// Everything outside `packages`, kept only to check that it is valid TOML.
  private var other = TOMLDocumentBuilder()
  /// Whether this file has a `[packages]` header, and its `[packages.NAME]` headers.
  private var packagesHeader = false
  private var packageHeaders: Set<String> = []
  private var entry: OpenEntry?
  /// The builder of the last entry, kept for the next so that its space is reused.
  private var spare: TOMLDocumentBuilder?
  private var followed = true

  /// The catalogue of `files`, merged in order, or nil when they must be read as documents.
  static func compile(_ files: [String]) -> CompiledCatalogue? {
    let compiler = CatalogueCompiler()
    for (number, file) in files.enumerated() {
      guard let bytes = CatalogueFiles.readBytes(file) else { return nil }
      compiler.begin(file, number: number)
      let read = bytes.withUnsafeBufferPointer { buffer in
        Result { () throws(TOMLError) in try TOMLReader.read(buffer, into: compiler) }
      }
      guard case .success = read, compiler.followed else { return nil }
      compiler.closeEntry()
    }
    guard compiler.catalogue.finish() else { return nil }
    return compiler.catalogue
  }

  private func begin(_ file: String, number: Int) {
    self.file = file
    fileNumber = number
    catalogue.addFile(file)
    target = .root
    other = TOMLDocumentBuilder()
    packagesHeader = false
    packageHeaders = []
  }

  func header(_ keys: [Key], isArray: Bool) throws(TOMLError) {
    guard keys[0].name == "packages" else {
      closeEntry()
      try other.header(keys, isArray: isArray)
      target = .other
      return
    }
    if keys.count < 3 {
      closeEntry()
      let new =
        keys.count == 1
        ? !packagesHeader : packageHeaders.insert(keys[1].name).inserted
      guard new, !isArray else { throw notFollowed(keys[0]) }
      packagesHeader = packagesHeader || keys.count == 1
      if keys.count == 2 { _ = catalogue.package(keys[1].name) }
      target = .packages
      return
    }
    let name = keys[1].name
    let key = keys[2].name
    let rest = Array(keys[3...])
    target = .entry
    if let open = entry, open.name == name, open.key == key {
      if !rest.isEmpty {
        try entry!.builder.header(rest, isArray: isArray)
      } else if open.definedByHeader || isArray {
        throw notFollowed(keys[2])
      } else {
        entry!.definedByHeader = true
        entry!.builder.directToRoot()
      }
      return
    }
    closeEntry()
    let package = catalogue.package(name)
    guard !(rest.isEmpty && isArray) else { throw notFollowed(keys[2]) }
    let place = catalogue.begin(of: package)
    var builder = spare.take() ?? TOMLDocumentBuilder()
    builder.reset(depth: 3)
    if !rest.isEmpty { try builder.header(rest, isArray: isArray) }
    entry = OpenEntry(
      package: package, name: name, key: key, place: place, line: keys[2].position.line,
      definedByHeader: rest.isEmpty, builder: builder)
  }

  func keyValue(_ keys: [Key], _ value: TOMLValue) throws(TOMLError) {
    switch target {
    case .root:
      if keys[0].name == "packages" { throw notFollowed(keys[0]) }
      try other.keyValue(keys, value)
    case .other:
      try other.keyValue(keys, value)
    case .packages:
      throw notFollowed(keys[0])
    case .entry:
      try entry!.builder.keyValue(keys, value)
    }
  }

  /// Compiles the entry being read, if any.
  private func closeEntry() {
    guard var open = entry.take() else { return }
    let value = TOMLValue.table(open.builder.document())
    spare = open.builder
    catalogue.requirements.clear()
    switch Catalogue.readEntry(
      name: open.name, key: open.key, value: value, origin: "\(file):\(open.line)",
      requirements: &catalogue.requirements)
    {
    case .success(let version):
      catalogue.add(version, place: open.place, of: open.package, file: fileNumber, line: open.line)
    case .failure(let problem):
      catalogue.skip(open.key, place: open.place, of: open.package, problem: problem)
    }
  }

  /// Stops the reading: what follows needs the whole document.
  private func notFollowed(_ key: Key) -> TOMLError {
    followed = false
    return TOMLError(position: key.position, message: "read as a whole document")
  }
}
