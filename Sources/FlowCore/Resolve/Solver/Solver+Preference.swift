/// A version the solver takes for its package while the constraints allow it, instead of
/// the newest: how a lock is kept while it still satisfies the requirements, as cargo and
/// uv keep theirs, and how a rez repository's answer follows rez's own search. Only the
/// order of decisions changes, so a preference that cannot hold costs a backtrack, never a
/// solution.
public struct PreferredVersion: Sendable, Hashable {
  /// The version key as the catalogue writes it.
  public var key: String
  /// The variant, for a version with variants; nil: the first allowed by rez's rule.
  public var variant: Int?

  public init(key: String, variant: Int? = nil) {
    self.key = key
    self.variant = variant
  }
}

extension Solver {
  /// The candidate of `package` to decide first when the assignments so far allow it, as a
  /// version number of its domain: the lock's preference, else the source's own
  /// (`PackageSource.preferredCandidate`); nil otherwise.
  func preferredChoice(_ package: Int) -> Int? {
    guard
      let preferred = preferences[names[package]]
        ?? source.preferredCandidate(of: names[package]),
      let allowed = current[package]
    else { return nil }
    let table = tables[package]
    for index in table.versions.indices.reversed()
    where table.keys[index] == preferred.key && allowed.contains(index + 1) {
      if let variant = preferred.variant, table.variants[index] != variant { continue }
      return index + 1
    }
    return nil
  }
}
