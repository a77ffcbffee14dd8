import FlowTestSupport
import Testing

@testable import FlowCore

/// The parts that make the solver fast, each checked against the plain way it replaces: the
/// compiled index's numbered requirements against the catalogue, the decision queue against a
/// scan of every package, and runs of versions by binary search against one test per version.
@Suite struct SolverPartsTests {
  /// A catalogue as TOML, with its requires and conflicts.
  static func toml(_ catalogue: Catalogue) -> String {
    var text = ""
    for name in catalogue.names {
      for entry in catalogue.versions(of: name) {
        func list(_ requirements: [PackageRequirement]) -> String {
          "[" + requirements.map { "\"\($0.name)\($0.spec.text)\"" }.joined(separator: ", ") + "]"
        }
        text += "[packages.\"\(name)\".\"\(entry.key)\"]\n"
        text += "requires = \(list(entry.requires))\nconflicts = \(list(entry.conflicts))\n"
      }
    }
    return text
  }

  static func outcome(_ source: any PackageSource, _ requests: [PackageRequirement]) -> [String] {
    do {
      return try Solver.solve(requests, source: source).map { "\($0.name) \($0.key)" }
    } catch ResolveError.unsatisfiable(let explanation) {
      return ["unsatisfiable", explanation]
    } catch {
      return ["\(error)"]
    }
  }

  @Test func indexGivesTheSameAnswersAndExplanationsAsTheCatalogue() throws {
    var random = SeededGenerator(seed: 7)
    let folder = try TemporaryFolder()
    var unsatisfiable = 0
    for round in 0..<12 {
      // Small catalogues give unsatisfiable requests and so explanations; large ones, long
      // searches.
      let packages = round % 2 == 0 ? 30 : 6
      let catalogue = try SolverRandomTests.randomCatalogue(
        &random, packages: packages, versions: round % 2 == 0 ? 10 : 4, maxRequires: 4)
      let file = try folder.write("catalogue\(round).toml", Self.toml(catalogue))
      let read = try Catalogue(sources: [file])
      #expect(read.names.count == catalogue.names.count)
      let index = try CatalogueIndex.open(sources: [file], at: file + ".index")
      for _ in 0..<15 {
        let requests = try SolverRandomTests.randomRequests(&random, packages: packages)
        let expected = Self.outcome(CatalogueSource(catalogue), requests)
        #expect(Self.outcome(index, requests) == expected, "\(requests)")
        if expected.first == "unsatisfiable" { unsatisfiable += 1 }
      }
    }
    #expect(unsatisfiable > 0)
  }

  @Test func decisionQueueAgreesWithAScanOfEveryPackage() {
    var random = SeededGenerator(seed: 11)
    var queue = DecisionQueue()
    var ranks: [Int: Int] = [:]
    for _ in 0..<5000 {
      let package = Int.random(in: 0..<300, using: &random)
      let rank = random.chance(0.3) ? nil : Int.random(in: 0..<40, using: &random)
      queue.set(package, rank: rank)
      ranks[package] = rank
      let expected = ranks.min { ($0.value, $0.key) < ($1.value, $1.key) }?.key
      #expect(queue.first == expected)
    }
  }

  @Test func runsOfVersionsAgreeWithTestingEachVersion() throws {
    var random = SeededGenerator(seed: 5)
    let shapes = ["^", "~", ">=", "<", "<=", ">", "", "==", "!=", "~="]
    for _ in 0..<400 {
      var texts: Set<String> = []
      for _ in 0..<Int.random(in: 0...25, using: &random) {
        texts.insert(
          "\(Int.random(in: 0...4, using: &random)).\(Int.random(in: 0...4, using: &random))"
            + ".\(Int.random(in: 0...2, using: &random))")
      }
      let versions = try texts.map { try Version(parsing: $0) }.sorted()
      var text = random.pick(shapes) + "\(Int.random(in: 0...4, using: &random))"
      if random.chance(0.7) { text += ".\(Int.random(in: 0...4, using: &random))" }
      if random.chance(0.3) {
        text += "," + random.pick(["<", ">=", "!="]) + "\(Int.random(in: 1...4, using: &random))"
      }
      let spec = try VersionSpec(parsing: text)
      for includingPrereleases in [false, true] {
        let set = spec.versions(includingPrereleases: includingPrereleases)
        let byRuns = set.positions(inAscendingReleases: versions).flatMap { Array($0) }
        let byTest = versions.indices.filter { set.contains(versions[$0]) }
        #expect(byRuns == byTest, "\(text) over \(versions)")
      }
    }
  }
}
