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
/// A version with variants becomes one candidate per variant, each with the version's
/// requirements and its own; within the version they sit in rez's order of preference (the
/// solver takes the last): variants sharing packages with the request first (by the
/// earliest such request, then the higher range), then fewer additional packages, then the
/// higher ranges of those, then the higher index.
public final class RezRepository: PackageSource {
  struct Folder {
    var version: RezVersion
    /// The version's folder (the package's, for an unversioned package).
    var root: String
    /// The version's position among every distinct version of the repositories.
    var rank = 0
  }

  /// Per package, its version folders, ascending.
  private var folders: [String: [Folder]] = [:]
  /// Every distinct version, ascending: a version's position is its rank.
  private var ordered: [RezVersion] = []
  /// Per package read so far, its candidates and the variant index of each.
  private var entries: [String: [PackageVersion]] = [:]
  private var variantIndices: [String: [Int?]] = [:]
  private var builder = CandidateTableBuilder()
  private var specs: [String: VersionSpec] = [:]
  /// The requests of the resolve, for the order of variants.
  public var requests: [RezRequirement] = []
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
  /// when their package is read: a version folder without one is then left out.
  public init(roots: [String]) throws {
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
    builder.table(of: candidates(of: name))
  }

  public func requirement(numbered number: Int) -> PackageRequirement? {
    builder.requirement(numbered: number)
  }

  public func entry(of name: String, at index: Int) -> PackageVersion? {
    let all = candidates(of: name)
    return all.indices.contains(index) ? all[index] : nil
  }

  /// The variant index of the `index`-th candidate of `name`; nil without variants.
  public func variant(of name: String, at index: Int) -> Int? {
    _ = candidates(of: name)
    return variantIndices[name].flatMap { $0.indices.contains(index) ? $0[index] : nil }
  }

  private func candidates(of name: String) -> [PackageVersion] {
    if let known = entries[name] { return known }
    var result: [PackageVersion] = []
    var indices: [Int?] = []
    for folder in folders[name] ?? [] {
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
        var entry = PackageVersion(
          name: name, version: solverVersion(folder), key: folder.version.text,
          variables: package.variables, requires: common.map(requirement(for:)),
          released: package.timestamp.map(RezRepository.releaseText),
          definedAt: file)
        if package.variants.isEmpty {
          result.append(entry)
          indices.append(nil)
          continue
        }
        var variants: [(index: Int, requires: [RezRequirement])] = []
        for (index, extra) in package.variants.enumerated() {
          variants.append((index, common + (try extra.map(RezRequirement.init(parsing:)))))
        }
        for variant in variants.sorted(by: { isLessPreferred($0, than: $1) }) {
          entry.requires = variant.requires.map(requirement(for:))
          entry.definedAt = "\(file), variant \(variant.index)"
          result.append(entry)
          indices.append(variant.index)
        }
      } catch {
        problems.append(
          Diagnostic(
            file: file, position: nil, message: "\(error); \(name)-\(folder.version) skipped"
          ))
      }
    }
    entries[name] = result
    variantIndices[name] = indices
    return result
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

  // MARK: variant preference

  /// Rez's sort key of a variant, compared field by field (`RezRequirement.Key`).
  private func preferenceKey(_ requires: [RezRequirement]) -> (
    requested: [(Int, RezRange)], additionalCount: Int, additional: [(RezRange, String)]
  ) {
    var merged: [String: RezRange] = [:]
    var order: [String] = []
    for requirement in requires where requirement.kind == .required {
      if merged[requirement.name] == nil { order.append(requirement.name) }
      merged[requirement.name] =
        merged[requirement.name].map {
          $0.intersection(requirement.range)
        } ?? requirement.range
    }
    var requested: [(Int, RezRange)] = []
    var names = Set<String>()
    for (position, request) in requests.enumerated() where request.kind == .required {
      if let range = merged[request.name], names.insert(request.name).inserted {
        requested.append((-position, range))
      }
    }
    let additional = order.filter { !names.contains($0) }.map { (merged[$0]!, $0) }
    return (requested, additional.count, additional)
  }

  private func isLessPreferred(
    _ a: (index: Int, requires: [RezRequirement]), than b: (index: Int, requires: [RezRequirement])
  ) -> Bool {
    let left = preferenceKey(a.requires)
    let right = preferenceKey(b.requires)
    let requested = RezRange.compare(left.requested, right.requested) {
      $0.0 != $1.0 ? ($0.0 < $1.0 ? -1 : 1) : $0.1.compare(to: $1.1)
    }
    if requested != 0 { return requested < 0 }
    if left.additionalCount != right.additionalCount {
      return left.additionalCount > right.additionalCount
    }
    let additional = RezRange.compare(left.additional, right.additional) {
      let ranges = $0.0.compare(to: $1.0)
      if ranges != 0 { return ranges }
      return $0.1 == $1.1 ? 0 : ($0.1 < $1.1 ? -1 : 1)
    }
    if additional != 0 { return additional < 0 }
    return a.index < b.index
  }
}
