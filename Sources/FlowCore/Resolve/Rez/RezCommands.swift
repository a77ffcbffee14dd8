/// Reads a rez package's `commands` where they change the environment in ways flow can work
/// out without running Python: `env.NAME.set(VALUE)`, `.append(VALUE)`, `.prepend(VALUE)`,
/// `.unset()`, `env.NAME = VALUE` (also `env['NAME']`), `setenv('NAME', VALUE)`,
/// `appendenv(…)`, `prependenv(…)`, `unsetenv('NAME')`, names assigned for later lines
/// (`path = root + '/bin'`), and `if` chains whose tests flow works out (tests of the
/// resolve and of the environment, `defined('NAME')`, `'NAME' in env.keys()`, kept as
/// conditions), each VALUE an expression `RezExpression` works out. A string value is
/// formatted as rez formats it
/// (`RezExpression.formatted`): `{root}`, `{base}`, `{version}`, `{version.major}`
/// (`.minor`, `.patch`), `{this.name}` (also as `{this.root}`, …) are the package's,
/// `{env.NAME}` is the variable's value (`${NAME}`), and `{resolve.NAME.version}` (`.base`,
/// `.root`) another chosen package's, through the variable rez sets for it
/// (`${REZ_NAME_VERSION}`); a name the commands assigned is its value. `pass`, `global`,
/// `import`, `info(…)`, `comment(…)`, `print(…)`, docstring and `env = globals()['env']` (or
/// `locals()`) lines change nothing. A `for` loop over what flow works out (a list, a
/// dict's `.items()`, a package attribute `this.NAME`) reads its body once per item, and so
/// does a list comprehension written as a line (`[env.PATH.append(p) for p in paths]`); a
/// `while` loop reads it while its test holds; `continue` and `break` under a test of the
/// resolve leave what follows to apply where the test does not hold (`Loop`). A function
/// the lines define (`def NAME(…):`) is read where it is called (`call`). Read as a field's
/// function, a `return` reached whatever the resolve gives its value
/// (`value(returnedBy:late:names:host:requests:)`). Lines are Python's logical lines
/// (`statements(of:firstLine:)`). Any other line is left out with a warning: flow never
/// runs a package's Python.
struct RezCommands {
  /// The package's changes, one per variable in the order first changed.
  var variables: [VariableChange] = []
  /// When they apply: the phase of the function they were read from.
  let phase: VariableChange.Phase
  /// Lines not understood, each with its line number within the package file.
  var skipped: [(line: Int, text: String)] = []
  /// The package's bindings and the names the lines read so far assigned.
  private var scope: RezExpression.Scope
  /// While reading the body of an `if` on the resolve: what must hold of it for the
  /// changes read to apply (`RezExpression`'s condition text).
  private var condition: String?
  /// How many lines loops have read, counted as each loop starts (its items times its
  /// body's lines): past `loopLimit`, a loop is left out rather than read, so that
  /// nested loops over long lists cannot run for long.
  private var loopWork = 0
  static let loopLimit = 100_000
  /// The lines left out (`skipped`), each once, and how many times lines were.
  private var skippedLines: Set<Int> = []
  private var leftOutCount = 0
  /// How many reads of variables (or names) flow could not tell would stop
  /// (`stopWhereUndefined`).
  private var uncertainReads = 0
  /// The loops being read (list comprehensions too), innermost last.
  private var loops: [Loop] = []
  /// Set by a `continue` or `break` that ends the round (or the loop) whatever the
  /// resolve, so that the rest of the round is not read; `abandoned` by one flow cannot
  /// tell is reached (in a block left out), which leaves the whole loop out; `returned` by
  /// a field's function's `return` reached whatever the resolve, which ends it.
  private var jump: Jump?
  enum Jump { case nextRound, endLoop, abandoned, returned }
  /// Whether the lines are a field's function read for its value
  /// (`value(returnedBy:late:names:host:requests:)`): then what it returned, once a
  /// `return` was reached (`None` for none), and the first line that leaves it unknown (a
  /// `return` or `raise` flow does not follow).
  private var readsValue: Bool { scope.kind == .early || scope.kind == .late }
  private var returned: PythonLiteral?
  private var unknownAt: (line: Int, text: String)?
  /// While a function the commands define is read where it is called (`call`): what held
  /// where it was called (`effectiveCondition`, kept as its round's start), so that a
  /// `return` reached only under a test of the resolve in its body is told apart; nil
  /// outside a call.
  private var callSite: String?? {
    guard let call = loops.first, call.isCall else { return nil }
    return .some(call.roundStart)
  }
  /// What the innermost call's `return` gave: nil for none reached, `.some(nil)` for a
  /// value flow does not work out.
  private var returnedByCall: RezExpression.Value??
  /// The variables the commands named through `env` (`Kind.key`): per condition, those
  /// named where it holds (one change each, listing them in `set`), and last those perhaps
  /// named (`unset`), or a change listing none (`set` nil) where they may have named any.
  private(set) var named: [VariableChange] = []
  /// The variables lines named through `env` (`envMentions`) other than by a change flow
  /// read (`keepNamed`): rez's `env.keys()` holds them after the commands wherever such a
  /// line ran, which flow cannot tell.
  private var namedUnread: Set<String> = []
  /// Per condition (nil: none), where its change lies in `named`, and the variables it lists.
  private var namedPlaces: [String?: (index: Int, variables: Set<String>)] = [:]
  /// Per variable, under how many conditions `named` lists it.
  private var namedTests: [String: Int] = [:]
  static let namedTestLimit = 32
  /// The lines (by number: one statement each) `noteEnvNames` noted, read and left out,
  /// until a function is defined (a line calling it may then name more).
  private var envLinesRead: Set<Int> = []
  private var envLinesLeftOut: Set<Int> = []
  /// Per line read whose every part Python evaluates (`envMentions`'s `whole`), the
  /// variables it names through `env`: named wherever the line is reached, each round.
  private var wholeLines: [Int: [String]] = [:]
  /// Whether a read of a variable nothing set is a stop here (`stopWhereUndefined`): not
  /// in a function called in an expression (`value(calling:_:_:in:)`), whose value cannot
  /// carry one.
  private var keepsStops = true

  /// A loop being read: what holds of its rounds.
  private struct Loop {
    /// Where the current round runs at all: its item's condition, for an item a list
    /// holds only where a condition on the resolve does (`Value.conditional`).
    var roundCondition: String?
    /// Conditions on the resolve under which the loop ended early (a `break` under an
    /// `if` on the resolve), and under which the current round did (`continue`): what is
    /// read after applies where none holds.
    var ended: [String] = []
    var roundEnded: [String] = []
    /// What held where the current round started: a `continue` or `break` read under
    /// just that ends it whatever the resolve.
    var roundStart: String?
    /// Names the current round assigned where it may not run: unknown once it ends.
    var uncertain: Set<String> = []
    /// Whether this is a call of a function the commands define (`call`), read as one
    /// round: a `return` under a test of the resolve ends it there, as a `break` ends a
    /// loop, and a `continue` or `break` outside a loop of its own is not read.
    var isCall = false
  }

  /// One round of a loop: where it runs (nil: wherever the loop does) and the names its
  /// item binds.
  struct Round {
    var condition: String?
    var names: [(String, RezExpression.Value)]
  }

  /// What must hold for a change read now to apply: the tests of the `if` bodies it is
  /// read in (`condition`), and in loops each round's item condition and that no
  /// `continue` or `break` read before under a test of the resolve held; nil for always.
  private var effectiveCondition: String? {
    guard !loops.isEmpty else { return condition }
    var result = condition.map(RezExpression.Value.condition) ?? .boolean(true)
    func and(_ other: RezExpression.Value?) {
      if let other, let joined = RezExpression.Parser.join(result, other, or: false) {
        result = joined
      }
    }
    for loop in loops {
      and(loop.roundCondition.map(RezExpression.Value.condition))
      for ended in loop.ended + loop.roundEnded {
        and(RezExpression.Parser.negate(.condition(ended)))
      }
    }
    return result.truth == true ? nil : result.conditionText
  }

  /// Binds `name` for the lines after; in a round that may not run (`effectiveCondition`
  /// beyond the `if` bodies'), only until the round ends.
  private mutating func assign(_ name: String, _ value: RezExpression.Value?) {
    scope.locals[name] = .some(value)
    if !loops.isEmpty, effectiveCondition != condition {
      loops[loops.count - 1].uncertain.insert(name)
    }
  }

  /// Reads `lines`, the first being line `firstLine` of the file; `expansions` gives the
  /// package's bindings (`root`, `base`, `version`, `version.major`, `name`, …), and
  /// `attributes` its other attributes (`this.NAME`, `RezPackage.Written.attributes`).
  ///
  /// An `if`/`elif`/`else` chain whose conditions are decided here reads the branch rez
  /// would take, a `for` loop over a value worked out here reads its body per item, and a
  /// `while` loop while its test holds; another block's opening line (an undecided `if`, a
  /// `with`) is left out with its warning, its lines go with it, and the names they bind
  /// are unknown after them.
  init(
    lines: [String], firstLine: Int, expansions: [String: String],
    attributes: [String: RezExpression.Value?] = [:], phase: VariableChange.Phase = .commands
  ) {
    var scope = RezExpression.Scope(package: expansions, attributes: attributes)
    // What rez sets for the package before its commands run.
    if let name = expansions["name"], let version = expansions["version"] {
      for (variable, value) in EnvironmentActions.rezPackageVariables(
        name, version: version, base: expansions["base"], root: expansions["root"])
      {
        scope.knownVariables[variable] = value
      }
    }
    self.init(lines: lines, firstLine: firstLine, phase: phase, scope: scope)
  }

  /// What a field's function returns, as flow works it out, or the first line not read
  /// where that leaves it unknown; `leftOut`: lines not read that change nothing it
  /// returns.
  enum FieldValue {
    case value(PythonLiteral, leftOut: [(line: Int, text: String)])
    case unknown(line: Int, text: String)
  }

  /// Reads the body of a field's function (`@early()`, or with `late` `@late()`) for the
  /// value it returns, as rez runs it: `names` are the file's top-level names (nil: not
  /// worked out), read as `this.NAME`, and in an `@early()` function as themselves;
  /// `in_context()` is true in a `@late()` one, run for a resolve, and `requests` is its
  /// `request` (each package request as rez writes it, by name; nil: unknown); `host` is
  /// what it reads of the environment and the machine (nil: unknown). A `return` (or
  /// `raise`) flow cannot follow, in a block it leaves out or of a value it does not work
  /// out, leaves the value unknown.
  static func value(
    returnedBy body: PythonModuleReader.FunctionBody, late: Bool,
    names: [String: RezExpression.Value?], host: RezHost? = nil,
    requests: [String: String]? = nil
  ) -> FieldValue {
    var scope = RezExpression.Scope(
      package: [:], attributes: names,
      resolved: requests.map {
        RezExpression.Resolved(versions: [:], ephemerals: [:], requests: $0)
      },
      kind: late ? .late : .early, host: host)
    if !late { scope.locals = names }
    let commands = RezCommands(
      lines: body.lines, firstLine: body.firstLine, phase: .commands, scope: scope)
    // The first line left out is what the value waits on, more often than the `return`.
    if let unknown = commands.unknownAt {
      let cause = commands.skipped.first ?? unknown
      return .unknown(line: cause.line, text: cause.text)
    }
    return .value(commands.returned ?? PythonLiteral.none, leftOut: commands.skipped)
  }

  /// Commands that read nothing yet: where a function they define is called in an
  /// expression (`value(calling:_:_:in:)`).
  private init(phase: VariableChange.Phase, scope: RezExpression.Scope) {
    self.phase = phase
    self.scope = scope
  }

  private init(
    lines: [String], firstLine: Int, phase: VariableChange.Phase, scope: RezExpression.Scope
  ) {
    self.init(phase: phase, scope: scope)
    let statements = Self.statements(of: lines, firstLine: firstLine)
    // Python refuses a function nested deeper: none of it is read.
    if let deep = Self.firstNestedTooDeep(statements) {
      skipped = [(deep.line, "blocks nested deeper than Python allows: \(deep.text)")]
      if readsValue { unknownAt = skipped[0] }
      return
    }
    var next = 0
    read(statements, from: &next)
    keepNamesUnread()
  }

  /// The first statement nested in more than `PythonModuleReader.deepestNesting` blocks.
  private static func firstNestedTooDeep(_ statements: [Statement]) -> Statement? {
    var open: [Int] = []
    for statement in statements {
      while let last = open.last, last > statement.depth { open.removeLast() }
      if open.last != statement.depth { open.append(statement.depth) }
      if open.count > PythonModuleReader.deepestNesting { return statement }
    }
    return nil
  }

  /// One statement of a body: the number of the line it starts on, its indentation and its
  /// text, trimmed, without its comment, on one line where Python reads it as one.
  struct Statement {
    var line: Int
    var depth: Int
    var text: String
  }

  /// The statements of `lines` (the first being line `firstLine`), each one of Python's
  /// logical lines (`PythonModuleReader.logicalLine()`); blank lines and comments are left
  /// out.
  static func statements(of lines: [String], firstLine: Int) -> [Statement] {
    var reader = PythonModuleReader(bytes: Array(lines.joined(separator: "\n").utf8))
    var statements: [Statement] = []
    while reader.index < reader.bytes.count {
      let line = firstLine + reader.line - 1
      guard let depth = reader.indentation(at: reader.index) else {
        // A blank line or a comment, which holds no string to refuse.
        try? reader.skipStatement()
        continue
      }
      reader.index += depth
      let text = reader.logicalLine().text
      if !text.isEmpty { statements.append(Statement(line: line, depth: depth, text: text)) }
    }
    return statements
  }

  /// Reads the block starting at `statements[next]`, up to the first line indented less
  /// than its first; `next` is then past it.
  private mutating func read(_ statements: [Statement], from next: inout Int) {
    guard next < statements.count else { return }
    let indent = statements[next].depth
    /// Passes over the lines indented deeper than the block: the body of what `next` opened.
    func skipBody() {
      while next < statements.count, statements[next].depth > indent { next += 1 }
    }
    while jump == nil, next < statements.count, statements[next].depth >= indent {
      let statement = statements[next]
      next += 1
      if statement.depth > indent {
        // The body of a line left out.
        passOver(statement)
        continue
      }
      let text = statement.text
      noteEnvNames(statement, read: true)
      // Only the reads of a line performed are kept (`stopWhereUndefined`).
      scope.reads.read.removeAll()
      scope.reads.undecided.removeAll()
      if let test = Self.header(text, keyword: "if") {
        // The chain's branches: each test's value as the lines before leave it (nil: not
        // worked out; true for `else`) and where its body starts.
        var branches: [(value: RezExpression.Value?, body: Int)] = [(value(of: test), next)]
        // rez evaluates the test wherever the `if` is reached, whatever it gives; a test of
        // a variable's truth alone (`if not env.NAME:`) reads nothing.
        if !Self.testsTruthAlone(test) { stopWhereUndefined() }
        skipBody()
        // Where the next `elif`'s test is evaluated: where every test before it fails (nil:
        // not worked out).
        var reached = branches[0].value.flatMap(RezExpression.Parser.negate)
        while next < statements.count, statements[next].depth == indent {
          let text = statements[next].text
          if let test = Self.header(text, keyword: "elif") {
            noteEnvNames(statements[next], read: false)
            scope.reads.read.removeAll()
            let tested = value(of: test)
            branches.append((tested, next + 1))
            if let before = reached, !Self.testsTruthAlone(test) {
              stopWhereUndefined(reached: before)
            }
            reached = reached.flatMap { before in
              tested.flatMap(RezExpression.Parser.negate).flatMap {
                RezExpression.Parser.join(before, $0, or: false)
              }
            }
          } else if text == "else:" {
            branches.append((.boolean(true), next + 1))
          } else {
            break
          }
          next += 1
          skipBody()
        }
        scope.reads.read.removeAll()
        readChain(branches, of: statement, in: statements, lines: branches[0].body..<next)
        continue
      }
      if text == "try:" {
        let body = next
        skipBody()
        let hasBody = next > body
        // Its clauses, each a header and a body: `except …:` (one or more), then `else:`,
        // then `finally:`; the bodies read where none may raise.
        var handlers = 0
        var following: [Int] = []
        var finished = false
        while !finished, next < statements.count, statements[next].depth == indent {
          let clause = statements[next].text
          let isHandler = clause == "except:" || Self.header(clause, keyword: "except") != nil
          if isHandler && following.isEmpty {
            handlers += 1
          } else if clause == "else:" && handlers > 0 && following.isEmpty {
            following.append(next + 1)
          } else if clause == "finally:" {
            following.append(next + 1)
            finished = true
          } else {
            break
          }
          next += 1
          let clauseBody = next
          skipBody()
          if clauseBody == next { handlers = -1 }
        }
        let end = next
        if !hasBody || handlers < 0 || (handlers == 0 && !finished)
          || !readTry(statements, body: body, handled: handlers > 0, then: following)
        {
          skip(statement.line, text)
          for line in statements[body..<end] { forget(line) }
        }
        next = end
        continue
      }
      if let subject = Self.header(text, keyword: "match") {
        // Python's `match` on literal patterns: a chain of `==` tests, one per `case`.
        let cases = next
        skipBody()
        var branches: [(value: RezExpression.Value?, body: Int)] = []
        var position = cases
        while position < next {
          // Each literal of the pattern compared with the subject; `_` holds whatever it is.
          var test: RezExpression.Value?
          if let pattern = Self.header(statements[position].text, keyword: "case"),
            let literals = Self.literalAlternatives(pattern)
          {
            let compared = literals.map { "(\(subject)) == \($0)" }.joined(separator: " or ")
            test = literals.isEmpty ? .boolean(true) : value(of: compared)
          }
          branches.append((test, position + 1))
          position += 1
          while position < next, statements[position].depth > statements[cases].depth {
            position += 1
          }
        }
        readChain(branches, of: statement, in: statements, lines: cases..<next)
        continue
      }
      let whileTest = Self.header(text, keyword: "while")
      if let loop = whileTest.map({ (targets: "", items: $0) }) ?? Self.loopHeader(text) {
        // rez evaluates what a `for` goes over, and a `while`'s test, wherever the loop is
        // reached, whether flow reads it or leaves it out; a later round's test reads the
        // same variables, where the first has already stopped.
        let header = value(of: loop.items)
        if whileTest == nil || !Self.testsTruthAlone(loop.items) {
          stopWhereUndefined()
        } else {
          scope.reads.read.removeAll()
        }
        let body = next
        skipBody()
        // `for … else:` (and `while … else:`) reads its `else` once the loop ends without a
        // `break`.
        var orElse: Int?
        if next < statements.count, statements[next].depth == indent,
          statements[next].text == "else:"
        {
          next += 1
          orElse = next
          skipBody()
        }
        let end = next
        let work = (end - body)
        let round: (inout RezCommands) -> Void = { commands in
          var position = body
          commands.read(statements, from: &position)
        }
        let ending: (broke: Bool, ended: [String])?
        if body < end, statements[body].depth > indent, let test = whileTest {
          // A round while its test holds, each costing its lines of the limit.
          ending = readRounds(
            next: { commands in
              commands.loopWork += work
              guard commands.loopWork <= Self.loopLimit,
                let holds = commands.value(of: test)?.truth
              else { return nil }
              return holds ? .some(Round(condition: nil, names: [])) : .some(nil)
            }, round)
        } else if body < end, statements[body].depth > indent,
          let items = header?.iterated,
          items.count <= (Self.loopLimit - loopWork) / work,
          let rounds = Self.rounds(of: loop.targets, over: items)
        {
          ending = readRounds(rounds, count: work, round)
        } else {
          ending = nil
        }
        guard let ending else {
          skip(statement.line, text)
          for line in statements[body..<end] { forget(line) }
          continue
        }
        if let orElse, orElse < end, statements[orElse].depth > indent, !ending.broke {
          next = orElse
          // Where a `break` under a test of the resolve ended the loop, it does not run:
          // not followed here.
          if ending.ended.isEmpty {
            read(statements, from: &next)
          } else {
            skip(statements[orElse - 1].line, statements[orElse - 1].text)
            for line in statements[orElse..<end] { forget(line) }
          }
        }
        next = end
        continue
      }
      if text.hasPrefix("def ") {
        let body = next
        skipBody()
        if !define(text, body: Array(statements[body..<next])) {
          skip(statement.line, text)
          for line in statements[body..<next] { forget(line) }
        }
        continue
      }
      if perform(text) {
        stopWhereUndefined()
      } else if performPerOutcome(text) {
        continue
      } else {
        // rez runs the line all the same: what it reads stops as on a line read.
        stopWhereUndefined()
        skip(statement.line, text)
      }
    }
  }

  /// Reads again a line `perform` could not read whole because it takes values from the
  /// environment with a default (`os.environ.get('NAME', 'default')`, `os.getenv('NAME') or
  /// 'default'`: `RezExpression.Value.environment`), or because a condition picks the side
  /// of `A if TEST else B` (`Scope.decided`): once per outcome of those conditions (at most
  /// `outcomeTestLimit`), each where that outcome holds, with what it gives
  /// (`Scope.assumed`), as an `if` on them would. False, with nothing read, where there is
  /// no such condition or an outcome's line cannot be read either.
  private mutating func performPerOutcome(_ text: String) -> Bool {
    var tests: [String] = []
    for test in scope.reads.undecided where !tests.contains(test) { tests.append(test) }
    guard !tests.isEmpty, tests.count <= Self.outcomeTestLimit, scope.assumed.isEmpty else {
      return false
    }
    // The reads of the line as first performed, for `read` to stop on where none of this
    // reads it (shared by the copies of the scope, so not restored with them).
    let reads = scope.reads.read
    let before = self
    let outer = condition
    // The names the line binds, with the value each outcome gave (nil where they differ).
    var bound: [String: RezExpression.Value?] = [:]
    var outcome = 0
    while outcome < 1 << tests.count {
      defer { outcome += 1 }
      var assumed: [String: Bool] = [:]
      for (place, test) in tests.enumerated() { assumed[test] = outcome & (1 << place) != 0 }
      // A variable set and not empty is set.
      if assumed.contains(where: { test, holds in
        guard holds, case .filled(let name)? = EnvironmentTest(parsing: test) else {
          return false
        }
        return assumed[EnvironmentTest.isSet(name).text] == false
      }) {
        continue
      }
      let holds = tests.map { test in
        assumed[test]!
          ? test : RezExpression.Parser.negate(.condition(test))?.conditionText ?? "not " + test
      }
      let joined = holds.count == 1 ? holds[0] : "(" + holds.joined(separator: " and ") + ")"
      condition = outer.map { "(\($0) and \(joined))" } ?? joined
      scope.assumed = assumed
      scope.reads.read.removeAll()
      scope.reads.undecided.removeAll()
      let locals = scope.locals
      guard perform(text) else {
        // A part read only once another's value is known (`a + b`, where `a` was not) may
        // be undecided too: read again from the first outcome with its condition as well.
        let more = scope.reads.undecided.filter { !tests.contains($0) }
        self = before
        guard let test = more.first, tests.count < Self.outcomeTestLimit else {
          scope.reads.read = reads
          return false
        }
        tests.append(test)
        bound = [:]
        outcome = -1
        continue
      }
      stopWhereUndefined()
      for (name, value) in scope.locals where locals[name].map({ $0 != value }) ?? true {
        if let earlier = bound[name] {
          bound[name] = .some(earlier == value ? value : nil)
        } else {
          bound[name] = .some(value)
        }
      }
      scope.locals = locals
    }
    condition = outer
    scope.assumed = [:]
    // A name each outcome bound alike keeps its value; one they bound otherwise is unknown.
    for (name, value) in bound { scope.locals[name] = .some(value) }
    return true
  }

  /// The most conditions one line is read per outcome of (`performPerOutcome`): eight
  /// readings of it at most.
  static let outcomeTestLimit = 3

  /// Reads a `try` at `body` and the bodies at `then` (its `else`, its `finally`) after it.
  /// Where it has handlers (`handled`), only a body flow reads whole without anything that
  /// may raise (a line left out, a stop, a read flow cannot tell would stop, an `import`,
  /// a jump out of it): its handlers then never run. False, with nothing read, where such a
  /// body may raise. Without handlers (`try`, `finally`), whatever raises goes on raising,
  /// and the body is read as any block is.
  private mutating func readTry(
    _ statements: [Statement], body: Int, handled: Bool, then: [Int]
  ) -> Bool {
    guard handled else {
      for start in [body] + then {
        var clause = start
        read(statements, from: &clause)
      }
      return true
    }
    let depth = statements[body].depth
    let lines = statements[body...].prefix { $0.depth >= depth }
    guard !lines.contains(where: { $0.text.hasPrefix("import ") || $0.text.hasPrefix("from ") })
    else { return false }
    let before = self
    let stops = variables.count { $0.kind == .stop }
    var position = body
    read(statements, from: &position)
    if leftOutCount > before.leftOutCount || uncertainReads > before.uncertainReads
      || jump != nil
      || variables.count(where: { $0.kind == .stop }) > stops
    {
      self = before
      scope.reads.read.removeAll()
      return false
    }
    for start in then {
      var clause = start
      read(statements, from: &clause)
    }
    return true
  }

  /// A stop where a variable whose value the text just read (a line, an `if`'s or
  /// `elif`'s test, a loop's header) read is not defined: rez raises "Referenced undefined
  /// environment variable: NAME" there, and makes no environment; and one where it read a
  /// Python name nothing bound (`Scope.noteUnbound`), Python's "name 'NAME' is not
  /// defined". Only the reads Python makes count
  /// (the right side of `and` or `or`, or the side of `A if TEST else B` its test does
  /// not give, makes none; `RezExpression`): one made where a test flow cannot decide
  /// holds adds no stop, and its value stays the variable's, empty where it is unset.
  /// `reached` is where the text is evaluated within the block read now (an `elif`'s test:
  /// where those before it fail).
  private mutating func stopWhereUndefined(reached: RezExpression.Value = .boolean(true)) {
    let reads = scope.reads.read
    scope.reads.read.removeAll()
    guard !reads.isEmpty else { return }
    // A read whose stop flow cannot tell may raise (`readTry`).
    guard keepsStops else {
      uncertainReads += 1
      return
    }
    typealias Parser = RezExpression.Parser
    guard
      let here = Parser.join(
        effectiveCondition.map(RezExpression.Value.condition) ?? .boolean(true), reached,
        or: false)
    else {
      uncertainReads += 1
      return
    }
    var stopped: Set<String> = []
    for (defined, message) in reads where stopped.insert(message).inserted {
      guard let defined, let undefined = Parser.negate(defined),
        let stops = Parser.join(here, undefined, or: false)
      else {
        uncertainReads += 1
        continue
      }
      let condition: String?
      switch stops.truth {
      case true?: condition = nil
      case false?: continue
      case nil:
        guard let text = stops.conditionText else {
          uncertainReads += 1
          continue
        }
        condition = text
      }
      let stop = VariableChange(
        name: "", set: [message], phase: phase, condition: condition, kind: .stop)
      // The same test read again adds nothing.
      if !variables.contains(stop) { variables.append(stop) }
    }
  }

  /// The names an `import`, `from … import` or `global` line binds: each module's first
  /// part, or the name after `as`, or each name listed (one that imports `*` may bind any
  /// name, which `perform` keeps as `Scope.namesUnknown`).
  static func namesBound(by text: String) -> [String] {
    let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "(" || $0 == ")" })
      .map(String.init)
    guard let keyword = words.first else { return [] }
    var result: [String] = []
    var index = 1
    if keyword == "from" {
      guard let imports = words.firstIndex(of: "import") else { return [] }
      index = imports + 1
    }
    while index < words.count {
      let word = words[index]
      if index + 2 < words.count, words[index + 1] == "as" {
        result.append(words[index + 2])
        index += 3
        continue
      }
      result.append(keyword == "import" ? String(word.prefix { $0 != "." }) : word)
      index += 1
    }
    return result
  }

  /// Whether an `if`'s test is a variable's truth alone (`env.NAME`, `not env.NAME`,
  /// `env['NAME']`, `bool(env.NAME)`), which rez tests without reading its value.
  private static func testsTruthAlone(_ test: String) -> Bool {
    var text = Substring(test.trimmedString)
    while true {
      if text.hasPrefix("not ") {
        text = text.dropFirst(4)
      } else if text.hasPrefix("(") && text.hasSuffix(")") {
        text = text.dropFirst().dropLast()
      } else if text.hasPrefix("bool(") && text.hasSuffix(")") {
        text = text.dropFirst(5).dropLast()
      } else {
        break
      }
      text = Substring(String(text).trimmedString)
    }
    var reader = PythonModuleReader(bytes: Array(text.utf8))
    guard reader.identifier() == "env" else { return false }
    if reader.peek == UInt8(ascii: ".") {
      reader.index += 1
      guard reader.identifier() != nil else { return false }
    } else {
      guard take("[", &reader), (try? reader.literal()) != nil, take("]", &reader) else {
        return false
      }
    }
    return atEnd(&reader)
  }

  /// Records a line left out, once (a loop's body is read once per item), and forgets
  /// what it would bind.
  private mutating func skip(_ line: Int, _ text: String) {
    leftOutCount += 1
    if skippedLines.insert(line).inserted { skipped.append((line, text)) }
    scope.namesUnknown = true
    forget(Statement(line: line, depth: 0, text: text))
  }

  /// A line of a block left out, or of a loop not read: what it would bind is not known
  /// after it, and in a field's function, where it returns or raises, what the function
  /// returns is not known either.
  private mutating func forget(_ statement: Statement) {
    forget(statement.text)
    noteEnvNames(statement, read: false)
    // Where a function called returns is not known: the call is not followed.
    if callSite != nil, Self.endsFunction(statement.text) {
      if jump == nil { jump = .abandoned }
      return
    }
    guard readsValue, unknownAt == nil, Self.endsFunction(statement.text) else { return }
    unknownAt = (statement.line, statement.text)
    jump = .returned
  }

  /// Whether a line returns from the function or raises (also on an `if`'s line).
  private static func endsFunction(_ text: String) -> Bool {
    for word in ["return", "raise"] {
      if text.contains(": " + word) { return true }
      guard text.hasPrefix(word) else { continue }
      // The word alone, not the start of a longer name (`returned = …`).
      guard let next = text.dropFirst(word.count).first else { return true }
      if !(next.isLetter || next.isNumber || next == "_") { return true }
    }
    return false
  }

  /// Makes the names a line left out would bind or change unknown from here (`paths =
  /// …`, `a, b = …`, `paths.append(…)`, `paths += …`, `paths[0] = …`, a loop's names, `del
  /// paths`, a list comprehension calling `paths.append`): a later line reading one is left
  /// out too, rather than given the value from before.
  private mutating func forget(_ text: String) {
    for name in changedNames(text) { scope.locals[name] = .some(nil) }
    // A line that may change a variable (`env.…`, `setenv(…)`, a call of a function whose
    // body names `env`) leaves `defined()` unknown after it, rather than decided without it.
    if text.contains("env")
      || scope.functions.contains(where: { name, function in
        text.contains(name + "(") && function.body.contains { $0.text.contains("env") }
      })
    {
      scope.changesUnknown = true
      scope.knownVariables.removeAll()
    }
  }

  /// The names a line would bind or change (`forget(_:)`); for a call of a function the
  /// commands define, those its body's lines would change of the commands' own (a call
  /// does not bind the function's name).
  private func changedNames(_ text: String) -> [String] {
    var reader = PythonModuleReader(bytes: Array(text.utf8))
    if text.hasPrefix("[") { reader.index += 1 }
    reader.skipSpaces()
    guard var first = reader.identifier() else { return [] }
    var names: [String] = []
    if first == "this", reader.peek == UInt8(ascii: "."), Self.take(".", &reader),
      let attribute = reader.identifier()
    {
      names = ["this." + attribute]
    } else if first == "for", let loop = Self.loopHeader(text) {
      names = Self.targetNames(loop.targets)
    } else if scope.locals[first] == nil, let function = scope.functions[first],
      Self.take("(", &reader)
    {
      // Read one level deep: the calls in its body are taken as lines of their own.
      var body = self
      body.scope.functions = [:]
      names = function.body.flatMap { body.changedNames($0.text) }.filter {
        !function.locals.contains($0) && scope.functions[$0] == nil
      }
    } else {
      if first == "del" {
        reader.skipSpaces()
        guard let name = reader.identifier() else { return [] }
        first = name
      } else if Self.keywords.contains(first) {
        return []
      }
      names = [first] + Self.moreNames(&reader)
    }
    return names.filter(Self.isAssignable)
  }

  /// A line of a block left out, not read: what it would bind is not known after it, and
  /// whether a `continue` or `break` in it is reached cannot be told, which leaves the
  /// loop being read out whole.
  private mutating func passOver(_ statement: Statement) {
    forget(statement)
    if jump == nil, !loops.isEmpty && Self.leavesLoop(statement.text) { jump = .abandoned }
  }

  /// Python's words that open a statement other than one binding a name.
  private static let keywords: Set = [
    "if", "elif", "else", "while", "with", "try", "except", "finally", "def", "class",
    "return", "pass", "import", "from", "global", "nonlocal", "raise", "assert", "break",
    "continue", "lambda", "yield", "async", "await",
  ]

  /// The names and the iterable of `for NAMES in ITERABLE:` written on its own line (a
  /// body on the same line is not read); nil for anything else.
  private static func loopHeader(_ text: String) -> (targets: String, items: String)? {
    guard let header = header(text, keyword: "for"),
      let (targets, items) = split(header, atWord: "in")
    else { return nil }
    return (targets, items)
  }

  /// Whether a line ends a loop's round or the loop (`continue`, `break`, also on an
  /// `if`'s line): in a block flow leaves out, one whose reach it cannot tell.
  private static func leavesLoop(_ text: String) -> Bool {
    for word in ["break", "continue"]
    where text == word || text.hasPrefix(word + " ") || text.hasPrefix(word + "#")
      || text.hasPrefix(word + ";") || text.contains(": " + word)
    {
      return true
    }
    return false
  }

  /// Reads `read` once per round, each with its names bound, as a loop whose body is
  /// `count` lines long reads it; what ended it: a `break` whatever the resolve
  /// (`broke`), and the conditions on the resolve under which a `break` did (`ended`).
  /// Nil where a `continue` or `break` flow cannot follow was met: the loop is then undone,
  /// nothing it read counts.
  private mutating func readRounds(
    _ rounds: [Round], count: Int, _ read: (inout RezCommands) -> Void
  ) -> (broke: Bool, ended: [String])? {
    loopWork += rounds.count * count
    var place = 0
    return readRounds(
      next: { _ in
        guard place < rounds.count else { return .some(nil) }
        place += 1
        return rounds[place - 1]
      }, read)
  }

  /// Reads `read` for each round `next` gives (nil inside: the loop ends; nil: it cannot be
  /// told, and the loop is undone), as `readRounds(_:count:_:)` does.
  private mutating func readRounds(
    next: (inout RezCommands) -> Round??, _ read: (inout RezCommands) -> Void
  ) -> (broke: Bool, ended: [String])? {
    let before = self
    loops.append(Loop())
    let innermost = loops.count - 1
    var broke = false
    func undo() {
      let work = loopWork
      self = before
      loopWork = work
    }
    while true {
      guard let upcoming = next(&self) else {
        undo()
        return nil
      }
      guard let round = upcoming else { break }
      loops[innermost].roundCondition = round.condition
      loops[innermost].roundEnded = []
      loops[innermost].roundStart = effectiveCondition
      for (name, value) in round.names { assign(name, value) }
      read(&self)
      if jump == .returned {
        // The function ended in this round: nothing after it is read.
        loops.removeLast()
        return (true, [])
      }
      for name in loops[innermost].uncertain { scope.locals[name] = .some(nil) }
      loops[innermost].uncertain = []
      let jumped = jump
      jump = nil
      if jumped == .abandoned {
        undo()
        return nil
      }
      if jumped == .endLoop {
        broke = true
        break
      }
    }
    return (broke, loops.removeLast().ended)
  }

  /// The rounds of a loop over `items`: the names its target binds for each (`key, value`
  /// takes a pair's items), and where the item is held (`Value.conditional`); nil when a
  /// target is not a list of names the commands may assign, or an item does not have as
  /// many parts, which Python refuses.
  private static func rounds(of targets: String, over items: [RezExpression.Value])
    -> [Round]?
  {
    /// A name alone may be written in brackets; a bracketed list of names is not read.
    func unwrapped(_ text: Substring) -> String {
      let text = text.trimmingSpaces
      guard text.hasPrefix("(") && text.hasSuffix(")") else { return String(text) }
      return String(text.dropFirst().dropLast().trimmingSpaces)
    }
    let names = unwrapped(Substring(targets)).split(
      separator: ",", omittingEmptySubsequences: false
    ).map(unwrapped)
    guard names.allSatisfy({ RezExpression.isVariableName($0) && isAssignable($0) }),
      Set(names).count == names.count
    else { return nil }
    var result: [Round] = []
    for held in items {
      var item = held
      var condition: RezExpression.Value = .boolean(true)
      while case .conditional(let test, let value) = item {
        guard let joined = RezExpression.Parser.join(condition, .condition(test), or: false)
        else { return nil }
        condition = joined
        item = value
      }
      let bound: [(String, RezExpression.Value)]
      if names.count == 1 {
        bound = [(names[0], item)]
      } else {
        guard let parts = item.iterated, parts.count == names.count,
          !parts.contains(where: \.isConditional)
        else { return nil }
        bound = Array(zip(names, parts))
      }
      let held = condition.truth == true ? nil : condition.conditionText
      result.append(Round(condition: held, names: bound))
    }
    return result
  }

  /// Whether the commands may bind `name`: their own names and those of rez's they take
  /// over (`version = …`), not rez's functions, `env` or the names tests read.
  private static func isAssignable(_ name: String) -> Bool {
    !RezExpression.isBound(name) || rebindable.contains(name)
  }

  /// rez's names the commands may take over.
  private static let rebindable: Set = ["this", "root", "base", "version", "system", "building"]

  /// `text` cut at the first `word` standing alone outside brackets and strings (`x in
  /// items`, `… for x in …`); nil when it holds none.
  private static func split(_ text: String, atWord word: String) -> (String, String)? {
    var reader = PythonModuleReader(bytes: Array(text.utf8))
    var depth = 0
    while let byte = reader.peek {
      if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
        // A string's prefix (`r`, `f`) was read as a word before it.
        guard (try? reader.string(raw: false)) != nil else { return nil }
        continue
      }
      if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
        depth += 1
      } else if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]")
        || byte == UInt8(ascii: "}")
      {
        depth -= 1
      }
      let start = reader.index
      if let found = reader.identifier() {
        if depth == 0, found == word {
          return (
            String(decoding: reader.bytes[..<start], as: UTF8.self),
            String(decoding: reader.bytes[reader.index...], as: UTF8.self)
          )
        }
        continue
      }
      reader.index += 1
    }
    return nil
  }

  /// Reads a branch's body where `holds` (true, or a condition on the resolve) holds: its
  /// changes apply only where that does too, and a name it assigns under a condition is
  /// unknown after it.
  private mutating func readBody(
    _ statements: [Statement], from next: inout Int, holding holds: RezExpression.Value
  ) {
    guard case .condition(let text) = holds else {
      read(statements, from: &next)
      return
    }
    let outer = condition
    let before = scope.locals
    condition = outer.map { "(\($0) and \(text))" } ?? text
    read(statements, from: &next)
    condition = outer
    for (name, value) in scope.locals where before[name].map({ $0 != value }) ?? true {
      scope.locals[name] = .some(nil)
    }
  }

  /// The condition of `if CONDITION:` (or `elif`) written on its own line; nil for
  /// anything else (a body on the same line is not read).
  private static func header(_ text: String, keyword: String) -> String? {
    guard text.hasPrefix(keyword + " ") || text.hasPrefix(keyword + "("), text.hasSuffix(":")
    else { return nil }
    return String(text.dropFirst(keyword.count).dropLast())
  }

  /// Reads a chain of branches (`if`, `elif`, `else`, or a `match`'s cases), each a test's
  /// value (nil: not worked out) and where its body starts: the bodies whose tests may hold,
  /// each where it holds and no branch before did. A test whose truth is unknown (one of
  /// rez's objects) leaves the whole chain out, its header and `lines`.
  private mutating func readChain(
    _ branches: [(value: RezExpression.Value?, body: Int)], of statement: Statement,
    in statements: [Statement], lines: Range<Int>
  ) {
    // That no branch before held.
    var none = RezExpression.Value.boolean(true)
    for branch in branches {
      guard let test = branch.value, test.conditionText != nil,
        let holds = RezExpression.Parser.join(none, test, or: false),
        let rest = RezExpression.Parser.negate(test).flatMap({
          RezExpression.Parser.join(none, $0, or: false)
        })
      else {
        skip(statement.line, statement.text)
        for line in statements[lines] { passOver(line) }
        return
      }
      if holds.truth != false {
        var next = branch.body
        if next < statements.count, statements[next].depth > statement.depth {
          readBody(statements, from: &next, holding: holds)
        }
      }
      none = rest
      if none.truth == false { return }
    }
  }

  /// A `case` pattern of literals, strings or numbers, joined by `|`, as Python source;
  /// empty for the wildcard `_`; nil for any other pattern (a capture, a class, a guard).
  private static func literalAlternatives(_ pattern: String) -> [String]? {
    let pattern = pattern.trimmedString
    if pattern == "_" { return [] }
    var alternatives: [String] = []
    var reader = PythonModuleReader(bytes: Array(pattern.utf8))
    while true {
      reader.skipSpaces()
      let start = reader.index
      guard let literal = try? reader.literal() else { return nil }
      switch literal {
      case .string, .integer, .boolean, .none: break
      default: return nil
      }
      alternatives.append(String(decoding: reader.bytes[start..<reader.index], as: UTF8.self))
      reader.skipSpaces()
      guard reader.index < reader.bytes.count else { return alternatives }
      guard reader.bytes[reader.index] == UInt8(ascii: "|") else { return nil }
      reader.index += 1
    }
  }

  /// A test's value as rez's commands would work it out; nil where flow cannot.
  private func value(of test: String) -> RezExpression.Value? {
    RezExpression.test(test, in: scope)
  }

  /// Does what one line does; false when it is none of the forms read.
  private mutating func perform(_ text: String) -> Bool {
    if text == "pass" || text.hasPrefix("import ") || text.hasPrefix("from ")
      || text.hasPrefix("global ")
    {
      // `from MODULE import *` may bind any name.
      if text.hasPrefix("from "), text.contains("*") { scope.namesUnknown = true }
      scope.boundNames.formUnion(Self.namesBound(by: text))
      return true
    }
    // A string alone (a docstring) changes nothing.
    if text.hasPrefix("'") || text.hasPrefix("\""), RezExpression.value(text, in: scope) != nil {
      return true
    }
    if text.hasPrefix("["), text.hasSuffix("]") {
      return performEach(String(text.dropFirst().dropLast()))
    }
    // A function the commands define returns to where it was called (its call's loop is
    // the first).
    if let called = callSite, let expression = Self.returnedExpression(text) {
      // Reached only where a test of the resolve holds: what follows applies where it does
      // not, and what the call gives depends on the resolve.
      if let here = effectiveCondition, here != called {
        loops[0].ended.append(here)
        returnedByCall = .some(nil)
        return true
      }
      if returnedByCall == nil {
        returnedByCall = .some(
          expression.isEmpty ? RezExpression.Value.none : value(of: expression))
      }
      jump = .returned
      return true
    }
    // rez runs commands as a module's lines, where a `return` is an error: only a field's
    // function returns.
    if readsValue, let expression = Self.returnedExpression(text) {
      // Reached only where a test of the resolve holds: not followed.
      guard effectiveCondition == nil else { return false }
      if expression.isEmpty || expression == "None" {
        returned = PythonLiteral.none
      } else {
        guard let value = value(of: expression)?.pythonLiteral else { return false }
        returned = value
      }
      jump = .returned
      return true
    }
    if text == "continue" || text == "break", let innermost = loops.indices.last {
      // Outside a loop of the function called, Python refuses it.
      guard !loops[innermost].isCall else { return false }
      // Whatever the resolve, the round (or the loop) ends here; under a test of the
      // resolve, what is read after applies only where it does not hold.
      guard let here = effectiveCondition, here != loops[innermost].roundStart else {
        jump = text == "break" ? .endLoop : .nextRound
        return true
      }
      if text == "break" {
        loops[innermost].ended.append(here)
      } else {
        loops[innermost].roundEnded.append(here)
      }
      return true
    }
    var reader = PythonModuleReader(bytes: Array(text.utf8))
    guard let head = reader.identifier() else { return false }
    // A call of a function the commands define, read here with its arguments bound.
    if scope.locals[head] == nil, let function = scope.functions[head], Self.take("(", &reader) {
      guard let (positional, named) = RezExpression.arguments(reading: &reader, in: scope),
        Self.atEnd(&reader)
      else { return false }
      return call(function, positional, named) != nil
    }
    // `env = globals()["env"]`, written for linters, binds rez's name to itself.
    var rest = reader
    if RezExpression.isBound(head) || scope.kind == .late && head == "in_context",
      rebindsItself(head, &rest)
    {
      return true
    }
    // rez's messages (`info('…')`, `error('…')`, `comment('…')`), its `shebang()` and
    // Python's `print(…)`, written where rez runs or where the context is sourced, change
    // nothing either.
    if ["info", "error", "comment", "print", "shebang"].contains(head), Self.take("(", &reader) {
      return true
    }
    if head == "env" {
      guard let change = envChange(&reader) else { return false }
      apply(change)
      keepNamed(change.variable)
      return true
    }
    // An attribute set on the package (`this.projects_path = '/mnt'`): the lines after read
    // it (`this.NAME`, `{this.NAME}`) as they read a name assigned, held as `this.NAME`.
    if head == "this", scope.locals["this"] == nil, reader.peek == UInt8(ascii: ".") {
      reader.index += 1
      guard let name = reader.identifier(), Self.take("=", &reader),
        reader.peek != UInt8(ascii: "=")
      else { return false }
      var assigned = value(&reader)
      if !Self.atEnd(&reader) { assigned = nil }
      assign("this." + name, assigned)
      return assigned != nil
    }
    if head == "unsetenv" {
      guard Self.take("(", &reader), case .string(let name)? = value(&reader),
        RezExpression.isVariableName(name), Self.closesCall(&reader), Self.atEnd(&reader)
      else { return false }
      apply((.unset, name, ""))
      return true
    }
    // `alias(NAME, COMMAND)`: the shell function `ShellFunction` carries.
    if head == "alias" {
      guard Self.take("(", &reader), let name = variableText(&reader),
        ShellFunction.problem(withName: name) == nil, Self.take(",", &reader),
        let command = variableText(&reader), Self.closesCall(&reader), Self.atEnd(&reader)
      else { return false }
      apply((.alias, name, command))
      return true
    }
    // `stop(MESSAGE, ARGUMENTS…)`: the environment is not made where it is reached.
    if head == "stop", scope.locals["stop"] == nil, Self.take("(", &reader) {
      guard let (arguments, named) = RezExpression.arguments(reading: &reader, in: scope),
        named.isEmpty, Self.atEnd(&reader), case .string(let format)? = arguments.first,
        !arguments.contains(where: \.refersToVariables),
        let message = RezExpression.percentFormatted(format, Array(arguments.dropFirst()))
      else { return false }
      apply((.stop, "", message))
      return true
    }
    // `resetenv(NAME, VALUE, FRIENDS)` sets the variable as `setenv` does; its friends
    // change nothing.
    let functions: [String: Operation] = [
      "setenv": .set, "appendenv": .append, "prependenv": .prepend, "resetenv": .set,
    ]
    if let operation = functions[head] {
      guard Self.take("(", &reader), case .string(let name)? = value(&reader),
        RezExpression.isVariableName(name), Self.take(",", &reader),
        let value = variableText(&reader),
        head != "resetenv" || !Self.take(",", &reader) || self.value(&reader) != nil,
        Self.closesCall(&reader), Self.atEnd(&reader)
      else { return false }
      apply((operation, name, value))
      return true
    }
    var change = reader
    var addition: Addition?
    if case .some(.some(let current)) = scope.locals[head] {
      // In a round that may not run, the items added are held under its condition.
      let held = effectiveCondition
      addition = self.addition(to: current, &change, holding: held != condition ? held : nil)
    }
    if let addition, var value = scope.locals.removeValue(forKey: head) ?? nil {
      // Changed in place, taken out of the locals so that it is the only reference: a list
      // built over many rounds is not copied at each.
      value.add(addition)
      if case .string = value {
        assign(head, value)
      } else {
        scope.locals[head] = .some(value)
      }
      return true
    }
    // A name assigned for the lines after: unknown to them when its value is. One of
    // rez's values (`version = str(this.version).split('.')`) is the commands' own from
    // there, as in Python, while a string's `{version}` is still rez's; rez's functions,
    // `env` and the names tests read (`resolve`) are not taken over.
    // Several names (`major, minor = ...`) take a tuple's items.
    var names = [head]
    while Self.take(",", &reader) {
      reader.skipSpaces()
      guard let name = reader.identifier() else { return false }
      names.append(name)
    }
    reader.skipSpaces()
    guard names.allSatisfy(Self.isAssignable), reader.peek == UInt8(ascii: "="),
      reader.index + 1 < reader.bytes.count, reader.bytes[reader.index + 1] != UInt8(ascii: "=")
    else { return false }
    reader.index += 1
    var assigned = value(&reader).map { [$0] }
    if !Self.atEnd(&reader) { assigned = nil }
    if names.count > 1 {
      if let items = assigned?.first?.placedItems, items.count == names.count {
        assigned = items
      } else {
        assigned = nil
      }
    }
    for (place, name) in names.enumerated() { assign(name, assigned?[place]) }
    return assigned != nil
  }

  /// Does what a list comprehension written as a line does (`[CALL for NAMES in ITERABLE]`,
  /// `… if TEST]`, the brackets taken off): the call for each item, in order; nothing at
  /// all, and false, when an item's call or test is not worked out. Its names are its own,
  /// as in Python.
  private mutating func performEach(_ text: String) -> Bool {
    guard let (call, clauses) = Self.split(text, atWord: "for"),
      Self.split(clauses, atWord: "for") == nil,
      let (targets, source) = Self.split(clauses, atWord: "in")
    else { return false }
    let (items, test) = Self.split(source, atWord: "if") ?? (source, nil)
    guard let values = value(of: items)?.iterated, values.count <= Self.loopLimit - loopWork,
      let rounds = Self.rounds(of: targets, over: values)
    else { return false }
    let names = rounds.first?.names.map(\.0) ?? []
    let outer = names.map { scope.locals[$0] }
    let ending = readRounds(rounds, count: 1) { commands in
      if let test {
        guard let holds = commands.value(of: test)?.truth else {
          commands.jump = .abandoned
          return
        }
        if !holds { return }
      }
      if !commands.perform(call.trimmedString) { commands.jump = .abandoned }
    }
    guard ending != nil else { return false }
    for (name, value) in zip(names, outer) { scope.locals[name] = value }
    return true
  }

  /// The names after the first of a list (`, b, c` of `a, b, c = …`), each after its comma.
  private static func moreNames(_ reader: inout PythonModuleReader) -> [String] {
    var names: [String] = []
    while take(",", &reader) {
      reader.skipSpaces()
      guard let name = reader.identifier() else { break }
      names.append(name)
    }
    return names
  }

  /// The names a loop's target binds (`key, (a, b)`).
  private static func targetNames(_ targets: String) -> [String] {
    let spaced = targets.replacing("(", with: " ").replacing(")", with: " ")
    return spaced.replacing(",", with: " ").split(separator: " ").map(String.init)
  }

  // MARK: functions the commands define

  /// A function the commands define (`def NAME(PARAMETERS):`), read each time it is
  /// called (`call`): its parameters (`name`, `name=DEFAULT`, `*rest`, `**named`), the
  /// names its body binds, which are its own as in Python, and its body.
  struct Function {
    var parameters: [(name: String, default: RezExpression.Value?)] = []
    var rest: String?
    var named: String?
    var body: [Statement]
    var locals: Set<String> = []
    /// What reading it once takes of the scope's budget: its body's bytes.
    var cost: Int

    /// The values its parameters take for a call; nil where Python refuses the call (too
    /// many or too few arguments, one given twice), or where more than one named argument
    /// goes to `**named`, whose order is not kept.
    func binding(_ positional: [RezExpression.Value], _ named: [String: RezExpression.Value])
      -> [String: RezExpression.Value]?
    {
      guard positional.count <= parameters.count || rest != nil else { return nil }
      var bound: [String: RezExpression.Value] = [:]
      for (parameter, value) in zip(parameters, positional) { bound[parameter.name] = value }
      var extra: [(String, RezExpression.Value)] = []
      for (name, value) in named {
        if parameters.contains(where: { $0.name == name }) {
          guard bound.updateValue(value, forKey: name) == nil else { return nil }
        } else {
          extra.append((name, value))
        }
      }
      guard extra.isEmpty || self.named != nil && extra.count == 1 else { return nil }
      for parameter in parameters where bound[parameter.name] == nil {
        guard let value = parameter.default else { return nil }
        bound[parameter.name] = value
      }
      if let rest { bound[rest] = .tuple(Array(positional.dropFirst(parameters.count))) }
      if let name = self.named {
        bound[name] = .dictionary(keys: extra.map { .string($0.0) }, values: extra.map(\.1))
      }
      return bound
    }
  }

  /// How deep calls of the commands' own functions may nest.
  static let deepestCall = 32

  /// Defines the function whose `def` line is `text` with `body` (its lines, deeper);
  /// false where the line is not one flow reads (a default not worked out, a parameter
  /// form not read) or the function is defined only where a test of the resolve holds.
  private mutating func define(_ text: String, body: [Statement]) -> Bool {
    guard !body.isEmpty, effectiveCondition == callSite ?? nil else { return false }
    var reader = PythonModuleReader(bytes: Array(text.utf8))
    _ = reader.identifier()
    reader.skipSpaces()
    guard let name = reader.identifier(), Self.take("(", &reader) else { return false }
    var function = Function(body: body, cost: body.reduce(1) { $0 + $1.text.utf8.count })
    var names: Set<String> = []
    while !Self.take(")", &reader) {
      reader.skipSpaces()
      if Self.take("*", &reader) {
        let keywords = Self.take("*", &reader)
        reader.skipSpaces()
        guard let parameter = reader.identifier(), function.named == nil,
          keywords || function.rest == nil
        else { return false }
        if keywords { function.named = parameter } else { function.rest = parameter }
        names.insert(parameter)
      } else {
        guard let parameter = reader.identifier(), function.rest == nil, function.named == nil
        else { return false }
        var initial: RezExpression.Value?
        if Self.take("=", &reader) {
          guard let given = value(&reader) else { return false }
          initial = given
        } else if function.parameters.last.map({ $0.default != nil }) == true {
          return false
        }
        function.parameters.append((parameter, initial))
        guard names.insert(parameter).inserted else { return false }
      }
      if !Self.take(",", &reader) {
        guard Self.take(")", &reader) else { return false }
        break
      }
    }
    guard Self.take(":", &reader), Self.atEnd(&reader) else { return false }
    function.locals = names.union(Self.boundNames(body))
    scope.locals.removeValue(forKey: name)
    scope.functions[name] = function
    envLinesRead.removeAll()
    envLinesLeftOut.removeAll()
    wholeLines.removeAll()
    return true
  }

  /// The names the lines of a function's body bind (`name = …`, `a, b = …`, `name += …`,
  /// a loop's target, `def name`, `del name`), less those it declares `global` or
  /// `nonlocal`: Python's local names of the function.
  private static func boundNames(_ body: [Statement]) -> Set<String> {
    var names: Set<String> = []
    var declared: Set<String> = []
    for statement in body {
      let text = statement.text
      if let loop = loopHeader(text) {
        names.formUnion(targetNames(loop.targets))
        continue
      }
      var reader = PythonModuleReader(bytes: Array(text.utf8))
      guard let first = reader.identifier() else { continue }
      var targets = [first]
      switch first {
      case "global", "nonlocal", "def", "del":
        reader.skipSpaces()
        guard let name = reader.identifier() else { continue }
        targets = [name] + (first == "def" ? [] : moreNames(&reader))
        if first == "global" || first == "nonlocal" {
          declared.formUnion(targets)
        } else {
          names.formUnion(targets)
        }
        continue
      default:
        guard !keywords.contains(first) else { continue }
      }
      targets += moreNames(&reader)
      reader.skipSpaces()
      guard let byte = reader.peek else { continue }
      reader.index += 1
      let next = reader.peek
      let equals = UInt8(ascii: "=")
      // `name = …` (not `==`), or an augmented assignment (`+=`, `//=`, `**=`, …).
      if byte == equals ? next != equals : "+-*/%@&|^<>".utf8.contains(byte) && next == equals {
        names.formUnion(targets)
      } else if (byte == UInt8(ascii: "/") || byte == UInt8(ascii: "*")) && next == byte {
        reader.index += 1
        if reader.peek == equals { names.formUnion(targets) }
      }
    }
    return names.subtracting(declared)
  }

  /// Reads `function`'s body for a call with these arguments as Python runs it: its
  /// parameters bound, the names it binds its own, the commands' other names read (and
  /// changed in place, `paths.append(…)`); its changes apply where the call is read. What
  /// it returned (`None` without a `return`; `.some(nil)`: a value flow does not work out,
  /// or one that depends on the resolve); nil, with nothing it read counting but its
  /// warnings, where the arguments do not fit it, calls nest too deep, the scope's budget
  /// is spent (`RezExpression.Budget.takeCall`), or where it returns is not known (a
  /// `return` in a line left out). After a `return` under a test of the resolve, what it
  /// reads applies where that test does not hold.
  private mutating func call(
    _ function: Function, _ positional: [RezExpression.Value],
    _ named: [String: RezExpression.Value]
  ) -> RezExpression.Value?? {
    guard scope.callDepth < Self.deepestCall, let bound = function.binding(positional, named),
      scope.budget.takeCall(function.cost)
    else { return nil }
    let before = self
    let outer = (locals: scope.locals, functions: scope.functions, loops: loops)
    let outerCondition = condition
    let outerReturned = returnedByCall
    let here = effectiveCondition
    condition = here
    loops = [Loop(roundStart: here, isCall: true)]
    returnedByCall = nil
    scope.callDepth += 1
    for name in function.locals { scope.locals.removeValue(forKey: name) }
    for (name, value) in bound { scope.locals[name] = .some(value) }
    var next = 0
    read(function.body, from: &next)
    let ended = jump
    let returned = returnedByCall ?? .some(RezExpression.Value.none)
    let uncertain = loops.first?.uncertain ?? []
    jump = nil
    scope.callDepth -= 1
    returnedByCall = outerReturned
    condition = outerCondition
    loops = outer.loops
    // The function's own names go; the commands' others keep what it did to them, unknown
    // where it did it after a `return` under a test of the resolve.
    var locals = outer.locals
    for (name, value) in scope.locals where !function.locals.contains(name) {
      locals[name] = uncertain.contains(name) ? .some(nil) : value
    }
    scope.locals = locals
    scope.functions = outer.functions
    guard ended != .abandoned else {
      let kept = (skipped, skippedLines, loopWork)
      self = before
      (skipped, skippedLines, loopWork) = kept
      return nil
    }
    return returned
  }

  /// What a call of `function` in an expression gives, read in `scope`: nil where the call
  /// is not followed (`call`), its value is not worked out, or it does more than return a
  /// value (changes a variable, a name of the commands, or leaves a line out), which an
  /// expression's value cannot carry.
  static func value(
    calling function: Function, _ positional: [RezExpression.Value],
    _ named: [String: RezExpression.Value], in scope: RezExpression.Scope
  ) -> RezExpression.Value? {
    var commands = RezCommands(phase: .commands, scope: scope)
    // Its lines' reads are its own: the expression calling it keeps those it made.
    commands.scope.reads = RezExpression.Scope.VariableReads()
    commands.keepsStops = false
    guard let returned = commands.call(function, positional, named), let value = returned,
      commands.variables.isEmpty, commands.skipped.isEmpty, commands.unknownAt == nil,
      commands.scope.locals == scope.locals
    else { return nil }
    return value
  }

  /// What the rest of a line (after a local's name) adds to the local's value:
  /// `.append(ITEM)` and `.extend(ITEMS)` of a list, `+= ITEMS` of a list (any iterable) or
  /// `+= TEXT` of a string, items held under `held` where given; nil for any other line, or
  /// one whose value is not known.
  private func addition(
    to current: RezExpression.Value, _ reader: inout PythonModuleReader, holding held: String?
  ) -> Addition? {
    reader.skipSpaces()
    let added: [RezExpression.Value]
    if Self.take(".", &reader) {
      guard let method = reader.identifier(), method == "append" || method == "extend",
        Self.take("(", &reader), let argument = value(&reader), Self.closesCall(&reader),
        Self.atEnd(&reader)
      else { return nil }
      guard case .tuple = current else { return nil }
      if method == "append" {
        added = [argument]
      } else {
        guard let items = argument.iterated else { return nil }
        added = items
      }
    } else {
      let subtracts = Self.take("-", &reader)
      guard subtracts || Self.take("+", &reader), reader.peek == UInt8(ascii: "="),
        Self.advance(&reader), let argument = value(&reader), Self.atEnd(&reader)
      else { return nil }
      // Python's integers (`count += 1`), which a round may not change unseen.
      if current.integer != nil, argument.integer != nil {
        guard held == nil else { return nil }
        return current.integerSum(argument, subtracting: subtracts).map(Addition.value)
      }
      guard !subtracts else { return nil }
      switch (current, argument) {
      case (.string, .string(let more)): return .text(more)
      case (.tuple, _):
        guard let items = argument.iterated else { return nil }
        added = items
      default: return nil
      }
    }
    guard let held else { return .items(added) }
    return .items(added.map { .conditional(condition: held, value: $0) })
  }

  /// Items added to a list, text to a string, or an integer's new value
  /// (`addition(to:_:holding:)`).
  fileprivate enum Addition {
    case items([RezExpression.Value])
    case text(String)
    case value(RezExpression.Value)
  }

  /// What `return EXPRESSION` returns, as text (empty for a `return` alone); nil for
  /// another line.
  private static func returnedExpression(_ text: String) -> String? {
    guard text.hasPrefix("return") else { return nil }
    let rest = text.dropFirst("return".count)
    guard let first = rest.first else { return "" }
    guard !(first.isLetter || first.isNumber || first == "_") else { return nil }
    return String(rest.trimmingSpaces)
  }

  /// Whether the rest of the line (after `name`) is `= globals()['name']` or
  /// `= globals().get('name')`, or the same of `locals()`: rez runs the commands' body with
  /// its names bound at the top, where both are the same dictionary.
  private func rebindsItself(_ name: String, _ reader: inout PythonModuleReader) -> Bool {
    guard Self.take("=", &reader) else { return false }
    reader.skipSpaces()
    let dictionary = reader.identifier()
    guard dictionary == "globals" || dictionary == "locals", Self.take("(", &reader),
      Self.take(")", &reader)
    else { return false }
    let closing: Character
    if Self.take("[", &reader) {
      closing = "]"
    } else {
      guard Self.take(".", &reader), reader.identifier() == "get", Self.take("(", &reader)
      else { return false }
      closing = ")"
    }
    guard case .string(let key)? = value(&reader), key == name, Self.take(closing, &reader)
    else { return false }
    return Self.atEnd(&reader)
  }

  /// `env.NAME` or `env['NAME']` (after `env`), then `= VALUE` or `.set(VALUE)`,
  /// `.append(VALUE)`, `.prepend(VALUE)`.
  private func envChange(_ reader: inout PythonModuleReader) -> (
    operation: Operation, variable: String, value: String
  )? {
    let variable: String
    if Self.take("[", &reader) {
      guard case .string(let name)? = value(&reader), Self.take("]", &reader) else { return nil }
      variable = name
    } else {
      guard reader.peek == UInt8(ascii: "."), Self.advance(&reader), let name = reader.identifier()
      else { return nil }
      variable = name
    }
    guard RezExpression.isVariableName(variable) else { return nil }
    reader.skipSpaces()
    if reader.peek == UInt8(ascii: "="), reader.index + 1 < reader.bytes.count,
      reader.bytes[reader.index + 1] != UInt8(ascii: "=")
    {
      reader.index += 1
      guard let value = variableText(&reader), Self.atEnd(&reader) else { return nil }
      return (.set, variable, value)
    }
    guard reader.peek == UInt8(ascii: "."), Self.advance(&reader),
      let method = reader.identifier(), let operation = Self.operation(named: method),
      Self.take("(", &reader)
    else { return nil }
    if operation == .unset {
      return Self.take(")", &reader) && Self.atEnd(&reader) ? (.unset, variable, "") : nil
    }
    guard let value = variableText(&reader), Self.closesCall(&reader), Self.atEnd(&reader)
    else { return nil }
    return (operation, variable, value)
  }

  private func value(_ reader: inout PythonModuleReader) -> RezExpression.Value? {
    RezExpression.value(reading: &reader, in: scope)
  }

  /// The value at `reader` as the text rez gives a variable.
  private func variableText(_ reader: inout PythonModuleReader) -> String? {
    value(&reader).flatMap { RezExpression.variableText($0, in: scope) }
  }

  private static func take(_ symbol: Character, _ reader: inout PythonModuleReader) -> Bool {
    reader.skipSpaces()
    guard reader.peek == symbol.asciiValue else { return false }
    reader.index += 1
    return true
  }

  /// The `)` closing a call's arguments, after a comma or not, as Python allows.
  private static func closesCall(_ reader: inout PythonModuleReader) -> Bool {
    _ = take(",", &reader)
    return take(")", &reader)
  }

  /// Nothing but spaces and a comment left.
  private static func atEnd(_ reader: inout PythonModuleReader) -> Bool {
    reader.skipSpaces()
    return reader.peek == nil || reader.peek == UInt8(ascii: "#")
  }

  enum Operation { case set, append, prepend, unset, alias, stop }

  /// Adds a change so that applying the result gives what rez's commands give in order: a
  /// set replaces what came before, and later appends and prepends extend the set value.
  /// A change made under a condition on the resolve is kept apart from the variable's
  /// others, in its order among them.
  mutating func apply(_ change: (operation: Operation, variable: String, value: String)) {
    let condition = effectiveCondition
    let kind: VariableChange.Kind
    switch change.operation {
    case .alias: kind = .alias
    case .stop:
      // Each stop is its own, in order.
      variables.append(
        VariableChange(
          name: "", set: [change.value], phase: phase, condition: condition, kind: .stop))
      return
    default: kind = .variable
    }
    // An alias names a function, which `defined()` does not test.
    if kind == .variable {
      noteChange(change.operation, of: change.variable, where: condition)
      // Known from here if set here to a value of its own; a value with braces is left
      // out, as rez would format it again where it is read.
      let plain = !change.value.contains { $0 == "$" || $0 == "{" || $0 == "}" }
      scope.knownVariables[change.variable] =
        change.operation == .set && condition == nil && !scope.changesUnknown && plain
        ? change.value : nil
    }
    let last = variables.lastIndex { $0.name == change.variable && $0.kind == kind }
    let index =
      last.flatMap { variables[$0].condition == condition ? $0 : nil }
      ?? {
        variables.append(
          VariableChange(name: change.variable, phase: phase, condition: condition))
        return variables.count - 1
      }()
    // Changed in place: a copy of the entry would copy its lists at every change.
    switch change.operation {
    case .set:
      variables[index] = VariableChange(
        name: change.variable, set: [change.value], phase: phase, condition: condition)
    case .unset:
      variables[index] = VariableChange(
        name: change.variable, phase: phase, condition: condition, unset: true)
    case .alias:
      variables[index] = VariableChange(
        name: change.variable, set: [change.value], phase: phase, condition: condition,
        kind: .alias)
    case .stop: preconditionFailure("a stop is added above")
    case .append:
      if variables[index].set != nil {
        variables[index].set!.append(change.value)
      } else {
        variables[index].append.append(change.value)
      }
    case .prepend:
      if variables[index].set != nil {
        variables[index].set!.insert(change.value, at: 0)
      } else {
        variables[index].prepend.insert(change.value, at: 0)
      }
    }
  }

  /// Keeps where the commands set `variable` and where they kept it from an unset, for
  /// `defined()` on the lines after (`RezExpression.Scope.changedHere`).
  private mutating func noteChange(
    _ operation: Operation, of variable: String, where condition: String?
  ) {
    typealias Parser = RezExpression.Parser
    let here = condition.map(RezExpression.Value.condition) ?? .boolean(true)
    // A value no test reads (`Value.object`): joins fail, leaving `defined()` unknown.
    let unknown = RezExpression.Value.object("")
    var changed = scope.changedHere[variable] ?? (set: .boolean(false), kept: .boolean(true))
    if operation == .unset {
      let elsewhere = Parser.negate(here) ?? unknown
      changed.set = Parser.join(changed.set, elsewhere, or: false) ?? unknown
      changed.kept = Parser.join(changed.kept, elsewhere, or: false) ?? unknown
    } else {
      changed.set = Parser.join(changed.set, here, or: true) ?? unknown
    }
    scope.changedHere[variable] = changed
  }

  /// Keeps that a change read now named `variable` through `env`, where it applies: rez's
  /// `env.keys()` holds it from here (`Kind.key`, `Scope.EnvNames.surely`). Past
  /// `namedTestLimit` conditions, it is perhaps named instead, so that a loop of thousands
  /// of rounds under tests adds few changes.
  private mutating func keepNamed(_ variable: String) {
    // Named wherever the lines are reached already (the change without a condition, which
    // `surely` lists): a loop's round names it again.
    if scope.envNames.surely.contains(variable) { return }
    let condition = effectiveCondition
    if let condition {
      // Where the lines after read `env.keys()`: named here where any test so far holds.
      let before = scope.envNames.namedWhere[variable] ?? .boolean(false)
      let here = RezExpression.Parser.join(before, .condition(condition), or: true)
      if namedTests[variable, default: 0] >= Self.namedTestLimit || here == nil {
        namedUnread.insert(variable)
        scope.envNames.perhaps.insert(variable)
        return
      }
      scope.envNames.namedWhere[variable] = here
    } else {
      scope.envNames.surely.insert(variable)
    }
    if let place = namedPlaces[condition] {
      guard namedPlaces[condition]!.variables.insert(variable).inserted else { return }
      named[place.index].set?.append(variable)
    } else {
      namedPlaces[condition] = (named.count, [variable])
      named.append(
        VariableChange(name: "", set: [variable], phase: phase, condition: condition, kind: .key))
    }
    if condition != nil { namedTests[variable, default: 0] += 1 }
  }

  /// Keeps the variables `statement` names through `env` (`envMentions`) as perhaps named
  /// from here. `read`: the line is about to be read, and a change of the one variable it
  /// names (`env.NAME = …`) keeps where it named it (`keepNamed`), or is left out, which
  /// notes the line again (`forget`); otherwise it may name them wherever it runs.
  private mutating func noteEnvNames(_ statement: Statement, read: Bool) {
    guard scope.bindsRez else { return }
    // A line Python evaluates whole names its variables wherever it is reached, whether
    // flow reads it or not (rez's context fails where it raises): kept each round.
    if read, let names = wholeLines[statement.line] {
      for name in names { keepNamed(name) }
      return
    }
    // A line noted so before names the same again: a loop reads its body once per round.
    guard
      read
        ? envLinesRead.insert(statement.line).inserted
        : envLinesLeftOut.insert(statement.line).inserted
    else { return }
    let text = statement.text
    guard text.contains("env") else { return }
    let mentions = envMentions(text)
    if mentions.unknown { scope.envNames.unknown = true }
    if read && mentions.whole {
      let names = mentions.names.sorted()
      wholeLines[statement.line] = names
      for name in names { keepNamed(name) }
      return
    }
    scope.envNames.perhaps.formUnion(mentions.names)
    let changesItsOne = read && text.hasPrefix("env") && mentions.names.count == 1
    if !changesItsOne { namedUnread.formUnion(mentions.names) }
  }

  /// After the commands: a `Kind.key` change of the variables lines may have named through
  /// `env` where flow cannot tell (`unset`: perhaps named), beyond those a change named
  /// wherever the commands run; one listing none where they may have named any.
  private mutating func keepNamesUnread() {
    guard scope.bindsRez else { return }
    if scope.envNames.unknown {
      named.append(VariableChange(name: "", phase: phase, kind: .key))
      return
    }
    // Beyond those named wherever the lines are reached (`surely`). Sorted: the index and
    // the lock's digests hold the same bytes for the same file.
    let perhaps = namedUnread.subtracting(scope.envNames.surely).sorted()
    if !perhaps.isEmpty {
      named.append(VariableChange(name: "", set: perhaps, phase: phase, unset: true, kind: .key))
    }
  }

  /// The variables `text` names through rez's `env`, as rez then holds them in `env.keys()`:
  /// `env.NAME`, `env['NAME']` and `{env.NAME}` (in any string: rez formats most), and those
  /// the functions the commands define that it calls name; `unknown` where it names `env`
  /// in a way that may name any variable (`env[name]`, `env.get(…)`, `getattr(env, …)`).
  /// `env.keys()`, `in env`, `global env` and `env = globals()['env']` name none, nor does
  /// the word in a string other than as a field (`alias('x', 'env A=1 x')`) or in a comment.
  /// `whole`: Python evaluates every part of the line wherever it is reached (an `if`'s
  /// test included), so each variable is named there: it calls no function the commands
  /// define, and neither `and`, `or`, `if`, `else`, `lambda`, `for` nor `while` leaves a
  /// part unevaluated (a leading `if` aside).
  func envMentions(_ text: String) -> (names: Set<String>, unknown: Bool, whole: Bool) {
    var names: Set<String> = []
    var unknown = false
    var whole = true
    var visited: Set<String> = []
    func visit(_ text: String) {
      // `env = globals()['env']` binds rez's name to itself.
      if text.hasPrefix("env") {
        let rest = text.dropFirst(3).trimmingSpaces
        if rest.hasPrefix("="), !rest.hasPrefix("==") { return }
      }
      let bytes = Array(text.utf8)
      let (quoted, end) = Self.quotedBytes(bytes)
      if whole, Self.mayLeaveUnevaluated(bytes, quoted: quoted, end: end) { whole = false }
      var index = 0
      while let found = bytes[index..<end].firstRange(of: Array("env".utf8)) {
        let start = found.lowerBound
        index = found.upperBound
        if start > 0,
          RezVersion.isTokenByte(bytes[start - 1]) || bytes[start - 1] == UInt8(ascii: ".")
        {
          continue
        }
        if index < bytes.count, RezVersion.isTokenByte(bytes[index]) { continue }
        var reader = PythonModuleReader(bytes: bytes)
        reader.index = index
        // In a string, only a field rez formats names a variable: `{env.NAME}`, its `{` not
        // doubled.
        if quoted[start] {
          let isField =
            start > 0 && bytes[start - 1] == UInt8(ascii: "{")
            && (start < 2 || bytes[start - 2] != UInt8(ascii: "{"))
          if isField, reader.peek == UInt8(ascii: "."), Self.advance(&reader),
            let name = reader.identifier(), RezExpression.isVariableName(name)
          {
            names.insert(name)
          }
          continue
        }
        if reader.peek == UInt8(ascii: "."), Self.advance(&reader), let name = reader.identifier() {
          if name == "keys" { continue }
          if Self.mappingMethods.contains(name) || !RezExpression.isVariableName(name) {
            unknown = true
          } else {
            names.insert(name)
          }
          continue
        }
        if reader.peek == UInt8(ascii: "["), Self.advance(&reader),
          case .string(let name)? = RezExpression.value(
            reading: &reader, in: RezExpression.Scope(package: [:])),
          Self.take("]", &reader), RezExpression.isVariableName(name)
        {
          names.insert(name)
          continue
        }
        // `in env`, `global env`: no variable named.
        let before = String(decoding: bytes[..<start], as: UTF8.self).trimmingSpaces
        if before.hasSuffix(" in") || before == "global" || before == "nonlocal" { continue }
        unknown = true
      }
      for (name, function) in scope.functions
      where text.contains(name + "(") && visited.insert(name).inserted {
        whole = false
        for statement in function.body { visit(statement.text) }
      }
    }
    visit(text)
    return (names, unknown, whole)
  }

  /// Whether a word of Python's code in `bytes` (outside its strings, before `end`) may
  /// leave part of the line unevaluated: `and`, `or`, `if` (but a leading one), `else`,
  /// `lambda`, `for`, `while`.
  static func mayLeaveUnevaluated(_ bytes: [UInt8], quoted: [Bool], end: Int) -> Bool {
    var index = 0
    var first = true
    while index < end {
      guard !quoted[index], RezVersion.isTokenByte(bytes[index]) else {
        index += 1
        continue
      }
      let start = index
      while index < end, !quoted[index], RezVersion.isTokenByte(bytes[index]) { index += 1 }
      // A word, not part of a dotted name (`env.if_x`) or a number.
      let word = bytes[start..<index]
      let dotted = start > 0 && bytes[start - 1] == UInt8(ascii: ".")
      defer { first = false }
      if dotted { continue }
      switch String(decoding: word, as: UTF8.self) {
      case "if": if !first { return true }
      case "and", "or", "else", "lambda", "for", "while": return true
      default: break
      }
    }
    return false
  }

  /// Per byte of a line of Python, whether it lies inside a string literal (its quotes
  /// included), and where a comment starts (else the end): Python's quotes, one or three,
  /// with a backslash escaping the byte after it (in raw strings too, for where a string
  /// ends).
  static func quotedBytes(_ bytes: [UInt8]) -> (quoted: [Bool], end: Int) {
    var quoted = [Bool](repeating: false, count: bytes.count)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "#") { return (quoted, index) }
      guard byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") else {
        index += 1
        continue
      }
      let triple = index + 2 < bytes.count && bytes[index + 1] == byte && bytes[index + 2] == byte
      let width = triple ? 3 : 1
      let start = index
      index += width
      while index < bytes.count {
        if bytes[index] == UInt8(ascii: "\\") {
          index += 2
        } else if bytes[index] == byte
          && (!triple
            || (index + 2 < bytes.count && bytes[index + 1] == byte
              && bytes[index + 2] == byte))
        {
          index += width
          break
        } else {
          index += 1
        }
      }
      for place in start..<min(index, bytes.count) { quoted[place] = true }
    }
    return (quoted, bytes.count)
  }

  /// The methods of rez's `env` (a Python mapping) that may name any variable.
  private static let mappingMethods: Set = [
    "get", "items", "values", "pop", "popitem", "setdefault", "update", "clear", "copy",
  ]

  private static func advance(_ reader: inout PythonModuleReader) -> Bool {
    reader.index += 1
    return true
  }

  private static func operation(named method: String) -> Operation? {
    switch method {
    case "set": return .set
    case "append": return .append
    case "prepend": return .prepend
    case "unset": return .unset
    default: return nil
    }
  }
}

extension RezExpression.Value {
  /// Adds `addition` to this list or string in place: the value's own reference is let go
  /// first, so that one held nowhere else is not copied.
  fileprivate mutating func add(_ addition: RezCommands.Addition) {
    switch addition {
    case .items(let added):
      guard case .tuple(var items) = self else { preconditionFailure("items added to no list") }
      self = .boolean(false)
      items += added
      self = .tuple(items)
    case .text(let more):
      guard case .string(var text) = self else { preconditionFailure("text added to no string") }
      self = .boolean(false)
      text += more
      self = .string(text)
    case .value(let value): self = value
    }
  }
}
