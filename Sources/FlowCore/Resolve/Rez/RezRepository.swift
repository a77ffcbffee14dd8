import Glibc

/// Rez package repositories (`NAME/VERSION/package.py` or `package.yaml`, or `NAME/package.py`
/// for an unversioned package) as a package source, read without executing Python.
///
/// The repositories are read through their compiled index (`RezIndex`), which holds every
/// name and version and what each package file declares; a package is decoded only when the
/// solver first asks for it. Of equal versions in several repositories, the first
/// repository's wins, as rez's packages path does.
///
/// The solver works on `Version`s: each distinct rez version of every repository gets its
/// rank in rez's order as a one-part `Version`, and each rez range becomes the set of ranks
/// it holds, so requirements are read here (`requirement(parsing:)`), against the versions
/// the repositories hold.
///
/// A version with variants becomes a `PackageVersion` with `variants`, one candidate per
/// variant; the solver orders them by rez's rule (`Solver.variantOrder`). Resolves follow
/// rez's own search (`RezSolver`, `followRez(_:)`) where it finds an answer.
///
/// Tables marked `@exclusivity(unchecked)` are read and written on every package the search
/// meets; one resolve uses them at a time and each access ends before the next begins, so
/// they are not checked for overlap at run time.
public final class RezRepository: PackageSource {
  /// A machine's fact as a package: its version, and where it stands among the ranks.
  struct FactVersion {
    var fact: ImplicitPackages.Fact
    var version: RezVersion
    var solverVersion: Version
    /// Whether no repository holds its version, so that it stands between two ranks.
    var isBetween: Bool
  }

  let index: CatalogueIndex
  /// The index file, removed when a package is found changed since it was compiled.
  private let indexPath: String?
  /// Where each key's rank and the first key of each rank lie in the index.
  private let rankTables: RezIndex.RankTables
  /// Per key number, its version once read.
  @exclusivity(unchecked) private var parsedKeys: NumberedValues<RezVersion>
  private var facts: [String: FactVersion] = [:]
  /// The facts, in the order given.
  private let factList: [ImplicitPackages.Fact]
  /// The same repositories with other facts, per stage of a pipe document.
  private var views: [[ImplicitPackages.Fact]: RezRepository] = [:]
  private var viewOrder: [RezRepository] = []
  /// Per package read so far, its versions (ascending), their candidates, and what rez's
  /// search reads of each version: its requirements and each variant's.
  private var versions: [String: [PackageVersion]] = [:]
  private var entries: [String: [PackageVersion]] = [:]
  /// Per package read so far, as the repositories hold it (nil: none holds it).
  @exclusivity(unchecked) private var stored: [String: RezIndex.Family?] = [:]
  /// The packages whose problems were reported without reading their versions.
  private var problemsReported: Set<String> = []
  /// Per package, what rez's search reads of each version: its requirements and each
  /// variant's, as the index's numbers, and its place in the package's entries (-1 for a
  /// fact of the machine, which has no folder).
  @exclusivity(unchecked) private var searchVersions: [String: [RezSolver.Read]] = [:]
  /// The filter rez's search reads through (`followRez(_:filter:)`): the versions it hides
  /// are not in `searchVersions`, as rez's package filters and time leave them out.
  private var searchFilter: PackageFilter?
  /// Per entry of each package read, where the record of its version folder lies while not
  /// checked yet, else an empty range (`RezIndex.FolderRecords`), each package's entries in
  /// one run: the number of an entry's check (`RezSolver.Read.folder`).
  @exclusivity(unchecked) private var uncheckedFolders: [Range<Int>] = []
  /// Per package read, where its run in `uncheckedFolders` starts and how many it holds;
  /// none when all its folders were checked when it was read.
  @exclusivity(unchecked) private var folderRuns: [String: (start: Int, count: Int)] = [:]
  /// Per requirement number of the index, the requirement read once as compiled, with where
  /// its ends stand among the ranks (`indexRequirement(_:)`), nil for one that cannot be
  /// read.
  @exclusivity(unchecked) private var indexRequirements:
    NumberedValues<(requirement: RezRequirement, places: [RezIndex.EndPlace])?>
  /// The resolve's request as `@late()` functions read it (rez's `request`): each package
  /// request as rez writes it, by name (`followRez(_:filter:implicitCount:)`).
  private var lateRequest: [String: String] = [:]
  /// Per package met with versions whose requirements are worked out for each resolve
  /// (`RezIndex.Entry.requiresPerResolve`), per entry, its numbers for `lateRequest` (nil:
  /// not worked out, the version skipped).
  private var perResolveNumbers: [String: [Int: RequirementNumbers?]] = [:]
  /// Requirements written only by those, numbered after the index's, and as the solver
  /// reads them.
  private var extraRequirements: [RezRequirement] = []
  private var extraNumbers: [String: Int] = [:]
  private var extraConverted: [Int: PackageRequirement] = [:]
  /// The versions written in the index's ranges that are no key's text, once read.
  @exclusivity(unchecked) private var rangeVersions: [String: RezVersion?] = [:]
  /// The packages of rez's answer (`preferred`), in the order its search gives them; nil when
  /// its search found none.
  private var answerOrder: [String]?
  /// Why rez's search stopped with an error rather than an answer or a failure, as rez
  /// itself does: a package it opens with no version in the range required, a variant whose
  /// own requirements conflict. The resolve fails for it, as in rez (`Resolution.resolving`).
  public private(set) var searchError: String?
  /// Per requirement number of the index, the requirement read as the solver reads it
  /// (`numberedRequirement(_:)`): kept by number, not hashed, as `indexRequirements` is, for
  /// an answer asks for each requirement of each chosen version.
  @exclusivity(unchecked) private var numbered: NumberedValues<PackageRequirement>
  private var builder = CandidateTableBuilder()
  private var specs: [String: VersionSpec] = [:]
  /// The answer of rez's search, per package its version, variant and place in the
  /// package's entries (-1 for a fact of the machine): what the solver takes.
  private var preferred: [String: (key: String, variant: Int?, entry: Int)] = [:]
  /// The last search, kept: freeing its packages' variants one by one when it ends would
  /// cost a resolve more than anything it still holds.
  private var search: RezSolver?
  /// What the index reported (on opening, and of damage found later), then versions skipped
  /// and commands left out, as packages are read, and changes a resolve left out
  /// (`keep(undecided:)`), here and by the views with other facts (`with(facts:)`, in the
  /// order made), each once.
  public var problems: [Diagnostic] {
    var all = index.warnings + packageProblems
    var seen = Set(all)
    for view in viewOrder {
      for problem in view.packageProblems where seen.insert(problem).inserted {
        all.append(problem)
      }
    }
    return all
  }
  private var packageProblems: [Diagnostic] = []

  /// Keeps the changes a resolve's actions left out (`Resolution.undecided`) among the
  /// problems, each once: stages resolved alike leave out the same.
  func keep(undecided: [Diagnostic]) {
    for problem in undecided where !packageProblems.contains(problem) {
      packageProblems.append(problem)
    }
  }

  /// The package files rez reads, in order of preference.
  static let packageFiles = ["package.py", "package.yaml"]

  /// Whether `folder` looks like a rez repository: a folder without `config.toml` where a
  /// package folder holds a package file, directly or in a version folder, or a combined
  /// package file at its top names its package (`name = 'foo'` in `foo.py`). The folders are
  /// taken as listed, up to the first that does (usually the first): a repository of
  /// thousands of packages is not listed whole.
  public static func isRepository(_ folder: String) -> Bool {
    guard CatalogueFiles.status(folder)?.isDirectory == true,
      CatalogueFiles.status(folder + "/config.toml") == nil
    else { return false }
    let found = DirectoryListing.contains(in: folder) { name in
      let package = folder + "/" + name
      guard !name.hasPrefix("."), let status = CatalogueFiles.status(package) else {
        return false
      }
      // A combined package file (`NAME.py` listing every version) that names its package.
      guard status.isDirectory else {
        return RezIndex.combinedFamily(fileName: name) != nil
          && (try? RezPackage.written(file: package, combined: true))?.fields["name"] != nil
      }
      if packageFile(in: package) != nil { return true }
      return DirectoryListing.contains(in: package) { version in
        !version.hasPrefix(".") && packageFile(in: package + "/" + version) != nil
      } == true
    }
    return found == true
  }

  static func packageFile(in folder: String) -> String? {
    packageFiles.map { folder + "/" + $0 }.first { CatalogueFiles.status($0) != nil }
  }

  /// Reads the repositories through their index file: at `path`, else under the user's
  /// cache, compiled first when missing or stale (`RezIndex` says what is checked). Each of
  /// `facts` (the machine's, `--implicits`) is a package of one version, whatever the
  /// repositories hold under its name, ranked among theirs as rez compares versions.
  public static func open(
    roots: [String], at path: String?, environment: EnvironmentMap,
    facts: [ImplicitPackages.Fact] = []
  ) throws -> RezRepository {
    let index = try CatalogueIndex.open(
      sources: roots, at: path, environment: environment, kind: .rez)
    // An index that could not be written (or a cache folder not used) is not removed.
    let written =
      index.warnings.isEmpty
      ? path ?? CatalogueIndex.defaultPath(sources: roots, environment: environment) : nil
    return try RezRepository(index: index, path: written, facts: facts)
  }

  /// Reads the repositories, compiled in memory. A missing one is an error.
  public convenience init(roots: [String], facts: [ImplicitPackages.Fact] = []) throws {
    let index = try CatalogueIndex.compile(
      roots, key: try RezIndex.sourceKey(of: roots), writingTo: nil, [], kind: .rez)
    try self.init(index: index, path: nil, facts: facts)
  }

  init(index: CatalogueIndex, path: String?, facts: [ImplicitPackages.Fact]) throws {
    // Only a file written on purpose gets here (its checksum matched).
    guard let tables = try? index.rezRankTables() else {
      throw ResolveError.unreadableCatalogue(
        Diagnostic(
          file: path ?? "rez repository index", position: nil,
          message: "not a rez repository's index; remove it to compile it anew"))
    }
    self.index = index
    self.indexPath = path
    rankTables = tables
    parsedKeys = NumberedValues(count: tables.keyCount)
    indexRequirements = NumberedValues(count: index.requirementTable.count)
    numbered = NumberedValues(count: index.requirementTable.count)
    factList = facts
    self.facts = placing(facts)
  }

  /// The same repositories with other facts of the machine: the index and its decoded
  /// versions are shared, what depends on the facts is not.
  public func with(facts: [ImplicitPackages.Fact]) -> RezRepository {
    if facts == factList { return self }
    if let known = views[facts] { return known }
    // The index was read once already: a second reading cannot fail.
    let view = (try? RezRepository(index: index, path: indexPath, facts: facts)) ?? self
    views[facts] = view
    if view !== self { viewOrder.append(view) }
    return view
  }

  /// The facts, each at its place among the ranks: a held version's rank, else between the
  /// ranks around it (`[rank, n]`, n counting the facts' distinct versions there).
  private func placing(_ facts: [ImplicitPackages.Fact]) -> [String: FactVersion] {
    var placed: [String: FactVersion] = [:]
    var between: [(below: Int, version: RezVersion, name: String)] = []
    for fact in facts {
      guard let version = try? RezVersion(parsing: fact.version) else { continue }
      let below = count { $0 < version }
      let held = below < rankTables.rankCount && rankVersion(below) == version
      placed[fact.name] = FactVersion(
        fact: fact, version: version, solverVersion: Version(release: [UInt64(below + 1)]),
        isBetween: !held)
      if !held { between.append((below, version, fact.name)) }
    }
    between.sort { ($0.below, $0.version) < ($1.below, $1.version) }
    var step: UInt64 = 0
    for (position, item) in between.enumerated() {
      if position == 0 || item.below != between[position - 1].below {
        step = 1
      } else if item.version != between[position - 1].version {
        step += 1
      }
      placed[item.name]!.solverVersion = Version(release: [UInt64(item.below), step])
    }
    return placed
  }

  private func keyVersion(_ key: Int) -> RezVersion { readableKeyVersion(key) ?? .empty }

  /// The version the solver compares for key `key`: its rank in rez's order, from 1.
  private func solverVersion(ofKey key: Int) -> Version {
    Version(release: [UInt64(rank(ofKey: key) + 1)])
  }

  /// Key `key`'s rank among the distinct versions, from 0.
  private func rank(ofKey key: Int) -> Int {
    (try? index.rezRank(ofKey: key, in: rankTables)) ?? damagedRanks()
  }

  /// The first key of rank `rank`.
  private func key(ofRank rank: Int) -> Int {
    (try? index.rezKey(ofRank: rank, in: rankTables)) ?? damagedRanks()
  }

  /// 0, for a read of the rank tables that found them damaged in a way the checksums
  /// missed: the index is compiled anew next time, as for any such damage.
  private func damagedRanks() -> Int {
    forget()
    return 0
  }

  /// Key `key`'s version; nil when its text cannot be read.
  private func readableKeyVersion(_ key: Int) -> RezVersion? {
    guard parsedKeys.contains(key) else { return nil }
    if let known = parsedKeys[key] { return known }
    // Every key was read as a version when the index was compiled, and is taken as it was.
    guard let version = try? index.rezKeyVersion(key) else { return nil }
    parsedKeys.keep(version, for: key)
    return version
  }

  /// Whether key `key`'s text can be read (`readableKeyVersion(_:)`), without reading it as
  /// a version.
  private func isReadableKey(_ key: Int) -> Bool {
    if parsedKeys.contains(key) && parsedKeys.isKept(key) { return true }
    do {
      try index.checkKeyText(key)
      return true
    } catch {
      return false
    }
  }

  private func rankVersion(_ rank: Int) -> RezVersion { keyVersion(key(ofRank: rank)) }

  /// The number of ranks below which `isBelow` stops holding (it holds for a prefix of the
  /// ascending versions).
  private func count(while isBelow: (RezVersion) -> Bool) -> Int {
    var low = 0
    var high = rankTables.rankCount
    while low < high {
      let middle = (low + high) / 2
      let key = key(ofRank: middle)
      // Tested where it is kept once read: a copy of each version tested would cost more
      // than the test.
      if !parsedKeys.isKept(key) { _ = keyVersion(key) }
      let below = parsedKeys.reading(key, isBelow) ?? isBelow(.empty)
      if below { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// Where `isBelow` stops holding among the ranks and the facts' versions between them;
  /// `known`: the number of ranks it holds for, when known without searching.
  private func cut(below known: Int? = nil, while isBelow: (RezVersion) -> Bool) -> Version {
    var cut = Version(release: [UInt64((known ?? count(while: isBelow)) + 1)])
    for fact in facts.values where fact.isBetween && !isBelow(fact.version) {
      if fact.solverVersion < cut { cut = fact.solverVersion }
    }
    return cut
  }

  /// The ranks a range holds, as a spec whose text is the range as written. With `places`
  /// (where each bound's lower then upper end stands among the ranks, as the index holds
  /// them), the ranks are counted rather than searched for.
  func spec(for range: RezRange, places: [RezIndex.EndPlace] = []) -> VersionSpec {
    if let known = specs[range.text] { return known }
    var intervals: [VersionInterval] = []
    let placed = places.count == 2 * range.bounds.count
    for (number, bound) in range.bounds.enumerated() {
      let lower = placed ? places[2 * number] : nil
      let upper = placed ? places[2 * number + 1] : nil
      let start = cut(below: lower?.ranksBelow(lower: true, inclusive: bound.lower.inclusive)) {
        !bound.isAboveLower($0)
      }
      let end = cut(below: upper?.ranksBelow(lower: false, inclusive: bound.upper.inclusive)) {
        bound.isBelowUpper($0)
      }
      guard start < end else { continue }
      intervals.append(VersionInterval(.below(start), .below(end)))
    }
    let set = VersionSet(intervals)
    let spec = VersionSpec(
      text: range.text, syntax: .rez, standard: set, includingPrereleases: set)
    specs[range.text] = spec
    return spec
  }

  /// Reads a rez requirement (`foo-1.2+<2`, `foo==1.2.3`, `~foo-2`, `!foo`) for this source.
  public func requirement(parsing text: String) throws -> PackageRequirement {
    requirement(for: try RezRequirement(parsing: text))
  }

  /// `parsed` for this source; with `places`, its ends' places among the ranks
  /// (`spec(for:places:)`).
  func requirement(for parsed: RezRequirement, places: [RezIndex.EndPlace] = [])
    -> PackageRequirement
  {
    PackageRequirement(
      name: parsed.name, spec: spec(for: parsed.range, places: places), kind: parsed.kind)
  }

  /// A requirement this source read (`requirement(for:)`) as rez's search reads it.
  func rezRequirement(for requirement: PackageRequirement) throws -> RezRequirement {
    try RezRequirement(
      parsing: requirement.kind.mark
        + RezRequirement.written(requirement.name, requirement.spec.text))
  }

  /// The machine's facts as weak requests, in rez's syntax (`~platform==linux`), as rez
  /// adds its implicit packages after the asked ones.
  public var factRequests: [String] {
    factList.compactMap { facts[$0.name] }.map { "~\($0.fact.name)==\($0.fact.version)" }
  }

  // MARK: PackageSource

  /// Rez's order: requests in order, then dependencies as they are met.
  public var decidesInDiscoveryOrder: Bool { true }

  public var rezSearch: (repository: RezRepository, filter: PackageFilter?)? { (self, nil) }

  /// A rez range, whatever the syntax asked for: a rez repository holds rez versions.
  public func spec(parsing text: String, syntax: VersionSpec.SyntaxChoice) throws -> VersionSpec {
    spec(for: try RezRange(parsing: text.trimmedString))
  }

  public func candidateTable(of name: String) -> CandidateTable {
    _ = candidates(of: name)
    return builder.table(of: versions[name] ?? [])
  }

  public func requirement(numbered number: Int) -> PackageRequirement? {
    builder.requirement(numbered: number)
  }

  public func packageNames() -> [String] { factList.map(\.name) + index.packageNames() }

  public func entry(of name: String, at index: Int) -> PackageVersion? {
    let all = candidates(of: name)
    return all.indices.contains(index) ? all[index] : nil
  }

  /// A version's requirements as the solver reads them, its own then each variant's; nil
  /// when one cannot be read (each was read when the index was compiled). With `variant`,
  /// only the version's own and that variant's are read from the index, the other variants'
  /// left empty.
  private func requirementLists(of numbers: RequirementNumbers?, variant: Int? = nil)
    -> [[PackageRequirement]]?
  {
    guard let numbers else { return nil }
    var lists: [[PackageRequirement]] = []
    for (position, places) in numbers.enumerated() {
      var converted: [PackageRequirement] = []
      if let variant, position > 0, position != variant + 1 {
        lists.append(converted)
        continue
      }
      for place in places {
        guard let known = numberedRequirement(numbers[place]) else { return nil }
        converted.append(known)
      }
      lists.append(converted)
    }
    return lists
  }

  /// Requirement `number` of the index as the solver reads it, converted once; nil when it
  /// cannot be read (`indexRequirement(_:)`, which remembers that).
  private func numberedRequirement(_ number: Int) -> PackageRequirement? {
    if number >= index.requirementTable.count {
      if let known = extraConverted[number] { return known }
      guard let read = indexRequirement(number) else { return nil }
      let converted = requirement(for: read.requirement)
      extraConverted[number] = converted
      return converted
    }
    guard numbered.contains(number) else { return nil }
    if let known = numbered[number] { return known }
    guard let read = indexRequirement(number) else { return nil }
    let converted = requirement(for: read.requirement, places: read.places)
    numbered.keep(converted, for: number)
    return converted
  }

  /// Package `name` as `family(_:)` reads it, once; its problems are reported when first
  /// read.
  private func storedFamily(_ name: String) -> RezIndex.Family? {
    if let known = stored[name] { return known }
    let found = family(name)
    if let found, !problemsReported.contains(name) { packageProblems += found.problems }
    stored[name] = .some(found)
    return found
  }

  /// Reports package `name`'s problems as `storedFamily(_:)` does, reading only them and
  /// the checks `family(_:)` makes first: a resolution names packages its search never read
  /// (those only constrained), whose versions it does not need.
  private func reportProblems(of name: String) {
    if stored[name] != nil || problemsReported.contains(name) { return }
    let outline: (firstChecks: Range<Int>, problems: [Diagnostic])?
    do {
      outline = try index.rezFamilyOutline(named: name)
      if let outline { index.checkRezFolder(outline.firstChecks, firstChecks: true) }
    } catch {
      // As `family(_:)` on damage: no package, the index compiled anew next time.
      forget()
      stored[name] = .some(nil)
      return
    }
    guard let outline else {
      stored[name] = .some(nil)
      return
    }
    packageProblems += outline.problems
    problemsReported.insert(name)
  }

  /// Requirement `number` of the index, read once as compiled, with where its ends stand
  /// among the ranks; nil when it cannot be read.
  private func indexRequirement(_ number: Int) -> (
    requirement: RezRequirement, places: [RezIndex.EndPlace]
  )? {
    let extra = number - index.requirementTable.count
    if extra >= 0 {
      return extraRequirements.indices.contains(extra) ? (extraRequirements[extra], []) : nil
    }
    guard indexRequirements.contains(number) else { return nil }
    if let known = indexRequirements[number] { return known }
    let read = try? index.rezRequirement(
      number, keyVersion: readableKeyVersion, textVersion: rangeVersion)
    indexRequirements.keep(read, for: number)
    return read
  }

  /// A version written in a range of the index that is no key's text, read once.
  private func rangeVersion(_ text: String) -> RezVersion? {
    if let known = rangeVersions[text] { return known }
    let version = try? RezVersion(parsing: text)
    rangeVersions[text] = version
    return version
  }

  /// What rez's search reads of package `name`: its versions, ascending, each with its
  /// requirements' numbers; empty when no repository holds it.
  private func searchRead(_ name: String) -> [RezSolver.Read] {
    if let known = searchVersions[name] { return known }
    var read: [RezSolver.Read] = []
    if let fact = facts[name] {
      if searchFilter?.reason(hiding: name, fact.solverVersion, released: { nil }) == nil {
        read.append((.version(fact.version), .none, -1, -1))
      }
    } else if let family = storedFamily(name) {
      // A version's text is read as a version only when the search compares it
      // (`keyVersion(_:)`); here it is only checked, so that the versions skipped are those
      // whose text cannot be read.
      read.reserveCapacity(family.entries.count)
      let folders = folderRuns[name]
      for place in family.entries.indices {
        let key = family.entries[place].key
        guard isReadableKey(key), let numbers = requirementNumbers(name, entry: place, of: family)
        else { continue }
        if let searchFilter,
          searchFilter.reason(
            hiding: name, solverVersion(ofKey: key),
            released: { packageVersion(name, entry: place, of: family) }) != nil
        {
          continue
        }
        read.append((.key(key), numbers, place, Self.folder(in: folders, entry: place)))
      }
    }
    searchVersions[name] = read
    return read
  }

  /// The requirement numbers of package `name`'s entry at `place`: as compiled, or, for one
  /// whose requirements are worked out for each resolve, as they are for this one's request
  /// (nil where they cannot be).
  private func requirementNumbers(_ name: String, entry place: Int, of family: RezIndex.Family)
    -> RequirementNumbers?
  {
    let entry = family.entries[place]
    guard entry.requiresPerResolve, let compiled = entry.numbers else { return entry.numbers }
    if let known = perResolveNumbers[name]?[place] { return known }
    let numbers = requiresForRequest(name, entry: place, of: family).map {
      compiled.replacingOwn(with: $0)
    }
    perResolveNumbers[name, default: [:]][place] = .some(numbers)
    return numbers
  }

  /// The numbers of the requirements the `@late()` `requires` of package `name`'s entry at
  /// `place` gives for this resolve's request, its file read again as rez runs it again;
  /// nil, with a warning, where flow cannot work them out.
  private func requiresForRequest(_ name: String, entry place: Int, of family: RezIndex.Family)
    -> [Int32]?
  {
    guard let entry = detailedEntry(name, entry: place, of: family) else { return nil }
    let version = keyVersion(entry.key)
    let base = RezPackage.base(ofFile: entry.file)
    let combined = base == RezPackage.combinedBase
    var numbers: [Int32] = []
    do throws(Diagnostic) {
      let written = try RezPackage.written(
        file: entry.file, combined: combined, host: RezHost(environment: index.environment),
        requests: lateRequest)
      let package = try RezPackage.read(
        written, base: base, name: name, version: version, combined: combined)
      for text in package.requires {
        guard let requirement = try? RezRequirement(parsing: text) else {
          throw Diagnostic(
            file: entry.file, position: nil, message: "'\(text)' is no rez requirement")
        }
        numbers.append(Int32(extraNumber(text, requirement)))
      }
    } catch {
      packageProblems.append(
        Diagnostic(
          file: error.file, position: error.position,
          message: "\(error.message); \(name)-\(version) skipped for this request"))
      return nil
    }
    return numbers
  }

  /// The number of requirement `text` (read as `requirement`) among those only a resolve's
  /// `@late()` functions wrote: after the index's.
  private func extraNumber(_ text: String, _ requirement: RezRequirement) -> Int {
    if let known = extraNumbers[text] { return known }
    let number = index.requirementTable.count + extraRequirements.count
    extraRequirements.append(requirement)
    extraNumbers[text] = number
    return number
  }

  /// Checks the version folder of package `name`'s entry at `place` when not done yet: a
  /// change since the index was compiled makes this reading out of date.
  private func check(_ name: String, entry place: Int) {
    check(folder: folder(of: name, entry: place))
  }

  /// The number of the check of package `name`'s entry at `place` (`uncheckedFolders`);
  /// -1 for none.
  private func folder(of name: String, entry place: Int) -> Int {
    Self.folder(in: folderRuns[name], entry: place)
  }

  /// The number of the check of the entry at `place` of the package whose run is `run`.
  private static func folder(in run: (start: Int, count: Int)?, entry place: Int) -> Int {
    guard let run, place >= 0, place < run.count else { return -1 }
    return run.start + place
  }

  /// Checks version folder `folder` (`folder(of:entry:)`) when not done yet.
  private func check(folder: Int) {
    guard uncheckedFolders.indices.contains(folder) else { return }
    let record = uncheckedFolders[folder]
    guard !record.isEmpty else { return }
    uncheckedFolders[folder] = 0..<0
    index.checkRezFolder(record)
  }

  /// Marks this reading out of date (`isStale`) and removes the index file.
  private func outOfDate() {
    index.foundOutOfDate = true
    forget()
  }

  /// Package `name` as the index holds it, its first checks handed to the thread of checks
  /// and its version folders left to when their versions are read (`check(_:entry:)`,
  /// `RezIndex.FolderRecords`): a change makes the reading out of date once the checks end
  /// (`isStale`).
  private func family(_ name: String) -> RezIndex.Family? {
    do {
      guard let found = try index.rezFamily(named: name) else { return nil }
      guard let records = found.folderRecords else { return found }
      index.checkRezFolder(records.firstChecks, firstChecks: true)
      folderRuns[name] = (uncheckedFolders.count, records.versionFolders.count)
      uncheckedFolders += records.versionFolders
      return found
    } catch {
      // Damage the checksum missed reads as no package; the index is compiled anew next time.
      forget()
      return nil
    }
  }

  /// Whether this reading met a package whose folders or files changed since the index was
  /// compiled (a release, an edit): what it answered may miss a version or be another's. The
  /// index file was removed, so that the repositories opened again are compiled anew
  /// (`reading(roots:at:environment:facts:report:_:)` does so).
  public var isStale: Bool {
    // The version folders checked while the search read on: the answer counts once the
    // last is done.
    if index.finishRezFolderChecks() { outOfDate() }
    return index.foundOutOfDate
  }

  /// Runs `body` on the repositories (`open(roots:at:environment:facts:)`), and once more on
  /// them opened anew when that reading was out of date (`isStale`), then compiled anew: to
  /// the index file, or in memory should the file outlive the first reading (a cache that
  /// cannot be written). An error thrown by an out-of-date reading is not the answer either.
  /// The problems of the reading that answers (`problems`, found as packages are read) go to
  /// `report` once it is done, whether it returns or throws.
  public static func reading<Result>(
    roots: [String], at path: String?, environment: EnvironmentMap,
    facts: [ImplicitPackages.Fact] = [], report: (Diagnostic) -> Void,
    _ body: (RezRepository) throws -> Result
  ) throws -> Result {
    let first = try open(roots: roots, at: path, environment: environment, facts: facts)
    do {
      let result = try body(first)
      if !first.isStale {
        first.problems.forEach(report)
        return result
      }
    } catch {
      if !first.isStale {
        first.problems.forEach(report)
        throw error
      }
    }
    let file = path ?? CatalogueIndex.defaultPath(sources: roots, environment: environment)
    let second =
      CatalogueFiles.status(file) != nil
      ? try RezRepository(roots: roots, facts: facts)
      : try open(roots: roots, at: path, environment: environment, facts: facts)
    defer { second.problems.forEach(report) }
    return try body(second)
  }

  /// Removes the index file, so that the next resolve compiles it anew.
  private func forget() {
    if let indexPath { unlink(indexPath) }
  }

  private func candidates(of name: String) -> [PackageVersion] {
    if let known = entries[name] { return known }
    var result: [PackageVersion] = []
    if let fact = facts[name] {
      result.append(factVersion(fact))
    } else if let family = storedFamily(name) {
      for place in family.entries.indices {
        if let version = packageVersion(name, entry: place, of: family) { result.append(version) }
      }
    }
    versions[name] = result
    let flattened = result.flatMap(\.candidates)
    entries[name] = flattened
    return flattened
  }

  private func factVersion(_ fact: FactVersion) -> PackageVersion {
    PackageVersion(
      name: fact.fact.name, version: fact.solverVersion, key: fact.fact.version,
      definedAt: "implicit: \(fact.fact.source)")
  }

  /// Package `name`'s entry at `place` with its file and details, its version folder checked
  /// first; nil when the index cannot give them.
  private func detailedEntry(_ name: String, entry place: Int, of family: RezIndex.Family)
    -> RezIndex.Entry?
  {
    check(name, entry: place)
    var entry = family.entries[place]
    do {
      try index.readDetails(of: &entry)
    } catch {
      forget()
      return nil
    }
    return entry
  }

  /// One version as the solver reads it; nil when it cannot be read. With `variant`, only
  /// that variant's requirements (`requirementLists(of:variant:)`): for that candidate alone.
  private func packageVersion(
    _ name: String, entry place: Int, of family: RezIndex.Family, variant: Int? = nil
  ) -> PackageVersion? {
    guard let entry = detailedEntry(name, entry: place, of: family) else { return nil }
    guard let key = try? index.keyText(entry.key),
      let lists = requirementLists(
        of: requirementNumbers(name, entry: place, of: family), variant: variant)
    else { return nil }
    var version = PackageVersion(
      name: name, version: solverVersion(ofKey: entry.key), key: key,
      variables: entry.variables, requires: lists[0],
      released: entry.released, definedAt: entry.file)
    version.base = RezPackage.base(ofFile: entry.file)
    version.root = version.base
    version.variants = lists.dropFirst().enumerated().map { index, requires in
      var variant = PackageVariant(
        requires: requires,
        variables: index < entry.variantVariables.count ? entry.variantVariables[index] : [])
      if index < entry.variantRoots.count { variant.root = entry.variantRoots[index] }
      return variant
    }
    return version
  }

  /// Searches as rez does for `requests` and has the solver take that answer; when rez's
  /// search finds none (or gives up), the solver decides in its own order and explains.
  /// With `filter`, the versions it hides are not in the repository for the search, as rez's
  /// package filters and its time leave them out.
  /// Throws `ResolveError.unsatisfiable` for an answer whose packages require each other in
  /// a cycle, which rez rejects.
  public func followRez(
    _ requests: [RezRequirement], filter: PackageFilter? = nil, implicitCount: Int = 0
  ) throws {
    // What the search reads depends on the filter: read anew under another.
    if filter?.description != searchFilter?.description { searchVersions = [:] }
    // And on the request, where a version's requirements are worked out for each resolve:
    // those packages are read anew for another (a later request of a name replacing an
    // earlier, as in rez's binding).
    var request: [String: String] = [:]
    for requirement in requests.dropLast(implicitCount) {
      request[requirement.name] = requirement.text
    }
    if request != lateRequest {
      lateRequest = request
      for name in perResolveNumbers.keys {
        searchVersions[name] = nil
        versions[name] = nil
        entries[name] = nil
      }
      perResolveNumbers = [:]
    }
    searchFilter = filter
    preferred = [:]
    answerOrder = nil
    searchError = nil
    let search = RezSolver(
      requests: requests, read: { [unowned self] in searchRead($0) },
      keyVersion: { [unowned self] in keyVersion($0) },
      written: { [unowned self] in indexRequirement($0)?.requirement },
      reading: { [unowned self] in check(folder: $0) },
      knownNames: { [unowned self] in packageNames() })
    self.search = search
    let outcome: RezSolver.Outcome
    do {
      outcome = try search.solve()
    } catch RezSolver.Failure.error(let message) {
      searchError = message
      return
    } catch {
      return
    }
    switch outcome {
    case .solved(let answer):
      for (name, choice) in answer {
        preferred[name] = (choice.version.text, choice.variant, choice.place)
      }
      answerOrder = answer.map(\.name)
    case .cyclic(let names):
      throw ResolveError.unsatisfiable(
        explanation: "the packages rez's search chose require each other in a cycle, "
          + "which rez rejects: " + names.joined(separator: " -> "))
    case .failed:
      return
    }
  }

  /// Rez's answer (`followRez(_:)`) as the resolution of `requests`, built without flow's
  /// solver; nil when rez's search found none. The packages come in the order of its
  /// scopes, and `Resolution.rezFinished()` adds the ephemerals and rez's order. The
  /// problems of each package named (by the requests, then by each package chosen) are
  /// reported, as the solver's reading it reports them. What only explanations compare with
  /// (other versions and variants) is left out.
  public func resolution(of requests: [PackageRequirement]) -> Resolution? {
    guard let answerOrder else { return nil }
    var named: Set<String> = []
    func name(_ name: String) {
      if facts[name] == nil && named.insert(name).inserted { reportProblems(of: name) }
    }
    for request in requests { name(request.name) }
    var chosen: [PackageVersion] = []
    chosen.reserveCapacity(answerOrder.count)
    for package in answerOrder {
      guard let entry = chosenEntry(package) else { return nil }
      chosen.append(entry)
      for requirement in entry.requires { name(requirement.name) }
      for requirement in entry.conflicts { name(requirement.name) }
    }
    return Resolution(requirements: requests, chosen: chosen)
  }

  /// The candidate of package `name` rez's search chose.
  private func chosenEntry(_ name: String) -> PackageVersion? {
    guard let choice = preferred[name] else { return nil }
    if facts[name] != nil { return candidates(of: name).first }
    guard let family = storedFamily(name),
      family.entries.indices.contains(choice.entry),
      let version = packageVersion(name, entry: choice.entry, of: family, variant: choice.variant)
    else { return nil }
    // Only the chosen candidate is made: a version without variants is its own.
    guard let variant = choice.variant else { return version.variants.isEmpty ? version : nil }
    return version.variants.indices.contains(variant) ? version.candidate(variant: variant) : nil
  }

  public func preferredCandidate(of name: String) -> PreferredVersion? {
    preferred[name].map { PreferredVersion(key: $0.key, variant: $0.variant) }
  }

  /// `released` for a timestamp: the UTC date and time it stands for.
  static func releaseText(_ seconds: Int64) -> String {
    let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
    let clock = seconds - days * 86400
    // Days since 1970 to a civil date (Howard Hinnant's algorithm).
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(year)-\(two(month))-\(two(day))T\(two(clock / 3600)):\(two(clock / 60 % 60)):"
      + "\(two(clock % 60))Z"
  }
}
