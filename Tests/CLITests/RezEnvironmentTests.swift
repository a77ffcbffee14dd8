import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// The environment `flow-resolve`'s actions make on a rez repository against the one rez
/// 3.4.0's own context makes (`Tests/differential/resolve/rez-environment-oracle.py`, which
/// needs python3 with `rez`; a missing oracle fails the test): each package's commands with
/// `{root}` its variant's folder (plain, hashed, and through rez's links to a hashed one),
/// `{base}`, `{version}` and `{env.NAME}`, the variables rez sets for each package and
/// ephemeral, and the order they apply in; combined package files (`NAME.py`, `NAME.yaml`)
/// with `versions` and `version_overrides`.
@Suite struct RezEnvironmentTests {
  struct Case: Decodable {
    var request: [String]
    var variables: [String: String]
    /// Variables of the environment rez applied the packages' commands to.
    var base: [String: String]
    /// Those of them rez's environment no longer holds.
    var removed: [String]
  }

  @Test func actionsMakeTheEnvironmentRezsContextMakes() throws {
    let folder = try TemporaryFolder()
    let oracle = OracleProcess.differentialFolder.appendingPathComponent(
      "rez-environment-oracle.py")
    let run = try ToolRun.run("/usr/bin/env", ["python3", oracle.path, folder.path])
    try #require(run.status == 0, "the rez oracle failed: \(run.stderr)")
    let cases = try JSONDecoder().decode(
      [Case].self, from: Data(contentsOf: URL(fileURLWithPath: folder.path + "/cases.json")))
    #expect(cases.count >= 25)
    for item in cases {
      let resolve = try ToolRun.run(
        "flow-resolve",
        [
          "--catalog", folder.path + "/repository", "--index", folder.path + "/index",
          "--no-implicits", "--",
        ] + item.request)
      try #require(resolve.status == 0, "\(item.request): \(resolve.stderr)")
      let document = try #require(
        JSONSerialization.jsonObject(with: Data(resolve.stdout.utf8)) as? [String: Any])
      let actions = try #require(document["actions"] as? [[String: String]]).map { action in
        EnvironmentActions.Action(
          kind: EnvironmentActions.Action.Kind(rawValue: action["action"]!)!,
          variable: action["variable"]!, value: action["value"]!, package: action["package"]!)
      }
      var base = EnvironmentMap()
      for (name, value) in item.base { base[name] = value }
      let environment = EnvironmentActions(actions: actions).applied(to: base)
      var made: [String: String] = [:]
      for (name, value) in environment where item.base[name] != value { made[name] = value }
      let removed = item.base.keys.filter { environment[$0] == nil }.sorted()
      #expect(removed == item.removed, "\(item.request)")
      #expect(made == item.variables, "\(item.request)")
    }
  }
}
