/// The one binary encoding of catalogue records, in memory (`CompiledCatalogue`) and in the
/// index file (`CatalogueIndex`): numbers in seven-bit groups, texts behind their length.
/// Only the index's directories, which are searched without reading what comes before,
/// hold fixed eight-byte offsets.
extension [UInt8] {
  /// A signed number in seven-bit groups, zigzag-coded so small negatives stay short.
  mutating func appendNumber(_ value: Int) {
    var rest = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
    while rest >= 0x80 {
      append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    append(UInt8(rest))
  }

  mutating func appendText(_ text: String) {
    appendNumber(text.utf8.count)
    append(contentsOf: text.utf8)
  }

  /// A text given by its UTF-8 bytes.
  mutating func appendText<Bytes: Collection<UInt8>>(utf8 text: Bytes) {
    appendNumber(text.count)
    append(contentsOf: text)
  }

  mutating func appendTexts(_ texts: [String]) {
    appendNumber(texts.count)
    for text in texts { appendText(text) }
  }

  /// Environment changes: their count, then per variable its name, the prepend texts, the
  /// append texts, its flags (1 for set, its phase times 2, 8 for a condition, 16 for
  /// unset, 32 for an alias, 64 for a stop, 96 for a key), the set texts, then its
  /// condition where it has one.
  mutating func appendVariables(_ changes: [VariableChange]) {
    func kindFlag(_ kind: VariableChange.Kind) -> Int {
      switch kind {
      case .variable: return 0
      case .alias: return 32
      case .stop: return 64
      case .key: return 96
      }
    }
    appendNumber(changes.count)
    for change in changes {
      appendText(change.name)
      appendTexts(change.prepend)
      appendTexts(change.append)
      // Whether it sets, its phase and whether a condition follows: a catalogue's (all
      // `commands`, none conditional) as before phases.
      appendNumber(
        (change.set == nil ? 0 : 1) + 2 * change.phase.rawValue
          + (change.condition == nil ? 0 : 8) + (change.unset ? 16 : 0)
          + kindFlag(change.kind))
      appendTexts(change.set ?? [])
      if let condition = change.condition { appendText(condition) }
    }
  }

  /// A record's requirement lists (`RecordReader.numberLists`): requires, conflicts, the
  /// number of variants, then each variant's requires.
  mutating func appendNumberLists(_ lists: [[Int]]) {
    for (position, numbers) in lists.enumerated() {
      if position == 2 { appendNumber(lists.count - 2) }
      appendNumber(numbers.count)
      for number in numbers { appendNumber(number) }
    }
    if lists.count == 2 { appendNumber(0) }
  }

  /// What `RecordReader.details` reads: label, priority, release time, variables, each
  /// variant's variables and what the version provides.
  mutating func appendDetails(of entry: PackageVersion) {
    appendText(entry.label ?? "")
    appendNumber(entry.label == nil ? 0 : 1)
    appendNumber(entry.priority)
    appendText(entry.released ?? "")
    appendNumber(entry.released == nil ? 0 : 1)
    appendVariables(entry.variables)
    appendNumber(entry.variants.count)
    for variant in entry.variants { appendVariables(variant.variables) }
    appendProvides(entry.provides)
  }

  /// What a version provides (`ProvidedVersion`): the count, then per item its name and
  /// version key.
  mutating func appendProvides(_ provides: [ProvidedVersion]) {
    appendNumber(provides.count)
    for provided in provides {
      appendText(provided.name)
      appendText(provided.key)
    }
  }

  /// A directory slot: eight bytes, little-endian, filled later by `setOffset`.
  mutating func appendOffset(_ value: Int = 0) {
    Swift.withUnsafeBytes(of: Int64(value).littleEndian) { append(contentsOf: $0) }
  }

  mutating func setOffset(_ value: Int, at position: Int) {
    Swift.withUnsafeBytes(of: Int64(value).littleEndian) { raw in
      for (index, byte) in raw.enumerated() { self[position + index] = byte }
    }
  }
}

/// Reads what the `appendNumber` family wrote, from a compiled catalogue's buffer or from a
/// mapped index file. Every read is bounds-checked, so a damaged index is an error, never a
/// crash or a different answer.
struct RecordReader {
  /// The bytes end, or hold what no writer gives, where a record should be.
  struct Damaged: Error {}

  let base: UnsafeRawBufferPointer
  var offset: Int

  init(_ base: UnsafeRawBufferPointer, at offset: Int = 0) {
    self.base = base
    self.offset = offset
  }

  mutating func number() throws(Damaged) -> Int {
    if let value = shortNumber() { return value }
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard offset >= 0, offset < base.count, shift < 64 else { throw Damaged() }
      let byte = base[offset]
      offset += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte < 0x80 { break }
      shift += 7
    }
    let signed = Int64(bitPattern: value)
    return Int((signed >> 1) ^ -(signed & 1))
  }

  /// The next number when it takes one or two bytes, read; nil, reading nothing, otherwise.
  /// Most numbers of an index take one (counts, short lengths) or two (requirement numbers,
  /// of which a repository has thousands), so that the lists of them read here go without
  /// a call for each.
  @inline(__always)
  mutating func shortNumber() -> Int? {
    guard offset >= 0, offset < base.count else { return nil }
    let first = base[offset]
    if first < 0x80 {
      offset += 1
      return Int(first >> 1) ^ -Int(first & 1)
    }
    guard offset + 1 < base.count, case let second = base[offset + 1], second < 0x80 else {
      return nil
    }
    offset += 2
    let value = Int(first & 0x7F) | Int(second) << 7
    return (value >> 1) ^ -(value & 1)
  }

  /// A number that counts what follows, each taking at least one byte.
  mutating func count() throws(Damaged) -> Int {
    let count = try number()
    guard count >= 0, count <= base.count - offset else { throw Damaged() }
    return count
  }

  /// Where the next text's bytes are; the reader moves past them.
  mutating func textRange() throws(Damaged) -> Range<Int> {
    let length = try count()
    defer { offset += length }
    return offset..<offset + length
  }

  mutating func text() throws(Damaged) -> String {
    let range = try textRange()
    return String(decoding: UnsafeRawBufferPointer(rebasing: base[range]), as: UTF8.self)
  }

  mutating func skipText() throws(Damaged) { _ = try textRange() }

  mutating func texts() throws(Damaged) -> [String] {
    var texts: [String] = []
    for _ in 0..<(try count()) { texts.append(try text()) }
    return texts
  }

  /// Compares the next text with `bytes` without copying it.
  mutating func compareText(_ bytes: [UInt8]) throws(Damaged) -> Int {
    let stored = UnsafeRawBufferPointer(rebasing: base[try textRange()])
    for (a, b) in zip(stored, bytes) where a != b { return a < b ? -1 : 1 }
    return stored.count == bytes.count ? 0 : (stored.count < bytes.count ? -1 : 1)
  }

  /// A directory slot written by `appendOffset`: a place in the same bytes.
  mutating func offsetSlot() throws(Damaged) -> Int {
    guard offset >= 0, offset <= base.count - 8 else { throw Damaged() }
    let value = Int(Int64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
    offset += 8
    guard value >= 0, value <= base.count else { throw Damaged() }
    return value
  }
}

/// The body of a version record, the same in memory and in the index: label, priority,
/// release time, variables and each variant's variables (its details), then requires,
/// conflicts and each variant's requires as requirement numbers.
extension RecordReader {
  /// Reads the whole body into `entry`, numbers turned into requirements by `requirement`.
  mutating func body(
    of entry: inout PackageVersion, requirement: (Int) throws -> PackageRequirement?
  ) throws {
    try details(of: &entry)
    entry.requires = try requirements(requirement)
    entry.conflicts = try requirements(requirement)
    guard try count() == entry.variants.count else { throw Damaged() }
    for index in entry.variants.indices {
      entry.variants[index].requires = try requirements(requirement)
    }
  }

  /// The requirement lists that end a record, as numbers: requires, conflicts, then each
  /// variant's requires.
  mutating func numberLists() throws(Damaged) -> [[Int]] {
    var lists: [[Int]] = []
    func list() throws(Damaged) {
      var numbers: [Int] = []
      for _ in 0..<(try count()) { numbers.append(try number()) }
      lists.append(numbers)
    }
    try list()
    try list()
    for _ in 0..<(try count()) { try list() }
    return lists
  }

  /// Label, priority, release time, variables, each variant's variables and what the
  /// version provides: what the solver never reads.
  mutating func details(of entry: inout PackageVersion) throws(Damaged) {
    let label = try text()
    entry.label = try number() == 0 ? nil : label
    entry.priority = try number()
    let released = try text()
    entry.released = try number() == 0 ? nil : released
    entry.variables = try variables()
    for _ in 0..<(try count()) { entry.variants.append(PackageVariant(variables: try variables())) }
    entry.provides = try provides(provider: entry.name, providerKey: entry.key)
  }

  /// What `appendProvides` wrote; a version that is not one is damage.
  mutating func provides(provider: String, providerKey: String) throws(Damaged)
    -> [ProvidedVersion]
  {
    var result: [ProvidedVersion] = []
    for _ in 0..<(try count()) {
      let name = try text()
      let key = try text()
      guard let version = try? Version(parsing: key) else { throw Damaged() }
      result.append(
        ProvidedVersion(
          name: name, version: version, key: key, provider: provider, providerKey: providerKey))
    }
    return result
  }

  /// What `appendVariables` wrote.
  mutating func variables() throws(Damaged) -> [VariableChange] {
    var changes: [VariableChange] = []
    for _ in 0..<(try count()) {
      var change = VariableChange(name: try text())
      change.prepend = try texts()
      change.append = try texts()
      let flags = try number()
      guard let phase = VariableChange.Phase(rawValue: (flags >> 1) & 3) else { throw Damaged() }
      change.phase = phase
      let set = try texts()
      change.set = flags & 1 != 0 ? set : nil
      if flags & 8 != 0 { change.condition = try text() }
      change.unset = flags & 16 != 0
      switch flags & 96 {
      case 0: change.kind = .variable
      case 32: change.kind = .alias
      case 64: change.kind = .stop
      case 96: change.kind = .key
      default: throw Damaged()
      }
      changes.append(change)
    }
    return changes
  }

  /// Moves past what `details` reads.
  mutating func skipDetails() throws(Damaged) {
    try skipText()
    _ = try number()
    _ = try number()
    try skipText()
    _ = try number()
    try skipVariables()
    for _ in 0..<(try count()) { try skipVariables() }
    for _ in 0..<(try count()) {
      try skipText()
      try skipText()
    }
  }

  mutating func skipVariables() throws(Damaged) {
    for _ in 0..<(try count()) {
      try skipText()
      try skipTexts()
      try skipTexts()
      let flags = try number()
      try skipTexts()
      if flags & 8 != 0 { try skipText() }
    }
  }

  mutating func skipTexts() throws(Damaged) {
    for _ in 0..<(try count()) { try skipText() }
  }

  /// A list of requirement numbers, each turned into a requirement by `requirement`.
  mutating func requirements(_ requirement: (Int) throws -> PackageRequirement?) throws
    -> [PackageRequirement]
  {
    var result: [PackageRequirement] = []
    for _ in 0..<(try count()) {
      if let found = try requirement(try number()) { result.append(found) }
    }
    return result
  }
}

extension RecordReader {
  /// Skips bytes behind their length, as the index keeps what the solver never reads.
  mutating func skipBlock() throws(Damaged) { offset += try count() }

  /// Where the bytes behind their length lie; the reader moves past them.
  mutating func blockRange() throws(Damaged) -> Range<Int> { try textRange() }
}
