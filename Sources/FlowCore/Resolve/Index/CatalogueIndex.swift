import Glibc

/// A compiled catalogue kept in one file, keyed by its sources' paths, sizes and
/// modification times and rebuilt when any of them changes. The file is mapped; a resolve
/// decodes only the packages it touches, found by binary search on their names, and checks
/// only the blocks it reads (`IndexSeal`).
///
/// The file holds, in the records' own encoding (`RecordReader`): the magic, its own length
/// (a fixed-width offset, so that a file cut short is noticed on opening), where the key
/// table, the requirement table, what versions provide, the rez part and the package table
/// start (five fixed-width offsets, so that each part's end is known before it is read), the
/// source key, the problems, what a rez repository's package files read of their host
/// (`hostReadings`; none in a TOML catalogue's), a table of distinct version keys, one of
/// distinct requirements (name and spec), what versions provide (a count, then per item the name and version
/// provided and the providing package and version key, by name provided), what a rez
/// repository's index adds (`RezIndex`; empty in a TOML catalogue's), and one of packages
/// sorted by name. A table is a count, one fixed-width offset per item, then the items. A
/// package (a rez repository's holds more, `RezIndex`) is its name, its version count, then
/// per version: the key number, the length of what the solver skips (the origin as text,
/// then the record's details as compiled), those bytes, and its requires, conflicts, number
/// of variants and each variant's requires as requirement numbers. The `IndexSeal` ends the
/// file: a block whose bytes do not match it is never believed, and the index is rebuilt
/// from the catalogue.
public final class CatalogueIndex: PackageSource {
  static let magicPrefix = Array("flow-catalogue-index-".utf8)
  /// The prefix and the format's number: a new number whenever what an index holds, or how
  /// a catalogue is read into it, changes, so that an earlier flow's index is rebuilt.
  static let magic = magicPrefix + Array("43\n".utf8)
  /// Where the parts after the source key start, after the length in the header.
  static let partCount = 6

  /// The catalogue files it was compiled from.
  public let files: [String]
  /// Entries skipped when it was compiled, still reported on every use.
  public let problems: [Diagnostic]
  /// What the package files' functions read of the environment and the machine as it was
  /// compiled (`RezHost`): an index opened where one differs is compiled again.
  let hostReadings: [RezHost.Reading]
  /// Whether this use compiled it (false: an up-to-date index was reused). It turns true
  /// when a block found damaged while reading makes this use compile it again.
  public private(set) var rebuilt: Bool
  /// What went wrong with the index file itself (damaged, not ours, not writable), once each.
  public internal(set) var warnings: [Diagnostic] = []
  /// Whether a reading found a package whose version folders changed since this index was
  /// compiled (a rez repository's, `RezIndex.Change.versions`): what it answered may miss a
  /// version.
  var foundOutOfDate = false
  /// Told each warning found after opening, when a block read later turns out damaged.
  public var reportWarning: ((Diagnostic) -> Void)?

  /// Tells `report` what opening found (warnings about the index file, then the entries
  /// skipped), and every warning found later while reading.
  public func report(to report: @escaping (Diagnostic) -> Void) {
    for diagnostic in warnings + problems { report(diagnostic) }
    reportWarning = report
  }

  private var bytes: IndexBytes
  /// Bytes replaced by a copy compiled again, kept while readers of them may remain.
  private var replaced: [IndexBytes] = []
  @exclusivity(unchecked) private(set) var seal: IndexSeal
  /// Where the index was read from, and what it was compiled from: what a block found
  /// damaged later needs to compile it again and write it back.
  private let place:
    (sources: [String], key: [UInt8], path: String?, kind: Kind, environment: EnvironmentMap)
  /// The environment of the process it was opened in, which a rez repository's package
  /// files may read (`RezHost`).
  var environment: EnvironmentMap { place.environment }
  /// Set once compiling again gave bytes other than the damaged ones: the catalogue
  /// changed since opening, and no damaged block can be read any more.
  private var cannotRepair = false
  private let directory: Table
  /// The packages' names, in the order of `directory`.
  private let directoryNames: Table
  private var cache: [String: [PackageVersion]] = [:]
  private var candidateCache: [String: [PackageVersion]] = [:]
  private var tableCache: [String: CandidateTable] = [:]
  /// Where each version's record starts and where the package ends, for the packages read
  /// as candidate tables.
  private var versionOffsets: [String: (starts: [Int], end: Int)] = [:]
  private var specCache: [String: VersionSpec] = [:]
  private var versionCache: [Int: (Version, String)] = [:]
  /// The same, by key number, when the key table is small enough to hold a slot per key.
  private var versionSlots: [(Version, String)?] = []
  private static let slotLimit = 1 << 14
  private var requirementCache: [Int: PackageRequirement] = [:]
  let keyTable: Table
  let requirementTable: Table
  /// Where what a rez repository's index adds lies (`RezIndex`); nil in a TOML catalogue's.
  let rezSection: Range<Int>?

  /// The rez repositories' folders, each open, so that a file in one is looked up from
  /// there rather than along its whole path; opened when a file is first checked.
  private var openRoots: [(path: [UInt8], descriptor: Int32)]?

  /// Per package name, the versions other packages provide of it (`provides`).
  private let provisions: [String: [ProvidedVersion]]

  /// The data before the seal: no record read can run into it.
  private(set) var memory: UnsafeRawBufferPointer

  /// Where a table's offsets start, how many items it holds and where its last item ends.
  struct Table {
    var slots = 0
    var count = 0
    var end = 0
  }

  deinit {
    _ = rezFolderChecks?.finish()
    for root in openRoots ?? [] { close(root.descriptor) }
  }

  /// The folders a rez search leaves to be checked on a thread of their own
  /// (`checkRezFolder(_:firstChecks:)`).
  private var rezFolderChecks: RezFolderChecks?

  /// Checks a version folder of a rez repository (its record at `record`), or with
  /// `firstChecks` a package's first checks (`rezFirstChecksChanged(reading:)`), while the
  /// search reads on; `finishRezFolderChecks` says what the checks found.
  func checkRezFolder(_ record: Range<Int>, firstChecks: Bool = false) {
    if rezFolderChecks == nil { rezFolderChecks = RezFolderChecks(index: self) }
    rezFolderChecks?.add(record, firstChecks: firstChecks)
  }

  /// Waits for the checks `checkRezFolder(_:firstChecks:)` began; whether one found a folder changed
  /// (or its record damaged), said once.
  func finishRezFolderChecks() -> Bool {
    rezFolderChecks?.finish() ?? false
  }

  /// Opens the repositories' folders `fileState(at:length:)` looks files up from, unless
  /// open: before another thread looks files up too.
  func prepareFileStates() {
    guard openRoots == nil else { return }
    openRoots = place.sources.map(CatalogueFiles.canonical).compactMap { root in
      let descriptor = Glibc.open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      return descriptor >= 0 ? (Array(root.utf8), descriptor) : nil
    }
  }

  /// `RezIndex.state(in:at:)` of the file at `path` (`length` bytes, then a NUL), looked up
  /// from its repository's open folder when it lies in one: a third less time a file on
  /// a path a few folders deep, and a resolve checks a file for each version it reads.
  func fileState(at path: UnsafePointer<CChar>, length: Int) -> (Int, Int, Int, Int, Int, Int)? {
    prepareFileStates()
    for root in openRoots ?? [] {
      let count = root.path.count
      guard length > count + 1, path[count] == CChar(UInt8(ascii: "/")),
        root.path.withUnsafeBytes({ memcmp($0.baseAddress!, path, count) == 0 })
      else { continue }
      return RezIndex.state(in: root.descriptor, at: path + count + 1)
    }
    return RezIndex.state(in: AT_FDCWD, at: path)
  }

  /// An index file's bytes: the magic, its length, where each part starts, the source key,
  /// what `header` writes, each part in the order of the file, and the seal. The packages
  /// are `packageNames` (ascending by their UTF-8), each written by `package` as a directory
  /// item that starts with its name; the names come first in a table of their own, so that
  /// finding a package reads those few blocks rather than one block of every package the
  /// search passes.
  static func layout(
    key: [UInt8], size: Int, header: (inout [UInt8]) -> Void,
    keys: (inout [UInt8]) -> Void, requirements: (inout [UInt8]) -> Void,
    provisions: (inout [UInt8]) -> Void, rez: (inout [UInt8]) -> Void,
    packageNames: [String], package: (inout [UInt8], Int) -> Void
  ) -> [UInt8] {
    var index: [UInt8] = []
    index.reserveCapacity(size)
    index += magic
    let lengthSlot = index.count
    index.appendOffset()
    let partSlots = index.count
    for _ in 0..<partCount { index.appendOffset() }
    index += key
    header(&index)
    func part(_ number: Int, _ write: (inout [UInt8]) -> Void) {
      index.setOffset(index.count, at: partSlots + number * 8)
      write(&index)
    }
    part(0, keys)
    part(1, requirements)
    part(2, provisions)
    part(3, rez)
    part(4) { index in
      CompiledCatalogue.appendTable(packageNames, to: &index) { index, name in
        index.appendText(name)
      }
    }
    part(5) { index in
      CompiledCatalogue.appendTable(Array(packageNames.indices), to: &index, package)
    }
    // The length counts the seal that ends the file.
    index.setOffset(index.count + IndexSeal.length(forDataOf: index.count), at: lengthSlot)
    IndexSeal.seal(&index)
    return index
  }

  /// Reads the header of `bytes`, after checking that they are a whole index in this format
  /// (length, seal and the header's blocks) for the catalogue files `expectedKey` describes.
  /// `sources`, `path` and `environment` say how to compile and write it again when a block
  /// read later is damaged (no path: in memory only).
  init(
    _ bytes: IndexBytes, expectedKey: [UInt8], rebuilt: Bool, sources: [String], path: String?,
    kind: Kind, environment: EnvironmentMap
  ) throws(IndexRefusal) {
    let whole = bytes.memory
    let magic = CatalogueIndex.magic
    let keyStart = magic.count + 8 * (1 + CatalogueIndex.partCount)
    guard whole.count >= keyStart, whole.starts(with: magic) else {
      throw whole.starts(with: CatalogueIndex.magicPrefix)
        ? IndexRefusal.otherFormat : IndexRefusal.damaged("not a catalogue index")
    }
    var reader = RecordReader(whole, at: magic.count)
    guard (try? reader.offsetSlot()) == whole.count else {
      throw .damaged("cut short or grown")
    }
    var seal = try IndexSeal(whole)
    let memory = UnsafeRawBufferPointer(rebasing: whole[..<seal.dataLength])
    guard memory.count >= keyStart, seal.check(0..<keyStart, in: memory) == nil else {
      throw .damaged("checksum mismatch")
    }
    // The parts in order, each within the data: then every range below is well formed.
    var parts = [keyStart]
    reader = RecordReader(memory, at: magic.count + 8)
    for _ in 0..<CatalogueIndex.partCount {
      guard let start = try? reader.offsetSlot(), start >= parts.last! else {
        throw .damaged("its layout cannot be read")
      }
      parts.append(start)
    }
    parts.append(memory.count)
    // The header (key, problems, what was read of the host) is read whole on opening.
    guard seal.check(keyStart..<parts[1], in: memory) == nil else {
      throw .damaged("checksum mismatch")
    }
    let header = UnsafeRawBufferPointer(rebasing: memory[..<parts[1]])
    guard header.count >= keyStart + expectedKey.count,
      header[keyStart..<keyStart + expectedKey.count].elementsEqual(expectedKey)
    else { throw .stale }
    self.bytes = bytes
    self.rebuilt = rebuilt
    self.memory = memory
    place = (sources, expectedKey, path, kind, environment)
    // Tables and what versions provide are checked here as any later read is.
    func checked(_ start: Int, _ end: Int) throws(IndexRefusal) -> RecordReader {
      guard seal.check(start..<end, in: memory) == nil else {
        throw .damaged("checksum mismatch")
      }
      return RecordReader(UnsafeRawBufferPointer(rebasing: memory[..<end]), at: start)
    }
    func table(_ start: Int, _ end: Int) throws(IndexRefusal) -> Table {
      var counter = try checked(start, min(end, start + 10))
      guard let count = try? counter.number(), count >= 0,
        count <= (end - counter.offset) / 8
      else { throw .damaged("its layout cannot be read") }
      return Table(slots: counter.offset, count: count, end: end)
    }
    reader = RecordReader(header, at: keyStart)
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
      var readings: [RezHost.Reading] = []
      for _ in 0..<(try reader.count()) {
        let name = try reader.text()
        let isSet = try reader.number() != 0
        let value = try reader.text()
        readings.append(RezHost.Reading(name: name, value: isSet ? value : nil))
      }
      hostReadings = readings
    } catch {
      // Only a file written on purpose gets here: its checksums matched.
      throw .damaged("its layout cannot be read")
    }
    keyTable = try table(parts[1], parts[2])
    requirementTable = try table(parts[2], parts[3])
    rezSection = parts[4] < parts[5] ? parts[4]..<parts[5] : nil
    directoryNames = try table(parts[5], parts[6])
    directory = try table(parts[6], parts[7])
    guard directoryNames.count == directory.count else {
      throw .damaged("its layout cannot be read")
    }
    reader = try checked(parts[3], parts[4])
    do throws(RecordReader.Damaged) {
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
    } catch {
      throw .damaged("its layout cannot be read")
    }
    self.seal = seal
  }

  /// A reader at `start` that cannot read past `end`, once the blocks between are checked.
  /// A damaged block compiles the index again; when that cannot give the same bytes, the
  /// read fails as a damaged record does.
  func reader(_ start: Int, _ end: Int) throws(RecordReader.Damaged) -> RecordReader {
    guard start >= 0, start <= end, end <= memory.count else { throw RecordReader.Damaged() }
    if let block = seal.check(start..<end, in: memory) {
      guard repair(damaged: block) else { throw RecordReader.Damaged() }
    }
    return RecordReader(UnsafeRawBufferPointer(rebasing: memory[..<end]), at: start)
  }

  /// Where item `number` of a table starts and ends, from its offset and the next one.
  private func itemRange(_ number: Int, of table: Table) throws(RecordReader.Damaged)
    -> (start: Int, end: Int)
  {
    guard number >= 0, number < table.count else { throw RecordReader.Damaged() }
    let slot = table.slots + number * 8
    let last = number == table.count - 1
    _ = try reader(slot, slot + (last ? 8 : 16))
    var slots = RecordReader(memory, at: slot)
    let start = try slots.offsetSlot()
    let end = last ? table.end : try slots.offsetSlot()
    guard start >= table.slots + table.count * 8, start <= end, end <= table.end else {
      throw RecordReader.Damaged()
    }
    return (start, end)
  }

  /// A reader over item `number` of a table.
  func item(_ number: Int, of table: Table) throws(RecordReader.Damaged)
    -> RecordReader
  {
    let range = try itemRange(number, of: table)
    return try reader(range.start, range.end)
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
      guard index >= 0, index < offsets.starts.count,
        var reader = try? reader(offsets.starts[index], offsets.end),
        let version = try? decodeVersion(name: name, reader: &reader, details: true)
      else { return nil }
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
    var end = 0
    if var reader = try? findPackage(named: name) {
      end = reader.base.count
      table = (try? decodeTable(&reader, offsets: &offsets)) ?? CandidateTable()
    }
    tableCache[name] = table
    if offsets.count == table.count { versionOffsets[name] = (offsets, end) }
    return table
  }

  public func requirement(numbered number: Int) -> PackageRequirement? {
    try? requirement(number)
  }

  public func providedVersions(of name: String) -> [ProvidedVersion] { provisions[name] ?? [] }

  /// The names of the directory, in its order, those of packages with no version (every
  /// entry skipped) last, so that a suggestion prefers a package that can be read; one that
  /// cannot be read is left out.
  public func packageNames() -> [String] {
    var withVersions: [String] = []
    var withoutVersions: [String] = []
    for number in 0..<directoryNames.count {
      guard var named = try? item(number, of: directoryNames), let name = try? named.text(),
        var package = try? item(number, of: directory), (try? package.skipText()) != nil
      else { continue }
      if (try? package.count()) == 0 {
        withoutVersions.append(name)
      } else {
        withVersions.append(name)
      }
    }
    return withVersions + withoutVersions
  }

  /// A reader after the name of package `name`, found by binary search of the sorted
  /// directory, that ends where the package ends; nil when the package is unknown. While
  /// searching, only the names compared are checked.
  func findPackage(named name: String) throws(RecordReader.Damaged) -> RecordReader? {
    let wanted = Array(name.utf8)
    var low = 0
    var high = directoryNames.count
    while low < high {
      let middle = (low + high) / 2
      var named = try item(middle, of: directoryNames)
      let order = try named.compareText(wanted)
      if order == 0 {
        var package = try item(middle, of: directory)
        try package.skipText()
        return package
      }
      if order < 0 { low = middle + 1 } else { high = middle }
    }
    return nil
  }

  /// Compiles the index again after a damaged block was found in it, writes it back, and
  /// reads on from the new bytes when they are the very bytes the seal describes (the
  /// catalogue is unchanged): what was read before then stays true. A catalogue changed
  /// since opening cannot be mixed with what was read from the old one, so then no damaged
  /// block is read at all. Whether the block can now be read.
  private func repair(damaged block: Int) -> Bool {
    if cannotRepair { return false }
    cannotRepair = true
    let file = place.path ?? place.sources.joined(separator: ", ")
    func warn(_ message: String) {
      let warning = Diagnostic(file: file, position: nil, message: message)
      warnings.append(warning)
      reportWarning?(warning)
    }
    // Worded as when the damage is found on opening: to the user it is the same event.
    warn("catalogue index not used: damaged (checksum mismatch); rebuilding it from the catalogue")
    rebuilt = true
    guard let key = try? place.kind.key(of: place.sources),
      let compiled = try? place.kind.compile(
        place.sources, key: key, environment: place.environment)
    else {
      warn("the catalogue cannot be compiled again; the damaged part is not read")
      return false
    }
    if let path = place.path, let failure = CatalogueIndex.write(compiled, to: path) {
      warn("cannot write the catalogue index (\(failure)); resolving from the catalogue in memory")
    }
    let fresh = IndexBytes(copying: compiled)
    guard key == place.key, let freshSeal = try? IndexSeal(fresh.memory),
      freshSeal.sameChecksums(as: seal)
    else {
      warn("the catalogue changed while it was read; resolve again")
      return false
    }
    replaced.append(bytes)
    bytes = fresh
    memory = UnsafeRawBufferPointer(rebasing: fresh.memory[..<seal.dataLength])
    seal.checkAll()
    cannotRepair = false
    return true
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
