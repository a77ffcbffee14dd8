/// The order in which the variants of one version are tried: rez's rule (its solver's
/// default `version_priority` mode), so that a catalogue written for rez picks the same
/// builds. Of two variants, the preferred one is, first that differs:
/// 1. the one whose requirements on requested packages rank higher: each variant lists, in
///    request order, the requested packages it requires with the range it requires them in;
///    the lists compare item by item, an earlier request before a later one, then a higher
///    range before a lower one, and a list that goes on past the other's end wins;
/// 2. the one that adds fewer other packages;
/// 3. the one whose other requirements rank higher, item by item in the order written, by
///    range then by name;
/// 4. the one written later.
///
/// A range ranks by its intervals in ascending order, each by its lower end then its upper
/// end; no lower end is the lowest, no upper end the highest. Conflicts take no part. Every
/// requirement counts, the version's own included, as rez lists them together.
extension Solver {
  /// The candidates of `table` with each version's variants from least to most preferred,
  /// as positions in `table`; nil when the table has no variants.
  func variantOrder(of table: CandidateTable) -> [Int]? {
    guard table.variants.contains(where: { $0 >= 0 }) else { return nil }
    var order: [Int] = []
    order.reserveCapacity(table.count)
    var start = 0
    while start < table.count {
      var end = start + 1
      while end < table.count && table.variants[end] >= 0
        && table.versions[end] == table.versions[start]
      {
        end += 1
      }
      if end - start == 1 {
        order.append(start)
      } else {
        let keys = (start..<end).map { variantKey(table, $0) }
        order += (start..<end).sorted { keys[$0 - start] < keys[$1 - start] }
      }
      start = end
    }
    return order
  }

  private func variantKey(_ table: CandidateTable, _ index: Int) -> VariantKey<RangeKey, String> {
    let requires = table.requires(of: index).map { requirement(numbered: $0) }
      .filter { $0.kind != .conflict }
    var requested: [VariantKey<RangeKey, String>.Item] = []
    var names: Set<String> = []
    for (position, request) in requests.enumerated() where request.kind != .conflict {
      guard let match = requires.first(where: { $0.name == request.name }) else { continue }
      requested.append(VariantKey.Item(order: -position, range: RangeKey(match.spec), name: ""))
      names.insert(match.name)
    }
    let others = requires.filter { !names.contains($0.name) }.map {
      VariantKey.Item(order: 0, range: RangeKey($0.spec), name: $0.name)
    }
    return VariantKey(
      requested: requested, fewerOthers: -others.count, others: others,
      index: table.variants[index])
  }
}

/// What ranks one variant against the others of its version; a higher key is preferred.
/// `Range` ranks the ranges: a catalogue's by their intervals (`RangeKey`), a rez
/// repository's as rez compares them (`RezSolver.RangeOrder`). `Name` ranks the package
/// names: a catalogue's as strings, a rez search's by their numbers in it
/// (`RezSolver.NameOrder`).
struct VariantKey<Range: Comparable, Name: Comparable>: Comparable {
  struct Item: Comparable {
    /// Minus the request's position; 0 for a requirement not requested.
    var order: Int
    var range: Range
    var name: Name

    static func < (left: Item, right: Item) -> Bool {
      if left.order != right.order { return left.order < right.order }
      if left.range != right.range { return left.range < right.range }
      return left.name < right.name
    }
  }

  var requested: [Item]
  var fewerOthers: Int
  var others: [Item]
  var index: Int

  static func < (left: VariantKey, right: VariantKey) -> Bool {
    if left.requested != right.requested {
      return left.requested.lexicographicallyPrecedes(right.requested)
    }
    if left.fewerOthers != right.fewerOthers { return left.fewerOthers < right.fewerOthers }
    if left.others != right.others { return left.others.lexicographicallyPrecedes(right.others) }
    return left.index < right.index
  }
}

/// A range's rank: its intervals of releases in ascending order, each by lower then upper end.
struct RangeKey: Comparable {
  var intervals: [VersionInterval]

  init(_ spec: VersionSpec) {
    intervals = spec.versions(includingPrereleases: false).releases
  }

  static func < (left: RangeKey, right: RangeKey) -> Bool {
    for (a, b) in zip(left.intervals, right.intervals) {
      if a.lower != b.lower { return a.lower < b.lower }
      if a.upper != b.upper { return a.upper < b.upper }
    }
    return left.intervals.count < right.intervals.count
  }
}
