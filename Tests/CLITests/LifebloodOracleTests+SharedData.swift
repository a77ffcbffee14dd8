import FlowTestSupport
import Foundation
import Testing

/// Lifeblood's own catalogues and resolver tests, read where they lie (`SharedData`), laid out
/// as Lifeblood lays them out: a configuration root whose `standard_environment_resolver/`
/// folder holds `config.toml`. The expectations come from Lifeblood's code
/// (`StandardEnvironmentResolver.get_environment`, `SimpleSpec.select`) and its tests
/// (`tests/test_envisonment_resolver.py`); where flow answers differently on purpose (a
/// prerelease without `--pre`, an invalid file), the test says so.
extension LifebloodOracleTests {
  /// One request against one file of `realworld/lifeblood/`.
  struct RealWorldCase: Sendable, CustomStringConvertible {
    var file: String
    var requirements: [String]
    var pre = false
    /// The base environment, for `--format env`.
    var base: [String: String] = ["PATH": "/usr/bin", "PYTHONPATH": "/py"]
    /// Versions chosen per package, with variables of the environment that must match.
    var versions: [String: String] = [:]
    var environment: [String: String] = [:]
    /// Otherwise the exit status and the whole of standard error, `ROOT` for the root.
    var status: Int32 = 0
    var stderr = ""

    var description: String {
      "\(file): \(requirements.joined(separator: " | "))\(pre ? " --pre" : "")"
    }
  }

  static let realWorldCases: [RealWorldCase] = [
    // test_one: houdini's prepends before the base PATH, its appends after.
    RealWorldCase(
      file: "tests-standard_environment_resolver-config.toml",
      requirements: ["houdini >18.0.0,<19.0.0"], versions: ["houdini": "18.5.666"],
      environment: [
        "PATH": "/path/to/hfs/bin:/some/other/path/dunno:/usr/bin:/whatever/you/want/to/append",
        "PYTHONPATH": "/dunno/smth:/py",
      ]),
    // test_two: assmouth (priority 50) is applied before houdini (60).
    RealWorldCase(
      file: "tests-standard_environment_resolver-config.toml",
      requirements: ["houdini >18.0.0,<19.0.0", "assmouth ~=2.3.2"], pre: true,
      versions: ["houdini": "18.5.666", "assmouth": "2.3.4-beta"],
      environment: [
        "PATH":
          "/path/to/hfs/bin:/some/other/path/dunno:bananus:/usr/bin:who/are/you:"
          + "/whatever/you/want/to/append",
        "PYTHONPATH": "/dunno/smth:/py", "WooF": "yEs",
      ]),
    // Difference kept: Lifeblood always takes prereleases; flow only with --pre, and says so.
    RealWorldCase(
      file: "tests-standard_environment_resolver-config.toml",
      requirements: ["houdini >18.0.0,<19.0.0", "assmouth ~=2.3.2"], status: 65,
      stderr: "flow-resolve: assmouth ~=2.3.2 is requested and only 2.3.4-beta matches: use --pre\n"
    ),
    RealWorldCase(
      file: "tests-standard_environment_resolver-config.toml",
      requirements: ["assmouth ~=3.0"], pre: true, status: 65,
      stderr:
        "flow-resolve: assmouth ~=3.0 is requested and no assmouth ~=3.0 is in the catalogue "
        + "(assmouth has 2.3.4-beta)\n"),
    // The Houdini submitter asks for `~=` + the running Houdini's version.
    RealWorldCase(
      file: "doc-usage-houdini.toml", requirements: ["houdini.py3_10 ~=20.0.506"],
      versions: ["houdini.py3_10": "20.0.506"],
      environment: ["PATH": "/opt/hfs20.0.506/bin:/usr/bin"]),
    RealWorldCase(
      file: "doc-usage-houdini.toml", requirements: ["houdini.py3_10 ==20.0.*"],
      versions: ["houdini.py3_10": "20.0.506"],
      environment: ["PATH": "/opt/hfs20.0.506/bin:/usr/bin"]),
    RealWorldCase(
      file: "doc-usage-houdini.toml", requirements: ["houdini.py3_10 ~=20.0.550"], status: 65,
      stderr:
        "flow-resolve: houdini.py3_10 ~=20.0.550 is requested and no houdini.py3_10 ~=20.0.550 "
        + "is in the catalogue (houdini.py3_10 has 20.0.506)\n"),
    // The Blender add-on asks for `==4.1.*`; Lifeblood: "no configurations for package blender".
    RealWorldCase(
      file: "doc-usage-houdini.toml", requirements: ["blender ==4.1.*"], status: 65,
      stderr:
        "flow-resolve: blender ==4.1.* is requested and no package blender is in the catalogue\n"
    ),
    RealWorldCase(
      file: "doc-usage-houdini.toml",
      requirements: ["houdini.py3_10 ~=20.0.506", "blender ==4.1.*"],
      status: 65,
      stderr:
        "flow-resolve: blender ==4.1.* is requested and no package blender is in the catalogue\n"
    ),
    // Published without commas in a list: Lifeblood skips the file (and, as it is the only
    // one, refuses to resolve); flow stops at the place.
    RealWorldCase(
      file: "doc-environment_resolver-package_name.toml", requirements: ["package_name"],
      status: 78,
      stderr:
        "flow-resolve: ROOT/standard_environment_resolver/config.toml:7:3: invalid TOML: "
        + "expected ',' or ']' in an array, found '\"'\n"),
  ]

  /// A fresh Lifeblood configuration root holding `text` as its resolver's `config.toml`.
  static func configurationRoot(_ text: Data, in folder: URL, named name: String) throws -> URL {
    let root = folder.appendingPathComponent(name)
    let resolver = root.appendingPathComponent("standard_environment_resolver")
    try FileManager.default.createDirectory(at: resolver, withIntermediateDirectories: true)
    try text.write(to: resolver.appendingPathComponent("config.toml"))
    return root
  }

  /// flow-resolve on `root`, found through `--catalog` or through `LIFEBLOOD_CONFIG_LOCATION`
  /// (as Lifeblood's tests point it at theirs), in an environment with no other catalogue.
  static func resolve(
    root: URL, folder: URL, throughVariable: Bool, _ arguments: [String]
  ) throws -> ToolRun {
    var environment = ["HOME": folder.path, "PATH": "/usr/bin:/bin"]
    var options = ["--index", folder.appendingPathComponent("index").path]
    if throughVariable {
      environment["LIFEBLOOD_CONFIG_LOCATION"] = root.path
    } else {
      options += ["--catalog", root.path]
    }
    return try ToolRun.run("flow-resolve", options + arguments, environment: environment)
  }

  /// The versions of `flow-resolve`'s JSON output, per package.
  static func versions(_ json: String) throws -> [String: String] {
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    var versions: [String: String] = [:]
    for package in document["packages"] as? [[String: Any]] ?? [] {
      versions[package["name"] as? String ?? ""] = package["version"] as? String
    }
    return versions
  }

  /// The variables of `--format env` output.
  static func environment(_ lines: String) -> [String: String] {
    var environment: [String: String] = [:]
    for line in lines.split(separator: "\n") {
      let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      environment[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
    }
    return environment
  }

  @Test(.enabled(if: SharedData.isPresent))
  func everyRealWorldLifebloodFileHasCases() throws {
    let folder = try #require(SharedData.path("realworld/lifeblood"))
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
      $0.hasSuffix(".toml")
    }
    #expect(Set(files) == Set(Self.realWorldCases.map(\.file)))
  }

  @Test(.enabled(if: SharedData.isPresent), arguments: realWorldCases, [false, true])
  func realWorldCataloguesResolveAsLifebloodResolvesThem(
    _ item: RealWorldCase, throughVariable: Bool
  ) throws {
    let text = try #require(try SharedData.contents("realworld/lifeblood/\(item.file)"))
    let folder = try ToolRun.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let root = try Self.configurationRoot(text, in: folder, named: "lifeblood")
    let pre = item.pre ? ["--pre"] : []
    let json = try Self.resolve(
      root: root, folder: folder, throughVariable: throughVariable, pre + item.requirements)
    #expect(json.status == item.status, "\(item)\n\(json.stderr)")
    guard item.status == 0 else {
      #expect(json.stderr == item.stderr.replacingOccurrences(of: "ROOT", with: root.path))
      return
    }
    #expect(json.stderr == "")
    #expect(try Self.versions(json.stdout) == item.versions, "\(item)")
    let baseFile = folder.appendingPathComponent("base")
    try Data(item.base.map { "\($0.key)=\($0.value)\n" }.joined().utf8).write(to: baseFile)
    let env = try Self.resolve(
      root: root, folder: folder, throughVariable: throughVariable,
      pre + ["--format", "env", "--base-env", baseFile.path] + item.requirements)
    #expect(env.status == 0, "\(item)\n\(env.stderr)")
    let environment = Self.environment(env.stdout)
    for (name, value) in item.environment {
      #expect(environment[name] == value, "\(item): \(name)")
    }
  }

  /// sv.json's `lifeblood` table: Lifeblood's resolver tests, each with the versions
  /// Lifeblood chooses (`expect_pre`, which `--pre` must give) and the versions flow's default
  /// prerelease opt-in leaves (`expect_default`; null: none, so the resolve fails and says
  /// to use `--pre`).
  @Test(.enabled(if: SharedData.isPresent))
  func lifebloodsResolverTestsPassThroughFlowResolve() throws {
    let data = try #require(try SharedData.contents("conformance/semver/sv.json"))
    let tables = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let cases = try #require(tables["lifeblood"] as? [[String: Any]])
    let catalogue = try #require(tables["lifeblood_catalogue"] as? String)
    let folder = try ToolRun.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let root = try Self.configurationRoot(Data(catalogue.utf8), in: folder, named: "lifeblood")
    var agreed = 0
    for item in cases {
      let source = item["src"] as? String ?? "?"
      let requested = try #require(item["requirements"] as? [String: String])
      // A Lifeblood request is a mapping: no order to keep, and none these packages need.
      let names = requested.keys.sorted()
      let requirements = names.map { "\($0) \(requested[$0]!)" }
      var matches = true
      for (pre, key) in [(true, "expect_pre"), (false, "expect_default")] {
        let expected = try #require(item[key] as? [String: Any])
        let run = try Self.resolve(
          root: root, folder: folder, throughVariable: true,
          (pre ? ["--pre"] : []) + requirements)
        let unmet = expected.filter { $0.value is NSNull }.keys.sorted()
        if unmet.isEmpty {
          let chosen = run.status == 0 ? try Self.versions(run.stdout) : [:]
          let wanted = expected.compactMapValues { $0 as? String }
          #expect(run.status == 0 && chosen == wanted, "\(source) \(key): \(run.stderr)")
          matches = matches && run.status == 0 && chosen == wanted
        } else {
          let said = unmet.allSatisfy { name in
            run.stderr.contains("\(name) \(requested[name]!) is requested and only ")
          }
          #expect(run.status == 65 && said, "\(source) \(key): \(run.status) \(run.stderr)")
          matches = matches && run.status == 65 && said
        }
      }
      if matches { agreed += 1 }
    }
    #expect(cases.count == 2 && agreed == cases.count, "\(agreed)/\(cases.count) agree")
  }
}
