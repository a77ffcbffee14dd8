import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// Every case of node-semver 7.8.5's own fixtures and of python-semanticversion 2.10.0's
/// tables (`conformance/semver/` in the shared data), read through the core API: each agrees
/// with its upstream answer or is one of the differences flow keeps on purpose, listed in
/// `SpecDifferences` with its reason and in flow-resolve(1).
@Suite(.enabled(if: SharedData.path("conformance/semver/node.json") != nil))
struct SpecConformanceTests {
  typealias Case = [String: Any]

  static func table(_ file: String) throws -> [String: Any] {
    let data = try #require(try SharedData.contents("conformance/semver/" + file))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// What one table's run found: how many cases agree, which keys differ without being
  /// listed, and which listed differences did not differ.
  struct Tally: CustomStringConvertible {
    let name: String
    var total = 0
    var agreed = 0
    var documented = 0
    var unexplained: [String] = []
    var listedButAgreeing: [String] = []

    mutating func record(_ key: String, agrees: Bool, listed: Bool) {
      total += 1
      if agrees {
        agreed += 1
        if listed { listedButAgreeing.append(key) }
      } else if listed {
        documented += 1
      } else {
        unexplained.append(key)
      }
    }

    var description: String {
      "\(name) \(agreed + documented)/\(total) (\(agreed) agree, \(documented) documented differences)"
    }

    func check() {
      print(description)
      #expect(
        unexplained.isEmpty,
        "\(name): differs from upstream:\n\(unexplained.joined(separator: "\n"))")
      #expect(
        listedButAgreeing.isEmpty,
        "\(name): listed as a difference but agrees:\n\(listedButAgreeing.joined(separator: "\n"))")
    }
  }

  static func spec(_ text: String, _ syntax: VersionSpec.SyntaxChoice) -> VersionSpec? {
    try? VersionSpec(parsing: text, syntax: syntax)
  }

  /// Whether `spec` matches `version`; a version flow cannot read matches nothing.
  static func matches(_ spec: VersionSpec?, _ version: String, pre: Bool) -> Bool? {
    guard let spec else { return nil }
    guard let parsed = try? Version(parsing: version) else { return false }
    return spec.matches(parsed, includingPrereleases: pre)
  }

  /// The newest of `pool` that `spec` matches, as a string; nil when none.
  static func newest(_ spec: VersionSpec?, in pool: [String], pre: Bool) -> String? {
    guard let spec else { return nil }
    let chosen = pool.compactMap { text in (try? Version(parsing: text)).map { (text, $0) } }
      .filter { spec.matches($0.1, includingPrereleases: pre) }
      .max { $0.1 < $1.1 }
    return chosen?.0
  }

  static func key(_ table: String, _ spec: String, _ version: String, pre: Bool) -> String {
    "\(table): '\(spec)' @ \(version)\(pre ? " pre" : "")"
  }

  // MARK: node-semver

  @Test func nodeSemverInclusion() throws {
    var tally = Tally(name: "node-semver inclusion")
    for item in try #require(Self.table("node.json")["inclusion"] as? [Case]) {
      let range = item["range"] as! String
      let version = item["version"] as! String
      let pre = item["pre"] as! Bool
      let expect = item["expect"] as! Bool
      let key = Self.key("inclusion", range, version, pre: pre)
      let ours = Self.matches(Self.spec(range, .node), version, pre: pre)
      let listed = SpecDifferences.reason(for: key) != nil
      tally.record(key, agrees: ours == expect, listed: listed)
    }
    tally.check()
  }

  @Test func nodeSemverMaxSatisfying() throws {
    let node = try Self.table("node.json")
    let pool = try #require(node["pool"] as? [String])
    var tally = Tally(name: "node-semver maxSatisfying")
    for item in try #require(node["maxsat"] as? [Case]) {
      let range = item["range"] as! String
      let pre = item["pre"] as! Bool
      let expect = item["expect"] as? String
      let key = Self.key("maxsat", range, "pool", pre: pre)
      let ours = Self.newest(Self.spec(range, .node), in: pool, pre: pre)
      tally.record(key, agrees: ours == expect, listed: SpecDifferences.reason(for: key) != nil)
    }
    tally.check()
  }

  @Test func nodeSemverInvalidRanges() throws {
    var tally = Tally(name: "node-semver invalid")
    for item in try #require(Self.table("node.json")["invalid"] as? [Case]) {
      let range = item["range"] as! String
      let key = Self.key("invalid", range, "-", pre: false)
      tally.record(
        key, agrees: Self.spec(range, .node) == nil,
        listed: SpecDifferences.reason(for: key) != nil)
    }
    tally.check()
  }

  @Test func nodeSemverOrdering() throws {
    var tally = Tally(name: "node-semver ordering")
    for item in try #require(Self.table("node.json")["ordering"] as? [Case]) {
      let versions = item["versions"] as! [String]
      let expect = item["expect"] as! String
      let parsed = try versions.map { try Version(parsing: $0) }
      let newest = parsed[0] < parsed[1] ? versions[1] : versions[0]
      let key = Self.key("ordering", versions.joined(separator: " "), expect, pre: false)
      tally.record(key, agrees: newest == expect, listed: SpecDifferences.reason(for: key) != nil)
    }
    tally.check()
  }

  // MARK: python-semanticversion

  /// A Lifeblood-syntax case agrees when the spec read as Lifeblood syntax and the spec read
  /// with the automatic choice both give the upstream answer.
  static func lifeblood(_ spec: String, _ version: String, pre: Bool) -> Bool? {
    let explicit = matches(Self.spec(spec, .lifeblood), version, pre: pre)
    let chosen = matches(Self.spec(spec, .auto), version, pre: pre)
    return explicit == chosen ? explicit : nil
  }

  @Test func semanticVersionCases() throws {
    var tally = Tally(name: "semantic_version cases")
    for item in try #require(Self.table("sv.json")["cases"] as? [Case]) {
      let spec = item["spec"] as! String
      let version = item["version"] as! String
      for pre in [true, false] {
        let expect = item[pre ? "expect_pre" : "expect_default"] as! Bool
        let key = Self.key("cases", spec, version, pre: pre)
        tally.record(
          key, agrees: Self.lifeblood(spec, version, pre: pre) == expect,
          listed: SpecDifferences.reason(for: key) != nil)
      }
    }
    tally.check()
  }

  @Test func semanticVersionEdgeMatrix() throws {
    let edge = try #require(Self.table("sv.json")["edge"] as? [String: Any])
    let specs = edge["specs"] as! [String]
    let versions = edge["versions"] as! [String]
    var tally = Tally(name: "semantic_version edge")
    for pre in [true, false] {
      let rows = edge[pre ? "expect_pre" : "expect_default"] as! [String]
      for (spec, row) in zip(specs, rows) {
        for (version, bit) in zip(versions, row) {
          let key = Self.key("edge", spec, version, pre: pre)
          tally.record(
            key, agrees: Self.lifeblood(spec, version, pre: pre) == (bit == "1"),
            listed: SpecDifferences.reason(for: key) != nil)
        }
      }
    }
    tally.check()
  }

  @Test func semanticVersionSpecValidity() throws {
    var tally = Tally(name: "semantic_version spec_validity")
    for item in try #require(Self.table("sv.json")["spec_validity"] as? [Case]) {
      let spec = item["spec"] as! String
      let key = Self.key("spec_validity", spec, "-", pre: false)
      tally.record(
        key, agrees: (Self.spec(spec, .lifeblood) != nil) == (item["valid"] as! Bool),
        listed: SpecDifferences.reason(for: key) != nil)
    }
    tally.check()
  }

  @Test func semanticVersionSelect() throws {
    var tally = Tally(name: "semantic_version select")
    for item in try #require(Self.table("sv.json")["select"] as? [Case]) {
      let spec = item["spec"] as! String
      let pool = item["pool"] as! [String]
      for pre in [true, false] {
        let expect = item[pre ? "expect_pre" : "expect_default"] as? String
        let key = Self.key("select", spec, item["pool_name"] as! String, pre: pre)
        let explicit = Self.newest(Self.spec(spec, .lifeblood), in: pool, pre: pre)
        let chosen = Self.newest(Self.spec(spec, .auto), in: pool, pre: pre)
        tally.record(
          key, agrees: explicit == expect && chosen == expect,
          listed: SpecDifferences.reason(for: key) != nil)
      }
    }
    tally.check()
  }

  @Test func semanticVersionCoercedVersions() throws {
    var tally = Tally(name: "semantic_version coerced")
    for item in try #require(Self.table("sv.json")["coerced"] as? [Case]) {
      let spec = item["spec"] as! String
      let version = item["version"] as! String
      let key = Self.key("coerced", spec, version, pre: true)
      tally.record(
        key, agrees: Self.lifeblood(spec, version, pre: true) == (item["expect_pre"] as! Bool),
        listed: SpecDifferences.reason(for: key) != nil)
    }
    tally.check()
  }

  @Test func semanticVersionNpmSpec() throws {
    var tally = Tally(name: "semantic_version npm")
    for item in try #require(Self.table("sv.json")["npm"] as? [Case]) {
      let range = item["range"] as! String
      let version = item["version"] as! String
      let pre = item["pre"] as! Bool
      let key = Self.key("npm", range, version, pre: pre)
      tally.record(
        key,
        agrees: Self.matches(Self.spec(range, .node), version, pre: pre)
          == (item["expect"] as! Bool),
        listed: SpecDifferences.reason(for: key) != nil)
    }
    tally.check()
  }
}

/// The cases where flow answers differently from node-semver 7.8.5 or semantic_version 2.10.0
/// on purpose, by reason; flow-resolve(1) has the same list as a table.
enum SpecDifferences {
  static let groups: [(reason: String, keys: [String])] = [
    (
      "flow reads a version exactly as written; node-semver trims spaces around it",
      [
        "inclusion: '1.2.3+otherbuild' @   v1.2.3+build",
        "inclusion: '1.2.3+otherbuild' @   v1.2.3+build pre",
      ]
    ),
    (
      "node-semver's loose mode reads it; flow reads strictly and refuses it",
      [
        "inclusion: '1.2.3pre+asdf - 2.4.3-pre+asdf' @ 1.2.3",
        "inclusion: '1.2.3-pre+asdf - 2.4.3pre+asdf' @ 1.2.3",
        "inclusion: '1.2.3pre+asdf - 2.4.3pre+asdf' @ 1.2.3",
        "inclusion: '~ 1.0.3alpha' @ 1.0.12",
        "inclusion: '== 1.0.0 || foo' @ 2.0.0",
        "inclusion: '^1.0.0alpha' @ 1.0.0beta",
        "inclusion: '~1.0.0alpha' @ 1.0.0beta",
        "inclusion: '^1.0.0-alpha' @ 1.0.0beta",
        "inclusion: '~1.0.0-alpha' @ 1.0.0beta",
        "inclusion: 'v 1.2.3' @ 1.2.3",
        "inclusion: ' v 1.2.3' @ 1.2.3",
        "inclusion: 'v 1.2.3-0' @ 1.2.3-0",
        "inclusion: ' v 1.2.3-0' @ 1.2.3-0",
        "inclusion: 'v 1.2.3-1' @ 1.2.3-1",
        "inclusion: ' v 1.2.3-1' @ 1.2.3-1",
        "inclusion: 'v 1.2.3-beta' @ 1.2.3-beta",
        "inclusion: ' v 1.2.3-beta' @ 1.2.3-beta",
      ]
    ),
    (
      "release parts may have leading zeros (`6.28.04` is a real version); node-semver refuses them",
      ["invalid: '>01.02.03' @ -", "invalid: '>=09090' @ -"]
    ),
    (
      "release parts go up to 2^64-2; node-semver stops at 2^53-1 (JavaScript's safe integers)",
      ["invalid: '^9007199254740991.0.0' @ -"]
    ),
    (
      "a fourth part is a release part (`20.0.506.1` follows `20.0.506`); coerced to semver it is build metadata",
      [
        "coerced: '==20.0.506' @ 20.0.506.1 pre",
        "coerced: '<=20.0.506' @ 20.0.506.1 pre",
        "coerced: '>20.0.506' @ 20.0.506.1 pre",
        "spec_validity: '>0.1.1.1' @ -",
      ]
    ),
    (
      "an empty spec is any version (a requirement that names only a package)",
      ["spec_validity: '' @ -"]
    ),
  ]

  static func reason(for key: String) -> String? {
    groups.first { $0.keys.contains(key) }?.reason
  }
}
