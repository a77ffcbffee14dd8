import Testing

@testable import FlowCore

/// Weak references (`~name spec`), conflicts (`!name spec`) in requirements and requests,
/// and the filters (`--exclude`, `--time`) that hide versions from the solver.
@Suite struct WeakConflictFilterTests {
  /// A catalogue of `name version [@released]: requires; …` lines, marks kept in `requires`.
  static func catalogue(_ lines: [String]) throws -> Catalogue {
    try SolverTests.catalogue(lines, marksInRequires: true)
  }

  static func solve(
    _ catalogue: Catalogue, _ requests: [String], filter: PackageFilter? = nil
  ) throws -> [String] {
    let base = CatalogueSource(catalogue)
    let source: any PackageSource = filter.map { FilteredSource(base, filter: $0) } ?? base
    return try Solver.solve(requests.map { try PackageRequirement(parsing: $0) }, source: source)
      .map { "\($0.name) \($0.key)" }
  }

  static func failure(_ catalogue: Catalogue, _ requests: [String], filter: PackageFilter? = nil)
    throws -> String?
  {
    do {
      _ = try solve(catalogue, requests, filter: filter)
      return nil
    } catch let ResolveError.unsatisfiable(explanation) {
      return explanation
    }
  }

  static let plugins = [
    "app 1.0: ~numpy >=1.20; python >=3.9",
    "tool 1.0: numpy",
    "python 3.10.0", "python 3.11.0",
    "numpy 1.19.0", "numpy 1.26.0",
  ]

  @Test func requirementsReadTheirMark() throws {
    let weak = try PackageRequirement(parsing: " ~numpy >=1.20")
    #expect(weak.kind == .weak && weak.name == "numpy" && weak.description == "~numpy >=1.20")
    let unspaced = try PackageRequirement(parsing: "~numpy>=1.20")
    #expect(unspaced.kind == .weak && unspaced.description == "~numpy >=1.20")
    let conflict = try PackageRequirement(parsing: "!python")
    #expect(conflict.kind == .conflict && conflict.name == "python")
    #expect(conflict.description == "!python")
    #expect(try PackageRequirement(parsing: "python ~=3.10").kind == .required)
    #expect(throws: ResolveError.self) { try PackageRequirement(parsing: "~ numpy") }
    #expect(throws: ResolveError.self) { try PackageRequirement(parsing: "!~numpy") }
  }

  @Test func aWeakReferenceNeverBringsItsPackageIn() throws {
    let catalogue = try Self.catalogue(Self.plugins)
    #expect(try Self.solve(catalogue, ["app"]) == ["app 1.0", "python 3.11.0"])
  }

  @Test func aWeakReferenceConstrainsAPackageBroughtInOtherwise() throws {
    let catalogue = try Self.catalogue(Self.plugins)
    #expect(
      try Self.solve(catalogue, ["app", "tool"]) == [
        "app 1.0", "tool 1.0", "numpy 1.26.0", "python 3.11.0",
      ])
    let failure = try #require(try Self.failure(catalogue, ["app", "tool", "numpy <1.20"]))
    #expect(
      failure.contains(
        "app 1.0 requires ~numpy >=1.20 (a weak reference: numpy, if selected, must be "
          + "numpy >=1.20)"))
  }

  @Test func aWeakRequestConstrainsWithoutSelecting() throws {
    let catalogue = try Self.catalogue(Self.plugins)
    #expect(try Self.solve(catalogue, ["~numpy <1.20"]) == [])
    #expect(try Self.solve(catalogue, ["~numpy <1.20", "tool"]) == ["numpy 1.19.0", "tool 1.0"])
  }

  @Test func aConflictRequestKeepsThePackageOut() throws {
    let catalogue = try Self.catalogue(
      Self.plugins + ["viewer 1.0: ~python", "viewer 2.0: python"])
    #expect(try Self.solve(catalogue, ["viewer", "!python"]) == ["viewer 1.0"])
    let failure = try #require(try Self.failure(catalogue, ["!python", "app"]))
    #expect(failure.contains("!python is requested (a conflict: python must not be selected)"))
  }

  @Test func aConflictWithARangeRulesOutOnlyThatRange() throws {
    let catalogue = try Self.catalogue(Self.plugins)
    #expect(try Self.solve(catalogue, ["app", "!python >=3.11"]) == ["app 1.0", "python 3.10.0"])
    #expect(try Self.solve(catalogue, ["!numpy >=1.20", "tool"]) == ["numpy 1.19.0", "tool 1.0"])
  }

  @Test func aConflictInRequiresRulesOutThatRange() throws {
    let catalogue = try Self.catalogue([
      "plugin 2.0: !python >=3.11; python", "plugin 1.0: python",
      "python 3.10.0", "python 3.11.0",
    ])
    #expect(try Self.solve(catalogue, ["plugin"]) == ["plugin 2.0", "python 3.10.0"])
    #expect(
      try Self.solve(catalogue, ["plugin", "python >=3.11"]) == ["plugin 1.0", "python 3.11.0"])
    let failure = try #require(try Self.failure(catalogue, ["plugin 2.0", "python >=3.11"]))
    #expect(
      failure.contains(
        "plugin 2.0 requires !python >=3.11 (a conflict: python >=3.11 must not be selected)"))
  }

  @Test func anExclusionHidesVersionsAndSaysSo() throws {
    let catalogue = try Self.catalogue(Self.plugins)
    let filter = try PackageFilter(exclusions: [PackageRequirement(parsing: "python >=3.11")])
    #expect(try Self.solve(catalogue, ["app"], filter: filter) == ["app 1.0", "python 3.10.0"])
    let failure = try #require(try Self.failure(catalogue, ["python 3.11.0"], filter: filter))
    #expect(failure.contains("hidden: 3.11.0 (excluded by --exclude 'python >=3.11')"))
    let everything = try PackageFilter(exclusions: [PackageRequirement(parsing: "numpy")])
    let none = try #require(try Self.failure(catalogue, ["tool"], filter: everything))
    #expect(none.contains("every version of numpy is hidden"))
  }

  @Test func anExclusionTakesNoMark() throws {
    #expect(throws: ResolveError.self) {
      try PackageFilter(exclusions: [PackageRequirement(parsing: "~numpy")])
    }
  }

  @Test func aTimeHidesLaterReleasesAndKeepsUndatedOnes() throws {
    let catalogue = try Self.catalogue([
      "python 3.10.0 @2023-01-01", "python 3.11.0 @2024-06-01", "python 3.12.0",
      "app 1.0 @2024-01-01: python <3.12",
    ])
    let may = try PackageFilter(time: "2024-05-01")
    #expect(try Self.solve(catalogue, ["app"], filter: may) == ["app 1.0", "python 3.10.0"])
    #expect(try Self.solve(catalogue, ["python"], filter: may) == ["python 3.12.0"])
    let june = try PackageFilter(time: "2024-06-01T01:00:00+02:00")
    #expect(try Self.solve(catalogue, ["app"], filter: june) == ["app 1.0", "python 3.10.0"])
    let later = try PackageFilter(time: "2024-06-01T00:00:00Z")
    #expect(try Self.solve(catalogue, ["app"], filter: later) == ["app 1.0", "python 3.11.0"])
    let early = try PackageFilter(time: "2023-06-01")
    let failure = try #require(try Self.failure(catalogue, ["app"], filter: early))
    #expect(
      failure.contains(
        "every version of app is hidden: 1.0 (released 2024-01-01, after --time 2023-06-01)"))
    #expect(throws: ResolveError.invalidTime("May 2024")) { try PackageFilter(time: "May 2024") }
  }

  @Test func explanationsNameWhatAFilterHid() throws {
    let catalogue = try Self.catalogue(Self.plugins)
    let filter = try PackageFilter(exclusions: [PackageRequirement(parsing: "python 3.11.0")])
    let resolution = try Resolution(
      [PackageRequirement(parsing: "python")],
      source: FilteredSource(CatalogueSource(catalogue), filter: filter))
    #expect(
      resolution.reasons() == [
        [
          "requested as python", "the newest version not hidden",
          "versions hidden: 3.11.0 (excluded by --exclude 'python 3.11.0')",
        ]
      ])
  }

  @Test func releaseTimesReadRFC3339() {
    #expect(ReleaseTime(parsing: "1970-01-01")?.seconds == 0)
    #expect(ReleaseTime(parsing: "2024-05-01T00:00:00Z")?.seconds == 1_714_521_600)
    #expect(ReleaseTime(parsing: "2024-05-01 02:00:00+02:00")?.seconds == 1_714_521_600)
    #expect(ReleaseTime(parsing: "2024-05-01T00:00:00.250Z")?.seconds == 1_714_521_600)
    #expect(ReleaseTime(parsing: "2024-04-30T19:00-05:00")?.seconds == 1_714_521_600)
    for bad in ["", "2024-5-01", "2024-05-01T", "2024-05-01T25:00:00", "2024-05-01Z", "x"] {
      #expect(ReleaseTime(parsing: bad) == nil, "\(bad)")
    }
  }
}
