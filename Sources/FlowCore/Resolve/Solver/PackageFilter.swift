/// Versions a resolve may not choose, whatever the requirements say: those an exclusion
/// names (`--exclude 'name spec'`, prereleases included), and, with a time (`--time DATE`),
/// those released after it. A version without a release time is never hidden by the time:
/// a catalogue that does not say when is taken as having always had it.
public struct PackageFilter: Sendable {
  public var exclusions: [PackageRequirement]
  public var time: ReleaseTime?
  /// The time as given, for messages.
  public var timeText: String?

  public init(exclusions: [PackageRequirement] = [], time: String? = nil) throws {
    for exclusion in exclusions where exclusion.kind != .required {
      throw ResolveError.invalidRequirement(
        text: exclusion.description, column: 1,
        reason: "an exclusion is a name and a spec, without '~' or '!'")
    }
    self.exclusions = exclusions
    if let time {
      guard let parsed = ReleaseTime(parsing: time) else {
        throw ResolveError.invalidTime(time)
      }
      self.time = parsed
      timeText = time
    }
  }

  public var isEmpty: Bool { exclusions.isEmpty && time == nil }

  /// The filter as its options write it (`--exclude 'foo 1' --time 2024-05-01`): two
  /// filters that write the same hide the same.
  public var description: String {
    (exclusions.map { "--exclude '\($0)'" } + (timeText.map { ["--time \($0)"] } ?? []))
      .joined(separator: " ")
  }

  /// Whether the time hides versions: then each version's release time must be read.
  var readsReleaseTimes: Bool { time != nil }

  /// Why the version `version` of `name`, released at `released`, is hidden; nil when not.
  func reason(hiding name: String, _ version: Version, released: () -> PackageVersion?)
    -> String?
  {
    for exclusion in exclusions
    where exclusion.name == name && exclusion.spec.matches(version, includingPrereleases: true) {
      return "excluded by --exclude '\(exclusion)'"
    }
    if let time, let entry = released(), let at = entry.releaseTime, time < at {
      return "released \(entry.released!), after --time \(timeText ?? "")"
    }
    return nil
  }
}

/// A package source without the versions a filter hides: the solver never sees them, and
/// the explanations ask `hidden(of:)` what was left out and why.
public final class FilteredSource: WrappingSource {
  public let inner: any PackageSource
  public let filter: PackageFilter
  /// Per package, the inner index of each visible version, ascending.
  private var visible: [String: [Int]] = [:]
  private var hiddenVersions: [String: [(key: String, reason: String)]] = [:]

  public init(_ inner: any PackageSource, filter: PackageFilter) {
    self.inner = inner
    self.filter = filter
  }

  public func candidateTable(of name: String) -> CandidateTable {
    let table = inner.candidateTable(of: name)
    var kept: [Int] = []
    var hidden: [(key: String, reason: String)] = []
    for index in 0..<table.count {
      let reason = filter.reason(hiding: name, table.versions[index]) {
        inner.entry(of: name, at: index)
      }
      if let reason {
        // A version with variants is one candidate per variant, next to each other: the
        // version is hidden once.
        if hidden.last?.key != table.keys[index] { hidden.append((table.keys[index], reason)) }
      } else {
        kept.append(index)
      }
    }
    visible[name] = kept
    hiddenVersions[name] = hidden
    return hidden.isEmpty ? table : table.keeping(kept)
  }

  /// What an exclusion names is hidden here too; a provider the filter hides takes what it
  /// provides with it, as nothing can then select it.
  public func providedVersions(of name: String) -> [ProvidedVersion] {
    inner.providedVersions(of: name).filter { provided in
      !filter.exclusions.contains {
        $0.name == name && $0.spec.matches(provided.version, includingPrereleases: true)
      }
    }
  }

  public func entry(of name: String, at index: Int) -> PackageVersion? {
    guard let kept = visible[name] else { return inner.entry(of: name, at: index) }
    return kept.indices.contains(index) ? inner.entry(of: name, at: kept[index]) : nil
  }

  /// The versions of `name` the filter hid (ascending), each with why; empty before the
  /// solver asked for the package.
  public func hidden(of name: String) -> [(key: String, reason: String)] {
    hiddenVersions[name] ?? []
  }

  public func hiddenText(of name: String) -> String? {
    let hidden = hidden(of: name)
    if hidden.isEmpty { return nil }
    return hidden.reversed().map { "\($0.key) (\($0.reason))" }.joined(separator: ", ")
  }

  /// The rez repository read through this filter, and the filter, where one filter lies
  /// between them.
  public var rezSearch: (repository: RezRepository, filter: PackageFilter?)? {
    guard let inner = inner.rezSearch, inner.filter == nil else { return nil }
    return (inner.repository, filter)
  }

  /// The facts placed by the source read through this filter, which hides what it did.
  public func placingFacts(_ implicits: ImplicitPackages) -> (
    source: any PackageSource, requests: [PackageRequirement]
  )? {
    inner.placingFacts(implicits).map { (FilteredSource($0.source, filter: filter), $0.requests) }
  }
}
