/// A compiled catalogue kept in one file, keyed by its sources' paths, sizes and
/// modification times and rebuilt when any of them changes. The file is mapped; opening
/// runs over it once, at memory speed, for its checksum, and a resolve then decodes only the
/// packages it touches, found by binary search on their names.
///
/// The file holds, in the records' own encoding (`RecordReader`): the magic, its own length
/// (a fixed-width offset, so that a file cut short is noticed on opening), the source key,
/// the problems, a table of distinct version keys, one of distinct requirements (name and
/// spec), what versions provide (a count, then per item the name and version provided and
/// the providing package and version key, by name provided), and one of packages sorted by
/// name. A table is a count, one fixed-width offset per
/// item, then the items. A package is its name, its version count, then per version: the key
/// number, the length of what the solver skips (the origin as text, then the record's details
/// as compiled), those bytes, and its requires, conflicts, number of variants and each
/// variant's requires as requirement numbers. The last
/// eight bytes are the `IndexChecksum` of all before them, checked on every opening, so that
/// a damaged index is rebuilt rather than believed.
public final class CatalogueIndex: PackageSource {
  static let magicPrefix = Array("flow-catalogue-index-".utf8)
  static let magic = magicPrefix + Array("10\n".utf8)

  /// The catalogue files it was compiled from.
  public let files: [String]
  /// Entries skipped when it was compiled, still reported on every use.
  public let problems: [Diagnostic]
  /// Whether this use compiled it (false: an up-to-date index was reused).
  public let rebuilt: Bool
  /// What went wrong with the index file itself (damaged, not ours, not writable), once each.
  public internal(set) var warnings: [Diagnostic] = []

  private let bytes: IndexBytes
  private let directoryOffset: Int
  let packageCount: Int
  /// Where what a rez repository's index adds lies (`RezIndex`); nil in a TOML catalogue's.
  let rezSection: Range<Int>?
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
  let keyTable: (offset: Int, count: Int)
  let requirementTable: (offset: Int, count: Int)

  /// Per package name, the versions other packages provide of it (`provides`).
  private let provisions: [String: [ProvidedVersion]]

  /// The bytes before the checksum: no record read can run into it.
  let memory: UnsafeRawBufferPointer

  /// Reads the header of `bytes`, after checking that they are a whole index in this format
  /// (length and checksum) for the catalogue files `expectedKey` describes.
  init(_ bytes: IndexBytes, expectedKey: [UInt8], rebuilt: Bool) throws(IndexRefusal) {
    let memory = bytes.memory
    let magic = CatalogueIndex.magic
    let keyStart = magic.count + 8
    guard memory.count >= keyStart + 8, memory.starts(with: magic) else {
      throw memory.starts(with: CatalogueIndex.magicPrefix)
        ? IndexRefusal.otherFormat : IndexRefusal.damaged("not a catalogue index")
    }
    var reader = RecordReader(memory, at: magic.count)
    guard (try? reader.offsetSlot()) == memory.count else {
      throw .damaged("cut short or grown")
    }
    let checksumStart = memory.count - 8
    let stored = UInt64(
      littleEndian: memory.loadUnaligned(fromByteOffset: checksumStart, as: UInt64.self))
    guard IndexChecksum.of(UnsafeRawBufferPointer(rebasing: memory[..<checksumStart])) == stored
    else { throw .damaged("checksum mismatch") }
    guard checksumStart >= keyStart + expectedKey.count,
      memory[keyStart..<keyStart + expectedKey.count].elementsEqual(expectedKey)
    else { throw .stale }
    self.bytes = bytes
    self.rebuilt = rebuilt
    self.memory = UnsafeRawBufferPointer(rebasing: memory[..<checksumStart])
    reader = RecordReader(self.memory, at: keyStart)
    do throws(RecordReader.Damaged) {
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
      var provisions: [String: [ProvidedVersion]] = [:]
      for _ in 0..<(try reader.count()) {
        let name = try reader.text()
        let key = try reader.text()
        let provider = try reader.text()
        let providerKey = try reader.text()
        guard let version = try? Version(parsing: key) else { throw RecordReader.Damaged() }
        provisions[name, default: []].append(
          ProvidedVersion(
            name: name, version: version, key: key, provider: provider, providerKey: providerKey))
      }
      self.provisions = provisions
      if try reader.number() == 0 {
        rezSection = nil
      } else {
        let length = try reader.count()
        rezSection = reader.offset..<reader.offset + length
        reader.offset += length
      }
      packageCount = try reader.number()
      directoryOffset = reader.offset
      guard packageCount >= 0, packageCount <= (checksumStart - directoryOffset) / 8 else {
        throw RecordReader.Damaged()
      }
    } catch {
      // Only a file written on purpose gets here: its checksum matched.
      throw .damaged("its layout cannot be read")
    }
  }

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
  func item(_ number: Int, of table: (offset: Int, count: Int))
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
    var name = try reader.text()
    let text = try reader.text()
    // A weak reference or a conflict keeps its mark before the name.
    let kind = name.utf8.first.map(PackageRequirement.kind(marked:)) ?? .required
    if kind != .required { name.removeFirst() }
    let spec: VersionSpec
    if let cached = specCache[text] {
      spec = cached
    } else {
      spec = try VersionSpec(parsing: text)
      specCache[text] = spec
    }
    let parsed = PackageRequirement(name: name, spec: spec, kind: kind)
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

  /// The full entry of the `index`-th candidate of `name`, decoding only its version once the
  /// package was read as a candidate table.
  public func entry(of name: String, at index: Int) -> PackageVersion? {
    if let offsets = versionOffsets[name], let table = tableCache[name] {
      guard index >= 0, index < offsets.count else { return nil }
      var reader = RecordReader(memory, at: offsets[index])
      guard let version = try? decodeVersion(name: name, reader: &reader, details: true) else {
        return nil
      }
      let variant = table.variants[index]
      if variant < 0 { return version }
      // An index written on purpose (its checksum whole) may still name a variant the
      // version does not have: no entry, never a trap.
      return version.candidates.indices.contains(variant) ? version.candidates[variant] : nil
    }
    let all = versions(of: name).flatMap(\.candidates)
    return all.indices.contains(index) ? all[index] : nil
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

  public func providedVersions(of name: String) -> [ProvidedVersion] { provisions[name] ?? [] }

  /// A reader after the name of package `name`, found by binary search of the sorted
  /// directory; nil when the package is unknown.
  func findPackage(named name: String) throws(RecordReader.Damaged) -> RecordReader? {
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

  /// Decodes one package's versions.
  private func decodePackage(named name: String, details: Bool) throws -> [PackageVersion] {
    guard var reader = try findPackage(named: name) else { return [] }
    return try decodeVersions(name: name, reader: &reader, details: details)
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
      let offset = reader.offset
      let (version, key) = try version(try reader.number())
      try reader.skipBlock()
      let lists = try reader.numberLists()
      for number in lists.joined()
      where number < 0 || number >= requirementTable.count {
        throw RecordReader.Damaged()
      }
      // A version with variants is one candidate per variant.
      for variant in lists.count == 2 ? [-1] : Array(0..<lists.count - 2) {
        offsets.append(offset)
        table.addVersion(version, key: key, variant: variant < 0 ? nil : variant)
        for number in lists[0] { table.addNumber(number) }
        if variant >= 0 { for number in lists[2 + variant] { table.addNumber(number) } }
        table.endList()
        for number in lists[1] { table.addNumber(number) }
        table.endList()
      }
    }
    return table
  }

  /// The versions of one package.
  private func decodeVersions(name: String, reader: inout RecordReader, details: Bool) throws
    -> [PackageVersion]
  {
    let count = try reader.count()
    var result: [PackageVersion] = []
    result.reserveCapacity(count)
    for _ in 0..<count {
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
      let lists = try reader.numberLists().map { try $0.map { try self.requirement($0) } }
      entry.requires = lists[0]
      entry.conflicts = lists[1]
      entry.variants = lists.dropFirst(2).map { PackageVariant(requires: $0) }
    }
    return entry
  }
}
