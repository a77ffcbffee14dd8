import Glibc

/// Rez repositories compiled into a catalogue index (`CatalogueIndex`'s one file format, with
/// its rez part), so that a resolve neither lists the version folders nor reads the
/// package files it meets.
///
/// In this form the key table holds every version folder's name in rez's order (ties by their
/// bytes), so a key's number follows its place; the rez section gives each key its rank among
/// the distinct versions (equal versions written differently share one). A requirement is its
/// marked name and its whole text as written (`~foo-1.2+<2`), then its range as read
/// (`appendRequirement`), so that a resolve reads no requirement's text. Each package's item
/// holds, between its name and its versions, the problems met reading it, then its folder
/// in each repository (path and state) and its version folders (path, and what is checked
/// of it), those checked when the package is first read apart from those checked when their
/// versions are (`appendFamily`): a package only constrained in an answer has its problems
/// and first checks read without its versions. A version's origin is its package file; after
/// its requirement numbers, 1 where its own are worked out again for each resolve
/// (`Entry.requiresPerResolve`), else 0.
///
/// What is checked, and when (`stat` calls only for what a resolve reads, so that a
/// repository of thousands of packages, on a network file system too, costs a resolve no
/// more than the versions it reads, as rez loads no more):
/// - on every opening, each repository folder (the source key: size and modification time):
///   a new or removed package changes it, which compiles the index anew;
/// - when a resolve first reads a package, its folder in each repository (size, modification
///   and change times, inode: a release adds a version folder, which changes it, as rez takes
///   a package folder's time as its last release), and the version folders the index holds
///   no version of (unreadable when compiled), or all of them when reading the package met
///   problems, so that a package file added or fixed since is a version, and the warnings
///   told are those of the files as they are;
/// - when a resolve first reads a version's requirements or details, its folder's package
///   file (or the folder itself where it holds no `package.py`), so that an edit, even of a
///   version released long ago, is seen when it matters to the answer.
/// Any change marks the reading out of date (`RezRepository.isStale`) and removes the index
/// file: the resolve is done again from the index compiled anew.
enum RezIndex {
  /// One version folder: its key's number, its path, and the state of each file checked, by
  /// its path's end (empty: the folder itself).
  struct Folder: Sendable {
    var key: Int
    var path: String
    var checks: [(suffix: String, state: [Int])]
  }

  /// One version read from its package file.
  struct Entry: Sendable {
    var key: Int
    var file: String
    var released: String?
    var variables: [VariableChange]
    /// Per variant, its own environment changes (`RezPackage.variantVariables`).
    var variantVariables: [[VariableChange]] = []
    /// Per variant, its own folder (`RezPackage.variantRoots`).
    var variantRoots: [String] = []
    /// The requirements as written, when read from the file.
    var requires: [String] = []
    var variants: [[String]] = []
    /// Read from the index: the requirements' numbers in its table, the version's own
    /// first, then each variant's.
    var numbers: RequirementNumbers? = nil
    /// Whether its own requirements are worked out again for each resolve
    /// (`RezPackage.requiresPerResolve`); those compiled are for a request naming nothing.
    var requiresPerResolve = false
    /// Read from the index without its file and details: where they lie, for
    /// `CatalogueIndex.readDetails(of:)` once the version is needed.
    var details: Range<Int>? = nil
  }

  /// One package: its folder in each repository holding it (with its state, `state(of:)`),
  /// its version folders, the versions read from them, and what was skipped.
  struct Family: Sendable {
    var packageFolders: [(path: String, state: [Int])] = []
    var folders: [Folder] = []
    /// Read from the index without its folders: where their records lie, for
    /// `CatalogueIndex.rezFolderRecord(_:)` and the checks of what it reads
    /// (`rezFirstChecksChanged(reading:)`, `rezFolderChanged(reading:)`).
    var folderRecords: FolderRecords? = nil
    var entries: [Entry] = []
    var problems: [Diagnostic] = []
  }

  /// Where a package's folder records lie in the index: those checked when the package is
  /// first read together, then the record of each version's folder, checked once the
  /// version is read (none when all are checked first, `appendFamily`).
  struct FolderRecords: Sendable {
    var firstChecks: Range<Int>
    var versionFolders: [Range<Int>]
  }

  /// Where the rank tables of an index lie (`CatalogueIndex.rezRankTables()`): the keys'
  /// ranks from `ranksStart`, the first key of each rank from `keysStart`, four bytes each.
  struct RankTables: Sendable {
    let keyCount: Int
    let rankCount: Int
    let ranksStart: Int
    let keysStart: Int
  }

  /// What a file's `stat` says that changes when it is written or replaced: size, modification
  /// and change times, inode; `[-1]` when it does not exist.
  static func state(of path: String) -> [Int] {
    path.withCString {
      state(in: AT_FDCWD, at: $0).map { [$0.0, $0.1, $0.2, $0.3, $0.4, $0.5] } ?? [-1]
    }
  }

  /// `state(of:)` without an array, of `path` from the open folder `folder` (or from
  /// the working folder, `AT_FDCWD`); nil when the file does not exist.
  static func state(in folder: Int32, at path: UnsafePointer<CChar>) -> (
    Int, Int, Int, Int, Int, Int
  )? {
    var info = stat()
    guard fstatat(folder, path, &info, 0) == 0 else { return nil }
    return (
      Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec),
      Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec), Int(bitPattern: UInt(info.st_ino))
    )
  }

  /// The source key: each repository folder (a package's own folder is checked when a
  /// resolve reads it).
  static func sourceKey(of roots: [String]) throws -> [UInt8] {
    let folders = roots.map(CatalogueFiles.canonical)
    for root in folders where CatalogueFiles.status(root)?.isDirectory != true {
      throw ResolveError.missingCatalogue(
        Diagnostic(file: root, position: nil, message: "no such rez repository"))
    }
    return try CatalogueIndex.sourceKey(folders)
  }

  /// One version as listed: its folder, or for a package of a combined package file
  /// (`NAME.py` at the repository's top listing its `versions`), that file.
  struct Listed {
    var version: RezVersion
    var path: String
    /// For a package of a combined package file: the file as read when listed, once for
    /// all its versions, with its state taken before (what is checked of it).
    var combined: (state: [Int], written: Result<RezPackage.Written, Diagnostic>)? = nil
  }

  /// Lists the repositories' version folders: per package, ascending, of equal versions the
  /// first repository's; and each package's folder (or combined package file) in every
  /// repository holding it, with its state taken before its listing, so that a release
  /// while listing is seen next time. A package's folder wins over a combined file of its
  /// name in the same repository, and `NAME.py` over `NAME.yaml`, as in rez.
  static func list(_ roots: [String], host: RezHost? = nil) -> (
    versions: [String: [Listed]], packageFolders: [String: [(path: String, state: [Int])]]
  ) {
    var listed: [String: [Listed]] = [:]
    var packageFolders: [String: [(path: String, state: [Int])]] = [:]
    for root in roots {
      var combinedFiles: [String: String] = [:]
      var folderNames: Set<String> = []
      for name in DirectoryListing.names(in: root) ?? [] where !name.hasPrefix(".") {
        let package = root + "/" + name
        let state = state(of: package)
        guard let contents = DirectoryListing.names(in: package) else {
          if let family = combinedFamily(fileName: name),
            combinedFiles[family]?.hasSuffix(".py") != true
          {
            combinedFiles[family] = package
          }
          continue
        }
        folderNames.insert(name)
        packageFolders[name, default: []].append((package, state))
        if contents.contains(where: RezRepository.packageFiles.contains) {
          listed[name, default: []].append(Listed(version: .empty, path: package))
          continue
        }
        for text in contents where !text.hasPrefix(".") {
          guard let version = try? RezVersion(parsing: text) else { continue }
          listed[name, default: []].append(Listed(version: version, path: package + "/" + text))
        }
      }
      for (name, file) in combinedFiles where !folderNames.contains(name) {
        let fileState = state(of: file)
        packageFolders[name, default: []].append((file, fileState))
        let read = Result { () throws(Diagnostic) in
          let written = try RezPackage.written(file: file, combined: true, host: host)
          return (written, try RezPackage.combinedVersions(of: written))
        }
        let written = read.map(\.0)
        // A file that cannot be read, or whose versions cannot, is listed unversioned, so
        // that reading it tells why.
        let versions = (try? read.get().1) ?? []
        for version in versions.isEmpty ? [.empty] : versions {
          listed[name, default: []].append(
            Listed(version: version, path: file, combined: (fileState, written)))
        }
      }
    }
    for (name, list) in listed {
      let sorted = list.enumerated().sorted {
        $0.element.version < $1.element.version
          || ($0.element.version == $1.element.version && $0.offset < $1.offset)
      }
      var unique: [Listed] = []
      for (_, folder) in sorted where unique.last?.version != folder.version {
        unique.append(folder)
      }
      listed[name] = unique
    }
    return (listed, packageFolders)
  }

  /// The package a file at a repository's top holds, as rez names it: `NAME.py` or
  /// `NAME.yaml`, NAME a valid package name (`settings.yaml` is rez's own); nil for
  /// any other file.
  static func combinedFamily(fileName: String) -> String? {
    guard fileName != "settings.yaml" else { return nil }
    for suffix in [".py", ".yaml"] where fileName.hasSuffix(suffix) {
      let name = fileName.dropLast(suffix.count)
      // rez's package names: word characters, single dots between them.
      let parts = name.split(separator: ".", omittingEmptySubsequences: false)
      guard parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(RezVersion.isTokenByte) })
      else { return nil }
      return String(name)
    }
    return nil
  }

  /// Reads a package's versions from their files (`key`: each version's key number).
  static func readFamily(
    _ name: String, folders: [(key: Int, listed: Listed)], host: RezHost? = nil
  ) -> Family {
    var family = Family()
    for (key, listed) in folders {
      let (version, path) = (listed.version, listed.path)
      // Checked before reading, so that a change while reading is seen next time.
      var checks: [(suffix: String, state: [Int])]
      if let combined = listed.combined {
        checks = [("", combined.state)]
      } else {
        checks = [(suffix: "/package.py", state: state(of: path + "/package.py"))]
        if checks[0].state == [-1] {
          checks = [("", state(of: path)), ("/package.yaml", state(of: path + "/package.yaml"))]
        }
      }
      family.folders.append(Folder(key: key, path: path, checks: checks))
      let file: String
      let package: RezPackage
      do throws(Diagnostic) {
        if let combined = listed.combined {
          file = path
          package = try RezPackage.read(
            combined.written.get(), base: RezPackage.combinedBase, name: name, version: version,
            combined: true)
        } else {
          guard let found = RezRepository.packageFile(in: path) else { continue }
          file = found
          package = try RezPackage.read(
            file: file, root: path, name: name, version: version, host: host)
        }
      } catch {
        family.problems.append(
          Diagnostic(
            file: error.file, position: error.position,
            message: "\(error.message); \(name)-\(version) skipped"))
        continue
      }
      // The versions of a combined file share its lines: each warning is told once.
      for warning in package.warnings
      where !(listed.combined != nil && family.problems.contains(warning)) {
        family.problems.append(warning)
      }
      do {
        for text in package.requires + package.variants.joined() {
          _ = try RezRequirement(parsing: text)
        }
      } catch {
        family.problems.append(
          Diagnostic(file: file, position: nil, message: "\(error); \(name)-\(version) skipped"))
        continue
      }
      family.entries.append(
        Entry(
          key: key, file: file, released: package.timestamp.map(RezRepository.releaseText),
          variables: package.variables, variantVariables: package.variantVariables,
          variantRoots: package.variantRoots,
          requires: package.requires, variants: package.variants,
          requiresPerResolve: package.requiresPerResolve))
    }
    return family
  }

  /// The index file's bytes for the repositories `roots`, with `key` as its source key;
  /// `host` is what package files' functions read of the environment and the machine, each
  /// value read held in the header (`CatalogueIndex.hostReadings`).
  static func compile(_ roots: [String], key: [UInt8], host: RezHost) throws -> [UInt8] {
    let (listed, packageFolders) = list(roots.map(CatalogueFiles.canonical), host: host)
    var versions: [String: RezVersion] = [:]
    for folders in listed.values {
      for folder in folders { versions[folder.version.text] = folder.version }
    }
    let keys = versions.keys.sorted {
      let (a, b) = (versions[$0]!, versions[$1]!)
      return a < b || (a == b && $0.utf8.lexicographicallyPrecedes($1.utf8))
    }
    var keyNumbers: [String: Int] = [:]
    var ranks: [Int] = []
    for (number, text) in keys.enumerated() {
      keyNumbers[text] = number
      let rank = ranks.last.map { versions[keys[number - 1]]! == versions[text]! ? $0 : $0 + 1 }
      ranks.append(rank ?? 0)
    }
    // The first key of each rank, and the distinct versions, ascending: a rank's version
    // is the one at its place.
    let rankKeys = ranks.indices.filter { $0 == 0 || ranks[$0] != ranks[$0 - 1] }
    let rankVersions = rankKeys.map { versions[keys[$0]]! }
    let names = listed.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    let families = names.map { name in
      var family = readFamily(
        name, folders: listed[name]!.map { (keyNumbers[$0.version.text]!, $0) }, host: host)
      family.packageFolders = packageFolders[name] ?? []
      return family
    }
    // Requirements are numbered as met, as a TOML catalogue's are.
    var requirementNumbers: [String: Int] = [:]
    var requirements: [RezRequirement] = []
    func number(_ text: String) -> Int {
      if let known = requirementNumbers[text] { return known }
      // Read when compiled: a version with one that cannot be read was skipped.
      requirements.append(try! RezRequirement(parsing: text))
      requirementNumbers[text] = requirements.count - 1
      return requirements.count - 1
    }
    let numbered = families.map { family in
      family.entries.map { entry in
        [entry.requires.map(number), []] + entry.variants.map { $0.map(number) }
      }
    }

    return CatalogueIndex.layout(
      key: key, size: 1 << 20,
      header: { index in
        // No problems of its own; then what the package files read of their host.
        index.appendNumber(0)
        index.appendNumber(host.readings.count)
        for reading in host.readings {
          index.appendText(reading.name)
          index.appendNumber(reading.value == nil ? 0 : 1)
          index.appendText(reading.value ?? "")
        }
      },
      keys: { index in
        // Each key's text, then its version's bytes in rez's order (`RezVersion.key`): a
        // resolve takes the versions it compares as compiled, never reading one again.
        CompiledCatalogue.appendTable(keys, to: &index) { index, key in
          index.appendText(key)
          index.appendText(utf8: versions[key]!.key)
        }
      },
      requirements: { index in
        CompiledCatalogue.appendTable(requirements, to: &index) { index, requirement in
          appendRequirement(
            requirement, keyNumbers: keyNumbers, rankVersions: rankVersions, to: &index)
        }
      },
      provisions: { index in index.appendNumber(0) },
      rez: { index in
        // Each key's rank, then the first key of each rank, four bytes each: read where
        // needed, as a resolve reads few of them.
        index.appendNumber(ranks.count)
        index.appendNumber(rankKeys.count)
        for value in ranks + rankKeys {
          Swift.withUnsafeBytes(of: UInt32(value).littleEndian) { index += $0 }
        }
      },
      packageNames: names,
      package: { index, number in
        appendFamily(names[number], families[number], lists: numbered[number], to: &index)
      })
  }

  /// A requirement's item: its marked name and text, as a TOML catalogue's, then its range's
  /// text and bounds, each bound its lower then its upper end (`appendEnd`).
  static func appendRequirement(
    _ requirement: RezRequirement, keyNumbers: [String: Int], rankVersions: [RezVersion],
    to index: inout [UInt8]
  ) {
    let mark = requirement.kind == .required ? "" : String(requirement.text.prefix(1))
    index.appendText(mark + requirement.name)
    index.appendText(requirement.text)
    index.appendText(requirement.range.text)
    index.appendNumber(requirement.range.bounds.count)
    for bound in requirement.range.bounds {
      appendEnd(bound.lower, keyNumbers: keyNumbers, rankVersions: rankVersions, to: &index)
      appendEnd(bound.upper, keyNumbers: keyNumbers, rankVersions: rankVersions, to: &index)
    }
  }

  /// Where a range's end stands among a repository's ranks: how many ranks lie below its
  /// version, and whether one is its version. The ranks a range holds are then counted
  /// without comparing versions (`RezRepository.spec(for:places:)`).
  struct EndPlace: Sendable {
    var ranksBelow: Int
    var isRank: Bool

    /// How many ranks lie below the end: below its version, and its version's own when that
    /// is a rank and lies below (a lower end left out, an upper end included).
    func ranksBelow(lower: Bool, inclusive: Bool) -> Int {
      ranksBelow + (isRank && lower != inclusive ? 1 : 0)
    }
  }

  /// How an end's version is written, doubled, plus one when the end is included: a key's
  /// number (the key's text is the version's own), the version's text, or no more
  /// (`infinity`).
  enum EndForm: Int {
    case key = 0
    case text = 1
    case infinity = 2
  }

  /// One end of a bound: its form and inclusion (`EndForm`), then the key's number or the
  /// version's text, then where its version stands among the ranks (`EndPlace`). The
  /// version read back from either is the one read from the range: the same text read the
  /// same way.
  private static func appendEnd(
    _ end: RezRange.End, keyNumbers: [String: Int], rankVersions: [RezVersion],
    to index: inout [UInt8]
  ) {
    let included = end.inclusive ? 1 : 0
    if end.version.isInfinity {
      index.appendNumber(EndForm.infinity.rawValue * 2 + included)
    } else if let key = keyNumbers[end.version.text] {
      index.appendNumber(EndForm.key.rawValue * 2 + included)
      index.appendNumber(key)
    } else {
      index.appendNumber(EndForm.text.rawValue * 2 + included)
      index.appendText(end.version.text)
    }
    var below = 0
    var above = rankVersions.count
    while below < above {
      let middle = (below + above) / 2
      if rankVersions[middle] < end.version { below = middle + 1 } else { above = middle }
    }
    let held = below < rankVersions.count && rankVersions[below] == end.version
    index.appendNumber(below * 2 + (held ? 1 : 0))
  }

  /// A package's directory item: its name; its problems; what is checked when a resolve
  /// first reads it, behind its length: its folders (`Family.packageFolders`), then the
  /// version folders it holds no version of, or all of them when reading it met problems
  /// (so that a package file added or fixed since is a version, and the warnings told are
  /// those of the files as they are); the record of each version's folder, behind its
  /// length, unless all were in the first checks; then its versions as a TOML catalogue's.
  private static func appendFamily(
    _ name: String, _ family: Family, lists: [[[Int]]], to index: inout [UInt8]
  ) {
    index.appendText(name)
    index.appendNumber(family.problems.count)
    for problem in family.problems {
      index.appendText(problem.file)
      index.appendNumber(problem.position?.line ?? 0)
      index.appendNumber(problem.position?.column ?? 0)
      index.appendText(problem.message)
    }
    func appendFolder(_ folder: Folder, to record: inout [UInt8]) {
      record.appendText(folder.path)
      record.appendNumber(folder.checks.count)
      for check in folder.checks {
        record.appendText(check.suffix)
        record.appendNumber(check.state.count)
        for value in check.state { record.appendNumber(value) }
      }
    }
    let versionKeys = family.problems.isEmpty ? Set(family.entries.map(\.key)) : []
    var firstChecks: [UInt8] = []
    firstChecks.appendNumber(family.packageFolders.count)
    for folder in family.packageFolders {
      firstChecks.appendText(folder.path)
      firstChecks.appendNumber(folder.state.count)
      for value in folder.state { firstChecks.appendNumber(value) }
    }
    let checkedFirst = family.folders.filter { !versionKeys.contains($0.key) }
    firstChecks.appendNumber(checkedFirst.count)
    for folder in checkedFirst { appendFolder(folder, to: &firstChecks) }
    index.appendNumber(firstChecks.count)
    index += firstChecks
    // A version's folder is the one of its key: one per version, in the same order.
    let versionFolders = family.folders.filter { versionKeys.contains($0.key) }
    index.appendNumber(versionFolders.count)
    for folder in versionFolders {
      var record: [UInt8] = []
      appendFolder(folder, to: &record)
      index.appendNumber(record.count)
      index += record
    }
    index.appendNumber(family.entries.count)
    for (entry, lists) in zip(family.entries, lists) {
      index.appendNumber(entry.key)
      var details: [UInt8] = []
      details.appendText(entry.file)
      var version = PackageVersion(name: name, version: Version(0), key: "")
      version.released = entry.released
      version.variables = entry.variables
      version.variants = entry.variants.indices.map { index in
        PackageVariant(
          variables: index < entry.variantVariables.count ? entry.variantVariables[index] : [])
      }
      details.appendDetails(of: version)
      details.appendNumber(entry.variantRoots.count)
      for root in entry.variantRoots { details.appendText(root) }
      index.appendNumber(details.count)
      index += details
      index.appendNumberLists(lists)
      index.appendNumber(entry.requiresPerResolve ? 1 : 0)
    }
  }
}

extension CatalogueIndex {
  /// Where a rez repository's index keeps each key's rank among the distinct versions and
  /// the first key of each rank (`RezIndex.compile`); nil when this is not a rez
  /// repository's index. The tables are read an entry at a time (`rezRank(ofKey:in:)`,
  /// `rezKey(ofRank:in:)`): a resolve compares a few hundred of the keys.
  func rezRankTables() throws(RecordReader.Damaged) -> RezIndex.RankTables? {
    guard let section = rezSection else { return nil }
    // Only the two counts (each at most ten bytes) are read here, and checked: the tables
    // are checked a block at a time as their entries are read.
    var reader = try reader(section.lowerBound, min(section.upperBound, section.lowerBound + 20))
    let keys = try reader.number()
    let ranks = try reader.number()
    guard keys == keyTable.count, ranks >= 0, ranks <= keys, (keys == 0) == (ranks == 0),
      section.upperBound - reader.offset == 4 * (keys + ranks)
    else { throw RecordReader.Damaged() }
    return RezIndex.RankTables(
      keyCount: keys, rankCount: ranks, ranksStart: reader.offset,
      keysStart: reader.offset + 4 * keys)
  }

  /// Key `key`'s rank, counted from 0.
  func rezRank(ofKey key: Int, in tables: RezIndex.RankTables) throws(RecordReader.Damaged)
    -> Int
  {
    try entry(key, of: tables.keyCount, from: tables.ranksStart, below: tables.rankCount)
  }

  /// The first key of rank `rank`.
  func rezKey(ofRank rank: Int, in tables: RezIndex.RankTables) throws(RecordReader.Damaged)
    -> Int
  {
    try entry(rank, of: tables.rankCount, from: tables.keysStart, below: tables.keyCount)
  }

  /// Entry `number` of a table of `count` four-byte numbers from `start`, each below
  /// `limit`; read through `reader(_:_:)` the first time its block is.
  @inline(__always)
  private func entry(_ number: Int, of count: Int, from start: Int, below limit: Int)
    throws(RecordReader.Damaged) -> Int
  {
    guard number >= 0, number < count else { throw RecordReader.Damaged() }
    let offset = start + 4 * number
    let bytes = seal.isChecked(offset..<offset + 4) ? memory : try reader(offset, offset + 4).base
    let value = Int(
      UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    guard value < limit else { throw RecordReader.Damaged() }
    return value
  }

  /// The file and details of a version read without them (`rezFamily(named:)`).
  func readDetails(of entry: inout RezIndex.Entry) throws(RecordReader.Damaged) {
    guard let range = entry.details else { return }
    var reader = try reader(range.lowerBound, range.upperBound)
    entry.file = try reader.text()
    var version = PackageVersion(name: "", version: Version(0), key: "")
    try reader.details(of: &version)
    entry.released = version.released
    entry.variables = version.variables
    entry.variantVariables = version.variants.map(\.variables)
    entry.variantRoots = try (0..<(try reader.count())).map { _ throws(RecordReader.Damaged) in
      try reader.text()
    }
    guard reader.offset == range.upperBound else { throw RecordReader.Damaged() }
    entry.details = nil
  }

  /// Whether anything changed since the index was compiled among the folders and files a
  /// package's first checks record (`RezIndex.state(of:)`): its folders, then version
  /// folders (`RezIndex.appendFamily`), read by a `rezFolderRecord(_:)` reader of the
  /// record, on any thread. Read where the records lie: paths and states made for that
  /// alone would cost more than the `stat` calls.
  func rezFirstChecksChanged(reading reader: RecordReader) throws(RecordReader.Damaged) -> Bool {
    var reader = reader
    for _ in 0..<(try reader.count()) {
      guard try stateHolds(&reader, try reader.textRange()) else { return true }
    }
    for _ in 0..<(try reader.count()) {
      if try folderChanged(&reader) { return true }
    }
    return false
  }

  /// A reader of the version folder's record at `record` (`RezIndex.FolderRecords`): the
  /// blocks it lies in checked here, so that `rezFolderChanged(reading:)` reads nothing else
  /// of the index and may run on another thread.
  func rezFolderRecord(_ record: Range<Int>) throws(RecordReader.Damaged) -> RecordReader {
    try reader(record.lowerBound, record.upperBound)
  }

  /// Whether the version folder a `rezFolderRecord(_:)` reader reads changed.
  func rezFolderChanged(reading reader: RecordReader) throws(RecordReader.Damaged) -> Bool {
    var reader = reader
    return try folderChanged(&reader)
  }

  /// Reads a version folder's path and checks; whether one changed.
  private func folderChanged(_ reader: inout RecordReader) throws(RecordReader.Damaged) -> Bool {
    let folder = try reader.textRange()
    for _ in 0..<(try reader.count()) {
      guard try stateHolds(&reader, folder, try reader.textRange()) else {
        return true
      }
    }
    return false
  }

  /// Whether the file whose path is the bytes at `folder` then those at `end` is as the
  /// state that follows in `reader` records. The path is made on the stack: a package's
  /// first reading makes one per version it checks.
  private func stateHolds(
    _ reader: inout RecordReader, _ folder: Range<Int>, _ end: Range<Int> = 0..<0
  ) throws(RecordReader.Damaged) -> Bool {
    let base = reader.base
    let length = folder.count + end.count
    let found = withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { path in
      let bytes = UnsafeMutableRawBufferPointer(path)
      bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: base[folder]))
      UnsafeMutableRawBufferPointer(rebasing: bytes[folder.count...]).copyMemory(
        from: UnsafeRawBufferPointer(rebasing: base[end]))
      path[length] = 0
      return fileState(at: path.baseAddress!, length: length)
    }
    let count = try reader.count()
    guard let state = found else {
      guard count == 1 else { return false }
      return try reader.number() == -1
    }
    guard count == 6 else { return false }
    for value in [state.0, state.1, state.2, state.3, state.4, state.5] {
      guard try reader.number() == value else { return false }
    }
    return true
  }

  /// Key `number`'s text.
  func keyText(_ number: Int) throws(RecordReader.Damaged) -> String {
    var reader = try item(number, of: keyTable)
    return try reader.text()
  }

  /// Key `number`'s version as compiled: its text and the bytes stored after it.
  func rezKeyVersion(_ number: Int) throws(RecordReader.Damaged) -> RezVersion {
    var reader = try item(number, of: keyTable)
    let text = try reader.text()
    let key = try reader.textRange()
    return RezVersion(key: Array(UnsafeRawBufferPointer(rebasing: reader.base[key])), text: text)
  }

  /// Checks key `number`'s text as `keyText(_:)` reads it, without making the text.
  func checkKeyText(_ number: Int) throws(RecordReader.Damaged) {
    var reader = try item(number, of: keyTable)
    try reader.skipText()
  }

  /// Requirement `number` as compiled (`RezIndex.appendRequirement`), its text not read
  /// again: `keyVersion` gives a key's version, `textVersion` one written in the range; with
  /// where each bound's lower then upper end stands among the ranks.
  func rezRequirement(
    _ number: Int, keyVersion: (Int) -> RezVersion?, textVersion: (String) -> RezVersion?
  ) throws(RecordReader.Damaged) -> (requirement: RezRequirement, places: [RezIndex.EndPlace]) {
    var reader = try item(number, of: requirementTable)
    var name = try reader.text()
    let text = try reader.text()
    let kind = name.utf8.first.map(PackageRequirement.kind(marked:)) ?? .required
    if kind != .required { name.removeFirst() }
    let rangeText = try reader.text()
    let count = try reader.count()
    var bounds: [RezRange.Bound] = []
    bounds.reserveCapacity(count)
    var places: [RezIndex.EndPlace] = []
    places.reserveCapacity(2 * count)
    func end() throws(RecordReader.Damaged) -> RezRange.End {
      let code = try reader.number()
      let inclusive = code & 1 == 1
      let version: RezVersion?
      switch RezIndex.EndForm(rawValue: code >> 1) {
      case .key?:
        let key = try reader.number()
        guard key >= 0, key < keyTable.count else { throw RecordReader.Damaged() }
        version = keyVersion(key)
      case .text?: version = textVersion(try reader.text())
      case .infinity?: version = .infinity
      case nil: throw RecordReader.Damaged()
      }
      let place = try reader.number()
      guard place >= 0 else { throw RecordReader.Damaged() }
      places.append(RezIndex.EndPlace(ranksBelow: place >> 1, isRank: place & 1 == 1))
      guard let version else { throw RecordReader.Damaged() }
      return RezRange.End(version: version, inclusive: inclusive)
    }
    for _ in 0..<count {
      let lower = try end()
      bounds.append(RezRange.Bound(lower: lower, upper: try end()))
    }
    guard !name.isEmpty else { throw RecordReader.Damaged() }
    let requirement = RezRequirement(
      name: name, range: RezRange(mergedBounds: bounds, text: rangeText), kind: kind, text: text)
    return (requirement, places)
  }

  /// Package `name` as compiled; nil when no repository holds it. Each version's file and
  /// details, and the folders, are left where they lie (`readDetails(of:)`,
  /// `RezIndex.FolderRecords`): a search reads many versions and chooses few.
  func rezFamily(named name: String) throws(RecordReader.Damaged) -> RezIndex.Family? {
    guard var reader = try findPackage(named: name) else { return nil }
    var family = RezIndex.Family()
    family.problems = try readProblems(&reader)
    let firstChecks = try reader.blockRange()
    let folderCount = try reader.count()
    var versionFolders: [Range<Int>] = []
    versionFolders.reserveCapacity(folderCount)
    for _ in 0..<folderCount { versionFolders.append(try reader.blockRange()) }
    family.folderRecords = RezIndex.FolderRecords(
      firstChecks: firstChecks, versionFolders: versionFolders)
    let count = try reader.count()
    // A folder record per version, unless reading the package met problems.
    guard folderCount == (family.problems.isEmpty ? count : 0) else {
      throw RecordReader.Damaged()
    }
    // Every version's requirement numbers in one array, each version's a slice of it: one
    // allocation per package rather than one per version. The entries are made once it is
    // whole, each at once: an entry made and then changed in the list is copied.
    var numbers: [Int32] = []
    numbers.reserveCapacity(count * 8)
    var read: [(key: Int, details: Range<Int>, numbers: Range<Int>, perResolve: Bool)] = []
    read.reserveCapacity(count)
    for _ in 0..<count {
      let key = try reader.number()
      guard key >= 0, key < keyTable.count else { throw RecordReader.Damaged() }
      let length = try reader.count()
      let details = reader.offset..<reader.offset + length
      reader.offset += length
      let start = numbers.count
      try readRequirementNumbers(&reader, into: &numbers)
      let perResolve = try reader.number()
      guard perResolve == 0 || perResolve == 1 else { throw RecordReader.Damaged() }
      read.append((key, details, start..<numbers.count, perResolve == 1))
    }
    family.entries.reserveCapacity(count)
    for version in read {
      family.entries.append(
        RezIndex.Entry(
          key: version.key, file: "", released: nil, variables: [],
          numbers: RequirementNumbers(storage: numbers[version.numbers]),
          requiresPerResolve: version.perResolve, details: version.details))
    }
    return family
  }

  /// Package `name`'s problems and where its first checks lie
  /// (`rezFirstChecksChanged(reading:)`), its versions and their folders not read; nil when
  /// no repository holds it.
  func rezFamilyOutline(named name: String) throws(RecordReader.Damaged)
    -> (firstChecks: Range<Int>, problems: [Diagnostic])?
  {
    guard var reader = try findPackage(named: name) else { return nil }
    let problems = try readProblems(&reader)
    return (try reader.blockRange(), problems)
  }

  /// A version's requirement numbers (`RecordReader.numberLists`) without its conflicts,
  /// which rez packages never have, appended to `storage` as `RequirementNumbers` holds
  /// them; each checked.
  private func readRequirementNumbers(
    _ reader: inout RecordReader, into storage: inout [Int32]
  ) throws(RecordReader.Damaged) {
    func list() throws(RecordReader.Damaged) {
      let count = try reader.count()
      guard let length = Int32(exactly: count) else { throw RecordReader.Damaged() }
      storage.append(length)
      for _ in 0..<count {
        let number: Int
        if let short = reader.shortNumber() { number = short } else { number = try reader.number() }
        guard number >= 0, number < requirementTable.count, let stored = Int32(exactly: number)
        else { throw RecordReader.Damaged() }
        storage.append(stored)
      }
    }
    try list()
    guard try reader.count() == 0 else { throw RecordReader.Damaged() }
    for _ in 0..<(try reader.count()) { try list() }
  }

  private func readProblems(_ reader: inout RecordReader) throws(RecordReader.Damaged)
    -> [Diagnostic]
  {
    var problems: [Diagnostic] = []
    for _ in 0..<(try reader.count()) {
      let file = try reader.text()
      let line = try reader.number()
      let column = try reader.number()
      let message = try reader.text()
      problems.append(
        Diagnostic(
          file: file,
          position: line > 0 ? SourcePosition(line: line, column: max(column, 1)) : nil,
          message: message))
    }
    return problems
  }
}
