/// A version the solver takes for its package while the constraints allow it, instead of
/// the newest: how a lock is kept while it still satisfies the requirements, as cargo and
/// uv keep theirs. Only the order of decisions changes, so a preference that cannot hold
/// costs a backtrack, never a solution.
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
  /// The candidate of `package` its preference names, when still allowed; nil otherwise.
  func preferredChoice(_ package: Int) -> Int? {
    guard let preferred = preferences[names[package]], let allowed = current[package] else {
      return nil
    }
    let table = tables[package]
    for index in table.versions.indices.reversed()
    where table.keys[index] == preferred.key && allowed.contains(index + 1) {
      if let variant = preferred.variant, table.variants[index] != variant { continue }
      return index + 1
    }
    return nil
  }
}
