extension RezRepository {
  /// The machine's facts ranked among this repository's versions in rez's order, rather
  /// than in flow's numbering (where `linux` is no version at all), with their weak
  /// requests (`~platform==linux`).
  public func placingFacts(_ implicits: ImplicitPackages) -> (
    source: any PackageSource, requests: [PackageRequirement]
  )? {
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
    source.placingFacts(self) ?? (ImplicitSource(source, implicits: self), requests)
  }
}
