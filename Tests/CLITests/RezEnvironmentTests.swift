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
/// with `versions` and `version_overrides`; fields written as `@early()` and `@late()`
/// functions (one reading the environment as rez-cook's packages do, one of the request),
/// a plain one rez leaves out, functions the commands define and call, tests of the
/// environment (`defined()`, `undefined()`, `os.environ`, a variable compared with a text,
/// and as the test of `A if TEST else B`, as a test of the resolve is too, a read on a side
/// stopping only where that side is read) against variables it holds or not, values taken
/// from it with a default (`os.getenv('NAME', DEFAULT)`, `os.environ.get('NAME') or
/// DEFAULT`), tests of this machine's files (`os.path.exists()`, `isdir()`, `isfile()`), aliases,
/// variables the commands set read back as their values, a version a name holds and its
/// tokens (`v = resolve.python.version`, `v.major`), and `stop()`: where rez's context
/// stops, flow's actions stop with the same message.
@Suite struct RezEnvironmentTests {
  struct Case: Decodable {
    var request: [String]
    var variables: [String: String]
    /// Variables of the environment rez applied the packages' commands to.
    var base: [String: String]
    /// Those of them rez's environment no longer holds.
    var removed: [String]
    /// The command of each alias a shell running rez's context defines.
    var aliases: [String: String]
    /// The message of the stop that kept rez's context from making an environment.
    var stopped: String?
  }

  @Test func actionsMakeTheEnvironmentRezsContextMakes() throws {
    let folder = try TemporaryFolder()
    let oracle = OracleProcess.differentialFolder.appendingPathComponent(
      "rez-environment-oracle.py")
    let run = try ToolRun.run("/usr/bin/env", ["python3", oracle.path, folder.path])
    try #require(run.status == 0, "the rez oracle failed: \(run.stderr)")
    let cases = try JSONDecoder().decode(
      [Case].self, from: Data(contentsOf: URL(fileURLWithPath: folder.path + "/cases.json")))
    #expect(cases.count >= 89)
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
          variable: action["variable"]!, value: action["value"]!, package: action["package"]!,
          when: action["when"].flatMap(EnvironmentTest.init(parsing:)))
      }
      var base = EnvironmentMap()
      for (name, value) in item.base { base[name] = value }
      let applying = EnvironmentActions(actions: actions)
      #expect(applying.stop(appliedTo: base)?.value == item.stopped, "\(item.request)")
      if item.stopped != nil { continue }
      let environment = applying.applied(to: base)
      var made: [String: String] = [:]
      // The aliases' variables are compared as rez's aliases, below.
      for (name, value) in environment
      where item.base[name] != value && !ShellFunction.isVariable(name) {
        made[name] = value
      }
      let aliases = applying.functions(appliedTo: base)
      #expect(
        Dictionary(uniqueKeysWithValues: aliases.map { ($0.name, $0.command) }) == item.aliases,
        "\(item.request)")
      for alias in aliases {
        #expect(
          environment[ShellFunction.variable(named: alias.name)]
            == ShellFunction.exported(alias.command))
      }
      let removed = item.base.keys.filter { environment[$0] == nil }.sorted()
      #expect(removed == item.removed, "\(item.request)")
      #expect(made == item.variables, "\(item.request)")
    }
  }
}

extension RezEnvironmentTests {
  /// A row of `rez-package-files-oracle.py`: a package file read by rez 3.4.0 and by
  /// `flow-resolve`, each alone with stubs for its requirements.
  struct PackageFileRow: Decodable {
    var file: String
    var rez: String
    var rez_error: String?
    var rez_answer: [[Answer]]?
    var flow: String?
    var flow_answer: [[Answer]]?
    var differs: [String: [String: String?]]?

    /// A name, a version or a variant's index.
    enum Answer: Decodable, Equatable {
      case text(String)
      case number(Int)
      case none

      init(from decoder: Decoder) throws {
        let value = try decoder.singleValueContainer()
        if value.decodeNil() {
          self = .none
        } else if let number = try? value.decode(Int.self) {
          self = .number(number)
        } else {
          self = .text(try value.decode(String.self))
        }
      }
    }
  }

  /// Every package file of rez's own tests that rez solves alone and applies gets, from
  /// flow, rez's answer and rez's environment; one rez reads but cannot apply (its
  /// commands raise) still gets rez's answer.
  @Test func rezsOwnPackageFilesGiveRezsAnswersAndEnvironments() throws {
    let folder = try TemporaryFolder()
    let oracle = OracleProcess.differentialFolder.appendingPathComponent(
      "rez-package-files-oracle.py")
    let rows = folder.path + "/rows.json"
    let run = try ToolRun.run(
      "/usr/bin/env",
      [
        "python3", oracle.path, ToolRun.binaries.appendingPathComponent("flow-resolve").path,
        "--rez-tests", "--out", rows,
      ])
    try #require(run.status == 0, "the rez oracle failed: \(run.stderr)")
    let read = try JSONDecoder().decode(
      [PackageFileRow].self, from: Data(contentsOf: URL(fileURLWithPath: rows)))
    let solved = read.filter { $0.rez == "solved" }
    #expect(solved.count >= 80)
    for row in solved {
      if row.rez_error == nil {
        #expect(row.flow == "solved", "\(row.file)")
        #expect(row.differs == [:], "\(row.file)")
      }
      if row.flow == "solved" { #expect(row.flow_answer == row.rez_answer, "\(row.file)") }
    }
  }
}
