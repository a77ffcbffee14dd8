#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A catalogue compiled to one binary file, keyed by its sources' paths, sizes and
/// modification times and rebuilt when any of them changes. The file is mapped, not read:
/// a resolve decodes only the packages it touches, found by binary search on their names.
public final class CatalogueIndex: PackageSource {
  static let magic = Array("flow-catalogue-index-4\n".utf8)

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
    let bytes = encode(catalogue, key: key)
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
    var writer = IndexWriter()
    writer.integer(files.count)
    for file in files {
      guard let status = CatalogueFiles.status(file) else {
        throw ResolveError.missingCatalogue(
          Diagnostic(file: file, position: nil, message: "no such catalogue"))
      }
      writer.string(file)
      writer.integer(status.size)
      writer.integer(status.modifiedSeconds)
      writer.integer(status.modifiedNanoseconds)
    }
    return writer.bytes
  }

  private init(path: String, expectedKey: [UInt8], rebuilt: Bool) throws {
    let descriptor = Glibc.open(path, O_RDONLY)
    guard descriptor >= 0 else { throw IndexReader.Damaged() }
    defer { close(descriptor) }
    guard let status = CatalogueFiles.status(path), status.size > 0 else {
      throw IndexReader.Damaged()
    }
    length = Int(status.size)
    guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0),
      mapped != MAP_FAILED
    else { throw IndexReader.Damaged() }
    mapping = mapped
    self.rebuilt = rebuilt
    var reader = IndexReader(UnsafeRawBufferPointer(start: mapped, count: length))
    do {
      let magic = CatalogueIndex.magic
      guard length > magic.count + expectedKey.count,
        Array(reader.base[0..<magic.count]) == magic,
        Array(reader.base[magic.count..<magic.count + expectedKey.count]) == expectedKey
      else { throw IndexReader.Damaged() }
      reader.offset = magic.count
      let fileCount = try reader.integer()
      var files: [String] = []
      for _ in 0..<fileCount {
        files.append(try reader.string())
        _ = try reader.integer()
        _ = try reader.integer()
        _ = try reader.integer()
      }
      self.files = files
      var problems: [Diagnostic] = []
      for _ in 0..<(try reader.integer()) {
        let file = try reader.string()
        let line = try reader.integer()
        let message = try reader.string()
        problems.append(
          Diagnostic(
            file: file, position: line > 0 ? SourcePosition(line: line, column: 1) : nil,
            message: message))
      }
      self.problems = problems
      keyTable = try CatalogueIndex.table(&reader, stringsPerItem: 1)
      requirementTable = try CatalogueIndex.table(&reader, stringsPerItem: 2)
      packageCount = try reader.integer()
      directoryOffset = reader.offset
      guard packageCount >= 0, directoryOffset + packageCount * 8 <= length else {
        throw IndexReader.Damaged()
      }
    } catch {
      munmap(mapped, length)
      throw error
    }
  }

  deinit { munmap(mapping, length) }

  /// Reads a table's count and skips it, returning where its offsets start.
  private static func table(_ reader: inout IndexReader, stringsPerItem: Int) throws -> (
    offset: Int, count: Int
  ) {
    let count = try reader.integer()
    guard count >= 0, reader.offset + count * 8 <= reader.base.count else {
      throw IndexReader.Damaged()
    }
    let start = reader.offset
    reader.offset = start + count * 8
    if count > 0 {
      // The table ends where its last item ends: go to the last item and skip it.
      reader.offset = start + (count - 1) * 8
      reader.offset = try reader.integer()
      for _ in 0..<stringsPerItem { try reader.skipString() }
    }
    return (start, count)
  }

  /// A reader at item `number` of a table.
  private func item(_ number: Int, of table: (offset: Int, count: Int)) throws -> IndexReader {
    guard number >= 0, number < table.count else { throw IndexReader.Damaged() }
    var pointer = IndexReader(memory, at: table.offset + number * 8)
    return IndexReader(memory, at: try pointer.integer())
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
    let key = try reader.string()
    let parsed = (try Version(parsing: key), key)
    if slotted { versionSlots[number] = parsed } else { versionCache[number] = parsed }
    return parsed
  }

  private func requirement(_ number: Int) throws -> PackageRequirement {
    if let cached = requirementCache[number] { return cached }
    var reader = try item(number, of: requirementTable)
    let name = try reader.string()
    let text = try reader.string()
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
      var reader = IndexReader(memory, at: offsets[index])
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
  private func findPackage(named name: String) throws -> IndexReader? {
    let wanted = Array(name.utf8)
    var low = 0
    var high = packageCount
    while low < high {
      let middle = (low + high) / 2
      var pointer = IndexReader(memory, at: directoryOffset + middle * 8)
      var reader = IndexReader(memory, at: try pointer.integer())
      let order = try reader.compareString(wanted)
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
  private func decodeTable(_ reader: inout IndexReader, offsets: inout [Int]) throws
    -> CandidateTable
  {
    let count = try reader.integer()
    guard count >= 0, count <= length else { throw IndexReader.Damaged() }
    var table = CandidateTable()
    table.reserve(versions: count)
    offsets.reserveCapacity(count)
    for _ in 0..<count {
      offsets.append(reader.offset)
      let (version, key) = try version(try reader.integer())
      table.addVersion(version, key: key)
      let detailsLength = try reader.integer()
      guard detailsLength >= 0 else { throw IndexReader.Damaged() }
      reader.offset += detailsLength
      for _ in 0..<2 {
        let numbers = try reader.integer()
        guard numbers >= 0, numbers <= length else { throw IndexReader.Damaged() }
        for _ in 0..<numbers {
          let number = try reader.integer()
          guard number >= 0, number < requirementTable.count else { throw IndexReader.Damaged() }
          table.addNumber(number)
        }
        table.endList()
      }
    }
    return table
  }

  /// The versions of one package: all of them, or only version `only`.
  private func decodeVersions(
    name: String, reader: inout IndexReader, details: Bool, only: Int?
  ) throws -> [PackageVersion] {
    let count = try reader.integer()
    var result: [PackageVersion] = []
    result.reserveCapacity(only == nil ? max(0, min(count, 1 << 20)) : 1)
    for position in 0..<count {
      if let only, position != only {
        try reader.skipVersion()
        continue
      }
      result.append(try decodeVersion(name: name, reader: &reader, details: details))
    }
    return result
  }

  /// One version record: key, then its details (label, priority, origin, variables) behind
  /// their byte length so they can be skipped, then requires and conflicts.
  private func decodeVersion(name: String, reader: inout IndexReader, details: Bool) throws
    -> PackageVersion
  {
    let (version, key) = try version(try reader.integer())
    var entry = PackageVersion(name: name, version: version, key: key)
    let detailsLength = try reader.integer()
    if details {
      let label = try reader.string()
      entry.label = try reader.integer() != 0 ? label : nil
      entry.priority = try reader.integer()
      entry.definedAt = try reader.string()
      for _ in 0..<(try reader.integer()) {
        let variable = try reader.string()
        let prepend = try reader.strings()
        let append = try reader.strings()
        let hasSet = try reader.integer() != 0
        let set = try reader.strings()
        entry.variables.append(
          VariableChange(
            name: variable, prepend: prepend, append: append, set: hasSet ? set : nil))
      }
    } else {
      guard detailsLength >= 0 else { throw IndexReader.Damaged() }
      reader.offset += detailsLength
    }
    entry.requires = try requirements(&reader)
    entry.conflicts = try requirements(&reader)
    return entry
  }

  /// Requirements are numbers into the shared table, each decoded once.
  private func requirements(_ reader: inout IndexReader) throws -> [PackageRequirement] {
    let count = try reader.integer()
    guard count >= 0, count <= reader.base.count else { throw IndexReader.Damaged() }
    var result: [PackageRequirement] = []
    result.reserveCapacity(count)
    for _ in 0..<count { result.append(try requirement(try reader.integer())) }
    return result
  }
}
