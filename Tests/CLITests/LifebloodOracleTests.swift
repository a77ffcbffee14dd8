import Foundation
import Testing

@testable import FlowCore

/// Lifeblood's own StandardEnvironmentResolver (PyPI `lifeblood`, installed by
/// `scripts/deps.sh test`) as the reference for `flow-resolve --pre --format env`: on generated
/// catalogues, laid out as a Lifeblood configuration root, and requests both must choose the
/// same versions and return the same environment. A missing Lifeblood fails the test.
///
/// Generated cases stay within what both tools read alike: strict `X.Y.Z[-pre]` version keys
/// (Lifeblood rejects every other shape), specs in `SimpleSpec` syntax, no `requires` or
/// `conflicts` (Lifeblood has neither), each package requested once (a Lifeblood request maps each
/// package to one spec), and values without newlines (the
/// `NAME=VALUE` lines of `--format env` cannot carry them). Prereleases are compared with
/// `--pre`, as flow-resolve leaves them out by default and Lifeblood never does.
@Suite struct LifebloodOracleTests {
  static let caseCount = 300
  /// `FLOW_ORACLE_SEED` (a decimal number) explores other cases; a failure names its seed.
  static let seed =
    ProcessInfo.processInfo.environment["FLOW_ORACLE_SEED"].flatMap { UInt64($0) }
    ?? 0x11FE_B100D

  /// One generated request: its catalogue entries, requirements and base environment.
  struct Case {
    var number: Int
    /// Catalogue text per file of the folder: `config.toml` and `config.d/*.toml`.
    var files: [String: String]
    var requirements: [(name: String, spec: String)]
    var base: [String: String]
    /// Per package name, the variable every version sets to its own key.
    var markers: [String: String]

    var report: String {
      let requested = requirements.map { "\($0.name) \($0.spec)" }.joined(separator: " | ")
      let baseLines = base.keys.sorted().map { "  \($0)=\(base[$0]!)" }.joined(separator: "\n")
      let catalogue = LifebloodOracleTests.fileNames.compactMap { name in
        files[name].map { "# \(name)\n\($0)" }
      }.joined()
      return "case \(number) (seed \(LifebloodOracleTests.seed))\nrequirements: \(requested)\n"
        + "base environment:\n\(baseLines)\ncatalogue:\n\(catalogue)"
    }
  }

  /// Choices from FlowCore's seeded generator, so a failing case repeats exactly.
  struct Random {
    var source: SplitMix

    mutating func below(_ bound: Int) -> Int { Int(source.next() % UInt64(bound)) }
    mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func shuffled<T>(_ items: [T]) -> [T] {
      var items = items
      for index in stride(from: items.count - 1, to: 0, by: -1) {
        items.swapAt(index, below(index + 1))
      }
      return items
    }
  }

  static let packageNames = ["houdini.py3_10", "python", "redshift", "ocio-config", "usd_core"]
  static let variables = ["PATH", "PYTHONPATH", "HFS", "LIB", "EMPTY", "FRESH", "HOME"]
  static let prereleases = ["alpha", "alpha.1", "beta.2", "rc.1", "rc.10", "0", "1"]
  /// Pieces of values: plain text, references of every form, and text that only looks like one.
  static let valuePieces = [
    "/opt/a", "/opt/b/bin", "lib", "x y", "$PATH", "${PATH}", "$HFS/bin", "${HFS}bin", "$HOME",
    "$LIB", "${FRESH}", "$EMPTY", "$UNDEFINED", "${UNDEFINED}/u", "$", "${", "${unclosed",
    "$$HFS", "${}", "$1x", "${1x}", "$_u", "$é", "$x²y", "$Ａb", "${HFS}$LIB", "a:b", "",
  ]

  /// The files of the catalogue folder; later ones deep-merge over earlier ones.
  static let fileNames = ["config.toml", "config.d/10.toml", "config.d/20.toml"]

  static func generate(_ number: Int, _ random: inout Random) -> Case {
    let names = random.shuffled(packageNames).prefix(1 + random.below(4)).map {
      "c\(number)-\($0)"
    }
    var files: [String: String] = [:]
    var versionsByName: [String: [String]] = [:]
    var markers: [String: String] = [:]
    for (index, name) in names.enumerated() {
      let marker = "CHOSEN_\(number)_\(index)"
      markers[name] = marker
      var keys: Set<String> = []
      for _ in 0..<(2 + random.below(5)) {
        var key = "\(random.below(3)).\(random.below(3)).\(random.below(3))"
        if random.chance(30) { key += "-" + random.pick(prereleases) }
        keys.insert(key)
      }
      versionsByName[name] = keys.sorted()
      let references = markers.values.sorted().map { "$" + $0 }
      for key in keys.sorted() {
        // Mostly in config.toml; sometimes only in a later file, sometimes changed by one.
        let places = random.chance(90) ? fileNames : Array(fileNames.dropFirst())
        let home = places[0]
        let table = "[packages.\"\(name)\".\"\(key)\"]\n"
        var text = table
        if random.chance(30) { text += "label = \"\(name) \(key)\"\n" }
        if random.chance(60) { text += "priority = \(random.pick(priorities))\n" }
        text += "env.\(marker) = \"\(key)\"\n"
        var subtables = ""
        for variable in random.shuffled(variables).prefix(random.below(4)) {
          let (line, subtable) = entry(variable, references: references, &random)
          text += line
          subtables +=
            subtable.map { "[packages.\"\(name)\".\"\(key)\".env.\"\(variable)\"]\n\($0)" } ?? ""
        }
        files[home, default: ""] += text + subtables
        if random.chance(15) {
          let later = random.pick(Array(places.dropFirst()))
          var change = table
          if random.chance(40) { change += "priority = \(random.pick(priorities))\n" }
          for variable in random.shuffled(variables).prefix(1 + random.below(2)) {
            change += entry(variable, references: references, dotted: true, &random).line
          }
          files[later, default: ""] += change
        }
      }
    }
    var base: [String: String] = [:]
    for (variable, value) in [
      ("PATH", "/usr/bin:/bin"), ("HOME", "/home/artist"), ("EMPTY", ""), ("LIB", "$HOME/lib"),
      ("HFS", "/opt/hfs"), ("1x", "one"), ("é", "accent"), ("x²y", "square"), ("Ａb", "wide"),
    ] where random.chance(60) {
      base[variable] = value
    }
    let requirements = random.shuffled(names).prefix(1 + random.below(min(3, names.count))).map {
      (name: $0, spec: spec(for: versionsByName[$0]!, &random))
    }
    return Case(
      number: number, files: files, requirements: requirements, base: base, markers: markers)
  }

  static let priorities = [0, 40, 50, 50, 60, 60, 70]

  /// One variable's entry: `env.NAME = …` (a set), dotted `env.NAME.prepend = …` lines, an
  /// inline table, or the body of an `[….env.NAME]` table to write after the version's keys.
  static func entry(
    _ variable: String, references: [String], dotted: Bool = false, _ random: inout Random
  ) -> (line: String, subtable: String?) {
    func value() -> String {
      (0..<(1 + random.below(3))).map { _ in
        random.chance(15) ? random.pick(references) : random.pick(valuePieces)
      }.joined()
    }
    func form() -> String {
      if random.chance(50) { return "\"\(value())\"" }
      let parts = (0..<random.below(4)).map { _ in "\"\(value())\"" }
      return "[" + parts.joined(separator: ", ") + "]"
    }
    let key = "env.\"\(variable)\""
    if random.chance(25) { return ("\(key) = \(form())\n", nil) }
    var actions = random.shuffled(["prepend", "append", "set"]).filter { _ in random.chance(55) }
    if actions.isEmpty { actions = ["prepend"] }
    switch dotted ? 0 : random.below(4) {
    case 1:
      let members = actions.map { "\($0) = \(form())" }.joined(separator: ", ")
      return ("\(key) = { \(members) }\n", nil)
    case 2: return ("", actions.map { "\($0) = \(form())\n" }.joined())
    default: return (actions.map { "\(key).\($0) = \(form())\n" }.joined(), nil)
    }
  }

  /// A `SimpleSpec` of one or two comma-joined terms made from one of the package's versions,
  /// mostly with operators that keep that version.
  static func spec(for versions: [String], _ random: inout Random) -> String {
    let operators = ["", "", "==", "!=", "<", "<=", ">", ">=", ">=", "^", "^", "~", "~", "~="]
    let version = random.pick(versions)
    func term() -> String {
      let release = version.split(separator: "-", maxSplits: 1)[0].split(separator: ".")
      var text: String
      switch random.below(10) {
      case 0: text = release[0] + ".*"
      case 1: text = release.prefix(2).joined(separator: ".") + ".*"
      case 2, 3: text = release.prefix(1 + random.below(2)).joined(separator: ".")
      case 4, 5: text = version
      default: text = release.joined(separator: ".")
      }
      let wildcard = text.hasSuffix("*")
      let op = wildcard ? random.pick(["", "==", "!="]) : random.pick(operators)
      return op + text
    }
    return (0..<(random.chance(25) ? 2 : 1)).map { _ in term() }.joined(separator: ",")
  }

  /// Lifeblood's answer to one case: the environment, or the exception it raised.
  enum Answer {
    case environment([String: String])
    case error(String)
  }

  /// Lifeblood's answers, one per case.
  static func oracle(_ cases: [Case], catalogue: URL) throws -> [Answer] {
    let script = ToolRun.root.appendingPathComponent(
      "Tests/differential/resolve/lifeblood-environment-oracle.py")
    let requests: [[String: Any]] = cases.map { item in
      ["requirements": item.requirements.map { [$0.name, $0.spec] }, "base": item.base]
    }
    let input = String(
      decoding: try JSONSerialization.data(withJSONObject: requests), as: UTF8.self)
    let run = try ToolRun.run(
      "/usr/bin/env", ["python3", script.path, catalogue.path], stdin: input)
    try #require(run.status == 0, "the Lifeblood oracle failed: \(run.stderr)")
    let answers = try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
    try #require(answers.count == cases.count)
    return try answers.map { answer in
      if let environment = answer["environment"] as? [String: String] {
        return .environment(environment)
      }
      return .error(try #require(answer["error"] as? String))
    }
  }

  /// flow-resolve's answer: the chosen versions and the environment, or its exit status.
  /// `root` is a Lifeblood configuration root, found through `--catalog` for even cases and
  /// through `LIFEBLOOD_CONFIG_LOCATION`, as Lifeblood finds it, for odd ones.
  static func flowResolve(_ item: Case, root: URL, folder: URL) throws -> Result<
    (versions: [String: String], environment: [String: String]), Failure
  > {
    let baseFile = folder.appendingPathComponent("base-\(item.number)")
    let baseText = item.base.map { "\($0.key)=\($0.value)\u{0}" }.joined()
    try Data(baseText.utf8).write(to: baseFile)
    var common = ["--index", folder.appendingPathComponent("index").path, "--pre"]
    var host = ProcessInfo.processInfo.environment
    host["FLOW_CATALOG"] = nil
    if item.number % 2 == 0 {
      common += ["--catalog", root.path]
    } else {
      host["LIFEBLOOD_CONFIG_LOCATION"] = root.path
    }
    let requested = item.requirements.map { "\($0.name) \($0.spec)" }
    let json = try ToolRun.run("flow-resolve", common + requested, environment: host)
    let env = try ToolRun.run(
      "flow-resolve", common + ["--format", "env", "--base-env", baseFile.path] + requested,
      environment: host)
    guard json.status == 0 else {
      #expect(env.status == json.status, "\(item.report)\n\(env.stderr)")
      return .failure(Failure(status: json.status, message: json.stderr))
    }
    #expect(env.status == 0, "\(item.report)\n\(env.stderr)")
    return .success((try versions(json.stdout), environment(env.stdout)))
  }

  struct Failure: Error {
    var status: Int32
    var message: String
  }

  /// The exit status flow-resolve gives where Lifeblood raised `error`: 65 for requirements
  /// nothing satisfies, 64 for a spec it cannot read.
  static func expectedStatus(_ error: String) -> Int32? {
    if error.hasPrefix("ResolutionImpossibleError:") { return 65 }
    if error.hasPrefix("ValueError:") { return 64 }
    return nil
  }

  @Test func flowResolveAppliesEnvironmentsAsLifebloodDoes() throws {
    var random = Random(source: SplitMix(seed: Self.seed))
    let cases = (0..<Self.caseCount).map { Self.generate($0, &random) }
    let folder = try ToolRun.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let root = folder.appendingPathComponent("lifeblood")
    let catalogue = root.appendingPathComponent("standard_environment_resolver")
    for file in Self.fileNames {
      let url = catalogue.appendingPathComponent(file)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try cases.compactMap { $0.files[file] }.joined(separator: "\n").write(
        to: url, atomically: true, encoding: .utf8)
    }
    let answers = try Self.oracle(cases, catalogue: catalogue)
    var resolved = 0
    var unsatisfiable = 0
    var mismatches = 0
    for (item, answer) in zip(cases, answers) {
      let result = try Self.flowResolve(item, root: root, folder: folder)
      let expected: [String: String]
      let mine: (versions: [String: String], environment: [String: String])
      switch (answer, result) {
      case (.environment(let environment), .success(let answer)):
        expected = environment
        mine = answer
      case (.error(let error), .failure(let failure))
      where Self.expectedStatus(error) == failure.status:
        if failure.status == 65 { unsatisfiable += 1 }
        continue
      case (.error(let error), _):
        mismatches += 1
        Issue.record("Lifeblood raised \(error); flow-resolve: \(result)\n\(item.report)")
        continue
      case (.environment, .failure(let failure)):
        mismatches += 1
        Issue.record(
          "only flow-resolve failed (\(failure.status)): \(failure.message)\n\(item.report)")
        continue
      }
      resolved += 1
      var chosen: [String: String] = [:]
      for (name, marker) in item.markers {
        if let version = expected[marker] { chosen[name] = version }
      }
      if mine.versions != chosen || mine.environment != expected {
        mismatches += 1
        let differing = Set(expected.keys).union(mine.environment.keys).sorted().filter {
          expected[$0] != mine.environment[$0]
        }.map {
          "  \($0): Lifeblood \(expected[$0].map { "'\($0)'" } ?? "unset"), "
            + "flow-resolve \(mine.environment[$0].map { "'\($0)'" } ?? "unset")"
        }
        Issue.record(
          """
          versions: Lifeblood \(chosen.sorted { $0.key < $1.key }), \
          flow-resolve \(mine.versions.sorted { $0.key < $1.key })
          \(differing.joined(separator: "\n"))
          \(item.report)
          """)
      }
    }
    // Both outcomes must be common, or the comparison says little.
    #expect(
      resolved * 10 >= Self.caseCount * 6 && unsatisfiable * 20 >= Self.caseCount,
      "\(resolved) of \(Self.caseCount) resolved, \(unsatisfiable) unsatisfiable")
    #expect(mismatches == 0, "\(mismatches) of \(Self.caseCount) cases differ")
  }
}
