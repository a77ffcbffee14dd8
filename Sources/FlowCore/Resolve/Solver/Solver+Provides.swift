/// Versions that other packages provide (`provides`): houdini 20.0.547 carrying python
/// 3.10.10. Each such version is a candidate of the package provided, placed below every
/// version of the package's own so that those are preferred, with two facts:
/// - the provided version needs its provider at that version: it is houdini's Python, and
///   stands for nothing without houdini;
/// - while the provider is selected, nothing else of the package can be: houdini's Python
///   stands in for any other (rez's proposal for `provides`, #1100), as two Pythons on one
///   path would.
///
/// A provided version never brings its provider in: a resolve whose provider is there only
/// because what it provides was needed is solved again with that provided version ruled out
/// (`Solver.solution`), as rez's proposal counts a provided package only where its provider
/// is already part of the resolve. Ruled out, it still keeps other versions out while its
/// provider is selected.
extension Solver {
  /// Adds the two facts for each provider of `package`'s provided versions.
  func addProvisionRelations(_ package: Int) {
    let provided = providedVersions[package]
    var seen: Set<String> = []
    for item in provided where seen.insert(item.providerText).inserted {
      var carried = DomainSet(size: size(of: package))
      for (index, other) in provided.enumerated()
      where other.provider == item.provider && other.providerKey == item.providerKey {
        carried.insert(index + 1)
      }
      let provider = id(of: item.provider)
      var holders = DomainSet(size: size(of: provider))
      let table = tables[provider]
      for index in providedVersions[provider].count..<table.count
      where table.keys[index] == item.providerKey {
        holders.insert(index + 1)
      }
      add(
        Incompatibility(
          terms: [
            Term(package: package, set: carried), Term(package: provider, set: holders.complement),
          ],
          cause: .provided(item)))
      let others = carried.complement.removingAbsent
      if !holders.isEmpty && !others.isEmpty {
        add(
          Incompatibility(
            terms: [Term(package: provider, set: holders), Term(package: package, set: others)],
            cause: .provides(item)))
      }
    }
    for (index, item) in provided.enumerated() where hiddenProvisions.contains(item) {
      add(
        Incompatibility(
          terms: [Term(package: package, set: .single(index + 1, size: size(of: package)))],
          cause: .unneededProvider(item)))
    }
  }

  /// The entry of a provided version: no actions, no requirements of its own.
  static func providedEntry(_ item: ProvidedVersion) -> PackageVersion {
    var entry = PackageVersion(
      name: item.name, version: item.version, key: item.key,
      definedAt: "provided by \(item.providerText)")
    entry.providedBy = item.providerText
    return entry
  }

  /// The provided versions of `solution` whose provider is selected only for them: neither
  /// a request nor a selected package's own requirement names it.
  static func unneededProviders(
    _ solution: Solution, requests: [PackageRequirement]
  ) -> [ProvidedVersion] {
    solution.provided.compactMap { item -> ProvidedVersion? in
      guard let item else { return nil }
      if requests.contains(where: { $0.name == item.provider && $0.kind == .required }) {
        return nil
      }
      let named = solution.packages.contains { package in
        package.providedBy == nil
          && package.requires.contains { $0.name == item.provider && $0.kind == .required }
      }
      return named ? nil : item
    }
  }

  /// Explanation texts of the two facts.
  static func providesText(_ cause: Incompatibility.Cause) -> String? {
    switch cause {
    case .provided(let item):
      return "\(item.name) \(item.key) is provided by \(item.providerText) and needs it"
    case .provides(let item):
      return "\(item.providerText) provides \(item.name) \(item.key), and no other "
        + "\(item.name) can be selected with it"
    case .unneededProvider(let item):
      return "\(item.name) \(item.key) is provided by \(item.providerText), which nothing "
        + "else selects (a provided version never brings its provider in)"
    default:
      return nil
    }
  }
}
