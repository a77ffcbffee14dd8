import FlowTestSupport
import Testing

@testable import FlowCore

/// Random dense catalogues: every answer is checked by an independent validity check, and on
/// small catalogues every "unsatisfiable" is checked against all possible selections.
@Suite struct SolverRandomTests {
  static func randomCatalogue(
    _ random: inout SeededGenerator, packages: Int, versions: Int, maxRequires: Int
  ) throws -> Catalogue {
    var entries: [PackageVersion] = []
    let specShapes = ["^", "~", ">=", "<", "", "==", "!="]
    for package in 0..<packages {
      for version in 0..<versions {
        let text = "\(version / 3 + 1).\(version % 3).0"
        var requires: [PackageRequirement] = []
        var conflicts: [PackageRequirement] = []
        for _ in 0..<Int.random(in: 0...maxRequires, using: &random) {
          let other = Int.random(in: 0..<packages, using: &random)
          guard other != package else { continue }
          let target = Int.random(in: 0..<versions, using: &random)
          let spec = random.pick(specShapes) + "\(target / 3 + 1).\(target % 3)"
          let requirement = try PackageRequirement(parsing: "p\(other) \(spec)")
          if random.chance(0.15) {
            conflicts.append(requirement)
          } else if !requires.contains(where: { $0.name == requirement.name }) {
            requires.append(requirement)
          }
        }
        entries.append(
          PackageVersion(
            name: "p\(package)", version: try Version(parsing: text), key: text, requires: requires,
            conflicts: conflicts))
      }
    }
    return Catalogue(packages: entries)
  }

  /// Whether `chosen` (one version per named package) satisfies requests, requires and
  /// conflicts, judged directly from the specs.
  static func isValid(_ chosen: [String: PackageVersion], requests: [PackageRequirement]) -> Bool {
    func holds(_ requirement: PackageRequirement) -> Bool {
      guard let entry = chosen[requirement.name] else { return false }
      return requirement.spec.matches(entry.version)
    }
    guard requests.allSatisfy(holds) else { return false }
    for entry in chosen.values {
      guard entry.requires.allSatisfy(holds) else { return false }
      guard !entry.conflicts.contains(where: holds) else { return false }
    }
    return true
  }

  /// Tries every selection (each package absent or one of its versions).
  static func anySolutionExists(_ catalogue: Catalogue, requests: [PackageRequirement]) -> Bool {
    let names = catalogue.names
    var chosen: [String: PackageVersion] = [:]
    func search(_ index: Int) -> Bool {
      if index == names.count { return isValid(chosen, requests: requests) }
      let name = names[index]
      chosen[name] = nil
      if search(index + 1) { return true }
      for entry in catalogue.versions(of: name) {
        chosen[name] = entry
        if search(index + 1) { return true }
      }
      chosen[name] = nil
      return false
    }
    return search(0)
  }

  static func randomRequests(_ random: inout SeededGenerator, packages: Int) throws
    -> [PackageRequirement]
  {
    try (0..<Int.random(in: 1...3, using: &random)).map { _ in
      let spec = random.chance(0.5) ? "" : ">=\(Int.random(in: 1...2, using: &random))"
      return try PackageRequirement(
        parsing: "p\(Int.random(in: 0..<packages, using: &random)) \(spec)")
    }
  }

  @Test func smallCataloguesAgreeWithExhaustiveSearch() throws {
    var random = SeededGenerator(seed: 2024)
    var solved = 0
    var proven = 0
    for _ in 0..<300 {
      let catalogue = try Self.randomCatalogue(&random, packages: 5, versions: 4, maxRequires: 3)
      let requests = try Self.randomRequests(&random, packages: 5)
      let exists = Self.anySolutionExists(catalogue, requests: requests)
      do {
        let result = try Solver.solve(requests, source: CatalogueSource(catalogue))
        let chosen = Dictionary(uniqueKeysWithValues: result.map { ($0.name, $0) })
        #expect(chosen.count == result.count)
        #expect(Self.isValid(chosen, requests: requests), "\(requests) -> \(result.map(\.key))")
        solved += 1
      } catch ResolveError.unsatisfiable(let explanation) {
        #expect(!exists, "solver gave up on \(requests) though a solution exists")
        #expect(!explanation.isEmpty)
        proven += 1
      }
    }
    #expect(solved > 50)
    #expect(proven > 20)
  }

  @Test func denseCataloguesAlwaysGiveValidAnswers() throws {
    var random = SeededGenerator(seed: 99)
    for _ in 0..<8 {
      let catalogue = try Self.randomCatalogue(&random, packages: 60, versions: 12, maxRequires: 6)
      for _ in 0..<5 {
        let requests = try Self.randomRequests(&random, packages: 60)
        let first: [String]
        do {
          let result = try Solver.solve(requests, source: CatalogueSource(catalogue))
          let chosen = Dictionary(uniqueKeysWithValues: result.map { ($0.name, $0) })
          #expect(Self.isValid(chosen, requests: requests))
          first = result.map { "\($0.name) \($0.key)" }
        } catch ResolveError.unsatisfiable(let explanation) {
          first = [explanation]
        }
        // Same input, same answer.
        let again: [String]
        do {
          again = try Solver.solve(requests, source: CatalogueSource(catalogue)).map {
            "\($0.name) \($0.key)"
          }
        } catch ResolveError.unsatisfiable(let explanation) {
          again = [explanation]
        }
        #expect(first == again)
      }
    }
  }
}
