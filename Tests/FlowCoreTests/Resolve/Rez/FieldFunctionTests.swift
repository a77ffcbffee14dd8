import FlowTestSupport
import Testing

@testable import FlowCore

/// Fields of a `package.py` written as functions: `@early()` and `@late()` ones worked out
/// for what rez's run of them returns, plain ones left out as rez leaves them.
@Suite struct FieldFunctionTests {
  static func module(_ text: String, compared: Set<String> = []) throws
    -> PythonModuleReader.Module
  {
    var reader = PythonModuleReader(bytes: Array(text.utf8))
    return try reader.read(fields: RezPackage.fields, compared: compared)
  }

  /// What the function of `field` in `text` returns, read as `RezPackage` reads it (with
  /// `host`: where it reads the environment and the machine; `requests`: the request of
  /// the resolve a late one runs for).
  static func value(
    _ text: String, _ field: String = "requires", host: RezHost? = nil,
    requests: [String: String]? = nil
  ) throws -> RezCommands.FieldValue {
    let module = try module(text)
    let function = try #require(module.fieldFunctions[field])
    return RezCommands.value(
      returnedBy: function.body, late: function.isLate, names: module.names, host: host,
      requests: requests)
  }

  static func returned(
    _ text: String, _ field: String = "requires", host: RezHost? = nil,
    requests: [String: String]? = nil
  ) throws -> PythonLiteral? {
    guard case .value(let value, _) = try value(text, field, host: host, requests: requests)
    else { return nil }
    return value
  }

  /// A host with `environment`, on the fixture machine `no-gpu` (aarch64, Debian 12).
  static func host(_ environment: EnvironmentMap) -> RezHost {
    RezHost(
      environment: environment, files: ProbeFileSystem(root: "\(ProbeFixture.folder)/no-gpu"))
  }

  /// The line that leaves the value unknown.
  static func unknownAt(
    _ text: String, _ field: String = "requires", host: RezHost? = nil,
    requests: [String: String]? = nil
  ) throws -> String? {
    guard case .unknown(let line, let text) = try value(text, field, host: host, requests: requests)
    else { return nil }
    return "\(line): \(text)"
  }

  @Test func decoratedFunctionsAreKeptForTheirValueAndTheLastBindingWins() throws {
    let module = try Self.module(
      """
      requires = ['a']
      @late()
      def requires():
          return ['b']
      @early()  # comment

      def variants():
          return [['c']]
      variants = [['d']]
      @other()
      def timestamp():
          return 1
      """)
    #expect(module.assignments["requires"] == nil)
    let requires = try #require(module.fieldFunctions["requires"])
    #expect(requires.isLate)
    #expect(requires.position == SourcePosition(line: 3, column: 5))
    #expect(requires.body.lines == ["    return ['b']"])
    #expect(requires.body.firstLine == 4)
    // A literal after the function is the binding kept, as in Python.
    #expect(module.fieldFunctions["variants"] == nil)
    #expect(module.assignments["variants"]?.value == .list([.list([.string("d")])]))
    // Another decorator is no binding rez runs: a plain function, which rez leaves out.
    #expect(module.plainFunctions["timestamp"] == SourcePosition(line: 11, column: 5))
    #expect(module.fieldFunctions["timestamp"] == nil)
  }

  @Test func earlyFunctionsAreWorkedOutAsRezRunsThem() throws {
    let text = """
      name = 'tool'
      _base = ['python-3']
      _extra = {'linux': 'glibc', 'windows': 'vs'}
      @early()
      def requires():
          '''Per platform.'''
          import platform
          from rez.system import system
          result = list(_base)
          if platform.system() == 'Linux':
              result.append(this._extra['linux'])
          else:
              result.append('vs')
          for item in ['a', 'b']:
              if item == 'b':
                  result += [this.name + '-' + item]
                  return result
          return []
      @early()
      def variants():
          pass
      """
    #expect(
      try Self.returned(text) == .list([.string("python-3"), .string("glibc"), .string("tool-b")]))
    // `this` is the file's names as written: a version's parts are rez's objects.
    #expect(
      try Self.unknownAt(
        "version = '1.2'\n@early()\ndef requires():\n    return [this.version.major]\n")
        == "4: return [this.version.major]")
    #expect(
      try Self.returned(
        "version = '1.2'\n@early()\ndef requires():\n    return ['a-' + this.version]\n")
        == .list([.string("a-1.2")]))
    // A function that ends without `return` returns None.
    #expect(try Self.returned(text, "variants") == PythonLiteral.none)
    // `in_context()` is not bound where rez runs an early function.
    #expect(
      try Self.unknownAt("@early()\ndef requires():\n    return ['a'] if in_context() else []\n")
        == "3: return ['a'] if in_context() else []")
  }

  @Test func lateFunctionsRunInTheResolvesContext() throws {
    let text = """
      @late()
      def requires():
          global this
          in_context = globals()['in_context']
          if in_context():
              return ['lib']
          return ['tool']
      """
    #expect(try Self.returned(text) == .list([.string("lib")]))
    #expect(
      try Self.returned("@late()\ndef requires():\n    return ['a'] if in_context() else []\n")
        == .list([.string("a")]))
    // The file's names are not the function's own in rez's run of a late function.
    #expect(
      try Self.unknownAt("_a = ['x']\n@late()\ndef requires():\n    return _a\n")
        == "4: return _a")
    #expect(
      try Self.returned("_a = ['x']\n@late()\ndef requires():\n    return this._a\n")
        == .list([.string("x")]))
  }

  /// What a `return` or `raise` flow cannot follow depends on is never guessed: the line
  /// that leaves the value unknown is named.
  @Test func whatTheFunctionReturnsIsNotGuessed() throws {
    // The environment where the file is loaded, where no host is given.
    #expect(
      try Self.unknownAt(
        """
        @early()
        def variants():
            import os
            cook = os.getenv('REZ_COOK_VARIANT')
            if cook:
                return [[cook]]
            return [['platform-linux']]
        """, "variants") == "4: cook = os.getenv('REZ_COOK_VARIANT')")
    // A `raise` in a block left out.
    #expect(
      try Self.unknownAt(
        """
        @early()
        def requires():
            if open('x').read():
                raise ValueError('no')
            return ['a']
        """) == "3: if open('x').read():")
    // The resolve's request, which a late function may read, where none is known.
    #expect(
      try Self.unknownAt(
        """
        @late()
        def requires():
            result = ['core']
            for name in ['maya', 'nuke']:
                if name in request:
                    result.append(name + '_tools')
            return result
        """) == "6: result.append(name + '_tools')")
    // A line that changes nothing returned is left out with the value kept.
    guard
      case .value(let value, let leftOut) = try Self.value(
        "@early()\ndef requires():\n    sys.stdout.write('hello')\n    return ['a']\n")
    else {
      Issue.record("not worked out")
      return
    }
    #expect(value == .list([.string("a")]))
    #expect(leftOut.map(\.line) == [3])
  }

  /// rez runs commands as a module's lines, where a `return` is an error: there it is a
  /// line left out with its warning, not the end of what is read.
  @Test func aReturnInCommandsIsALineLeftOut() {
    let commands = RezCommands(
      lines: ["env.A = '1'", "return", "env.B = '2'"], firstLine: 1, expansions: [:])
    #expect(commands.skipped.map(\.line) == [2])
    #expect(commands.variables.map(\.name) == ["A", "B"])
  }

  @Test func aComparedFieldNotWorkedOutIsLeftUnread() throws {
    let text = "def _version():\n    return '1'\nversion = _version()\nname = 'x'\n"
    let module = try Self.module(text, compared: ["version"])
    #expect(module.assignments["version"] == nil)
    #expect(module.unread["version"]?.position == SourcePosition(line: 3, column: 11))
    #expect(module.assignments["name"]?.value == .string("x"))
    #expect(throws: PythonModuleReader.Failure.self) { try Self.module(text) }
  }

  /// In a repository: the fields' values resolve; a plain function and an unread version are
  /// warnings; a function flow cannot work out skips its version, naming the line.
  @Test func repositoriesResolveWithFieldsWrittenAsFunctions() throws {
    let folder = try RezRepositoryTests.repository([
      "python/2.7": "", "python/3.9": "", "lib/1.0": "",
      "tool/1.0": """
      @early()
      def variants():
          return [['python-3'], ['python-2']]
      @late()
      def requires():
          return ['lib'] if in_context() else []
      """,
      "plain/1.0":
        "def requires():\n    return ['lib']\ndef _v():\n    return '1'\nversion = _v()\n",
      "odd/2.0": "@early()\ndef requires():\n    import os\n    return os.listdir('.')\n",
      "odd/1.0": "",
    ])
    let tool = try RezRepositoryTests.solve(folder, ["tool"])
    #expect(tool == ["tool-1.0[0]", "lib-1.0", "python-3.9"])
    #expect(try RezRepositoryTests.solve(folder, ["plain"]) == ["plain-1.0"])
    #expect(try RezRepositoryTests.solve(folder, ["odd"]) == ["odd-1.0"])
    let repository = try RezRepository(roots: [folder.path])
    for name in ["plain", "odd"] { _ = repository.candidateTable(of: name) }
    let problems = repository.problems.map(\.description).joined(separator: "\n")
    #expect(
      problems.contains(
        "plain/1.0/package.py:1:5: 'requires' is a function without @early() or @late(): rez "
          + "leaves it out of the package, and so does flow"))
    #expect(
      problems.contains(
        "plain/1.0/package.py:5:11: 'version' is not a literal"))
    #expect(problems.contains("not compared, what the folders say is used"))
    #expect(
      problems.contains(
        "odd/2.0/package.py:2:5: 'requires' is a @early() function whose value flow cannot "
          + "work out without running it (line 4 is not read: return os.listdir('.'))"))
    #expect(problems.contains("odd-2.0 skipped"))
  }

  /// rez-cook's layout: variants from `REZ_COOK_VARIANT` where it is set, else a list.
  static let cookVariants = """
    @early()
    def variants():
        import os, ast
        cook_variant = os.getenv("REZ_COOK_VARIANT")
        if cook_variant:
            return [ast.literal_eval(cook_variant)]
        else:
            req = ["python"]
            return [x + req for x in [["platform-linux", "arch-x86_64"], ["platform-windows"]]]
    """

  /// What a function reads of where it runs: the environment (`os.getenv`, `os.environ`)
  /// and rez's `system.arch`, `system.os` and `system.variant`, each value kept.
  @Test func theEnvironmentAndTheMachineAreReadWhereTheFunctionRuns() throws {
    let unset = Self.host([:])
    #expect(
      try Self.returned(Self.cookVariants, "variants", host: unset)
        == .list([
          .list(["platform-linux", "arch-x86_64", "python"].map(PythonLiteral.string)),
          .list(["platform-windows", "python"].map(PythonLiteral.string)),
        ]))
    #expect(unset.readings == [RezHost.Reading(name: "$REZ_COOK_VARIANT", value: nil)])
    let cooking = Self.host(["REZ_COOK_VARIANT": "['platform-linux', 'cfg-2']\n"])
    #expect(
      try Self.returned(Self.cookVariants, "variants", host: cooking)
        == .list([.list([.string("platform-linux"), .string("cfg-2")])]))
    // `ast.literal_eval` of what is no literal is Python's error: unknown.
    #expect(
      try Self.returned(
        Self.cookVariants, "variants", host: Self.host(["REZ_COOK_VARIANT": "[a]"])) == nil)
    let machine = """
      @early()
      def requires():
          import os
          from rez.system import system
          result = [n + "-1" for n in system.variant if not n.startswith("platform")]
          if os.environ.get("STUDIO", "none") == "none" and "HOME" in os.environ:
              result.append("home-" + os.environ["HOME"].replace("/", ""))
          if os.getenv("MISSING") is None and os.getenv("STUDIO", None) is not None:
              result.append("studio")
          return result + [system.arch]
      """
    let host = Self.host(["HOME": "/home/me"])
    #expect(
      try Self.returned(machine, host: host)
        == .list(
          ["arch-aarch64-1", "os-debian-12-1", "home-homeme", "aarch64"].map(
            PythonLiteral.string)))
    #expect(
      host.readings.map { "\($0.name)=\($0.value ?? "unset")" } == [
        "system.arch=aarch64", "system.os=debian-12", "$STUDIO=unset", "$HOME=/home/me",
        "$MISSING=unset",
      ])
    // The file's top level runs as rez loads it too.
    let topLevel = """
      import os
      _dep = os.getenv('DEP', 'python')
      requires = [_dep] if 'X' in os.environ else []

      """
    var reader = PythonModuleReader(bytes: Array(topLevel.utf8))
    let top = Self.host(["DEP": "zlib", "X": ""])
    #expect(
      try reader.read(fields: RezPackage.fields, host: top).assignments["requires"]?.value
        == .list([.string("zlib")]))
    #expect(top.readings.map(\.name) == ["$DEP", "$X"])
    // `os.environ[NAME]` of one unset is Python's `KeyError`: unknown.
    #expect(
      try Self.unknownAt(
        "@early()\ndef requires():\n    import os\n    return [os.environ['NOPE']]\n",
        host: host) == "4: return [os.environ['NOPE']]")
    // What rez binds for a build, outside one.
    #expect(
      try Self.returned(
        """
        @early()
        def requires():
            if building or testing or build_variant_requires:
                return ['build']
            return ['run-%s' % build_variant_index]
        """) == .list([.string("run-0")]))
  }

  /// The index holds what was read, and is compiled again where a value differs, as rez
  /// runs the functions again each time it loads the file.
  @Test func anIndexIsCompiledAgainWhereWhatItReadDiffers() throws {
    let folder = try RezRepositoryTests.repository([
      "tbb/2020.3": Self.cookVariants, "python/3.9": "", "cfg/2": "",
      "platform/linux": "", "arch/x86_64": "",
    ])
    let cache = try TemporaryFolder()
    let path = cache.path + "/rez.index"
    func answer(_ environment: EnvironmentMap) throws -> (answer: [String], rebuilt: Bool) {
      let repository = try RezRepository.open(
        roots: [folder.path], at: path, environment: environment)
      try repository.followRez([try RezRequirement(parsing: "tbb")])
      let solution = try Solver.solution(
        [try repository.requirement(parsing: "tbb")], source: repository,
        includePrereleases: true)
      return (
        solution.packages.map { "\($0.name)-\($0.key)" + ($0.variant.map { "[\($0)]" } ?? "") },
        repository.index.rebuilt
      )
    }
    let plain = try answer([:])
    #expect(plain.answer == ["tbb-2020.3[0]", "platform-linux", "arch-x86_64", "python-3.9"])
    #expect(try answer(["OTHER": "1"]) == (plain.answer, false))
    let cooking = try answer(["REZ_COOK_VARIANT": "['cfg-2']"])
    #expect(cooking == (["tbb-2020.3[0]", "cfg-2"], true))
    #expect(try answer(["REZ_COOK_VARIANT": "['cfg-2']"]).rebuilt == false)
    #expect(try answer([:]) == (plain.answer, true))
  }

  /// mottosso's layout: requirements per application, added where the request names it.
  static let perApplication = """
    _requires = {
        "any": ["core", "~maya==2022"],
        "maya": ["mgear", "numpy"],
        "nuke": [],
    }
    late = locals()["late"]

    @late()
    def requires():
        global this
        global request
        global in_context
        requires = this._requires
        result = requires["any"][:]
        if in_context():
            for name, reqs in requires.items():
                if name not in request:
                    continue
                result += reqs
        return result
    """

  /// A late function runs with the resolve's request bound (`request`): membership, a
  /// request's text and `intersects` of it.
  @Test func lateFunctionsReadTheResolvesRequest() throws {
    #expect(
      try Self.returned(Self.perApplication, requests: ["maya": "maya-2022", "x": "~x"])
        == .list(["core", "~maya==2022", "mgear", "numpy"].map(PythonLiteral.string)))
    #expect(
      try Self.returned(Self.perApplication, requests: [:])
        == .list(["core", "~maya==2022"].map(PythonLiteral.string)))
    let text = """
      @late()
      def requires():
          if intersects(request.maya, '2020+') and 'nuke' not in request:
              return ['plugin-' + request.maya.split('-')[1]]
          return []
      """
    #expect(
      try Self.returned(text, requests: ["maya": "maya-2022"]) == .list([.string("plugin-2022")]))
    #expect(try Self.returned(text, requests: ["maya": "maya-2019"]) == .list([]))
    // A package not requested meets no range, as in commands.
    #expect(try Self.returned(text, requests: [:]) == .list([]))
    #expect(
      try Self.unknownAt(
        "@late()\ndef requires():\n    return [request.maya]\n", requests: [:])
        == "3: return [request.maya]")
    // Only a late function reads it, and it reads no resolve and no ephemerals.
    #expect(
      try Self.unknownAt(
        "@early()\ndef requires():\n    return ['a'] if 'b' in request else []\n",
        requests: [:]) == "3: return ['a'] if 'b' in request else []")
    #expect(
      try Self.unknownAt(
        "@late()\ndef requires():\n    return ['a'] if 'b' in resolve else []\n",
        requests: [:]) == "3: return ['a'] if 'b' in resolve else []")
  }

  /// A repository's `@late()` `requires` of the request is worked out for each resolve, as
  /// rez runs it for each: the same repository read for two requests gives each its own.
  @Test func requirementsOfTheRequestAreWorkedOutForEachResolve() throws {
    let folder = try RezRepositoryTests.repository([
      "portfolio/1.0": Self.perApplication, "core/1.0": "", "mgear/2.0": "", "numpy/1.2": "",
      "maya/2022": "", "maya/2023": "",
    ])
    let cache = try TemporaryFolder()
    let repository = try RezRepository.open(
      roots: [folder.path], at: cache.path + "/rez.index", environment: [:])
    func answer(_ requests: [String]) throws -> [String] {
      try repository.followRez(requests.map(RezRequirement.init(parsing:)))
      let solution = try Solver.solution(
        requests.map(repository.requirement(parsing:)), source: repository,
        includePrereleases: true)
      return solution.packages.map { "\($0.name)-\($0.key)" }.sorted()
    }
    #expect(try answer(["portfolio"]) == ["core-1.0", "portfolio-1.0"])
    #expect(
      try answer(["portfolio", "maya"])
        == ["core-1.0", "maya-2022", "mgear-2.0", "numpy-1.2", "portfolio-1.0"])
    #expect(try answer(["portfolio"]) == ["core-1.0", "portfolio-1.0"])
    #expect(repository.problems.isEmpty)
  }
}

extension FieldFunctionTests {
  /// A field's function may define functions of its own and call them; where what a call
  /// gives is not known (the request is not), neither is the field's value.
  @Test func functionsDefinedInAFieldsFunctionAreCalled() throws {
    let text = """
      @early()
      def requires():
          def pick(major, prefix='dep-'):
              return prefix + str(major)
          return [pick(1), pick(2, prefix='other-')]
      @late()
      def variants():
          def one():
              if 'maya' in request:
                  return ['maya']
              return []
          return [one()]
      """
    #expect(try Self.returned(text) == .list([.string("dep-1"), .string("other-2")]))
    #expect(try Self.returned(text, "variants", requests: [:]) == .list([.list([])]))
    #expect(
      try Self.returned(text, "variants", requests: ["maya": "maya"])
        == .list([.list([.string("maya")])]))
    #expect(try Self.unknownAt(text, "variants") == "12: return [one()]")
  }
}
