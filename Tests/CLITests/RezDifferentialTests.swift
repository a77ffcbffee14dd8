import FlowTestSupport
import Foundation
import Testing

/// `flow-resolve` on random rez repositories against rez itself: rez 3.4.0's answers
/// (`Tests/differential/resolve/rez-oracle.py`, which needs python3 with `rez`; a missing
/// oracle fails the test). Where rez solves, flow gives the same packages, versions and
/// variants; where rez finds no answer or stops with an error, flow fails (status 65).
@Suite struct RezDifferentialTests {
  static let oracle = OracleProcess.differentialFolder.appendingPathComponent("rez-oracle.py")

  struct Case: Decodable {
    var repository: String
    var request: [String]
    var status: String
    var packages: [String: [Version?]]
    /// The packages' names in rez's order.
    var order: [String]

    /// A version as text, or a variant's index (null: none).
    enum Version: Decodable, Equatable {
      case text(String)
      case index(Int)

      init(from decoder: Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let index = try? value.decode(Int.self) {
          self = .index(index)
        } else {
          self = .text(try value.decode(String.self))
        }
      }
    }
  }

  @Test(arguments: [7, 8])
  func flowAnswersAsRezDoes(seed: Int) throws {
    let folder = try TemporaryFolder()
    let oracle = try ToolRun.run(
      "/usr/bin/env", ["python3", Self.oracle.path, folder.path, String(seed), "50"])
    try #require(oracle.status == 0, "the rez oracle failed: \(oracle.stderr)")
    let cases = try JSONDecoder().decode(
      [Case].self, from: Data(contentsOf: URL(fileURLWithPath: folder.path + "/cases.json")))
    #expect(cases.filter { $0.status == "solved" }.count >= 40, "too few answers to compare")
    let cache = try TemporaryFolder()
    for item in cases {
      let index = cache.path + "/" + URL(fileURLWithPath: item.repository).lastPathComponent
      let run = try ToolRun.run(
        "flow-resolve",
        ["--catalog", item.repository, "--index", index, "--syntax", "rez", "--"] + item.request)
      let context = "\(item.request) on \(item.repository): \(run.stderr)"
      guard item.status == "solved" else {
        #expect(run.status == 65, "rez: \(item.status); \(context)")
        continue
      }
      try #require(run.status == 0, "rez solved it; \(context)")
      let document = try #require(
        JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
      var packages: [String: [Case.Version?]] = [:]
      let listed = try #require(document["packages"] as? [[String: Any]])
      #expect(listed.map { $0["name"] as! String } == item.order, "rez's order; \(context)")
      for package in listed {
        packages[package["name"] as! String] = [
          .text(package["version"] as! String),
          (package["variant"] as? Int).map(Case.Version.index),
        ]
      }
      #expect(packages == item.packages, "rez: \(item.packages); \(context)")
    }
  }
}
