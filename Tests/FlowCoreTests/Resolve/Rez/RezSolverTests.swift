import FlowTestSupport
import Testing

@testable import FlowCore

/// Rez's search on numbers: its table of ranges, and its answer turned into a resolution
/// without flow's solver.
@Suite struct RezSolverTests {
  @Test func rangesHoldingTheSameVersionsShareOneNumber() throws {
    let table = RezRangeTable()
    let written = table.id(of: try RezRange(parsing: "1+<3"))
    let same = table.id(of: try RezRange(parsing: ">=1,<3"))
    #expect(written == same)
    #expect(table.id(of: try RezRange(parsing: "")) == table.any)
    let low = table.id(of: try RezRange(parsing: "1+<2"))
    let high = table.id(of: try RezRange(parsing: "2+<3"))
    // Computed once and remembered, however the operands are ordered.
    #expect(table.union(low, high) == written)
    #expect(table.union(high, low) == written)
    #expect(table.isEmpty(table.meeting(low, high)))
    #expect(table.subtracting(written, high) == low)
    #expect(table.isSuperset(written, of: low))
    #expect(!table.isSuperset(low, of: written))
    #expect(table.complement(table.complement(low)) == low)
    #expect(!table.isEmpty(table.complement(low)))
  }

  /// The packages of the resolution built from rez's answer, and of flow's solver taking
  /// that answer, in rez's order (`Resolution.rezFinished()`), with their variants and
  /// requirements.
  static func bothWays(_ folder: TemporaryFolder, _ requests: [String]) throws -> (
    direct: [PackageVersion], solver: [PackageVersion]
  ) {
    let repository = try RezRepository(roots: [folder.path])
    try repository.followRez(try requests.map(RezRequirement.init(parsing:)))
    let parsed = try requests.map(repository.requirement(parsing:))
    let direct = try #require(repository.resolution(of: parsed))
    let solver = try Resolution(parsed, source: repository, includePrereleases: true)
    return (try direct.rezFinished().packages, try solver.rezFinished().packages)
  }

  @Test func rezsAnswerIsListedInRezsOrderHoweverItWasSolved() throws {
    let folder = try RezRepositoryTests.repository([
      "app/1": "requires = ['zlib', 'lib-1', '~python-3', '!old']\n",
      "lib/1": "variants = [['python-2'], ['python-3']]\nrequires = ['base']\n",
      "base/1": "requires = ['zlib']\n",
      "zlib/1": "", "zlib/2": "",
      "python/2.7": "", "python/3.9": "",
      "old/1": "",
      "tool/1": "requires = ['python']\n",
    ])
    for requests in [["app"], ["tool", "app"], ["~zlib-1", "app", "tool"], ["python-3", "app"]] {
      let (direct, solver) = try Self.bothWays(folder, requests)
      #expect(direct == solver, "\(requests)")
      #expect(!direct.isEmpty)
    }
    // Each package after those it requires, directly or not; otherwise requests first, then
    // by name: rez's own order for these (and the order their commands run in).
    let (direct, _) = try Self.bothWays(folder, ["tool", "app"])
    #expect(direct.map(\.name) == ["python", "tool", "zlib", "base", "lib", "app"])
  }

  @Test func anAnswerNeedingNothingIsAnEmptyResolution() throws {
    let folder = try RezRepositoryTests.repository(["python/2.7": "", "python/3.9": ""])
    let (direct, solver) = try Self.bothWays(folder, ["~python-2"])
    #expect(direct.isEmpty && solver.isEmpty)
  }

  @Test func withoutAnAnswerTheSolverDecides() throws {
    let folder = try RezRepositoryTests.repository(["a/1": "requires = ['b-2']\n", "b/1": ""])
    let repository = try RezRepository(roots: [folder.path])
    try repository.followRez([try RezRequirement(parsing: "a")])
    #expect(repository.resolution(of: [try repository.requirement(parsing: "a")]) == nil)
  }

  /// Rez makes a version's variants only when a range first holds it: a version whose own
  /// requirements conflict stops the search only when it is in range.
  @Test func aVersionOutOfRangeIsNotMadeSoItsOwnConflictDoesNotCount() throws {
    let folder = try RezRepositoryTests.repository([
      "lib/1": "requires = ['x-1']\n",
      "lib/2": "requires = ['x-1', 'x-2']\n",
      "x/1": "", "x/2": "",
    ])
    let repository = try RezRepository(roots: [folder.path])
    try repository.followRez([try RezRequirement(parsing: "lib-1")])
    let answer = try #require(
      repository.resolution(of: [try repository.requirement(parsing: "lib-1")]))
    #expect(answer.packages.map { "\($0.name) \($0.version)" } == ["lib 1", "x 1"])
    // In range, the conflict is rez's error: its search gives no answer.
    let all = try RezRepository(roots: [folder.path])
    try all.followRez([try RezRequirement(parsing: "lib")])
    #expect(all.resolution(of: [try all.requirement(parsing: "lib")]) == nil)
  }

  /// Ranges computed by the search are written as rez writes them (`VersionRange.__str__`).
  @Test func aComputedRangeIsWrittenAsRezWritesIt() throws {
    func met(_ a: String, _ b: String) throws -> String {
      try RezRange(parsing: a).meeting(try RezRange(parsing: b)).boundsText
    }
    #expect(try met("2.5+", "2") == "2.5+<2_")
    #expect(try met("1+", "<3") == "1+<3")
    #expect(try met("", "==1.2") == "==1.2")
    #expect(try met("1.2..2", "") == "1.2..2")
    #expect(try met("<=2", "") == "<=2")
    #expect(try met("1.2", "") == "1.2")
    #expect(try met(">1", "<=3") == ">1<=3")
    #expect(try met("1|3+", "") == "1|3+")
    #expect(try met("", "") == "")
    // Requirements too (rez's `str(Requirement)`, which names a variant's folder).
    let written = [
      "python>=2.7": "python-2.7+", "foo@1": "foo@1", "foo#1": "foo#1", "~foo<2": "~foo<2",
      "foo-1|2": "foo-1|2", "foo==1.2": "foo==1.2", "!bar-1": "!bar-1", "~foo": "~foo",
      "python-2.7+<3": "python-2.7+<3", "foo-01": "foo-01", "python>=3.7,<4": "python-3.7+<4",
    ]
    for (text, rez) in written {
      #expect(try RezRequirement(parsing: text).rezText == rez, "\(text)")
    }
  }

  /// An ephemeral (`.eek`) is a range no repository holds: requirements on it meet, a
  /// conflict takes versions out of it, a variant requiring a range outside it goes, and
  /// the answer holds what is left of it.
  @Test func ephemeralsAreRangesTheAnswerHolds() throws {
    let folder = try RezRepositoryTests.repository([
      "app/1": "requires = ['.eek-1+']\n",
      "app/2": "requires = ['.eek-3+']\n",
      "lib/1": "variants = [['.eek-5+'], ['.eek-1+<4']]\n",
    ])
    func answer(_ requests: [String]) throws -> (packages: [String], ephemerals: [String])? {
      let repository = try RezRepository(roots: [folder.path])
      try repository.followRez(try requests.map(RezRequirement.init(parsing:)))
      let parsed = try requests.map(repository.requirement(parsing:))
      guard let resolution = try repository.resolution(of: parsed)?.rezFinished() else {
        return nil
      }
      return (
        resolution.packages.map { "\($0.name)-\($0.key)[\($0.variant.map(String.init) ?? "")]" },
        resolution.stageResolution().ephemerals
      )
    }
    let both = try #require(try answer(["app", "lib"]))
    // Rez's variant rule ranks the higher range first, and the ranges meet.
    #expect(both.packages == ["app-2[]", "lib-1[0]"])
    #expect(both.ephemerals == [".eek-5+"])
    let capped = try #require(try answer(["app", "lib", "!.eek-3.5+"]))
    #expect(capped.packages == ["app-2[]", "lib-1[1]"])
    #expect(capped.ephemerals == [".eek-3+<3.5"])
    #expect(try answer([".eek-1", ".eek-2"]) == nil)
    let alone = try #require(try answer([".eek-2+", "~.eek-<3"]))
    #expect(alone.packages.isEmpty && alone.ephemerals == [".eek-2+<3"])
    // The variable rez sets for each, after the packages' own.
    let actions = try RezRepository(roots: [folder.path])
    let resolution = try Resolution.resolving(
      [try actions.requirement(parsing: ".eek-2")], source: actions)
    #expect(
      resolution.actions.actions.map { "\($0.variable)=\($0.value)" } == ["REZ_EPH_EEK_REQUEST=2"])
  }

  /// The solver sets ephemerals aside and the resolution checks them once the packages are
  /// chosen: with `explain`, with a lock's versions to keep, and where rez's search finds
  /// no answer, which is then explained by the ranges that leave none.
  @Test func ephemeralsHoldWhicheverWayTheResolveGoes() throws {
    let folder = try RezRepositoryTests.repository([
      "app/1": "requires = ['.eek-1+']\n",
      "app/2": "requires = ['.eek-3+']\n",
      "lib/1": "variants = [['.eek-5+'], ['.eek-1+<4']]\n",
      "old/1": "requires = ['.eek-1']\n",
    ])
    func resolve(
      _ requests: [String], explain: Bool = false, keeping: [String: PreferredVersion] = [:]
    ) throws -> StageResolution {
      let repository = try RezRepository(roots: [folder.path])
      let parsed = try requests.map(repository.requirement(parsing:))
      return try Resolution.resolving(
        parsed, source: repository, preferences: keeping, explain: explain
      ).stageResolution()
    }
    for explain in [false, true] {
      let capped = try resolve(["app", "lib", "!.eek-3.5+"], explain: explain)
      #expect(capped.packages.map(\.version) == ["2", "1"], "explain: \(explain)")
      #expect(capped.packages.map(\.variant) == [nil, 1])
      #expect(capped.ephemerals == [".eek-3+<3.5"])
    }
    // A lock keeps each version and variant.
    let kept = try resolve(
      ["app", "lib"],
      keeping: ["app": PreferredVersion(key: "1"), "lib": .init(key: "1", variant: 0)])
    #expect(kept.packages.map(\.version) == ["1", "1"])
    #expect(kept.ephemerals == [".eek-5+"])
    #expect(kept.actions.filter { $0.package == ".eek" }.map(\.value) == ["5+"])
    #expect(throws: ResolveError.self) { try resolve(["app-2", "old"]) }
    do {
      _ = try resolve(["app-2", "old"])
    } catch ResolveError.unsatisfiable(let explanation) {
      #expect(explanation.contains(".eek 3+ (required by app 2)"), "\(explanation)")
      #expect(explanation.contains(".eek 1 (required by old 1)"), "\(explanation)")
    }
  }
}
