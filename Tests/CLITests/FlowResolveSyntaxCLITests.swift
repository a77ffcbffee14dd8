import FlowTestSupport
import Foundation
import Testing

/// `flow-resolve --syntax` and the automatic choice through the built binary, and a sample of
/// the upstream cases (node-semver's maxSatisfying, python-semanticversion's select) resolved
/// from a catalogue of their pools.
extension FlowResolveCLITests {
  /// A catalogue with package `p` in each of `versions`.
  func writeCatalogue(_ versions: [String], name: String = "p.toml") throws -> String {
    let path = folder.appendingPathComponent(name).path
    let text = versions.map { "[packages.p.\"\($0)\"]\n" }.joined()
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// The version of `p` chosen, or nil when nothing fits (status 65).
  func picked(_ catalogue: String, _ arguments: [String]) throws -> String? {
    let run = try ToolRun.run(
      "flow-resolve", ["--catalog", catalogue, "--index", index] + arguments)
    if run.status == 65 { return nil }
    #expect(run.status == 0, "\(arguments): \(run.stderr)")
    let document = try #require(
      JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let packages = try #require(document["packages"] as? [[String: Any]])
    return packages.first?["version"] as? String
  }

  @Test func lifebloodSpecsWithAnXInATagAreReadAsLifebloodSyntax() throws {
    let path = try writeCatalogue([
      "1.2.3+x86", "1.2.3+other", "2.0.0-next.3", "2.0.0-next.2", "20.0.0-next.2", "20.0.506",
      "20.0.506-rc.2", "20.0.506-rc.1",
    ])
    #expect(try picked(path, ["p ==1.2.3+x86"]) == "1.2.3+x86")
    #expect(try picked(path, ["--pre", "p !=2.0.0-next.3,<3"]) == "2.0.0-next.2")
    // Lifeblood's reading, `>=20.0.0-next.1,<20.0.0` without 20.0.0's prereleases, fits none.
    #expect(try picked(path, ["p ^20.0.0-next.1"]) == nil)
    #expect(try picked(path, ["--syntax", "node", "p ^20.0.0-next.1"]) == "20.0.506")
    let candidates = try writeCatalogue(
      ["20.0.505", "20.0.506-rc.1", "20.0.506-rc.2"], name: "rc.toml")
    #expect(try picked(candidates, ["p >=20.0.506-rc.1,<21"]) == "20.0.506-rc.2")
  }

  @Test func syntaxOptionChoosesTheReading() throws {
    let path = try writeCatalogue(["0.0.3", "0.0.4", "0.1.0"])
    #expect(try picked(path, ["p ^0.0"]) == nil)
    #expect(try picked(path, ["--syntax", "lifeblood", "p ^0.0"]) == nil)
    #expect(try picked(path, ["--syntax", "node", "p ^0.0"]) == "0.0.4")
    // The same choice holds for the specs of a pipe document.
    let workflow = folder.appendingPathComponent("workflow.yaml").path
    try """
    stages:
      - name: a
        type: fasthep_flow.operators.BashOperator
        kwargs: {bash_command: "true"}
        environment: {requirements: ["p ^0.0"]}

    """.write(toFile: workflow, atomically: true, encoding: .utf8)
    let document = try ToolRun.run("flow-parse", [workflow])
    #expect(document.status == 0)
    let run = try ToolRun.run(
      "flow-resolve", ["--catalog", path, "--index", index, "--syntax", "node"],
      stdin: document.stdout)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("\"version\":\"0.0.4\""))
    let refused = try ToolRun.run(
      "flow-resolve", ["--catalog", path, "--index", index, "--syntax", "npm", "p"])
    #expect(refused.status == 64)
    #expect(refused.stderr.contains("--syntax"))
  }

  @Test func malformedXRangeIsRefusedWithItsColumn() throws {
    let path = try writeCatalogue(["1.0.5"])
    let run = try ToolRun.run(
      "flow-resolve", ["--catalog", path, "--index", index, "p 1.x.5"])
    #expect(run.status == 64)
    #expect(
      run.stderr
        == "flow-resolve: invalid requirement 'p 1.x.5' at column 7: a number cannot follow a wildcard: write '1.x'\n"
    )
  }

  static func table(_ file: String) throws -> [String: Any] {
    let data = try #require(try SharedData.contents("conformance/semver/" + file))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test(.enabled(if: SharedData.path("conformance/semver/node.json") != nil))
  func nodeSemverMaxSatisfyingSample() throws {
    let node = try Self.table("node.json")
    let path = try writeCatalogue(try #require(node["pool"] as? [String]))
    let cases = try #require(node["maxsat"] as? [[String: Any]])
    for item in stride(from: 0, to: cases.count, by: 25).map({ cases[$0] }) {
      let range = item["range"] as! String
      let pre = item["pre"] as! Bool
      let answer = try picked(
        path, ["--syntax", "node"] + (pre ? ["--pre"] : []) + ["p \(range)"])
      #expect(answer == item["expect"] as? String, "\(range) pre: \(pre)")
    }
  }

  @Test(.enabled(if: SharedData.path("conformance/semver/sv.json") != nil))
  func semanticVersionSelectSample() throws {
    let cases = try #require(Self.table("sv.json")["select"] as? [[String: Any]])
    for (number, item) in stride(from: 0, to: cases.count, by: 30).map({ ($0, cases[$0]) }) {
      let spec = item["spec"] as! String
      let path = try writeCatalogue(item["pool"] as! [String], name: "pool\(number).toml")
      for pre in [false, true] {
        let expect = item[pre ? "expect_pre" : "expect_default"] as? String
        #expect(try picked(path, (pre ? ["--pre"] : []) + ["p \(spec)"]) == expect, "\(spec)")
      }
    }
  }
}
