/// A catalogue's entries in compact form: each version is one record of variable-length
/// numbers and texts in one shared byte buffer, so a million versions cost tens of megabytes
/// instead of a million small trees of strings and arrays. It is the one in-memory form of a
/// `Catalogue`: `CatalogueCompiler` fills it entry by entry, `Catalogue` from merged
/// documents or from values; `finish()` sorts the versions and settles the problems; it is
/// then encoded to the index format directly, or decoded a package at a time.
///
/// A record holds, in order: the version key; the file number and line of its origin (a line
/// below 0: none); then the body the index keeps byte for byte (`RecordReader.body`): the
/// label (text, then 1 when given, else 0), the priority, the release time (the same way),
/// the variables (count, then for each
/// its name, the prepend texts, the append texts, 1 or 0 for set, the set texts), the number
/// of variants and each variant's variables the same way, what the version provides (count,
/// then each name and version key); then the requires, the conflicts
/// (count, then requirement numbers), the number of variants and each variant's requires.
struct CompiledCatalogue: Sendable {
  struct Package: Sendable {
    var name: String
    /// Entries begun so far, skipped ones included: each entry's place in the package.
    var entryCount = 0
    /// The records read; after `finish()`, the kept ones, ascending by version.
    var records: [Record] = []
    /// The entries skipped, with their places and keys.
    var problems: [(place: Int, problem: Diagnostic)] = []
    var skippedKeys: [String] = []
    /// The version of the last record, while each is above the one before.
    var lastVersion: Version?
    var isAscending = true
    /// Where the records that provide other packages (`provides`) start.
    var providing: Set<Int> = []
  }

  struct Record: Sendable {
    var place: Int
    /// Where the record starts in `bytes`.
    var offset: Int
  }

  /// The files read, in order.
  private(set) var files: [String] = []
  /// Packages in the order first written.
  private(set) var packages: [Package] = []
  private var packageNumbers: [String: Int] = [:]
  /// The records, back to back.
  private(set) var bytes: [UInt8] = []
  /// Distinct requirements, numbered in the order first read.
  var requirements = RequirementNumbering()

  /// Set by `finish()`: package names in the order first written, those with versions only.
  private(set) var names: [String] = []
  /// Set by `finish()`: the names of packages every entry of which was skipped (each with
  /// its problem), in the order first written.
  private(set) var namesWithoutVersions: [String] = []
  private(set) var problems: [Diagnostic] = []
  private(set) var versionCount = 0
  private var namesToPackages: [String: Int] = [:]
  /// Set by `finish()`: per package name, the versions other packages provide of it,
  /// ascending, providers in written order.
  private(set) var provisions: [String: [ProvidedVersion]] = [:]

  // MARK: - Filling

  mutating func addFile(_ file: String) { files.append(file) }

  /// The number of package `name`, added when new.
  mutating func package(_ name: String) -> Int {
    if let number = packageNumbers[name] { return number }
    packages.append(Package(name: name))
    packageNumbers[name] = packages.count - 1
    return packages.count - 1
  }

  /// Begins an entry of `package` and gives its place. An entry begun twice is noticed by
  /// `finish()`.
  mutating func begin(of package: Int) -> Int {
    defer { packages[package].entryCount += 1 }
    return packages[package].entryCount
  }

  mutating func skip(_ key: String, place: Int, of package: Int, problem: Diagnostic) {
    packages[package].problems.append((place, problem))
    packages[package].skippedKeys.append(key)
  }

  /// Adds the record of `entry`, defined at `line` of file number `file`; its requirements
  /// are the last numbered in `requirements`.
  mutating func add(_ entry: PackageVersion, place: Int, of package: Int, file: Int, line: Int) {
    if packages[package].isAscending {
      if let last = packages[package].lastVersion, !(last < entry.version) {
        packages[package].isAscending = false
        packages[package].lastVersion = nil
      } else {
        packages[package].lastVersion = entry.version
      }
    }
    packages[package].records.append(Record(place: place, offset: bytes.count))
    bytes.appendText(entry.key)
    bytes.appendNumber(file)
    bytes.appendNumber(line)
    bytes.appendDetails(of: entry)
    if !entry.provides.isEmpty {
      packages[package].providing.insert(packages[package].records.last!.offset)
    }
    bytes.appendNumberLists(
      [requirements.requires, requirements.conflicts] + requirements.variants)
  }

  // MARK: - Finishing

  /// Sorts each package's versions, skips those equal to an earlier one, and lists the
  /// packages with versions and every problem, in the order a merged document gives them.
  /// False when an entry was begun twice (written again after another, or by a later file),
  /// which only the whole documents can tell the meaning of.
  mutating func finish() -> Bool {
    packageNumbers = [:]
    provisions = [:]
    requirements.finish()
    for number in packages.indices {
      packages[number].lastVersion = nil
      if !packages[number].isAscending {
        guard sortVersions(of: number) else { return false }
      }
      guard skippedKeysAreNew(in: number) else { return false }
      let package = packages[number]
      if !package.records.isEmpty {
        names.append(package.name)
        namesToPackages[package.name] = number
        versionCount += package.records.count
      } else if !package.skippedKeys.isEmpty {
        namesWithoutVersions.append(package.name)
      }
      problems += package.problems.sorted { $0.place < $1.place }.map(\.problem)
      packages[number].problems = []
      for record in package.records where package.providing.contains(record.offset) {
        for provided in provides(name: package.name, at: record.offset) {
          provisions[provided.name, default: []].append(provided)
        }
      }
    }
    for name in provisions.keys {
      // Stable: of equal versions, providers stay in written order.
      provisions[name] = provisions[name]!.enumerated().sorted {
        $0.element.version < $1.element.version
          || ($0.element.version == $1.element.version && $0.offset < $1.offset)
      }.map(\.element)
    }
    return true
  }

  /// What the record at `offset` provides.
  private func provides(name: String, at offset: Int) -> [ProvidedVersion] {
    entry(name: name, at: offset).provides
  }

  /// Whether each skipped entry's key is its own: no other entry of the package has it.
  private func skippedKeysAreNew(in package: Int) -> Bool {
    let skipped = packages[package].skippedKeys
    if skipped.isEmpty { return true }
    var keys = Set(packages[package].records.map { key(at: $0.offset) })
    return skipped.allSatisfy { keys.insert($0).inserted }
  }

  /// Ascending by version; of equal versions the first written stays, the others are problems.
  /// False when two have the same key: one entry begun twice.
  private mutating func sortVersions(of package: Int) -> Bool {
    let records = packages[package].records
    let versions = records.map { version(at: $0.offset) }
    let order = records.indices.sorted {
      versions[$0] < versions[$1]
        || (versions[$0] == versions[$1] && records[$0].place < records[$1].place)
    }
    var kept: [Record] = []
    kept.reserveCapacity(records.count)
    var first = order[0]
    var keysOfVersion: Set<String> = []
    for (position, number) in order.enumerated() {
      if position == 0 || versions[number] != versions[first] { keysOfVersion = [] }
      guard keysOfVersion.insert(key(at: records[number].offset)).inserted else { return false }
      if position > 0 && versions[number] == versions[first] {
        let name = packages[package].name
        let problem = Catalogue.duplicate(
          name: name, key: key(at: records[number].offset),
          earlier: key(at: records[first].offset), origin: origin(at: records[number].offset))
        packages[package].problems.append((records[number].place, problem))
        continue
      }
      first = number
      kept.append(records[number])
    }
    packages[package].records = kept
    return true
  }

  // MARK: - Reading records

  /// Reads the record at `offset`. The records were written by `add`, so one that cannot be
  /// read back is a fault of this type, never of its input.
  func read<T>(at offset: Int, _ body: (inout RecordReader) throws -> T) -> T {
    bytes.withUnsafeBytes { raw in
      var reader = RecordReader(raw, at: offset)
      do {
        return try body(&reader)
      } catch {
        preconditionFailure("a compiled record cannot be read back")
      }
    }
  }

  func key(at offset: Int) -> String {
    read(at: offset) { reader in try reader.text() }
  }

  private func version(at offset: Int) -> Version {
    // The key was read as a version when its record was added.
    (try? Version(parsing: key(at: offset))) ?? Version(0)
  }

  private func origin(at offset: Int) -> String {
    read(at: offset) { reader in
      try reader.skipText()
      return origin(file: try reader.number(), line: try reader.number())
    }
  }

  /// `file:line`; a line below 0 stands for none, the file's text being the whole origin.
  func origin(file: Int, line: Int) -> String {
    line < 0 ? files[file] : "\(files[file]):\(line)"
  }

  /// The versions of `name`, ascending, decoded from their records.
  func versions(of name: String) -> [PackageVersion] {
    guard let number = namesToPackages[name] else { return [] }
    return packages[number].records.map { entry(name: name, at: $0.offset) }
  }

  private func entry(name: String, at offset: Int) -> PackageVersion {
    read(at: offset) { reader in
      let key = try reader.text()
      var entry = PackageVersion(name: name, version: version(at: offset), key: key)
      entry.definedAt = origin(file: try reader.number(), line: try reader.number())
      // Each requirement was read as one when its record was added.
      try reader.body(of: &entry) { requirements.requirement($0) }
      return entry
    }
  }
}
