import Glibc

/// A compiled catalogue kept in one file, keyed by its sources' paths, sizes and
/// modification times and rebuilt when any of them changes. The file is mapped, not read:
/// a resolve decodes only the packages it touches, found by binary search on their names.
///
/// The file holds, in the records' own encoding (`RecordReader`): the magic, its own length
/// (a fixed-width offset, so that a file cut short is noticed on opening), the source key,
/// the problems, a table of distinct version keys, one of distinct requirements (name and
/// spec), and one of packages sorted by name. A table is a count, one fixed-width offset per
/// item, then the items. A package is its name, its version count, then per version: the key
/// number, the length of what the solver skips (the origin as text, then the record's details
/// as compiled), those bytes, and its requires and conflicts as requirement numbers.
public final class CatalogueIndex: PackageSource {
  static let magic = Array("flow-catalogue-index-5\n".utf8)

  /// The catalogue files it was compiled from.
  public let files: [String]
  /// Entries skipped when it was compiled, still reported on every use.
  public let problems: [Diagnostic]
  /// Whether this use compiled it (false: an up-to-date index was reused).
  public let rebuilt: Bool

  private let mapping: UnsafeMutableRawPointer
  private let length: Int
  private let directoryOffset: Int
  private let packageCount: Int
  private var cache: [String: [PackageVersion]] = [:]
  private var candidateCache: [String: [PackageVersion]] = [:]
  private var tableCache: [String: CandidateTable] = [:]
  /// Where each version's record starts, for the packages read as candidate tables.
  private var versionOffsets: [String: [Int]] = [:]
  private var specCache: [String: VersionSpec] = [:]
  private var versionCache: [Int: (Version, String)] = [:]
  /// The same, by key number, when the key table is small enough to hold a slot per key.
  private var versionSlots: [(Version, String)?] = []
  private static let slotLimit = 1 << 14
  private var requirementCache: [Int: PackageRequirement] = [:]
  /// Where the key and requirement tables start and how many entries they hold.
  private let keyTable: (offset: Int, count: Int)
  private let requirementTable: (offset: Int, count: Int)

  private var memory: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: mapping, count: length)
  }

  /// Opens the index at `path` for `sources`, compiling it first when it is missing or stale.
  public static func open(sources: [String], at path: String) throws -> CatalogueIndex {
    var files: [String] = []
    for source in sources {
      files += try Catalogue.files(of: source, main: "config.toml", folder: "config.d")
    }
    // Keyed by canonical paths, so `cat.toml` and `/abs/cat.toml` share one index.
    let key = try sourceKey(files.map(CatalogueFiles.canonical))
    if let index = try? CatalogueIndex(path: path, expectedKey: key, rebuilt: false) {
      return index
    }
    let catalogue = try Catalogue(sources: sources)
    let bytes = catalogue.compiled.encode(key: key)
    let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
      .joined(separator: "/")
    if !folder.isEmpty { Directories.make(folder) }
    do throws(IOError) {
      try OutputFile.writeAtomically(bytes, to: path)
    } catch {
      throw ResolveError.indexUnwritable(
        Diagnostic(file: path, position: nil, message: "cannot write the catalogue index"))
    }
    guard let index = try? CatalogueIndex(path: path, expectedKey: key, rebuilt: true) else {
      throw ResolveError.indexUnwritable(
        Diagnostic(file: path, position: nil, message: "cannot read the catalogue index back"))
    }
    return index
  }

  /// The default index location for these sources, under `${XDG_CACHE_HOME:-~/.cache}/flow`.
  public static func defaultPath(sources: [String], environment: [String: String]) -> String {
    var hash = FNV1a()
    hash.add(sources.map(CatalogueFiles.canonical).joined(separator: "\u{0}"))
    let hex = String(hash.value, radix: 16)
    return UserDirectories(environment: environment).flowCache + "/catalogue-"
      + String(repeating: "0", count: 16 - hex.count) + hex + ".index"
  }

  /// Paths, sizes and modification times of the files, as stored in the index header.
  static func sourceKey(_ files: [String]) throws -> [UInt8] {
    var key: [UInt8] = []
    key.appendNumber(files.count)
    for file in files {
      guard let status = CatalogueFiles.status(file) else {
        throw ResolveError.missingCatalogue(
          Diagnostic(file: file, position: nil, message: "no such catalogue"))
      }
      key.appendText(file)
      key.appendNumber(Int(status.size))
      key.appendNumber(Int(status.modifiedSeconds))
      key.appendNumber(Int(status.modifiedNanoseconds))
    }
    return key
  }

  private init(path: String, expectedKey: [UInt8], rebuilt: Bool) throws {
    let descriptor = Glibc.open(path, O_RDONLY)
    guard descriptor >= 0 else { throw RecordReader.Damaged() }
    defer { close(descriptor) }
    guard let status = CatalogueFiles.status(path), status.size > 0 else {
      throw RecordReader.Damaged()
    }
    length = Int(status.size)
    guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0),
      mapped != MAP_FAILED
    else { throw RecordReader.Damaged() }
    mapping = mapped
    self.rebuilt = rebuilt
    var reader = RecordReader(UnsafeRawBufferPointer(start: mapped, count: length))
    do {
      let magic = CatalogueIndex.magic
      let keyStart = magic.count + 8
      guard length > keyStart + expectedKey.count,
        Array(reader.base[0..<magic.count]) == magic,
        Array(reader.base[keyStart..<keyStart + expectedKey.count]) == expectedKey
      else { throw RecordReader.Damaged() }
      // A file cut short or grown since it was written is rebuilt, not read.
      reader.offset = magic.count
      guard try reader.offsetSlot() == length else { throw RecordReader.Damaged() }
      var files: [String] = []
      for _ in 0..<(try reader.count()) {
        files.append(try reader.text())
        _ = try reader.number()
        _ = try reader.number()
        _ = try reader.number()
      }
      self.files = files
      var problems: [Diagnostic] = []
      for _ in 0..<(try reader.count()) {
        let file = try reader.text()
        let line = try reader.number()
        let message = try reader.text()
        problems.append(
          Diagnostic(
            file: file, position: line > 0 ? SourcePosition(line: line, column: 1) : nil,
            message: message))
      }
      self.problems = problems
      keyTable = try CatalogueIndex.table(&reader, textsPerItem: 1)
      requirementTable = try CatalogueIndex.table(&reader, textsPerItem: 2)
      packageCount = try reader.number()
      directoryOffset = reader.offset
      guard packageCount >= 0, packageCount <= (length - directoryOffset) / 8 else {
        throw RecordReader.Damaged()
      }
    } catch {
      munmap(mapped, length)
      throw error
    }
  }

  deinit { munmap(mapping, length) }

  /// Reads a table's count and skips it, returning where its offsets start.
  private static func table(_ reader: inout RecordReader, textsPerItem: Int)
    throws(RecordReader.Damaged) -> (offset: Int, count: Int)
  {
    let count = try reader.number()
    guard count >= 0, count <= (reader.base.count - reader.offset) / 8 else {
      throw RecordReader.Damaged()
    }
    let start = reader.offset
    reader.offset = start + count * 8
    if count > 0 {
      // The table ends where its last item ends: go to the last item and skip it.
      reader.offset = start + (count - 1) * 8
      reader.offset = try reader.offsetSlot()
      for _ in 0..<textsPerItem { try reader.skipText() }
    }
    return (start, count)
  }

  /// A reader at item `number` of a table.
  private func item(_ number: Int, of table: (offset: Int, count: Int))
    throws(RecordReader.Damaged) -> RecordReader
  {
    guard number >= 0, number < table.count else { throw RecordReader.Damaged() }
    var slot = RecordReader(memory, at: table.offset + number * 8)
    return RecordReader(memory, at: try slot.offsetSlot())
  }

  private func version(_ number: Int) throws -> (Version, String) {
    let slotted = keyTable.count <= CatalogueIndex.slotLimit
    if slotted {
      if versionSlots.isEmpty { versionSlots = Array(repeating: nil, count: keyTable.count) }
      if number >= 0, number < versionSlots.count, let cached = versionSlots[number] {
        return cached
      }
    } else if let cached = versionCache[number] {
      return cached
    }
    var reader = try item(number, of: keyTable)
    let key = try reader.text()
    let parsed = (try Version(parsing: key), key)
    if slotted { versionSlots[number] = parsed } else { versionCache[number] = parsed }
    return parsed
  }

  private func requirement(_ number: Int) throws -> PackageRequirement {
    if let cached = requirementCache[number] { return cached }
    var reader = try item(number, of: requirementTable)
    let name = try reader.text()
    let text = try reader.text()
    let spec: VersionSpec
    if let cached = specCache[text] {
      spec = cached
    } else {
      spec = try VersionSpec(parsing: text)
      specCache[text] = spec
    }
    let parsed = PackageRequirement(name: name, spec: spec)
    requirementCache[number] = parsed
    return parsed
  }

  public func versions(of name: String) -> [PackageVersion] {
    if let cached = cache[name] { return cached }
    let found = (try? decodePackage(named: name, details: true)) ?? []
    cache[name] = found
    return found
  }

  /// Versions with only what the solver reads: version, requires and conflicts.
  public func candidates(of name: String) -> [PackageVersion] {
    if let cached = cache[name] ?? candidateCache[name] { return cached }
    let found = (try? decodePackage(named: name, details: false)) ?? []
    candidateCache[name] = found
    return found
  }

  /// The full entry of the `index`-th version of `name` (ascending), decoding only it.
  public func entry(of name: String, at index: Int) -> PackageVersion? {
    if let cached = cache[name], index < cached.count { return cached[index] }
    if let offsets = versionOffsets[name] {
      guard index >= 0, index < offsets.count else { return nil }
      var reader = RecordReader(memory, at: offsets[index])
      return try? decodeVersion(name: name, reader: &reader, details: true)
    }
    return try? decodePackage(named: name, details: true, only: index).first
  }

  /// The versions of `name` with requirements as their numbers in the index's table.
  public func candidateTable(of name: String) -> CandidateTable {
    if let cached = tableCache[name] { return cached }
    var table = CandidateTable()
    var offsets: [Int] = []
    if var reader = try? findPackage(named: name) {
      table = (try? decodeTable(&reader, offsets: &offsets)) ?? CandidateTable()
    }
    tableCache[name] = table
    if offsets.count == table.count { versionOffsets[name] = offsets }
    return table
  }

  public func requirement(numbered number: Int) -> PackageRequirement? {
    try? requirement(number)
  }

  /// A reader after the name of package `name`, found by binary search of the sorted
  /// directory; nil when the package is unknown.
  private func findPackage(named name: String) throws(RecordReader.Damaged) -> RecordReader? {
    let wanted = Array(name.utf8)
    var low = 0
    var high = packageCount
    while low < high {
      let middle = (low + high) / 2
      var slot = RecordReader(memory, at: directoryOffset + middle * 8)
      var reader = RecordReader(memory, at: try slot.offsetSlot())
      let order = try reader.compareText(wanted)
      if order == 0 { return reader }
      if order < 0 { low = middle + 1 } else { high = middle }
    }
    return nil
  }

  /// Decodes one package: the listed version only, or all.
  private func decodePackage(named name: String, details: Bool, only: Int? = nil) throws
    -> [PackageVersion]
  {
    guard var reader = try findPackage(named: name) else { return [] }
    return try decodeVersions(name: name, reader: &reader, details: details, only: only)
  }

  /// Versions and requirement numbers only: details are skipped by their length.
  private func decodeTable(_ reader: inout RecordReader, offsets: inout [Int]) throws
    -> CandidateTable
  {
    let count = try reader.count()
    var table = CandidateTable()
    table.reserve(versions: count)
    offsets.reserveCapacity(count)
    for _ in 0..<count {
      offsets.append(reader.offset)
      let (version, key) = try version(try reader.number())
      table.addVersion(version, key: key)
      try reader.skipBlock()
      for _ in 0..<2 {
        for _ in 0..<(try reader.count()) {
          let number = try reader.number()
          guard number >= 0, number < requirementTable.count else { throw RecordReader.Damaged() }
          table.addNumber(number)
        }
        table.endList()
      }
    }
    return table
  }

  /// The versions of one package: all of them, or only version `only`.
  private func decodeVersions(
    name: String, reader: inout RecordReader, details: Bool, only: Int?
  ) throws -> [PackageVersion] {
    let count = try reader.count()
    var result: [PackageVersion] = []
    result.reserveCapacity(only == nil ? count : 1)
    for position in 0..<count {
      if let only, position != only {
        _ = try reader.number()
        try reader.skipBlock()
        for _ in 0..<2 { _ = try reader.requirements { _ in nil } }
        continue
      }
      result.append(try decodeVersion(name: name, reader: &reader, details: details))
    }
    return result
  }

  /// One version record: its key number, its origin and details behind their byte length so
  /// that they can be skipped, then requires and conflicts.
  private func decodeVersion(name: String, reader: inout RecordReader, details: Bool) throws
    -> PackageVersion
  {
    let (version, key) = try version(try reader.number())
    var entry = PackageVersion(name: name, version: version, key: key)
    if details {
      _ = try reader.count()
      entry.definedAt = try reader.text()
      try reader.body(of: &entry) { try self.requirement($0) }
    } else {
      try reader.skipBlock()
      entry.requires = try reader.requirements { try self.requirement($0) }
      entry.conflicts = try reader.requirements { try self.requirement($0) }
    }
    return entry
  }
}
