import Testing

@testable import FlowCore

/// A failure's derivation can grow exponentially with the catalogue: n+1 pigeons that each
/// need one of n holes, each hole holding one pigeon, take thousands of steps to refute
/// (13 into 12: hundreds of megabytes of text). The explanation is summarised past
/// `Solver.summarySteps` steps, each cut to `Solver.summaryLineLimit` bytes, unless the
/// whole derivation is asked for.
@Suite struct ExplanationBoundTests {
  /// `pigeons` pigeons, `pigeons - 1` holes: pigeon i in hole j is version j of pigeon i,
  /// which requires version i of hole j, so no two pigeons share a hole.
  static func pigeonhole(_ pigeons: Int) -> String {
    var text = ""
    for pigeon in 1...pigeons {
      for hole in 1..<pigeons {
        text += "[packages.pigeon\(pigeon).\"\(hole).0.0\"]\n"
        text += "requires = [\"hole\(hole) ==\(pigeon).0.0\"]\n"
      }
    }
    for hole in 1..<pigeons {
      for pigeon in 1...pigeons { text += "[packages.hole\(hole).\"\(pigeon).0.0\"]\n" }
    }
    return text
  }

  static func failure(_ pigeons: Int, fullDerivation: Bool) throws -> String {
    let catalogue = try Catalogue(texts: [("pigeons.toml", pigeonhole(pigeons))])
    let requests = try (1...pigeons).map { try PackageRequirement(parsing: "pigeon\($0)") }
    do {
      _ = try Resolution(
        requests, source: CatalogueSource(catalogue), fullDerivation: fullDerivation)
    } catch ResolveError.unsatisfiable(let explanation) {
      return explanation
    }
    Issue.record("\(pigeons) pigeons fit into \(pigeons - 1) holes")
    return ""
  }

  @Test func pigeonholeExplanationIsSummarisedWithinItsBound() throws {
    let summary = try Self.failure(6, fullDerivation: false)
    let full = try Self.failure(6, fullDerivation: true)
    let lines = summary.split(separator: "\n", omittingEmptySubsequences: false)
    let fullLines = full.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(fullLines.count > Solver.summarySteps)
    // The kept steps and one line saying what was left out and how to see it.
    #expect(lines.count == Solver.summarySteps + 1)
    #expect(lines.allSatisfy { $0.utf8.count <= Solver.summaryLineLimit })
    #expect(summary.utf8.count <= (Solver.summarySteps + 1) * (Solver.summaryLineLimit + 1))
    let omitted = fullLines.count - Solver.summarySteps
    #expect(
      lines[Solver.summaryHead]
        == "… \(omitted) of \(fullLines.count) steps left out (--full-derivation shows them all) …")
    #expect(Array(lines.prefix(Solver.summaryHead)) == Array(fullLines.prefix(Solver.summaryHead)))
    // The conclusion is kept.
    #expect(lines.last == fullLines.last)
    #expect(lines.last?.hasSuffix("cannot be satisfied together") == true)
  }

  @Test func shortDerivationIsGivenWhole() throws {
    let summary = try Self.failure(3, fullDerivation: false)
    #expect(summary == (try Self.failure(3, fullDerivation: true)))
    #expect(!summary.contains("left out"))
  }
}
