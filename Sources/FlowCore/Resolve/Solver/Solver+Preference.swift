extension Solver {
  /// The source's preferred candidate of `package` (`PackageSource.preferredCandidate`) when
  /// the assignments so far allow it, as a version number of its domain; nil otherwise.
  func preferredChoice(_ package: Int) -> Int? {
    guard let wanted = source.preferredCandidate(of: names[package]),
      let allowed = current[package]
    else { return nil }
    let table = tables[package]
    let variant = wanted.variant ?? -1
    for index in 0..<table.count
    where table.keys[index] == wanted.key && table.variants[index] == variant
      && allowed.contains(index + 1)
    {
      return index + 1
    }
    return nil
  }
}
