/// Rez package repositories (`NAME/VERSION/package.py` or `package.yaml`, or `NAME/package.py`
/// for an unversioned package) as a package source, read without executing Python.
///
/// The folders give every name and version at once; a package file is read only when the
/// solver first asks for its package. Of equal versions in several repositories, the first
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
public final class RezRepository: PackageSource {
  struct Folder {
    var version: RezVersion
    /// The version's folder (the package's, for an unversioned package).
    var root: String
    /// The version's position among every distinct version of the repositories.
    var rank = 0
    /// The machine's fact this version stands for, instead of a package file.
    var fact: ImplicitPackages.Fact? = nil
  }

  /// Per package, its version folders, ascending.
  private var folders: [String: [Folder]] = [:]
  /// Every distinct version, ascending: a version's position is its rank.
  private var ordered: [RezVersion] = []
  /// Per package read so far, its versions (ascending), their candidates, and what rez's
  /// search reads of each version: its requirements and each variant's.
  private var versions: [String: [PackageVersion]] = [:]
  private var entries: [String: [PackageVersion]] = [:]
  private var rezVersions: [String: [RezSolver.Read]] = [:]
  private var builder = CandidateTableBuilder()
  private var specs: [String: VersionSpec] = [:]
  /// The answer of rez's search, per package its version and variant: what the solver takes.
  private var preferred: [String: (key: String, variant: Int?)] = [:]
  /// Versions skipped and commands left out, reported as packages are read.
  public private(set) var problems: [Diagnostic] = []

  /// The package files rez reads, in order of preference.
  static let packageFiles = ["package.py", "package.yaml"]

  /// Whether `folder` looks like a rez repository: a folder of package folders, the first
  /// of which (in byte order) holds a package file directly or in a version folder.
  public static func isRepository(_ folder: String) -> Bool {
    guard CatalogueFiles.status(folder)?.isDirectory == true,
      CatalogueFiles.status(folder + "/config.toml") == nil,
      let names = DirectoryListing.names(in: folder)
    else { return false }
    for name in names where !name.hasPrefix(".") {
      let package = folder + "/" + name
      guard CatalogueFiles.status(package)?.isDirectory == true else { continue }
      if packageFile(in: package) != nil { return true }
      for version in DirectoryListing.names(in: package) ?? [] where !version.hasPrefix(".") {
        if packageFile(in: package + "/" + version) != nil { return true }
      }
    }
    return false
  }

  static func packageFile(in folder: String) -> String? {
    packageFiles.map { folder + "/" + $0 }.first { CatalogueFiles.status($0) != nil }
  }

  /// Lists the repositories; a missing one is an error. Package files are looked for only
  /// when their package is read: a version folder without one is then left out. Each of
  /// `facts` (the machine's, `--implicits`) is a package of one version, whatever the
  /// repositories hold under its name, ranked among theirs as rez compares versions.
  public init(roots: [String], facts: [ImplicitPackages.Fact] = []) throws {
    var listed: [String: [Folder]] = [:]
    for root in roots {
      guard CatalogueFiles.status(root)?.isDirectory == true,
        let names = DirectoryListing.names(in: root)
      else {
        throw ResolveError.missingCatalogue(
          Diagnostic(file: root, position: nil, message: "no such rez repository"))
      }
      for name in names where !name.hasPrefix(".") {
        let package = root + "/" + name
        guard let contents = DirectoryListing.names(in: package) else { continue }
        if contents.contains(where: RezRepository.packageFiles.contains) {
          listed[name, default: []].append(Folder(version: .empty, root: package))
          continue
        }
        for text in contents where !text.hasPrefix(".") {
          guard let version = try? RezVersion(parsing: text) else { continue }
          listed[name, default: []].append(Folder(version: version, root: package + "/" + text))
        }
      }
    }
    for fact in facts {
      guard let version = try? RezVersion(parsing: fact.version) else { continue }
      listed[fact.name] = [Folder(version: version, root: "", fact: fact)]
    }
    var all: [(version: RezVersion, name: String, index: Int)] = []
    for (name, list) in listed {
      // Of equal versions, the first listed (the earlier repository's) is kept.
      let sorted = list.enumerated().sorted {
        $0.element.version < $1.element.version
          || ($0.element.version == $1.element.version && $0.offset < $1.offset)
      }
      var unique: [Folder] = []
      for (_, folder) in sorted where unique.last?.version != folder.version {
        unique.append(folder)
      }
      for (index, folder) in unique.enumerated() { all.append((folder.version, name, index)) }
      folders[name] = unique
    }
    all.sort { $0.version < $1.version }
    for item in all {
      if ordered.last != item.version { ordered.append(item.version) }
      folders[item.name]![item.index].rank = ordered.count - 1
    }
  }

  /// The package names, sorted.
  public var names: [String] { folders.keys.sorted() }

  /// A version folder's version as the solver sees it: its rank, counted from 1.
  func solverVersion(_ folder: Folder) -> Version {
    Version(release: [UInt64(folder.rank + 1)])
  }

  /// The number of held versions below which `isBelow` stops holding (it holds for a
  /// prefix of the ascending versions).
  private func count(while isBelow: (RezVersion) -> Bool) -> Int {
    var low = 0
    var high = ordered.count
    while low < high {
      let middle = (low + high) / 2
      if isBelow(ordered[middle]) { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// The ranks a range holds, as a spec whose text is the range as written.
  func spec(for range: RezRange) -> VersionSpec {
    if let known = specs[range.text] { return known }
    var intervals: [VersionInterval] = []
    for bound in range.bounds {
      let start = count { !bound.isAboveLower($0) }
      let end = count { bound.isBelowUpper($0) }
      guard start < end else { continue }
      intervals.append(
        VersionInterval(
          .below(Version(release: [UInt64(start + 1)])),
          .below(Version(release: [UInt64(end + 1)]))))
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

  func requirement(for parsed: RezRequirement) -> PackageRequirement {
    PackageRequirement(name: parsed.name, spec: spec(for: parsed.range), kind: parsed.kind)
  }

  // MARK: PackageSource

  /// Rez's order: requests in order, then dependencies as they are met.
  public var decidesInDiscoveryOrder: Bool { true }

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

  public func entry(of name: String, at index: Int) -> PackageVersion? {
    let all = candidates(of: name)
    return all.indices.contains(index) ? all[index] : nil
  }

  private func candidates(of name: String) -> [PackageVersion] {
    if let known = entries[name] { return known }
    var result: [PackageVersion] = []
    var read: [RezSolver.Read] = []
    for folder in folders[name] ?? [] {
      if let fact = folder.fact {
        result.append(
          PackageVersion(
            name: name, version: solverVersion(folder), key: fact.version,
            definedAt: "implicit: \(fact.source)"))
        read.append((folder.version, [], []))
        continue
      }
      guard let file = RezRepository.packageFile(in: folder.root) else { continue }
      let package: RezPackage
      do throws(Diagnostic) {
        package = try RezPackage.read(
          file: file, root: folder.root, name: name, version: folder.version)
      } catch {
        problems.append(
          Diagnostic(
            file: error.file, position: error.position,
            message: "\(error.message); \(name)-\(folder.version) skipped"))
        continue
      }
      problems += package.warnings
      do {
        let common = try package.requires.map(RezRequirement.init(parsing:))
        let variants = try package.variants.map { try $0.map(RezRequirement.init(parsing:)) }
        var entry = PackageVersion(
          name: name, version: solverVersion(folder), key: folder.version.text,
          variables: package.variables, requires: common.map(requirement(for:)),
          released: package.timestamp.map(RezRepository.releaseText),
          definedAt: file)
        entry.variants = variants.map { PackageVariant(requires: $0.map(requirement(for:))) }
        result.append(entry)
        read.append((folder.version, common, variants))
      } catch {
        problems.append(
          Diagnostic(
            file: file, position: nil, message: "\(error); \(name)-\(folder.version) skipped"
          ))
      }
    }
    versions[name] = result
    let flattened = result.flatMap(\.candidates)
    entries[name] = flattened
    rezVersions[name] = read
    return flattened
  }

  /// Searches as rez does for `requests` and has the solver take that answer; when rez's
  /// search finds none (or gives up), the solver decides in its own order and explains.
  /// Throws `ResolveError.unsatisfiable` for an answer whose packages require each other in
  /// a cycle, which rez rejects.
  public func followRez(_ requests: [RezRequirement]) throws {
    preferred = [:]
    let search = RezSolver(requests: requests) { [unowned self] name in
      guard folders[name] != nil else { return nil }
      _ = candidates(of: name)
      return rezVersions[name]
    }
    switch try? search.solve() {
    case .solved(let answer)?:
      for (name, choice) in answer { preferred[name] = (choice.version.text, choice.variant) }
    case .cyclic(let names)?:
      throw ResolveError.unsatisfiable(
        explanation: "the packages rez's search chose require each other in a cycle, "
          + "which rez rejects: " + names.joined(separator: " -> "))
    case .failed?, nil:
      return
    }
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
