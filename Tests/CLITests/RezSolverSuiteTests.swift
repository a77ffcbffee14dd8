import FlowTestSupport
import Foundation
import Testing

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

  @Test func flowAnswersRezsOwnSolverTestsAsRezDoes() throws {
    let folder = try TemporaryFolder()
    let oracle = OracleProcess.differentialFolder.appendingPathComponent(
      "rez-solver-suite-oracle.py")
    let out = folder.path + "/suite.json"
    let run = try ToolRun.run("/usr/bin/env", ["python3", oracle.path, out])
    try #require(run.status == 0, "the rez oracle failed: \(run.stderr)")
    let suite = try JSONDecoder().decode(
      Suite.self, from: Data(contentsOf: URL(fileURLWithPath: out)))
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
