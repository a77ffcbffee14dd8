/// A package source that places the machine's facts among its own versions, as a rez
/// repository ranks `platform linux` or `gpu 1` in rez's order, rather than in flow's
/// numbering (where `linux` is no version at all).
public protocol FactPlacingSource: PackageSource {
  /// This source with the facts as packages, and the facts' weak requests read against it.
  func placing(_ implicits: ImplicitPackages) -> (
    source: any PackageSource, requests: [PackageRequirement]
  )
}

extension RezRepository: FactPlacingSource {
  public func placing(_ implicits: ImplicitPackages) -> (
    source: any PackageSource, requests: [PackageRequirement]
  ) {
    let view = with(facts: implicits.facts)
    return (view, view.factRequests.compactMap { try? view.requirement(parsing: $0) })
  }
}

extension ImplicitPackages {
  /// `source` with the facts as packages, and the weak requests that go after a request's
  /// own: placed by the source itself where it can (through a filter too), else each fact
  /// read as a version in flow's syntax (`ImplicitSource`).
  public func applied(to source: any PackageSource) -> (
    source: any PackageSource, requests: [PackageRequirement]
  ) {
    if let placing = source as? any FactPlacingSource { return placing.placing(self) }
    if let filtered = source as? FilteredSource,
      let placing = filtered.inner as? any FactPlacingSource
    {
      let placed = placing.placing(self)
      return (FilteredSource(placed.source, filter: filtered.filter), placed.requests)
    }
    return (ImplicitSource(source, implicits: self), requests)
  }
}
