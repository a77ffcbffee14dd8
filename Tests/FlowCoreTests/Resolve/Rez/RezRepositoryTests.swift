import FlowTestSupport
import Testing

@testable import FlowCore

/// Rez repositories as a package source: folders, package files, variants, rez's order.
@Suite struct RezRepositoryTests {
  /// Writes `package.py` files: `path` (NAME/VERSION) to its body.
  static func repository(_ packages: [String: String]) throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    for (path, body) in packages {
      let file = path.hasSuffix(".yaml") ? path : path + "/package.py"
      try folder.write(file, body)
    }
    return folder
  }

  static func solve(_ folder: TemporaryFolder, _ requests: [String]) throws -> [String] {
    let repository = try RezRepository(roots: [folder.path])
    try repository.followRez(try requests.map(RezRequirement.init(parsing:)))
    let solution = try Solver.solution(
      requests.map(repository.requirement(parsing:)), source: repository,
      includePrereleases: true)
    return solution.packages.map { package in
      "\(package.name)-\(package.key)" + (package.variant.map { "[\($0)]" } ?? "")
    }
  }

  static let pipeline: [String: String] = [
    "python/2.7.18": "name = 'python'\nversion = '2.7.18'\n",
    "python/3.7.4": "name = 'python'\nversion = '3.7.4'\n",
    "python/3.9.1": "name = 'python'\nversion = '3.9.1'\n",
    "maya/2020.1": "name = 'maya'\nrequires = ['python-3.7']\n",
    "tool/1.0": """
    name = 'tool'
    variants = [['python-2.7'], ['python-3']]
    def commands():
        env.PATH.prepend('{root}/bin')
        alias('tool', '{root}/bin/tool')
        source('{root}/setup.sh')
    """,
    "lib/1.0/package.yaml": "name: lib\nversion: '1.0'\nrequires: [python-3+<3.8]\n",
  ]

  @Test func versionsAndRangesFollowRez() throws {
    let folder = try Self.repository(Self.pipeline)
    #expect(try Self.solve(folder, ["maya"]) == ["maya-2020.1", "python-3.7.4"])
    #expect(try Self.solve(folder, ["python-3"]) == ["python-3.9.1"])
    #expect(try Self.solve(folder, ["python<3"]) == ["python-2.7.18"])
    #expect(try Self.solve(folder, ["python==3.7.4"]) == ["python-3.7.4"])
    #expect(try Self.solve(folder, ["lib"]) == ["lib-1.0", "python-3.7.4"])
  }

  @Test func weakAndConflictRequestsConstrainWithoutPullingIn() throws {
    let folder = try Self.repository(Self.pipeline)
    #expect(try Self.solve(folder, ["~python-2"]) == [])
    #expect(try Self.solve(folder, ["!python-3.9", "python"]) == ["python-3.7.4"])
    #expect(throws: ResolveError.self) { try Self.solve(folder, ["~python-2", "maya"]) }
  }

  @Test func variantsAreChosenByRezPreference() throws {
    let folder = try Self.repository(Self.pipeline)
    // Neither variant shares a package with the request: the higher range wins.
    #expect(try Self.solve(folder, ["tool"]) == ["tool-1.0[1]", "python-3.9.1"])
    // The request rules the preferred variant out: the other one is taken.
    #expect(try Self.solve(folder, ["tool", "python-2"]) == ["tool-1.0[0]", "python-2.7.18"])
    #expect(try Self.solve(folder, ["python-2", "tool"]) == ["python-2.7.18", "tool-1.0[0]"])
  }

  @Test func dependenciesAreDecidedInTheOrderMet() throws {
    // Fewest versions first would decide c first (c-2) and then b-2; rez decides b first.
    let folder = try Self.repository([
      "a/1": "requires = ['b', 'c']\n", "b/1": "", "b/2": "",
      "b/3": "requires = ['c-1']\n", "c/1": "", "c/2": "",
    ])
    #expect(try Self.solve(folder, ["a"]) == ["a-1", "b-3", "c-1"])
  }

  @Test func commonDependenciesAreExtractedAndSplitInNameOrderAsRezDoes() throws {
    // a requires z then b: rez extracts both (b before z, by name) and splits b first,
    // taking b-2, which rules out z-2; deciding in the order written would take z-2, b-1.
    let folder = try Self.repository([
      "a/1": "requires = ['z', 'b']\n", "b/1": "", "b/2": "",
      "z/1": "", "z/2": "requires = ['b-1']\n",
    ])
    #expect(try Self.solve(folder, ["a"]).sorted() == ["a-1", "b-2", "z-1"])
  }

  @Test func packagesThatRequireEachOtherFailAsInRez() throws {
    let folder = try Self.repository(["c/1": "requires = ['d']\n", "d/1": "requires = ['c']\n"])
    #expect(throws: ResolveError.self) { try Self.solve(folder, ["c"]) }
  }

  @Test func theMachinesFactsArePackagesRankedAmongTheRepositorysVersions() throws {
    let folder = try Self.repository([
      "r/2.0": "variants = [['gpu-1', 'cuda_driver-12.1+'], ['gpu-0']]\n",
      "gpu/7": "",
    ])
    func solve(_ facts: [ImplicitPackages.Fact]) throws -> [String] {
      let repository = try RezRepository(roots: [folder.path], facts: facts)
      let requests = ["r"] + facts.map { "~\($0.name)==\($0.version)" }
      try repository.followRez(try requests.map(RezRequirement.init(parsing:)))
      let solution = try Solver.solution(
        requests.map(repository.requirement(parsing:)), source: repository,
        includePrereleases: true)
      return solution.packages.map {
        "\($0.name)-\($0.key)" + ($0.variant.map { "[\($0)]" } ?? "")
      }.sorted()
    }
    let gpu = [
      ImplicitPackages.Fact(name: "gpu", version: "1", source: "test"),
      ImplicitPackages.Fact(name: "cuda_driver", version: "12.4", source: "test"),
    ]
    #expect(try solve(gpu) == ["cuda_driver-12.4", "gpu-1", "r-2.0[0]"])
    let cpu = [ImplicitPackages.Fact(name: "gpu", version: "0", source: "test")]
    #expect(try solve(cpu) == ["gpu-0", "r-2.0[1]"])
  }

  @Test func rangesAsSetsOfVersionsFollowRez() throws {
    func range(_ text: String) throws -> RezRange { try RezRange(parsing: text) }
    func version(_ text: String) throws -> RezVersion { try RezVersion(parsing: text) }
    let difference = try range("1+<2").subtracting(range("1.5"))
    #expect(difference.contains(try version("1.4")))
    #expect(!difference.contains(try version("1.5.2")))
    #expect(difference.contains(try version("1.6")))
    #expect(RezRange.any.complement.isEmpty)
    #expect(try range("1").isSuperset(of: range("1.5")))
    #expect(try !range("1.5").isSuperset(of: range("1")))
    #expect(try range("1+<3").union(range("2+<4")).holdsSameVersions(as: range("1+<4")))
    #expect(try !range("1").intersects(range("2+")))
  }

  @Test func commandsBecomeActionsAndTheRestAWarning() throws {
    let folder = try Self.repository(Self.pipeline)
    let repository = try RezRepository(roots: [folder.path])
    let entry = try #require(repository.entry(of: "tool", at: 0))
    // The first variant's own folder, as rez places it; last, the variables the commands
    // named through `env` (rez's `env.keys()`).
    let root = folder.path + "/tool/1.0/python-2.7"
    #expect(
      entry.variables == [
        VariableChange(name: "PATH", prepend: [root + "/bin"]),
        VariableChange(name: "tool", set: [root + "/bin/tool"], kind: .alias),
        VariableChange(name: "", set: ["PATH"], kind: .key),
      ])
    let warning = try #require(repository.problems.first)
    #expect(
      warning.description.hasSuffix(
        "tool/1.0/package.py:6:1: rez package tool-1.0: command not read, left out: "
          + "source('{root}/setup.sh')"))
  }

  /// `pre_commands` and `post_commands`, as functions or strings, in `package.py` and
  /// `package.yaml`: their changes are read with their phase, which orders them among every
  /// package's (`EnvironmentActions.rez`).
  @Test func commandsRunBeforeOrAfterTheOthersKeepTheirPhase() throws {
    let folder = try Self.repository([
      "a/1": """
      def pre_commands():
          env.X = 'pre'
      def commands():
          env.Y = 'main'
      post_commands = "env.Z = 'post'"
      """,
      "b/2/package.yaml": "name: b\nversion: '2'\npost_commands: |\n  env.W = 'x'\n",
    ])
    let repository = try RezRepository(roots: [folder.path])
    let a = try #require(repository.entry(of: "a", at: 0))
    #expect(
      a.variables.filter { $0.kind == .variable } == [
        VariableChange(name: "X", set: ["pre"], phase: .pre),
        VariableChange(name: "Y", set: ["main"]),
        VariableChange(name: "Z", set: ["post"], phase: .post),
      ])
    // Each phase's names through `env` (rez's `env.keys()`) keep its phase.
    #expect(
      a.variables.filter { $0.kind == .key }.map(\.phase) == [.pre, .commands, .post])
    let b = try #require(repository.entry(of: "b", at: 0))
    #expect(
      b.variables == [
        VariableChange(name: "W", set: ["x"], phase: .post),
        VariableChange(name: "", set: ["W"], phase: .post, kind: .key),
      ])
    let actions = EnvironmentActions.rez(packages: [b, a], ephemerals: []).actions
    #expect(
      actions.filter { !$0.variable.hasPrefix("REZ_") }.map(\.variable) == ["X", "Y", "W", "Z"])
  }

  @Test func aFieldThatIsNotALiteralSkipsTheVersionNamingItsPlace() throws {
    let folder = try Self.repository([
      "bad/1.0": "name = 'bad'\nrequires = resolve()\n", "bad/0.9": "",
    ])
    #expect(try Self.solve(folder, ["bad"]) == ["bad-0.9"])
    let repository = try RezRepository(roots: [folder.path])
    _ = repository.candidateTable(of: "bad")
    let problem = try #require(repository.problems.first)
    #expect(problem.description.contains("bad/1.0/package.py:2:12: 'requires' is not a literal"))
    #expect(problem.description.hasSuffix("bad-1.0 skipped"))
  }

  /// rez validates `requires` and `variants` as lists: one written as a tuple skips its
  /// version, as rez refuses it.
  @Test func aTupleWhereRezWantsAListSkipsTheVersion() throws {
    let folder = try Self.repository([
      "a/1.0": "requires = ('b',)\n", "a/0.9": "variants = [('b',)]\n",
      "a/0.8": "variants = (['b'],)\n", "a/0.7": "requires = ['b']\nvariants = [['b-1']]\n",
      "b/1.0": "",
    ])
    #expect(try Self.solve(folder, ["a"]) == ["a-0.7[0]", "b-1.0"])
    let repository = try RezRepository(roots: [folder.path])
    _ = repository.candidateTable(of: "a")
    let problems = repository.problems.map(\.description)
    #expect(problems.count == 3)
    #expect(
      problems.contains {
        $0.contains(
          "a/1.0/package.py:1:12: 'requires' must be a list of requirement strings "
            + "(a tuple is not one to rez); a-1.0 skipped")
      })
    #expect(problems.contains { $0.contains("a/0.8/package.py:1:12: 'variants' must be a list") })
  }

  /// A `package.py` whose requirements nest deeper than Python allows skips its version with
  /// a warning at its place; the repository is read and the other version resolves.
  @Test func aFieldNestedTooDeepSkipsTheVersionNotTheResolve() throws {
    let deep = String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
    let folder = try Self.repository(["deep/2.0": "requires = \(deep)\n", "deep/1.0": ""])
    #expect(try Self.solve(folder, ["deep"]) == ["deep-1.0"])
    let repository = try RezRepository(roots: [folder.path])
    _ = repository.candidateTable(of: "deep")
    let problem = try #require(repository.problems.first)
    #expect(problem.description.contains("deep/2.0/package.py:1:212: 'requires' is not a literal"))
    #expect(problem.description.contains("more than 200 nested brackets"))
    #expect(problem.description.hasSuffix("deep-2.0 skipped"))
  }

  @Test func theFirstRepositoryHoldingAVersionWins() throws {
    let first = try Self.repository(["p/1.0": "requires = ['q']\n", "q/1": ""])
    let second = try Self.repository(["p/1.0": "", "p/2.0": "requires = ['!q']\n"])
    let repository = try RezRepository(roots: [first.path, second.path])
    let table = repository.candidateTable(of: "p")
    #expect(table.keys == ["1.0", "2.0"])
    #expect(repository.entry(of: "p", at: 0)?.requires.map(\.name) == ["q"])
    #expect(RezRepository.isRepository(first.path))
    #expect(!RezRepository.isRepository(first.path + "/p/1.0/package.py"))
  }

  @Test func timestampsBecomeReleaseTimes() throws {
    #expect(RezRepository.releaseText(0) == "1970-01-01T00:00:00Z")
    #expect(RezRepository.releaseText(1_600_129_484) == "2020-09-15T00:24:44Z")
    let folder = try Self.repository(["p/1": "timestamp = 1600129484\n"])
    let repository = try RezRepository(roots: [folder.path])
    #expect(repository.entry(of: "p", at: 0)?.releaseTime != nil)
  }
}

extension RezRepositoryTests {
  /// Pipe mode gives the facts to each stage's resolution: they rank as rez ranks them, so a
  /// name (`linux`) is a version and a number is among the repository's ranks.
  @Test func factsGivenToAResolutionRankAsRezRanksThem() throws {
    let folder = try Self.repository([
      "tool/1.0": "variants = [['platform-windows'], ['platform-linux', 'gpu-1']]\n",
      "platform/osx": "",
      "gpu/0": "",
      "gpu/7": "",
    ])
    let repository = try RezRepository(roots: [folder.path])
    func solve(_ facts: [(String, String)], source: any PackageSource) throws -> [String] {
      let implicits = ImplicitPackages(
        facts: facts.map { ImplicitPackages.Fact(name: $0.0, version: $0.1, source: "test") })
      let resolution = try Resolution.resolving(
        [try repository.requirement(parsing: "tool")], source: source, implicits: implicits,
        includePrereleases: true)
      #expect(resolution.implicitCount == facts.count)
      return resolution.packages.map {
        "\($0.name)-\($0.key)" + ($0.variant.map { "[\($0)]" } ?? "")
      }.sorted()
    }
    let linux = [("platform", "linux"), ("gpu", "1")]
    #expect(try solve(linux, source: repository) == ["gpu-1", "platform-linux", "tool-1.0[1]"])
    let windows = [("platform", "windows"), ("gpu", "1")]
    #expect(try solve(windows, source: repository) == ["platform-windows", "tool-1.0[0]"])
    // Through a filter too, as `--exclude` and `--time` wrap the repository.
    let filtered = FilteredSource(
      repository,
      filter: try PackageFilter(exclusions: [try repository.requirement(parsing: "gpu-7")]))
    #expect(try solve(linux, source: filtered) == ["gpu-1", "platform-linux", "tool-1.0[1]"])
  }
}
