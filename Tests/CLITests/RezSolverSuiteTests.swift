import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// `flow-resolve` on the repository of rez's own solver tests (installed with rez 3.4.0),
/// for the requests of those tests in every order of their items, against rez's answers
/// there (`Tests/differential/resolve/rez-solver-suite-oracle.py`, which needs python3 with
/// `rez`; a missing oracle fails the test): the same status, the same packages with their
/// versions and variants in rez's order (which their commands run in), and the same
/// ephemerals (`.foo-2.5+<2_`).
@Suite struct RezSolverSuiteTests {
  struct Suite: Decodable {
    var repository: String
    var cases: [Case]
  }

  struct Case: Decodable {
    var request: [String]
    var status: String
    var packages: [String]
    var ephemerals: [String]
  }

  /// What the oracle `script` (in `Tests/differential/resolve`) writes to the file it is
  /// given, run with python3 and rez.
  static func oracle<Answer: Decodable>(_ script: String, in folder: TemporaryFolder)
    throws -> Answer
  {
    let oracle = OracleProcess.differentialFolder.appendingPathComponent(script)
    let out = folder.path + "/oracle.json"
    let run = try ToolRun.run("/usr/bin/env", ["python3", oracle.path, out])
    try #require(run.status == 0, "the rez oracle failed: \(run.stderr)")
    return try JSONDecoder().decode(
      Answer.self, from: Data(contentsOf: URL(fileURLWithPath: out)))
  }

  @Test func flowAnswersRezsOwnSolverTestsAsRezDoes() throws {
    let folder = try TemporaryFolder()
    let suite: Suite = try Self.oracle("rez-solver-suite-oracle.py", in: folder)
    #expect(suite.cases.filter { $0.status == "solved" }.count >= 70, "too few answers")
    #expect(suite.cases.contains { !$0.ephemerals.isEmpty }, "no ephemerals to compare")
    let index = folder.path + "/index"
    for item in suite.cases {
      let resolve = try ToolRun.run(
        "flow-resolve",
        ["--catalog", suite.repository, "--index", index, "--no-implicits", "--"] + item.request)
      let context = "\(item.request): \(resolve.stderr)"
      guard item.status == "solved" else {
        #expect(resolve.status == 65, "rez: \(item.status); \(context)")
        continue
      }
      try #require(resolve.status == 0, "rez solved it; \(context)")
      let document = try #require(
        JSONSerialization.jsonObject(with: Data(resolve.stdout.utf8)) as? [String: Any])
      let packages = try #require(document["packages"] as? [[String: Any]]).map { package in
        let version = package["version"] as! String
        let variant = (package["variant"] as? Int).map(String.init) ?? ""
        return "\(package["name"] as! String)\(version.isEmpty ? "" : "-" + version)[\(variant)]"
      }
      #expect(packages == item.packages, "rez: \(item.packages); \(context)")
      let ephemerals = document["ephemerals"] as? [String] ?? []
      #expect(ephemerals == item.ephemerals, "rez: \(item.ephemerals); \(context)")
    }
  }
}

extension RezSolverSuiteTests {
  struct Listing: Decodable {
    var repository: String
    /// Per package, each version with how many variants rez reads (nil: rez cannot load it).
    var packages: [String: [Listed]]
  }

  struct Listed: Decodable {
    var version: String
    var variants: Int?

    init(from decoder: Decoder) throws {
      var container = try decoder.unkeyedContainer()
      version = try container.decode(String.self)
      variants = try container.decodeIfPresent(Int.self)
    }
  }

  /// The repositories of rez's own package and solver tests (package folders, unversioned
  /// packages, combined package files with `versions` and `version_overrides`, in Python and
  /// YAML) hold the versions rez lists, each with as many variants
  /// (`Tests/differential/resolve/rez-packages-oracle.py`).
  @Test func rezsOwnTestRepositoriesHoldTheVersionsRezLists() throws {
    let listings: [Listing] = try Self.oracle(
      "rez-packages-oracle.py", in: try TemporaryFolder())
    #expect(listings.count == 3)
    #expect(listings.contains { $0.packages["multi"]?.count == 4 }, "no combined file read")
    for listing in listings {
      let repository = try RezRepository(roots: [listing.repository])
      for (name, versions) in listing.packages {
        let table = repository.candidateTable(of: name)
        var held: [(version: String, variants: Int)] = []
        for (place, key) in table.keys.enumerated() {
          if place > 0, table.keys[place - 1] == key {
            held[held.count - 1].variants += 1
          } else {
            held.append((key, table.variants[place] < 0 ? 0 : 1))
          }
        }
        #expect(
          held.map(\.version) == versions.map(\.version), "\(name) in \(listing.repository)")
        for (flow, rez) in zip(held, versions) where rez.variants != nil {
          #expect(flow.variants == rez.variants, "\(name)-\(flow.version)")
        }
      }
    }
  }
}
