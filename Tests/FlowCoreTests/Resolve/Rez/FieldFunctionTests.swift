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

  /// What the function of `field` in `text` returns, read as `RezPackage` reads it.
  static func value(_ text: String, _ field: String = "requires") throws
    -> RezCommands.FieldValue
  {
    let module = try module(text)
    let function = try #require(module.fieldFunctions[field])
    return RezCommands.value(
      returnedBy: function.body, late: function.isLate, names: module.names)
  }

  static func returned(_ text: String, _ field: String = "requires") throws -> PythonLiteral? {
    guard case .value(let value, _) = try value(text, field) else { return nil }
    return value
  }

  /// The line that leaves the value unknown.
  static func unknownAt(_ text: String, _ field: String = "requires") throws -> String? {
    guard case .unknown(let line, let text) = try value(text, field) else { return nil }
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
    // The environment where the file is loaded.
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
    // The resolve's request, which a late function may read.
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
        """) == "5: if name in request:")
    // A line that changes nothing returned is left out with the value kept.
    guard
      case .value(let value, let leftOut) = try Self.value(
        "@early()\ndef requires():\n    print('hello')\n    return ['a']\n")
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
      "odd/2.0": "@early()\ndef requires():\n    import os\n    return [os.getenv('X')]\n",
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
          + "work out without running it (line 4 is not read: return [os.getenv('X')])"))
    #expect(problems.contains("odd-2.0 skipped"))
  }
}
