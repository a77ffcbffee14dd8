/// The expressions of a rez package's commands that flow works out without running Python,
/// as rez would: strings (plain, joined, f-strings, `%` and `.format()`), rez's bindings
/// (`root`, `this.version`, `env.HOME`, `resolve.python.base`, `system.platform`,
/// `building`), the commands' own local names, `os.path.join`, `str`, `getenv`,
/// `expandvars`, `literal`, `defined` and `undefined` (`EnvironmentTests`), comparisons
/// and `not`, `and`, `or`. Anything else is unknown
/// (nil): the line holding it is left out.
enum RezExpression {
  /// A value as Python holds it in rez's commands.
  enum Value: Equatable {
    /// A string: rez formats it (`{root}`) when it becomes a variable's value.
    case string(String)
    /// One of rez's objects (a version, another package's version): `str()` gives its
    /// text, `+` refuses it, and rez does not format it.
    case object(String)
    /// Python's `int`: a number written so, what `len()` gives, a version's token of digits
    /// as rez gives it.
    case integer(Int)
    /// A string rez does not format (`literal('{x}')`).
    case literal(String)
    case boolean(Bool)
    /// Python's `None`.
    case none
    case tuple([Value])
    /// A dict: its keys in the order first written, each with its value (the last one
    /// written for it).
    case dictionary(keys: [Value], values: [Value])
    /// An item of a list that holds it only where a condition on the resolve does (one a
    /// loop's round added after a `continue` under a test of the resolve): a loop over
    /// the list reads its round under that condition; anything else is unknown of it.
    indirect case conditional(condition: String, value: Value)
    /// Python's `os.environ.get('NAME', DEFAULT)` (also `os.getenv`) in commands: the
    /// variable's value in the environment the context is built in, else the default; with
    /// `ifEmpty`, `os.environ.get('NAME') or DEFAULT`, the default where it is empty too.
    /// Its truth and whether it `is None` are worked out as tests of that environment
    /// (`Parser.comparison()`); as a value, the line is read once per outcome of its test
    /// (`Scope.assumed`), each time with the value that outcome gives.
    indirect case environment(name: String, fallback: Value, ifEmpty: Bool = false)
    /// A truth known only once the resolve is: what it tests written as a condition
    /// (`'maya' in resolve`, `intersects(resolve.maya, '2020+')`), which `value(_:in:)`
    /// reads again with the resolve given (`Scope.resolved`).
    case condition(String)

    /// What `str()` gives; nil for a tuple or a condition.
    var text: String? {
      switch self {
      case .string(let text), .object(let text), .literal(let text): return text
      case .boolean(let truth): return truth ? "True" : "False"
      case .none: return "None"
      case .integer(let number): return String(number)
      case .tuple, .dictionary, .condition, .conditional, .environment: return nil
      }
    }

    /// Its truth as Python tests it; nil where flow cannot tell (an object, a string
    /// holding a variable's value, which may be empty where the commands are applied).
    var truth: Bool? {
      switch self {
      case .string(let text): return refersToVariables ? nil : !text.isEmpty
      case .literal(let text): return !text.isEmpty
      case .boolean(let truth): return truth
      case .none: return false
      case .tuple(let items):
        // Items held conditionally may all be missing.
        if items.contains(where: { !$0.isConditional }) { return true }
        return items.isEmpty ? false : nil
      case .dictionary(let keys, _): return !keys.isEmpty
      case .integer(let number): return number != 0
      case .object, .condition, .conditional, .environment: return nil
      }
    }

    /// Whether it is a string holding a variable's reference (`${HOME}`), whose text is
    /// known only where the commands are applied.
    var refersToVariables: Bool {
      switch self {
      case .string(let text): return text.utf8.contains(UInt8(ascii: "$"))
      case .tuple(let items): return items.contains { $0.refersToVariables }
      case .dictionary(let keys, let values):
        return keys.contains { $0.refersToVariables } || values.contains { $0.refersToVariables }
      case .conditional(_, let value): return value.refersToVariables
      case .environment: return true
      default: return false
      }
    }

    /// Whether it is `None`, `True` or `False`, of which Python holds one each.
    var isSingleton: Bool {
      switch self {
      case .none, .boolean: return true
      default: return false
      }
    }

    /// Whether it is an item held conditionally (`conditional`).
    var isConditional: Bool {
      if case .conditional = self { return true }
      return false
    }

    /// The items of a list (or tuple) whose places are known: none is held conditionally,
    /// so that the items after one are not where they would be without it; nil otherwise.
    var placedItems: [Value]? {
      guard case .tuple(let items) = self, !items.contains(where: \.isConditional) else {
        return nil
      }
      return items
    }

    /// The items a `for` loop takes from it, as Python gives them: a tuple's (or list's),
    /// a dict's keys, a string's characters; nil for anything else, or a value known only
    /// where the commands are applied.
    var iterated: [Value]? {
      guard !refersToVariables else { return nil }
      switch self {
      case .tuple(let items): return items
      case .dictionary(let keys, _): return keys
      case .string(let text), .literal(let text): return text.map { .string(String($0)) }
      default: return nil
      }
    }

    /// At least as many items as a loop takes from it (`iterated`), found without reading
    /// them.
    var iterationBound: Int {
      switch self {
      case .tuple(let items), .dictionary(let items, _): return items.count
      case .string(let text), .literal(let text): return text.utf8.count
      default: return 0
      }
    }

    /// Whether Python finds it equal to `other`: strings by their text (a `literal()` is
    /// one), the rest as the same value; nil where flow cannot tell (rez's objects, a value
    /// known only where the commands are applied).
    func equals(_ other: Value) -> Bool? {
      guard !refersToVariables, !other.refersToVariables else { return nil }
      switch (self, other) {
      case (.integer(let a), .integer(let b)): return a == b
      case (.string(let a), .string(let b)), (.string(let a), .literal(let b)),
        (.literal(let a), .string(let b)), (.literal(let a), .literal(let b)):
        return a == b
      case (.boolean(let a), .boolean(let b)): return a == b
      case (.none, .none): return true
      case (.tuple(let a), .tuple(let b)):
        guard a.count == b.count else { return false }
        for (left, right) in zip(a, b) {
          guard let same = left.equals(right) else { return nil }
          if !same { return false }
        }
        return true
      case (.object, _), (_, .object), (.condition, _), (_, .condition): return nil
      case (.dictionary, _), (_, .dictionary), (.conditional, _), (_, .conditional): return nil
      default: return false
      }
    }

    /// The number of an `int`; nil for anything else.
    var integer: Int? {
      guard case .integer(let number) = self else { return nil }
      return number
    }

    /// `self + other` (`self - other` where `subtracting`) of two integers; nil for
    /// anything else, or a result past `Int`'s range.
    func integerSum(_ other: Value, subtracting: Bool) -> Value? {
      guard let a = integer, let b = other.integer else { return nil }
      let (result, overflow) =
        subtracting ? a.subtractingReportingOverflow(b) : a.addingReportingOverflow(b)
      return overflow ? nil : .integer(result)
    }

    /// How `self` orders against `other` as Python's `<` orders them (negative: before):
    /// integers, and strings by their code points; nil for anything else.
    func order(against other: Value) -> Int? {
      if let a = integer, let b = other.integer { return a < b ? -1 : a == b ? 0 : 1 }
      guard !refersToVariables, !other.refersToVariables else { return nil }
      switch (self, other) {
      case (.string(let a), .string(let b)), (.string(let a), .literal(let b)),
        (.literal(let a), .string(let b)), (.literal(let a), .literal(let b)):
        if a == b { return 0 }
        return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? -1 : 1
      default: return nil
      }
    }

    /// The value a dict holds for `key`; nil where it holds none or flow cannot tell.
    func item(_ key: Value) -> Value? {
      guard case .dictionary(let keys, let values) = self else { return nil }
      for (place, candidate) in keys.enumerated() {
        guard let same = candidate.equals(key) else { return nil }
        if same { return values[place] }
      }
      return nil
    }

    /// As a condition's text: a truth known now is `True` or `False`; nil for a value
    /// whose truth flow cannot tell.
    var conditionText: String? {
      if case .condition(let text) = self { return text }
      return truth.map { $0 ? "True" : "False" }
    }
  }

  /// What a resolve chose, for conditions on it: each package's version, each ephemeral's
  /// request as rez writes it (`.foo-1`) by its name without the `.`, and each package
  /// request as rez writes it (`~maya-2020`; the machine's facts are not requests).
  struct Resolved {
    var versions: [String: String]
    var ephemerals: [String: String]
    var requests: [String: String] = [:]
  }

  /// What the commands can name: the package's bindings (`RezPackage`'s expansions:
  /// `root`, `base`, `version`, `version.major`, `name`, …) and the names the commands
  /// assigned so far (nil: assigned something flow could not work out).
  struct Scope {
    var package: [String: String]
    var locals: [String: Value?] = [:]
    /// The package's other attributes (`this.tools`, `this._paths`): the values its file's
    /// top level gave its names (nil: not worked out).
    var attributes: [String: Value?] = [:]
    /// The resolve, once known; before, a condition on it is a `Value.condition`.
    var resolved: Resolved? = nil
    var kind = Kind.commands
    /// Where a field's function runs (`early`, `late`): what it reads of the environment
    /// and the machine; nil where flow does not read them (unknown).
    var host: RezHost? = nil
    /// Shared by the copies of a scope: what the text read may still work through.
    var budget = Budget()
    /// The functions the commands defined (`def NAME(…):`), and how deep their calls are
    /// nested where this scope reads (`RezCommands.call`).
    var functions: [String: RezCommands.Function] = [:]
    var callDepth = 0
    /// What `defined()`, `undefined()` and `'NAME' in os.environ` in commands read
    /// (`EnvironmentTests`).
    var environment = EnvironmentTests.reading
    /// Per variable the commands read so far changed (`RezCommands.apply`): where they set
    /// it (a set, append or prepend since any unset), and where no unset of theirs removed
    /// it; each `.boolean` or a `.condition`.
    var changedHere: [String: (set: Value, kept: Value)] = [:]
    /// Set once a line the commands left out may have changed a variable: `defined()` is
    /// then unknown where they are read.
    var changesUnknown = false
    /// The variables the commands read so far named through `env` (`namedThroughEnv`).
    var envNames = EnvNames()

    /// The variables commands named through `env` (`env.NAME`, `env['NAME']`,
    /// `{env.NAME}`), which rez's `env.keys()` holds from then on: `surely` those named
    /// wherever the lines are reached (by a line Python evaluates whole, or a change),
    /// `namedWhere` those named only under tests, `perhaps` those the lines read so far name
    /// where flow cannot tell (a line left out, a part Python may not evaluate:
    /// `RezCommands.envMentions`), and `unknown` once a line names `env` in a way flow does
    /// not follow (`env[name]`, `getattr(env, …)`).
    struct EnvNames {
      var surely: Set<String> = []
      /// Each with the tests it was named under, joined with `or`.
      var namedWhere: [String: Value] = [:]
      var perhaps: Set<String> = []
      var unknown = false
    }
    /// Names the commands bound where flow keeps no value (`import`, `from … import`,
    /// `global`), and whether a line before may have bound any name (one left out, a `*`
    /// import), which leaves no name known to be unbound (`noteUnbound(_:in:)`).
    var boundNames: Set<String> = []
    var namesUnknown = false
    /// The values variables hold where the commands read them, where flow knows them: the
    /// variables rez sets for the package before its commands (`REZ_NAME_VERSION`, …), and
    /// those the commands set (not under a test) to a value that refers to no variable,
    /// until they change them otherwise (`RezCommands.apply`). rez reads a variable
    /// (`env.NAME`, `getenv('NAME')`, `{env.NAME}`) in the environment its context is
    /// building, so such a value is the one set, and what Python then does with it
    /// (`os.path.exists(str(env.NAME))`, `.rsplit()`) is worked out as with a literal.
    var knownVariables: [String: String] = [:]

    /// The variables whose values the line being read reads where flow does not know them
    /// (`variableValue(_:)`, `rezBinding(_:)`), each with whether it is defined there
    /// (`defined(_:)`, nil: unknown). rez raises "Referenced undefined environment
    /// variable" where one is not, which `RezCommands` makes a stop. Shared by the copies of
    /// a scope, as `budget` is.
    var reads = VariableReads()
    /// The outcome of each condition a line is read under (by its text), for what it decides
    /// there (`settled(_:)`, `decided(_:)`; `RezCommands.performPerOutcome`).
    var assumed: [String: Bool] = [:]

    final class VariableReads {
      /// Each read: where what it reads is there (`defined`; nil: not known), and the error
      /// rez stops with where it is not: a variable's (`noteRead`), a Python name's that
      /// nothing bound (`noteUnbound(_:in:)`, never there), a key of `os.environ`.
      var read: [(defined: Value?, error: String)] = []
      /// The conditions whose outcomes decide what the line being read gives: the values it
      /// takes from the environment (`settled(_:)`), the side of a conditional expression
      /// (`decided(_:)`); each as it is written, in the order met.
      var undecided: [String] = []
    }

    /// rez's binding `path` (`binding(_:package:)`), a variable's known value first.
    func rezBinding(_ path: String) -> Value? {
      guard path.hasPrefix("env.") else { return RezExpression.binding(path, package: package) }
      let name = String(path.dropFirst(4))
      if let known = knownVariables[name] { return .string(known) }
      let value = RezExpression.binding(path, package: package)
      if value != nil { noteRead(name) }
      return value
    }

    /// A variable's value as rez reads it in commands: its known value, else the variable
    /// where the actions are applied (`${NAME}`).
    func variableValue(_ name: String) -> Value {
      if let known = knownVariables[name] { return .string(known) }
      noteRead(name)
      return .string("${\(name)}")
    }

    /// Keeps that commands read variable `name`'s value (`reads`).
    private func noteRead(_ name: String) {
      guard bindsRez else { return }
      reads.read.append((defined(name), "Referenced undefined environment variable: " + name))
    }

    /// Keeps that the commands read `name`, a Python name that neither they, nor rez, nor
    /// Python bind: Python raises "name 'NAME' is not defined" there (rez's commands run
    /// without the package file's own names). Only where every line before was read, and
    /// `text` (the line) binds no name of its own as it runs (a generator, a `lambda`,
    /// `:=`).
    func noteUnbound(_ name: String, in text: [UInt8]) {
      guard bindsRez, !namesUnknown, locals[name] == nil, functions[name] == nil,
        !boundNames.contains(name), !RezExpression.isBound(name), name != "testing",
        !RezExpression.isBuiltin(name), !RezExpression.bindsNames(text)
      else { return }
      reads.read.append((.boolean(false), "name '\(name)' is not defined"))
    }

    /// What the text read is, which decides the names bound beyond its own and Python's.
    enum Kind {
      /// A package's commands: rez's names (`env`, `resolve`, `this`, …).
      case commands
      /// A package file's top level: only its own names.
      case module
      /// A field's function rez runs as it loads the file (`@early()`): `this.NAME` (the
      /// file's names) and rez's `system.platform`.
      case early
      /// A field's function rez runs when a resolve asks for the field (`@late()`): as
      /// `early`, and `in_context()`, which is true there.
      case late
    }

    /// Whether rez's names are bound, as in commands.
    var bindsRez: Bool { kind == .commands }

    /// `'NAME' in os.environ` in commands: whether the environment the actions are applied
    /// to holds the variable, a condition until then (`EnvironmentTests`).
    func inEnvironment(_ name: String) -> Value {
      if case .applying(let base) = environment { return .boolean(base[name] != nil) }
      return .condition("(\(EnvironmentTest.literal(name)) in os.environ)")
    }

    /// Python's truth of `os.environ.get('NAME')` in commands: whether the environment the
    /// actions are applied to holds the variable, not empty; a condition until then.
    func filledInEnvironment(_ name: String) -> Value {
      if case .applying(let base) = environment {
        return .boolean(base[name].map { !$0.isEmpty } ?? false)
      }
      return .condition(EnvironmentTest.filled(name).text)
    }

    /// `value` where its truth is all that is asked: a variable's value from the
    /// environment (`Value.environment`) as a test of it (set and not empty, or unset where
    /// its default is true); nil where the default's truth is unknown. Any other value as
    /// it is.
    func truth(of value: Value) -> Value? {
      guard case .environment(let name, let fallback, let ifEmpty) = value else { return value }
      let filled = filledInEnvironment(name)
      // `os.environ.get('NAME') or OTHER`: set and not empty, or OTHER's truth.
      if ifEmpty { return truth(of: fallback).flatMap { Parser.join(filled, $0, or: true) } }
      guard let defaultHolds = fallback.truth else { return nil }
      guard defaultHolds, let unset = Parser.negate(inEnvironment(name)) else { return filled }
      return Parser.join(filled, unset, or: true)
    }

    /// The truth of `test`: where it is a condition (on the environment, on the resolve) that
    /// the line is read under an outcome of (`assumed`), that outcome; where it is one it is
    /// not, nil, the condition kept (`VariableReads.undecided`) for the line to be read again
    /// per outcome (`A if os.getenv('NAME') == 'TEXT' else B`, `A if 'maya' in resolve else
    /// B`).
    func decided(_ test: Value) -> Bool? {
      if let truth = test.truth { return truth }
      guard case .condition(let text) = test, bindsRez, resolved == nil,
        case .reading = environment
      else { return nil }
      if let holds = assumed[text] { return holds }
      reads.undecided.append(text)
      return nil
    }

    /// The test whose outcome decides a variable's value from the environment
    /// (`Value.environment`): whether it is set, or with `ifEmpty` set and not empty.
    static func test(deciding value: Value) -> EnvironmentTest? {
      guard case .environment(let name, _, let ifEmpty) = value else { return nil }
      return ifEmpty ? .filled(name) : .isSet(name)
    }

    /// A variable's value from the environment (`Value.environment`) as the line being read
    /// takes it: where the line is read under an outcome of its test (`assumed`), the value
    /// that outcome gives, `${NAME}` or the default; else the value itself, its test kept
    /// (`VariableReads.undecided`) for the line to be read again per outcome.
    func settled(_ value: Value) -> Value {
      guard case .environment(let name, let fallback, _) = value,
        let test = Self.test(deciding: value)?.text
      else { return value }
      if let holds = assumed[test] { return holds ? .string("${\(name)}") : settled(fallback) }
      reads.undecided.append(test)
      return value
    }

    /// The sides of an `and` or `or`: where both are tests (a condition, a variable's value
    /// from the environment), each as a test (`truth(of:)`), else as they are; nil where a
    /// side's truth is unknown. A side known here (`or '/default'`) leaves a value from the
    /// environment a value, which only the environment decides.
    func operands(_ left: Value, _ right: Value) -> (Value, Value)? {
      func isTest(_ value: Value) -> Bool {
        switch value {
        case .condition, .environment: return true
        default: return false
        }
      }
      guard isTest(left), isTest(right) else { return (left, right) }
      guard let left = truth(of: left), let right = truth(of: right) else { return nil }
      return (left, right)
    }

    /// `value is None` for a variable's value from the environment: where it is not set,
    /// without a default (a string default is never `None`); nil where flow cannot tell.
    func isNone(_ name: String, _ fallback: Value) -> Value? {
      switch fallback {
      case .none: return Parser.negate(inEnvironment(name))
      case .string, .literal: return .boolean(false)
      default: return nil
      }
    }

    /// rez's `defined('NAME')` in commands (`EnvironmentTests`); nil where flow cannot
    /// tell.
    func defined(_ name: String) -> Value? {
      let inBase = inEnvironment(name)
      switch environment {
      case .applying: return inBase
      case .setBefore(let before, _): return Self.before(before[name], orIn: inBase)
      case .reading:
        guard !changesUnknown else { return nil }
        let atStart = Value.condition("defined(\(EnvironmentTest.literal(name)))")
        guard let changed = changedHere[name] else { return atStart }
        // Set by these commands, or as at their start where they did not unset it, or in
        // the environment whatever they did.
        guard let kept = Parser.join(changed.kept, atStart, or: false),
          let before = changed.kept.truth == true ? kept : Parser.join(kept, inBase, or: true)
        else { return nil }
        return Parser.join(changed.set, before, or: true)
      }
    }

    /// Where the packages before did something to a variable (`test`; nil or `.never`:
    /// nowhere), or the environment holds it (`inBase`): once the resolve is known.
    private static func before(_ test: EnvironmentTest?, orIn inBase: Value) -> Value? {
      guard let test, !test.isNever else { return inBase }
      if test.isAlways { return .boolean(true) }
      return Parser.join(.condition(test.text), inBase, or: true)
    }

    /// rez's `'NAME' in env.keys()` (also `'NAME' in env`) in commands: whether the
    /// environment the context is built in holds the variable, or commands before named it
    /// through `env` (`EnvNames`); nil where flow cannot tell. rez's own variables
    /// (`REZ_NAME_ROOT`), set without `env`, are not among them.
    func namedThroughEnv(_ name: String) -> Value? {
      let inBase = inEnvironment(name)
      switch environment {
      case .applying: return nil
      case .setBefore(_, let throughEnv):
        guard let throughEnv, !throughEnv.perhaps.contains(name) else { return nil }
        return Self.before(throughEnv.named[name], orIn: inBase)
      case .reading:
        if envNames.surely.contains(name) { return .boolean(true) }
        guard !envNames.unknown, !envNames.perhaps.contains(name) else { return nil }
        // Named before the package, or by its lines before where they did.
        let before = Value.condition("(\(EnvironmentTest.literal(name)) in env.keys())")
        guard let here = envNames.namedWhere[name] else { return before }
        return Parser.join(here, before, or: true)
      }
    }

    /// The package's attribute `name` (`this.NAME`): as the commands set it, else as the
    /// file's top level gave it; nil where not worked out, or none.
    func thisAttribute(_ name: String) -> Value? {
      if let set = locals["this." + name] { return set }
      return attributes[name] ?? nil
    }

    /// What `in` and `intersects` read of rez's: in commands the resolve, its ephemerals and
    /// the request; in a late function, run during the resolve, the request alone.
    var rezCollections: Set<String> {
      switch kind {
      case .commands: return ["resolve", "ephemerals", "request"]
      case .late: return ["request"]
      case .module, .early: return []
      }
    }

    /// Where the environment and the machine are read (`os.getenv`, `system.arch`): in what
    /// rez runs as it loads the file (its top level, a field's function), with its host
    /// known, and Python's `os` not a name of the file's.
    var readsHost: RezHost? {
      guard kind != .commands, locals["os"] == nil else { return nil }
      return host
    }
  }

  /// Where rez's `defined('NAME')` and `undefined('NAME')` of a package's commands (whether
  /// the variable is set: by the packages' commands applied so far, or in the environment
  /// the context is built in, its `parent_environ`) and `'NAME' in os.environ` (that
  /// environment alone) are worked out. A package's commands are read before the resolve
  /// and the environment are known, so these stay conditions, as a test of the resolve
  /// does, written with two tests: `defined('NAME')`, as the package's commands start, and
  /// `('NAME' in os.environ)`. Once the resolve is known (`EnvironmentActions.rez`),
  /// `defined('NAME')` becomes what the packages before set (or `True`), or the variable is
  /// in the environment: the condition an action keeps (`EnvironmentActions.Action.when`)
  /// tests only the environment the actions are applied to, which decides it. rez's
  /// `'NAME' in env.keys()` is worked out the same way (`Scope.namedThroughEnv`), written
  /// `('NAME' in env.keys())` as the package's commands start, and becomes where the
  /// packages before named the variable through `env`, or it is in the environment.
  enum EnvironmentTests {
    /// Reading a package's commands: `defined()` is a condition, decided by what the
    /// commands read so far changed (`Scope.changedHere`) where that decides it.
    case reading
    /// Making a resolve's actions: per variable, where the packages before this one set it
    /// (absent, or `.never`: nowhere), and where they named it through `env` (nil: they
    /// may have named any variable).
    case setBefore([String: EnvironmentTest], named: NamedThroughEnv?)
    /// Applying actions: the environment they are applied to.
    case applying(EnvironmentMap)

    /// The variables the packages before one named through `env`: each with where it did,
    /// and those they perhaps named (on a line flow left out, or a part Python may not
    /// evaluate), whose `in env.keys()` is not known.
    struct NamedThroughEnv {
      var named: [String: EnvironmentTest] = [:]
      var perhaps: Set<String> = []
    }
  }

  /// How much more a text's expressions may work through: a list comprehension costs the
  /// bytes of its item and tests per item (a list of 20,000 items costs a short item a
  /// tenth of it), so that a file of a few megabytes cannot make reading it take hours.
  /// Beyond it, a comprehension is unknown. A call of a function the commands define costs
  /// its body's bytes, and at most `callLimit` calls are read: each may copy what the
  /// commands changed so far, to undo it.
  final class Budget {
    private(set) var left = 2_000_000
    private(set) var callsLeft = Budget.callLimit
    static let callLimit = 10_000

    /// Takes `cost` from what is left; false, taking nothing, where less is left.
    func take(_ cost: Int) -> Bool {
      guard cost <= left else { return false }
      left -= cost
      return true
    }

    /// Takes a call costing `cost`; false, taking nothing, past either limit.
    func takeCall(_ cost: Int) -> Bool {
      guard callsLeft > 0, take(cost) else { return false }
      callsLeft -= 1
      return true
    }
  }

  /// The platform rez names where flow runs (`system.platform`), and Python's name for it
  /// (`platform.system()`).
  static let platform = "linux"
  static let pythonPlatform = "Linux"

  /// The names rez binds for a package's commands other than those flow works out: a
  /// `{key}` starting with one is not left as written.
  static let otherRezNames: Set<String> = [
    "request", "implicits", "ephemerals", "intersects", "format", "literal", "expandable",
    "optionvars", "setenv", "unsetenv", "appendenv", "prependenv", "alias", "info", "error",
    "command", "comment", "source", "shebang", "stop", "resetenv", "getenv", "expandvars",
    "defined", "undefined", "getattr",
  ]

  /// The value of the whole of `text`; nil when it is not an expression worked out here.
  static func value(_ text: String, in scope: Scope) -> Value? {
    var parser = Parser(reader: PythonModuleReader(bytes: Array(text.utf8)), scope: scope)
    guard let value = parser.expression(), parser.atEnd else { return nil }
    return value
  }

  /// The value of `text` as a test (an `if`'s, a condition kept): as `value(_:in:)`, with a
  /// variable's value from the environment (`Value.environment`) its truth.
  static func test(_ text: String, in scope: Scope) -> Value? {
    value(text, in: scope).flatMap(scope.truth(of:))
  }

  /// The arguments of a call at `reader`, just past its `(`, which is left past its `)`:
  /// positional, then named; nil where one is not worked out.
  static func arguments(reading reader: inout PythonModuleReader, in scope: Scope)
    -> ([Value], [String: Value])?
  {
    var parser = Parser(reader: reader, scope: scope)
    let arguments = parser.arguments()
    reader = parser.reader
    return arguments
  }

  /// The value of the expression at `reader`, which is left after it.
  static func value(reading reader: inout PythonModuleReader, in scope: Scope) -> Value? {
    var parser = Parser(reader: reader, scope: scope)
    let value = parser.expression()
    reader = parser.reader
    return value
  }

  /// The text a variable gets from `value`, as rez's commands give it: a string formatted
  /// (`formatted(_:in:)`), anything else as `str()` writes it.
  static func variableText(_ value: Value, in scope: Scope) -> String? {
    switch value {
    case .string(let text): return formatted(text, in: scope)
    case .tuple, .dictionary, .conditional: return nil
    default: return value.text
    }
  }

  /// A string as rez formats it before it becomes a variable's value: `$NAME` and `${NAME}`
  /// are kept for the environment (`escapingVariables`), `{{` and `}}` are braces, and each
  /// `{key}` is what the name the commands assigned gives (rez runs them in the namespace
  /// it formats with), else what rez's binding `key` gives (`binding(_:package:)`); a
  /// string given is itself formatted so, as rez's formatter does. A key neither, or a
  /// brace unmatched, at any depth, leaves the whole string as written, as rez leaves it;
  /// nil for a key flow cannot work out.
  static func formatted(_ text: String, in scope: Scope) -> String? {
    switch formatting(text, in: scope, depth: 0) {
    case .text(let result): return result
    case .unbound: return text
    case .unknown: return nil
    }
  }

  /// What formatting a string came to: its text, a key rez does not bind (or a brace
  /// unmatched: rez then keeps the string), or a key flow cannot work out.
  private enum Formatting: Equatable {
    case text(String)
    case unbound
    case unknown
  }

  private static func formatting(_ text: String, in scope: Scope, depth: Int) -> Formatting {
    // A string that gives itself again would run until Python's stack ran out.
    guard depth < 20 else { return .unknown }
    var failed: Formatting?
    let result = fields(of: escapingVariables(text)) { key in
      let parts = key.split(separator: ".", maxSplits: 1)
      guard let root = parts.first.map(String.init) else { return nil }
      let value: Value?
      if let local = scope.locals[root] {
        value = parts.count == 1 ? local.map(scope.settled) : nil
      } else {
        guard isBound(root) else {
          if failed == nil { failed = .unbound }
          return nil
        }
        value =
          scope.rezBinding(String(key))
          ?? (root == "this" && parts.count == 2 ? scope.thisAttribute(String(parts[1])) : nil)
      }
      switch value {
      case .string(let inner)?, .literal(let inner)?:
        let nested = formatting(inner, in: scope, depth: depth + 1)
        if case .text(let text) = nested { return text }
        if failed == nil || nested == .unknown { failed = nested }
        return nil
      case let value?:
        if let text = value.text { return text }
      case nil: break
      }
      failed = .unknown
      return nil
    }
    if let failed { return failed }
    return result.map(Formatting.text) ?? .unbound
  }

  /// `text` with each reference to a variable escaped from formatting, as rez does first:
  /// `${NAME}` (no braces within) and `$NAME` (NAME its letters and underscores, as rez's
  /// pattern reads it: `$HOME2` is `${HOME}2`) become `${{NAME}}`.
  static func escapingVariables(_ text: String) -> String {
    guard text.contains("$") else { return text }
    let bytes = Array(text.utf8)
    var result: [UInt8] = []
    var index = 0
    func isNameByte(_ byte: UInt8) -> Bool {
      (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
        || byte == UInt8(ascii: "_")
    }
    func escaped(_ name: ArraySlice<UInt8>) -> [UInt8] {
      Array("${{".utf8) + name + Array("}}".utf8)
    }
    while index < bytes.count {
      guard bytes[index] == UInt8(ascii: "$"), index + 1 < bytes.count else {
        result.append(bytes[index])
        index += 1
        continue
      }
      if bytes[index + 1] == UInt8(ascii: "{"),
        let close = bytes[(index + 2)...].firstIndex(where: {
          $0 == UInt8(ascii: "}") || $0 == UInt8(ascii: "{")
        }), bytes[close] == UInt8(ascii: "}"), close > index + 2
      {
        result += escaped(bytes[(index + 2)..<close])
        index = close + 1
      } else if isNameByte(bytes[index + 1]) {
        var end = index + 1
        while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
        result += escaped(bytes[(index + 1)..<end])
        index = end
      } else {
        result.append(bytes[index])
        index += 1
      }
    }
    return String(decoding: result, as: UTF8.self)
  }

  /// `text` with each `{field}` replaced by what `value` gives for it, `{{` and `}}` being
  /// braces, as Python reads a format string; nil when `value` gives nil or a brace is
  /// unmatched.
  static func fields(of text: String, _ value: (Substring) -> String?) -> String? {
    var result = ""
    var rest = Substring(text)
    while let brace = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
      result += rest[..<brace]
      let after = rest.index(after: brace)
      if after < rest.endIndex, rest[after] == rest[brace] {
        result.append(rest[brace])
        rest = rest[rest.index(after: after)...]
        continue
      }
      guard rest[brace] == "{", let close = rest[after...].firstIndex(of: "}"),
        let text = value(rest[after..<close])
      else { return nil }
      result += text
      rest = rest[rest.index(after: close)...]
    }
    return result + rest
  }

  /// Python's `format % arguments` where each conversion is `%s` (an argument's `str()`)
  /// or `%%`; nil for another conversion, or a count of arguments Python refuses.
  static func percentFormatted(_ format: String, _ arguments: [Value]) -> String? {
    var arguments = arguments[...]
    var result = ""
    var rest = Substring(format)
    while let percent = rest.firstIndex(of: "%") {
      result += rest[..<percent]
      let next = rest.index(after: percent)
      guard next < rest.endIndex else { return nil }
      switch rest[next] {
      case "%": result += "%"
      case "s":
        guard let text = arguments.popFirst()?.text else { return nil }
        result += text
      default: return nil
      }
      rest = rest[rest.index(after: next)...]
    }
    return arguments.isEmpty ? result + rest : nil
  }

  /// Python's builtins and the words of its syntax (its exceptions are told by their
  /// names, `isBuiltin`): never a name nothing bound.
  static let builtinNames: Set<String> = [
    "abs", "all", "any", "ascii", "bin", "bool", "breakpoint", "bytearray", "bytes",
    "callable", "chr", "classmethod", "compile", "complex", "copyright", "credits", "delattr",
    "dict", "dir", "divmod", "enumerate", "eval", "exec", "exit", "filter", "float", "format",
    "frozenset", "getattr", "globals", "hasattr", "hash", "help", "hex", "id", "input", "int",
    "isinstance", "issubclass", "iter", "len", "license", "list", "locals", "map", "max",
    "memoryview", "min", "next", "object", "oct", "open", "ord", "pow", "print", "property",
    "quit", "range", "repr", "reversed", "round", "set", "setattr", "slice", "sorted",
    "staticmethod", "str", "sum", "super", "tuple", "type", "vars", "zip", "__import__",
    "__name__", "__doc__", "__builtins__", "__debug__", "__file__", "__spec__", "__loader__",
    "__package__", "Ellipsis", "NotImplemented", "True", "False", "None", "and", "as",
    "assert", "async", "await", "break", "case", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "match", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
    "yield", "_", "aiter", "anext",
  ]

  /// Whether Python binds `name` everywhere: `builtinNames`, or one of its exceptions and
  /// warnings (`KeyError`, `Exception`, `UserWarning`, `KeyboardInterrupt`, …).
  static func isBuiltin(_ name: String) -> Bool {
    builtinNames.contains(name)
      || ["Error", "Exception", "Warning", "ExceptionGroup"].contains(where: name.hasSuffix)
      || [
        "KeyboardInterrupt", "StopIteration", "StopAsyncIteration", "GeneratorExit",
        "SystemExit",
      ].contains(name)
  }

  /// Whether `text` binds a name of its own as it runs (a generator or comprehension's
  /// `for`, a `lambda`'s parameters, `:=`), outside its strings.
  static func bindsNames(_ text: [UInt8]) -> Bool {
    var reader = PythonModuleReader(bytes: text)
    while let byte = reader.peek {
      if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
        guard (try? reader.string(raw: true)) != nil else { return true }
        continue
      }
      if byte == UInt8(ascii: ":"), reader.index + 1 < text.count,
        text[reader.index + 1] == UInt8(ascii: "=")
      {
        return true
      }
      if let word = reader.identifier() {
        if word == "for" || word == "lambda" { return true }
        continue
      }
      reader.index += 1
    }
    return false
  }

  /// Whether rez binds `name` for a package's commands.
  static func isBound(_ name: String) -> Bool {
    ["this", "root", "base", "version", "env", "resolve", "system", "building"].contains(name)
      || otherRezNames.contains(name)
  }

  /// What rez's binding `path` (`version`, `this.root`, `env.HOME`, `resolve.python.base`,
  /// `system.platform`), or Python's `sys.platform`, `os.name`, `os.sep` and `os.pathsep`,
  /// gives; nil for one flow does not work out. Another chosen package's and a variable's
  /// values are those of the variables they are in when applied (`${REZ_PYTHON_BASE}`,
  /// `${HOME}`).
  static func binding(_ path: String, package: [String: String]) -> Value? {
    var parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    let this = parts.first == "this"
    if this { parts.removeFirst() }
    guard let first = parts.first else { return nil }
    switch (first, parts.count) {
    case ("root", 1), ("base", 1): return package[first].map(Value.string)
    case ("name", 1) where this: return package["name"].map(Value.string)
    case ("version", 1): return package["version"].map(Value.object)
    case ("version", 2):
      guard ["major", "minor", "patch"].contains(parts[1]) else { return nil }
      // rez gives a token of digits as an `int` (not one with a leading zero), another as a
      // `str`, and None for a token the version does not have.
      guard let token = package["version." + parts[1]] else { return Value.none }
      if let number = Int(token), String(number) == token { return .integer(number) }
      return .string(token)
    default: break
    }
    guard !this else { return nil }
    switch (first, parts.count) {
    case ("env", 2) where isVariableName(parts[1]): return .string("${\(parts[1])}")
    case ("resolve", 3) where parts[1] == package["name"] && parts[2] != "name",
      ("resolve", 4) where parts[1] == package["name"] && parts[2] == "version":
      // The package's own, as it is in the resolve.
      return binding(parts[2...].joined(separator: "."), package: package)
    case ("resolve", 4) where isVariableName(parts[1]) && parts[2] == "version":
      // A token of another's version, in the variable rez sets for it.
      guard ["major", "minor", "patch"].contains(parts[3]) else { return nil }
      let variable = EnvironmentActions.rezVariable(
        "REZ_", parts[1], "_" + parts[3].uppercased() + "_VERSION")
      return .object("${" + variable + "}")
    case ("resolve", 3) where isVariableName(parts[1]):
      let suffix: String
      switch parts[2] {
      case "version": suffix = "VERSION"
      case "base": suffix = "BASE"
      case "root": suffix = "ROOT"
      case "name": return .string(parts[1])
      default: return nil
      }
      let variable = "${" + EnvironmentActions.rezVariable("REZ_", parts[1], "_" + suffix) + "}"
      return suffix == "VERSION" ? .object(variable) : .string(variable)
    // rez's `system.platform`, also as its module's `platform_.name` (imported from
    // `rez.utils.platform_`).
    case ("system", 2) where parts[1] == "platform", ("platform_", 2) where parts[1] == "name":
      return .string(platform)
    case ("sys", 2) where parts[1] == "platform": return .string(platform)
    case ("os", 2) where parts[1] == "name": return .string("posix")
    case ("os", 2) where parts[1] == "sep": return .string("/")
    case ("os", 3) where parts[1] == "path" && parts[2] == "sep": return .string("/")
    case ("os", 2) where parts[1] == "pathsep": return .string(":")
    case ("building", 1): return .boolean(false)
    default: return nil
    }
  }

  /// Token `token` (`major`, `minor`, `patch`) of a version as `binding` gives one: the
  /// package's own (`this.version`), or another's in the resolve (`resolve.NAME.version`,
  /// `${REZ_NAME_VERSION}`, whose tokens rez sets as variables too); nil for any other value.
  static func versionToken(of value: Value, _ token: String, package: [String: String])
    -> Value?
  {
    guard case .object(let text) = value, ["major", "minor", "patch"].contains(token) else {
      return nil
    }
    if text == package["version"] { return binding("version." + token, package: package) }
    let suffix = "_VERSION}"
    guard text.hasPrefix("${REZ_"), text.hasSuffix(suffix) else { return nil }
    return .object(text.dropLast(suffix.count) + "_" + token.uppercased() + suffix)
  }

  static func isVariableName(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.allSatisfy(RezVersion.isTokenByte)
  }

  /// Reads an expression by Python's precedence: `or`, `and`, `not`, comparisons (`==`,
  /// `!=`), `+`, `%`, then a primary and its `.format(…)` calls.
  struct Parser {
    var reader: PythonModuleReader
    var scope: Scope
    /// How deep the expression being read is nested (brackets, calls, `not`): deeper than
    /// Python's own parser allows is unknown, before the call stack runs out.
    var depth = 0
    /// The last read of a variable of the environment the context is built in
    /// (`os.getenv()`, `os.environ.get()`, `os.environ[]`) in commands: its name, its
    /// default, and where its text starts and ends, for a comparison of it as a whole with
    /// a text (`comparison()`).
    var environmentRead: (name: String, fallback: Value, start: Int, end: Int)?

    var atEnd: Bool {
      mutating get {
        reader.skipSpaces()
        return reader.peek == nil || reader.peek == UInt8(ascii: "#")
      }
    }

    /// Whether the next word is `word` (taken when it is).
    mutating func take(_ word: StaticString) -> Bool {
      guard let end = end(of: word),
        end == reader.bytes.count || !RezVersion.isTokenByte(reader.bytes[end])
      else { return false }
      reader.index = end
      return true
    }

    /// Whether `symbol` comes next (taken when it does).
    mutating func take(symbol: StaticString) -> Bool {
      guard let end = end(of: symbol) else { return false }
      reader.index = end
      return true
    }

    /// Where `text` ends if it comes next, after spaces (which are passed over); nil where
    /// it does not come next. Compared in place: every operator and word tried at every
    /// step of an expression comes here.
    private mutating func end(of text: StaticString) -> Int? {
      reader.skipSpaces()
      let start = reader.index
      let bytes = reader.bytes
      return text.withUTF8Buffer { text -> Int? in
        guard start + text.count <= bytes.count else { return nil }
        for offset in 0..<text.count where bytes[start + offset] != text[offset] { return nil }
        return start + text.count
      }
    }

    /// An expression, `A if TEST else B` too: the side Python's test gives, both sides
    /// worked out; nil where the test's truth is unknown (one on the resolve included).
    mutating func expression() -> Value? {
      guard depth < PythonModuleReader.maximumDepth else { return nil }
      depth += 1
      defer { depth -= 1 }
      let start = scope.reads.read.count
      guard let value = disjunction() else { return nil }
      guard take("if") else { return value }
      let tested = scope.reads.read.count
      let test = disjunction()
      let other = scope.reads.read.count
      let otherValue = take("else") ? expression() : nil
      // Python evaluates the side its test gives alone: the other's reads are not made,
      // and neither side's where the test's truth is unknown here.
      let holds = test.flatMap(scope.truth(of:)).flatMap(scope.decided)
      if holds != false { dropReads(from: other) }
      if holds != true { dropReads(from: start, to: tested) }
      guard let holds, otherValue != nil else { return nil }
      return holds ? value : otherValue
    }

    mutating func disjunction() -> Value? {
      let tests = scope.reads.undecided.count
      guard var value = conjunction() else { return nil }
      // Whether `value` is an `or` of the environment's values not settled yet.
      var unsettled = false
      while take("or") {
        let start = scope.reads.read.count
        let right = conjunction()
        keepReads(from: start, where: value.truth == false)
        // `os.environ.get('NAME') or DEFAULT`: the variable's value where it is set and not
        // empty, else the default (a value of its own, decided by that test alone), settled
        // once no `or` follows (`Scope.settled`).
        if let right, let either = Self.orElse(value, right) {
          // Those of its operands (fewer where a function the commands define was read).
          let kept = scope.reads.undecided.count
          if tests < kept { scope.reads.undecided.removeSubrange(tests..<kept) }
          value = either
          unsettled = true
          continue
        }
        if unsettled {
          value = scope.settled(value)
          unsettled = false
        }
        guard let right, let (a, b) = scope.operands(value, right),
          let joined = Self.join(a, b, or: true)
        else { return nil }
        value = joined
      }
      return unsettled ? scope.settled(value) : value
    }

    mutating func conjunction() -> Value? {
      guard var value = negation() else { return nil }
      while take("and") {
        let start = scope.reads.read.count
        let right = negation()
        keepReads(from: start, where: value.truth == true)
        guard let right, let (a, b) = scope.operands(value, right),
          let joined = Self.join(a, b, or: false)
        else { return nil }
        value = joined
      }
      return value
    }

    /// `value or right` where `value` is a variable's value from the environment without a
    /// default (or one such `or` already): the variable's value where it is set and not
    /// empty, else `right` (`Value.environment` with `ifEmpty`); nil for anything else.
    static func orElse(_ value: Value, _ right: Value) -> Value? {
      guard case .environment(let name, let fallback, let ifEmpty) = value else { return nil }
      if ifEmpty {
        return orElse(fallback, right).map { .environment(name: name, fallback: $0, ifEmpty: true) }
      }
      guard fallback.truth == false else { return nil }
      return .environment(name: name, fallback: right, ifEmpty: true)
    }

    /// Keeps the variable reads (`Scope.reads`) made from `start` on only where Python
    /// makes them: the right side of `and` or `or` is evaluated only where the left one's
    /// truth does not decide, which is known here or not at all (a test of the resolve, or
    /// of the environment where the actions are applied).
    private mutating func keepReads(from start: Int, where evaluated: Bool) {
      if !evaluated { dropReads(from: start) }
    }

    /// Forgets the reads made from `start` (up to `end`, else all those after it).
    private mutating func dropReads(from start: Int, to end: Int? = nil) {
      let count = scope.reads.read.count
      let upper = min(end ?? count, count)
      if start < upper { scope.reads.read.removeSubrange(start..<upper) }
    }

    /// The longest condition joined, in bytes.
    static let conditionLimit = 16_384

    /// `left or right` (`and` unless `or`): the side Python gives, or a condition on the
    /// resolve where the left one is; nil where a side's truth is unknown.
    static func join(_ left: Value, _ right: Value, or: Bool) -> Value? {
      if let truth = left.truth { return truth == or ? left : right }
      guard case .condition(let a) = left, let b = right.conditionText else { return nil }
      // A right side known now decides, or leaves the left.
      if let truth = right.truth { return truth == or ? .boolean(truth) : left }
      // A test with itself, or with its negation (`negate`'s `not `).
      if a == b { return left }
      if a == "not " + b || b == "not " + a { return .boolean(or) }
      // Past the limit a condition is unknown: tests joined in a loop cannot grow without
      // bound.
      guard a.utf8.count + b.utf8.count <= Self.conditionLimit else { return nil }
      return .condition("(\(a) \(or ? "or" : "and") \(b))")
    }

    mutating func negation() -> Value? {
      guard take("not") else { return comparison() }
      guard depth < PythonModuleReader.maximumDepth else { return nil }
      depth += 1
      defer { depth -= 1 }
      return negation().flatMap(scope.truth(of:)).flatMap(Self.negate)
    }

    /// `not value`; nil where its truth is unknown.
    static func negate(_ value: Value) -> Value? {
      if let truth = value.truth { return .boolean(!truth) }
      guard case .condition(let text) = value else { return nil }
      // A condition made here is a test, a bracketed join or one of those negated: the
      // negation of a negation is what it negated.
      if text.hasPrefix("not ") { return .condition(String(text.dropFirst(4))) }
      return .condition("not \(text)")
    }

    /// `left in resolve` (a package chosen), `left in ephemerals` (an ephemeral requested,
    /// named without its `.`) or `left in request` (a package requested), after the `in`.
    mutating func membership(
      _ left: Value, read: (name: String, fallback: Value)? = nil
    ) -> Value? {
      reader.skipSpaces()
      let save = reader.index
      // Python's `os.environ`: read where a field's function runs, and in commands the
      // environment the actions are applied to.
      if reader.identifier() == "os", reader.peek == UInt8(ascii: "."), Self.step(&reader),
        reader.identifier() == "environ", reader.peek != UInt8(ascii: "."),
        reader.peek != UInt8(ascii: "("), reader.peek != UInt8(ascii: "[")
      {
        guard case .string(let name) = left else { return nil }
        if let host = scope.readsHost { return .boolean(host.variable(name) != nil) }
        guard scope.bindsRez, scope.locals["os"] == nil, isVariableName(name) else { return nil }
        return scope.inEnvironment(name)
      }
      reader.index = save
      // rez's `env.keys()`, or `env` itself: the variables named so far (`namedThroughEnv`).
      if scope.bindsRez, scope.locals["env"] == nil, reader.identifier() == "env" {
        let afterEnv = reader.index
        if !(reader.peek == UInt8(ascii: ".") && Self.step(&reader)
          && reader.identifier() == "keys" && take(symbol: "(") && take(symbol: ")"))
        {
          reader.index = afterEnv
        }
        reader.skipSpaces()
        if reader.peek != UInt8(ascii: "."), reader.peek != UInt8(ascii: "("),
          reader.peek != UInt8(ascii: "[")
        {
          guard case .string(let name) = left, isVariableName(name) else { return nil }
          return scope.namedThroughEnv(name)
        }
      }
      reader.index = save
      let collection = reader.identifier()
      guard reader.peek != UInt8(ascii: "."), let collection,
        scope.rezCollections.contains(collection), scope.locals[collection] == nil
      else {
        reader.index = save
        guard let container = sum() else { return nil }
        if let read, let test = environmentMembership(read, container) { return test }
        return Self.contains(container, left)
      }
      guard case .string(let name) = left, let quoted = Self.quoted(name) else { return nil }
      switch collection {
      case "resolve":
        if let resolved = scope.resolved { return .boolean(resolved.versions[name] != nil) }
        return .condition("(\(quoted) in resolve)")
      case "ephemerals":
        if let resolved = scope.resolved { return .boolean(resolved.ephemerals[name] != nil) }
        return .condition("(\(quoted) in ephemerals)")
      case "request":
        if let resolved = scope.resolved { return .boolean(resolved.requests[name] != nil) }
        return .condition("(\(quoted) in request)")
      default: return nil
      }
    }

    /// Python's `member in container` of a tuple (or list), a dict's keys or a string's
    /// text; nil where flow cannot tell.
    static func contains(_ container: Value, _ member: Value) -> Value? {
      guard !container.refersToVariables, !member.refersToVariables else { return nil }
      switch container {
      case .string(let text), .literal(let text):
        switch member {
        case .string(let part), .literal(let part):
          return .boolean(part.isEmpty || text.contains(part))
        default: return nil
        }
      case .tuple(let items), .dictionary(let items, _):
        for item in items {
          guard let same = item.equals(member) else { return nil }
          if same { return .boolean(true) }
        }
        return .boolean(false)
      default: return nil
      }
    }

    /// `isinstance(VALUE, TYPE)` after its `(`, TYPE one of Python's `str`, `list`, `tuple`,
    /// `dict`, `bool` or a tuple of them; nil where flow cannot tell (a list and a tuple
    /// are held alike, so only a test taking both tells them).
    mutating func isInstance() -> Value? {
      guard let value = expression(), take(symbol: ",") else { return nil }
      var types: [String] = []
      if take(symbol: "(") {
        guard let names = items(closing: ")", { $0.typeName() }) else { return nil }
        types = names
      } else {
        guard let name = typeName() else { return nil }
        types.append(name)
      }
      _ = take(symbol: ",")
      guard take(symbol: ")"), !value.refersToVariables else { return nil }
      let known: Set = ["str", "list", "tuple", "dict", "bool", "int"]
      guard types.allSatisfy(known.contains) else { return nil }
      switch value {
      case .string, .literal: return .boolean(types.contains("str"))
      case .boolean: return .boolean(types.contains("bool") || types.contains("int"))
      case .integer: return .boolean(types.contains("int"))
      case .dictionary: return .boolean(types.contains("dict"))
      case .none: return .boolean(false)
      case .tuple:
        if types.contains("list") && types.contains("tuple") { return .boolean(true) }
        return types.contains("list") || types.contains("tuple") ? nil : .boolean(false)
      case .object, .condition, .conditional, .environment: return nil
      }
    }

    /// A type's name (`isInstance()`); nil for anything else, or a name the commands bound.
    mutating func typeName() -> String? {
      reader.skipSpaces()
      guard let name = reader.identifier(), scope.locals[name] == nil else { return nil }
      return name
    }

    /// The items `item` reads, separated by commas (one after the last is allowed), up to
    /// `closing`, the opening bracket read; nil where an item cannot be read or the
    /// bracket does not close.
    mutating func items<Item>(closing: StaticString, _ item: (inout Parser) -> Item?) -> [Item]? {
      var items: [Item] = []
      while !take(symbol: closing) {
        guard let next = item(&self) else { return nil }
        items.append(next)
        if !take(symbol: ",") {
          guard take(symbol: closing) else { return nil }
          break
        }
      }
      return items
    }

    /// A package's name as a Python string literal; nil for one that is no rez name.
    static func quoted(_ name: String) -> String? {
      guard !name.isEmpty,
        name.utf8.allSatisfy({ RezVersion.isTokenByte($0) || $0 == UInt8(ascii: ".") })
      else { return nil }
      return EnvironmentTest.literal(name)
    }

    /// The range a request as rez writes it gives `intersects`: none for a weak or
    /// conflict request, which rez reads as a conflict.
    static func requestedRange(_ text: String) -> RezRange? {
      guard let requirement = try? RezRequirement(parsing: text), requirement.kind == .required
      else { return nil }
      return requirement.range
    }

    /// Steps over one byte (a `.` already seen).
    static func step(_ reader: inout PythonModuleReader) -> Bool {
      reader.index += 1
      return true
    }

    /// rez's `intersects(SUBJECT, 'RANGE')`, after its `(`: whether a chosen package's
    /// version (`resolve.NAME`, `resolve.NAME.version`), read as a range as rez reads it, a
    /// package's request (`request.NAME`), or an ephemeral's (`ephemerals.get('NAME',
    /// 'DEFAULT')`; its range, `ephemerals.get_range('NAME', 'DEFAULT')`) meets RANGE. A
    /// weak or conflict request meets nothing, as in rez; so does a package not chosen or
    /// requested, or an ephemeral neither requested nor given a default (rez stops with an
    /// error there).
    mutating func intersects() -> Value? {
      reader.skipSpaces()
      let subject: String
      let range: (Resolved) -> RezRange?
      guard let collection = reader.identifier(), scope.rezCollections.contains(collection) else {
        return nil
      }
      switch collection {
      case "resolve":
        guard reader.peek == UInt8(ascii: "."), Self.step(&reader), let name = reader.identifier(),
          Self.quoted(name) != nil
        else { return nil }
        if reader.peek == UInt8(ascii: ".") {
          guard Self.step(&reader), reader.identifier() == "version" else { return nil }
        }
        subject = "resolve.\(name)"
        range = { resolved in resolved.versions[name].flatMap { try? RezRange(parsing: $0) } }
      case "request":
        guard reader.peek == UInt8(ascii: "."), Self.step(&reader), let name = reader.identifier(),
          Self.quoted(name) != nil
        else { return nil }
        subject = "request.\(name)"
        range = { resolved in resolved.requests[name].flatMap(Self.requestedRange) }
      case "ephemerals":
        guard reader.peek == UInt8(ascii: "."), Self.step(&reader),
          let method = reader.identifier(), method == "get" || method == "get_range",
          take(symbol: "("), case .string(let name)? = expression(),
          let quoted = Self.quoted(name)
        else { return nil }
        var fallback: String?
        if take(symbol: ","), !take("None") {
          guard case .string(let text)? = expression() else { return nil }
          fallback = text
        }
        guard take(symbol: ")") else { return nil }
        subject =
          "ephemerals.\(method)(\(quoted), \(fallback.map(EnvironmentTest.literal) ?? "None"))"
        range = { resolved in
          if let request = resolved.ephemerals[name] { return Self.requestedRange(request) }
          // `get` gives the default as a request (a name alone: any version), `get_range`
          // as a range.
          guard let fallback else { return nil }
          return method == "get" ? RezRange.any : try? RezRange(parsing: fallback)
        }
      default: return nil
      }
      guard take(symbol: ","), case .string(let text)? = expression(),
        let wanted = try? RezRange(parsing: text), take(symbol: ")")
      else { return nil }
      guard let resolved = scope.resolved else {
        return .condition("intersects(\(subject), \(EnvironmentTest.literal(text)))")
      }
      return .boolean(range(resolved)?.intersects(wanted) ?? false)
    }

    mutating func comparison() -> Value? {
      reader.skipSpaces()
      let leftStart = reader.index
      guard let left = sum() else { return nil }
      let leftRead = wholeEnvironmentRead(from: leftStart)
      let save = reader.index
      let negated = take("not")
      if take("in") {
        guard let member = membership(left, read: leftRead) else { return nil }
        return negated ? Self.negate(member) : member
      }
      reader.index = save
      // `is` of Python's singletons (`None`, `True`, `False`), which are equal only to
      // themselves.
      if take("is") {
        let same = !take("not")
        guard let right = sum() else { return nil }
        if case .environment(let name, let fallback, false) = left, right == .none {
          return scope.isNone(name, fallback).flatMap { same ? $0 : Self.negate($0) }
        }
        guard left.isSingleton || right.isSingleton, let equal = left.equals(right) else {
          return nil
        }
        return .boolean(equal == same)
      }
      // Most expressions compare nothing: what follows is looked at once.
      reader.skipSpaces()
      guard let next = reader.peek, "=!<>".utf8.contains(next) else { return left }
      for (symbol, equal) in Self.equalities where take(symbol: symbol) {
        reader.skipSpaces()
        let rightStart = reader.index
        guard let right = sum() else { return nil }
        // A variable of the environment compared with a text: a test of that environment.
        if let test = environmentComparison(leftRead, right)
          ?? environmentComparison(wholeEnvironmentRead(from: rightStart), left)
        {
          return equal ? test : Self.negate(test)
        }
        // A variable's value (`${NAME}`, from `getenv` or another package's binding) is known
        // only where the commands are applied.
        guard let same = left.equals(right) else { return nil }
        return .boolean(same == equal)
      }
      // Integers and strings in order (Python's chained comparisons are not read): each
      // operator with the orders (-1, 0, 1) it holds for.
      for (symbol, holds) in Self.orders where take(symbol: symbol) {
        guard let right = sum(), let order = left.order(against: right) else { return nil }
        return .boolean(holds.contains(order.signum()))
      }
      return left
    }

    /// The read of the environment (`environmentRead`) the text from `start` to here is
    /// as a whole, if it is one.
    private func wholeEnvironmentRead(from start: Int) -> (name: String, fallback: Value)? {
      guard let read = environmentRead, read.start == start, read.end <= reader.index,
        reader.bytes[read.end..<reader.index].allSatisfy({ $0 == UInt8(ascii: " ") })
      else { return nil }
      return (read.name, read.fallback)
    }

    /// `os.environ.get('NAME', DEFAULT) == 'TEXT'` (also `os.getenv`, `os.environ['NAME']`):
    /// the variable set to the text there, or unset where the default is the text; a
    /// condition until the environment is known. Nil for anything else: a text flow does
    /// not know, a default it cannot tell.
    private func environmentComparison(_ read: (name: String, fallback: Value)?, _ other: Value)
      -> Value?
    {
      guard let read, let test = Self.test(of: read, equalTo: other) else { return nil }
      return environmentValue(of: test)
    }

    /// `os.environ.get('NAME', DEFAULT) in ('A', 'B', …)`: a comparison with each text,
    /// joined with `or`; nil for anything but a list (or tuple) of texts flow knows.
    private func environmentMembership(_ read: (name: String, fallback: Value), _ container: Value)
      -> Value?
    {
      guard let items = container.placedItems else { return nil }
      var test = EnvironmentTest.never
      for item in items {
        guard let equal = Self.test(of: read, equalTo: item) else { return nil }
        test = test.or(equal)
      }
      return environmentValue(of: test)
    }

    /// The test that a read of the environment gives the text `other` holds; nil where
    /// `other` is not a text flow knows, or the default is not one.
    private static func test(of read: (name: String, fallback: Value), equalTo other: Value)
      -> EnvironmentTest?
    {
      guard case .string(let text) = other, !other.refersToVariables else { return nil }
      let test = EnvironmentTest.equals(read.name, text)
      switch read.fallback {
      case .none: return test
      case .string(let fallback) where !read.fallback.refersToVariables:
        return fallback == text ? test.or(EnvironmentTest.isSet(read.name).negated) : test
      default: return nil
      }
    }

    /// A test of the environment as a value: its truth where the actions are applied, a
    /// condition until then.
    private func environmentValue(of test: EnvironmentTest) -> Value {
      if case .applying(let base) = scope.environment { return .boolean(test.holds(in: base)) }
      if test.isNever { return .boolean(false) }
      return .condition(test.text)
    }

    private static let equalities: [(StaticString, Bool)] = [("==", true), ("!=", false)]
    private static let orders: [(StaticString, [Int])] = [
      ("<=", [-1, 0]), (">=", [0, 1]), ("<", [-1]), (">", [1]),
    ]

    /// `+` of strings, lists and integers, `-` of integers.
    mutating func sum() -> Value? {
      guard var value = product() else { return nil }
      while true {
        let subtracts = take(symbol: "-")
        guard subtracts || take(symbol: "+") else { return value }
        guard let right = product() else { return nil }
        if value.integer != nil, right.integer != nil {
          guard let result = value.integerSum(right, subtracting: subtracts) else { return nil }
          value = result
          continue
        }
        switch (value, right, subtracts) {
        case (.string(let a), .string(let b), false): value = .string(a + b)
        case (.tuple(let a), .tuple(let b), false): value = .tuple(a + b)
        default: return nil
        }
      }
    }

    /// `*` of integers, then `%` (`remainder()`).
    mutating func product() -> Value? {
      guard var value = remainder() else { return nil }
      while take(symbol: "*") {
        guard reader.peek != UInt8(ascii: "*"), let right = remainder(),
          let a = value.integer, let b = right.integer
        else { return nil }
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { return nil }
        value = .integer(result)
      }
      return value
    }

    /// `"%s/lib" % value` and `% (a, b)`: each `%s` takes the next value's `str()`.
    mutating func remainder() -> Value? {
      guard var value = signed() else { return nil }
      while take(symbol: "%") {
        guard case .string(let format) = value, let right = signed() else { return nil }
        let arguments: [Value]
        if case .tuple(let items) = right { arguments = items } else { arguments = [right] }
        guard let result = RezExpression.percentFormatted(format, arguments) else { return nil }
        value = .string(result)
      }
      return value
    }

    /// A primary after any `-` signs (of an integer), with what `postfixed()` reads after it.
    mutating func signed() -> Value? {
      var negative = false
      while take(symbol: "-") { negative.toggle() }
      guard let value = postfixed() else { return nil }
      guard negative else { return value }
      guard let number = value.integer, number != Int.min else { return nil }
      return .integer(-number)
    }

    /// A primary, then the string methods called on it (`.format(…)`, `.split('.')`, …)
    /// and its items taken (`[0]`, `[:2]`).
    mutating func postfixed() -> Value? {
      guard var value = primary() else { return nil }
      while true {
        let save = reader.index
        if take(symbol: "[") {
          guard let item = subscripted(value) else { return nil }
          value = item
          continue
        }
        guard take(symbol: "."), let method = reader.identifier(), take(symbol: "(") else {
          reader.index = save
          return value
        }
        guard let (positional, named) = arguments() else { return nil }
        if method == "format" {
          guard case .string(let format) = value else { return nil }
          switch Self.format(format, positional, named) {
          case .text(let result):
            value = .string(result)
            continue
          case .missing(let key):
            // Python's `KeyError`, which stops rez's context wherever the line runs.
            scope.reads.read.append((.boolean(false), "'\(key)'"))
            return nil
          case .unknown: return nil
          }
        }
        guard named.isEmpty, let result = Self.call(method, on: value, positional) else {
          return nil
        }
        value = result
      }
    }

    /// `value[INDEX]` or `value[START:END]` of a string or a tuple, after the `[`; the
    /// numbers are written as integers.
    mutating func subscripted(_ value: Value) -> Value? {
      guard !value.refersToVariables else { return nil }
      if case .dictionary = value {
        guard let key = expression(), take(symbol: "]") else { return nil }
        return value.item(key)
      }
      let items: [Value]
      switch value {
      case .string(let text): items = text.map { .string(String($0)) }
      case .tuple:
        guard let values = value.placedItems else { return nil }
        items = values
      default: return nil
      }
      func join(_ part: ArraySlice<Value>) -> Value {
        guard case .string = value else { return .tuple(Array(part)) }
        return .string(part.compactMap(\.text).joined())
      }
      // An index or a bound: written (`-1`), or a name or expression giving an integer.
      func bound() -> Int?? {
        if let written = integer() { return written }
        reader.skipSpaces()
        guard reader.peek != UInt8(ascii: ":"), reader.peek != UInt8(ascii: "]") else {
          return .some(nil)
        }
        return expression()?.integer.map { .some($0) } ?? nil
      }
      guard let start = bound() else { return nil }
      if take(symbol: ":") {
        guard let end = bound(), take(symbol: "]") else { return nil }
        func clamp(_ bound: Int?, _ otherwise: Int) -> Int {
          guard let bound else { return otherwise }
          return Swift.min(Swift.max(bound < 0 ? bound + items.count : bound, 0), items.count)
        }
        let lower = clamp(start, 0)
        let upper = Swift.max(clamp(end, items.count), lower)
        return join(items[lower..<upper])
      }
      guard let start, take(symbol: "]") else { return nil }
      let index = start < 0 ? start + items.count : start
      guard items.indices.contains(index) else { return nil }
      return items[index]
    }

    /// Reads on from `start`, inside brackets, over brackets and strings nested in them, to
    /// the bracket that closes them: where the first `for` outside the nested ones is (a
    /// list comprehension's, `[ITEM for NAME in VALUES if TEST]`), and where the closing
    /// bracket ends; nil for a string not closed, a comment or the end first. The reader
    /// stays where it was.
    mutating func bracketScan(from start: Int) -> (clause: Int?, end: Int)? {
      let save = reader.index
      defer { reader.index = save }
      reader.index = start
      var depth = 0
      var clause: Int?
      while let byte = reader.peek {
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
          guard (try? reader.string(raw: true)) != nil else { return nil }
          continue
        case UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"): depth += 1
        case UInt8(ascii: "]"), UInt8(ascii: ")"), UInt8(ascii: "}"):
          if depth == 0 { return (clause, reader.index + 1) }
          depth -= 1
        case UInt8(ascii: "#"): return nil
        default:
          let wordStart = reader.index
          if let word = reader.identifier() {
            if word == "for", depth == 0, wordStart > start, clause == nil { clause = wordStart }
            continue
          }
        }
        reader.index += 1
      }
      return nil
    }

    /// A list comprehension (`[ITEM for …]`) or a dict comprehension (`{KEY: VALUE for …}`),
    /// its bracket read and its first `for` at `forAt`: `for` clauses, each over a value
    /// worked out here with the names of the clauses before it bound (its items bound to a
    /// name, or unpacked to several), and `if` tests between and after them; the item is
    /// worked out for each combination the tests keep, as Python runs them. Nil where
    /// anything is unknown (an item held conditionally, a test whose truth flow cannot
    /// tell), or past `PythonModuleReader.deepestNesting` clauses.
    mutating func comprehension(forAt clause: Int, dictionary: Bool = false) -> Value? {
      let item = reader.index..<clause
      guard let close = bracketScan(from: clause) else { return nil }
      var results: [Value] = []
      var keys: [Value] = []
      // One copy for every combination: its names are bound anew in place.
      var inner = self
      guard
        inner.comprehend(
          at: clause, item: item, cost: close.end - item.lowerBound, depth: 0,
          dictionary: dictionary, into: &results, keys: &keys)
      else { return nil }
      // With no items, the tests are not read, only stepped over.
      reader.index = close.end
      return dictionary ? Self.dictionary(keys: keys, values: results) : .tuple(results)
    }

    /// Reads a comprehension from `position` (`comprehension(forAt:dictionary:)`): a `for`
    /// clause, an `if` test, or its closing bracket, where the item (`item`, read as a key
    /// and a value for a dict) is added with the names bound now; false where anything is
    /// unknown.
    private mutating func comprehend(
      at position: Int, item: Range<Int>, cost: Int, depth: Int, dictionary: Bool,
      into results: inout [Value], keys: inout [Value]
    ) -> Bool {
      reader.index = position
      if take("for") {
        guard depth < PythonModuleReader.deepestNesting else { return false }
        var names: [String] = []
        repeat {
          reader.skipSpaces()
          guard let name = reader.identifier(), name != "in" else { return false }
          names.append(name)
        } while take(symbol: ",")
        guard take("in"), let values = disjunction(),
          scope.budget.take(values.iterationBound * cost),
          let items = values.iterated, !items.contains(where: \.isConditional)
        else { return false }
        let rest = reader.index
        for value in items {
          if names.count == 1 {
            scope.locals[names[0]] = .some(value)
          } else {
            guard let parts = value.placedItems, parts.count == names.count else { return false }
            for (name, part) in zip(names, parts) { scope.locals[name] = .some(part) }
          }
          guard
            comprehend(
              at: rest, item: item, cost: cost, depth: depth + 1, dictionary: dictionary,
              into: &results, keys: &keys)
          else { return false }
        }
        return true
      }
      if take("if") {
        guard let test = disjunction(), let truth = test.truth else { return false }
        return !truth
          || comprehend(
            at: reader.index, item: item, cost: cost, depth: depth, dictionary: dictionary,
            into: &results, keys: &keys)
      }
      guard take(symbol: dictionary ? "}" : "]") else { return false }
      reader.index = item.lowerBound
      if dictionary {
        guard let key = expression(), take(symbol: ":") else { return false }
        keys.append(key)
      }
      guard let result = expression() else { return false }
      reader.skipSpaces()
      guard reader.index == item.upperBound else { return false }
      results.append(result)
      return true
    }

    /// A dict of `keys` and `values` in order, a key given again keeping its first place
    /// and taking the later value, as Python builds one; nil where flow cannot tell whether
    /// two keys are equal.
    static func dictionary(keys: [Value], values: [Value]) -> Value? {
      var (held, heldValues): ([Value], [Value]) = ([], [])
      for (key, value) in zip(keys, values) {
        var place: Int?
        for (index, candidate) in held.enumerated() {
          guard let same = candidate.equals(key) else { return nil }
          if same {
            place = index
            break
          }
        }
        if let place {
          heldValues[place] = value
        } else {
          held.append(key)
          heldValues.append(value)
        }
      }
      return .dictionary(keys: held, values: heldValues)
    }

    /// An integer written at the reader (`-1`, `2`); nil, the reader where it was, for
    /// anything else.
    mutating func integer() -> Int? {
      reader.skipSpaces()
      let save = reader.index
      let negative = take(symbol: "-")
      reader.skipSpaces()
      var digits = ""
      while let byte = reader.peek, VersionScanner.isDigit(byte), digits.count < 9 {
        digits.append(Character(Unicode.Scalar(byte)))
        reader.index += 1
      }
      guard let number = Int(digits) else {
        reader.index = save
        return nil
      }
      return negative ? -number : number
    }

    /// Python's `os.path.normpath` on a POSIX system: `.` parts and empty ones dropped,
    /// `..` taking the part before it away, two leading slashes kept as two.
    static func normalized(_ path: String) -> String {
      guard !path.isEmpty else { return "." }
      var slashes = path.hasPrefix("/") ? 1 : 0
      if path.hasPrefix("//") && !path.hasPrefix("///") { slashes = 2 }
      var parts: [Substring] = []
      for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
        if part != ".." || (slashes == 0 && parts.isEmpty) || parts.last == ".." {
          parts.append(part)
        } else if !parts.isEmpty {
          parts.removeLast()
        }
      }
      let result = String(repeating: "/", count: slashes) + parts.joined(separator: "/")
      return result.isEmpty ? "." : result
    }

    /// Python's string methods flow works out, called on `value`: `startswith`,
    /// `endswith`, `lower`, `upper`, `strip` (and `lstrip`, `rstrip`, of white space),
    /// `replace`, `split` and `rsplit` (on a separator, at most so many times) and `join`;
    /// a dict's `items`, `keys`, `values` and `get`.
    static func call(_ method: String, on value: Value, _ arguments: [Value]) -> Value? {
      if case .dictionary(let keys, let values) = value {
        switch (method, arguments.count) {
        case ("items", 0): return .tuple(zip(keys, values).map { .tuple([$0, $1]) })
        case ("keys", 0): return .tuple(keys)
        case ("values", 0): return .tuple(values)
        case ("get", 1...2):
          // A key it lacks gives the default, or None, which flow does not hold.
          guard case .boolean(let holds)? = contains(value, arguments[0]) else { return nil }
          return holds ? value.item(arguments[0]) : arguments.dropFirst().first
        default: return nil
        }
      }
      // Joining reads no part's text: a variable's value stays a reference in it.
      if method == "join", arguments.count == 1, case .string(let separator) = value {
        guard case .tuple(let items) = arguments[0] else { return nil }
        var parts: [String] = []
        for item in items {
          guard case .string(let part) = item else { return nil }
          parts.append(part)
        }
        return .string(parts.joined(separator: separator))
      }
      guard case .string(let text) = value, !value.refersToVariables,
        !arguments.contains(where: \.refersToVariables)
      else { return nil }
      let strings = arguments.compactMap { argument -> String? in
        if case .string(let text) = argument { return text }
        return nil
      }
      switch (method, arguments.count) {
      case ("startswith", 1) where strings.count == 1:
        return .boolean(text.hasPrefix(strings[0]))
      case ("endswith", 1) where strings.count == 1: return .boolean(text.hasSuffix(strings[0]))
      case ("lower", 0): return .string(text.lowercased())
      case ("upper", 0): return .string(text.uppercased())
      case ("strip", 0): return .string(text.trimmedString)
      case ("lstrip", 0): return .string(String(text.drop { $0.isWhitespace }))
      case ("rstrip", 0): return .string(String(text.trimmingTrailingSpaces))
      case ("replace", 2) where strings.count == 2 && !strings[0].isEmpty:
        return .string(text.replacing(strings[0], with: strings[1]))
      case ("split", 1...2), ("rsplit", 1...2):
        guard case .string(let separator) = arguments[0], !separator.isEmpty else { return nil }
        var limit = Int.max
        if arguments.count == 2 {
          guard case .integer(let number) = arguments[1] else { return nil }
          if number >= 0 { limit = number }
        }
        var parts = text.split(separator: separator, omittingEmptySubsequences: false).map(
          String.init)
        // At most `limit` splits, the first ones (`split`) or the last ones (`rsplit`).
        if limit < parts.count - 1 {
          if method == "split" {
            parts = parts[..<limit] + [parts[limit...].joined(separator: separator)]
          } else {
            let kept = parts.count - limit
            parts = [parts[..<kept].joined(separator: separator)] + parts[kept...]
          }
        }
        return .tuple(parts.map(Value.string))
      default: return nil
      }
    }

    /// Call arguments up to the closing bracket, the `(` read: positional, then `name=value`.
    mutating func arguments() -> ([Value], [String: Value])? {
      var positional: [Value] = []
      var named: [String: Value] = [:]
      while !take(symbol: ")") {
        reader.skipSpaces()
        let save = reader.index
        if let name = reader.identifier(), take(symbol: "="), !take(symbol: "=") {
          guard let value = expression() else { return nil }
          named[name] = value
        } else {
          reader.index = save
          guard named.isEmpty, let value = expression() else { return nil }
          positional.append(value)
        }
        if !take(symbol: ",") {
          guard take(symbol: ")") else { return nil }
          break
        }
      }
      return (positional, named)
    }

    /// What `str.format` gives: its text, Python's `KeyError` for a field named that no
    /// argument names (`'{root}/lib'.format()`, rez's `{root}` mistaken for a field of
    /// Python's own), or nothing flow works out.
    enum Formatted: Equatable {
      case text(String)
      case missing(String)
      case unknown
    }

    /// Python's `str.format` with plain fields (`{}`, `{0}`, `{name}`); unknown for anything
    /// else (an attribute, a format spec, `{}` and `{0}` both, which Python refuses), or a
    /// field without a value.
    static func format(_ format: String, _ positional: [Value], _ named: [String: Value])
      -> Formatted
    {
      var next = 0
      var numbered = false
      var missing: String?
      let result = fields(of: format) { field in
        let value: Value?
        if field.isEmpty {
          guard !numbered else { return nil }
          value = next < positional.count ? positional[next] : nil
          next += 1
        } else if let number = Int(field) {
          guard next == 0 else { return nil }
          numbered = true
          value = number < positional.count ? positional[number] : nil
        } else {
          value = named[String(field)]
          // The first field that fails ends the formatting: Python raises there.
          if value == nil, ShellWord.isName(String(field)) { missing = String(field) }
        }
        return value?.text
      }
      if let result { return .text(result) }
      return missing.map(Formatted.missing) ?? .unknown
    }

    mutating func primary() -> Value? {
      reader.skipSpaces()
      guard let byte = reader.peek else { return nil }
      if take(symbol: "(") {
        guard let first = expression() else { return nil }
        if take(symbol: ")") { return first }
        var items = [first]
        while take(symbol: ",") {
          if take(symbol: ")") { return .tuple(items) }
          guard let item = expression() else { return nil }
          items.append(item)
        }
        return take(symbol: ")") ? .tuple(items) : nil
      }
      if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
        return stringLiteral(prefix: "")
      }
      // A dict, written out or as a comprehension.
      if take(symbol: "{") {
        if let clause = bracketScan(from: reader.index)?.clause {
          return comprehension(forAt: clause, dictionary: true)
        }
        guard
          let pairs = items(
            closing: "}",
            { parser -> (Value, Value)? in
              guard let key = parser.expression(), parser.take(symbol: ":"),
                let value = parser.expression()
              else { return nil }
              return (key, value)
            })
        else { return nil }
        return Self.dictionary(keys: pairs.map(\.0), values: pairs.map(\.1))
      }
      // A list is held as a tuple: flow reads no difference between them.
      if take(symbol: "[") {
        if let clause = bracketScan(from: reader.index)?.clause {
          return comprehension(forAt: clause)
        }
        return items(closing: "]", { $0.expression() }).map(Value.tuple)
      }
      // A number is an object whose `str()` Python writes (`5`, `2020.4`).
      if VersionScanner.isDigit(byte) {
        switch try? reader.number() {
        case .integer(let number)?: return .integer(Int(number))
        case .float(let number)? where number.isFinite: return .object(number.description)
        default: return nil
        }
      }
      let wordStart = reader.index
      guard let word = reader.identifier() else { return nil }
      if word.count <= 2, reader.peek == UInt8(ascii: "'") || reader.peek == UInt8(ascii: "\""),
        word.lowercased().allSatisfy({ "rubf".contains($0) })
      {
        return stringLiteral(prefix: word.lowercased())
      }
      var path = [word]
      // `a.b.c`, up to a `.format(` called on what it names.
      while reader.peek == UInt8(ascii: ".") {
        let save = reader.index
        reader.index += 1
        guard let part = reader.identifier(), part != "format" else {
          reader.index = save
          break
        }
        path.append(part)
      }
      let dotted = path.joined(separator: ".")
      // A module's name (`os.path.join`) is bound only once imported.
      if path.count > 1, scope.locals[word] == nil { scope.noteUnbound(word, in: reader.bytes) }
      if dotted == "intersects", !scope.rezCollections.isEmpty, take(symbol: "(") {
        return intersects()
      }
      if dotted == "isinstance", scope.locals[dotted] == nil, take(symbol: "(") {
        return isInstance()
      }
      if take(symbol: "(") {
        guard let (arguments, named) = arguments() else { return nil }
        if path.count == 1, scope.locals[word] == nil, let function = scope.functions[word] {
          return RezCommands.value(calling: function, arguments, named, in: scope)
        }
        guard named.isEmpty else { return nil }
        if let read = readOfEnvironment(dotted, arguments) {
          environmentRead = (read.name, read.fallback, wordStart, reader.index)
        }
        if let result = call(dotted, arguments) { return result }
        // A variable's value where the commands are applied (`env.NAME.value()`, or
        // `.get()`).
        if scope.bindsRez, path.count == 3, path[0] == "env",
          path[2] == "value" || path[2] == "get",
          arguments.isEmpty, isVariableName(path[1]), scope.locals["env"] == nil
        {
          return scope.variableValue(path[1])
        }
        // A method called on what the rest names (`sys.platform.startswith('linux')`).
        guard path.count > 1, let subject = self.named(Array(path.dropLast())) else { return nil }
        return Self.call(path[path.count - 1], on: subject, arguments)
      }
      if dotted == "os.environ", let host = scope.readsHost, take(symbol: "[") {
        // An unset variable is Python's `KeyError`: unknown.
        guard case .string(let name)? = expression(), take(symbol: "]"),
          let value = host.variable(name)
        else { return nil }
        return .string(value)
      }
      if dotted == "os.environ", scope.bindsRez, scope.locals["os"] == nil, take(symbol: "[") {
        // In commands, the variable where the actions are applied (as `getenv`), and where
        // the environment does not hold it, Python's `KeyError`, which stops rez's context.
        guard case .string(let name)? = expression(), take(symbol: "]"), isVariableName(name)
        else { return nil }
        environmentRead = (name, Value.none, wordStart, reader.index)
        if case .applying(let base) = scope.environment { return base[name].map(Value.string) }
        scope.reads.read.append((scope.inEnvironment(name), "'\(name)'"))
        return .string("${\(name)}")
      }
      if dotted == "env", scope.bindsRez, take(symbol: "[") {
        guard case .string(let name)? = stringLiteral(prefix: ""), take(symbol: "]"),
          isVariableName(name)
        else { return nil }
        return scope.variableValue(name)
      }
      switch dotted {
      case "True": return .boolean(true)
      case "False": return .boolean(false)
      case "None": return Value.none
      default: break
      }
      return named(path)
    }

    /// What a name (`path` holding one part) or a dotted name gives: a name the commands
    /// assigned, else rez's binding.
    func named(_ path: [String]) -> Value? {
      if path.count == 1, let local = scope.locals[path[0]] { return local.map(scope.settled) }
      // A token of a version a name holds (`v = resolve.maya.version`, then `v.major`).
      if path.count == 2, case .some(.some(let local)) = scope.locals[path[0]] {
        return RezExpression.versionToken(of: local, path[1], package: scope.package)
      }
      guard scope.locals[path[0]] == nil else { return nil }
      let dotted = path.joined(separator: ".")
      let attribute = path.count == 2 && path[0] == "this" ? scope.thisAttribute(path[1]) : nil
      switch scope.kind {
      case .commands:
        if let value = scope.rezBinding(dotted) ?? attribute { return value }
        scope.noteUnbound(path[0], in: reader.bytes)
        return nil
      case .early, .late:
        // `this` is the file's names as written (in a late function, rez's package object,
        // whose versions and the like are not worked out here).
        if path[0] == "this" { return attribute }
        if let fact = hostFact(dotted) { return fact }
        // A package's request as rez writes it (`request.maya`): rez's error where it has
        // none.
        if path.count == 2, path[0] == "request", scope.rezCollections.contains("request") {
          return scope.resolved?.requests[path[1]].map(Value.string) ?? nil
        }
        // What rez binds for both (`building` and `testing` are false outside a build or a
        // test), and for an early one alone.
        switch dotted {
        case "building", "testing": return .boolean(false)
        case "build_variant_index" where scope.kind == .early: return .integer(0)
        case "build_variant_requires" where scope.kind == .early: return .tuple([])
        default: break
        }
        guard
          dotted == "system.platform" || dotted == "platform_.name"
            || Self.pythonNames.contains(dotted)
        else { return nil }
      case .module: guard Self.pythonNames.contains(dotted) else { return nil }
      }
      return binding(dotted, package: scope.package)
    }

    /// Python's names flow works out wherever it reads.
    static let pythonNames: Set = [
      "os.name", "os.sep", "os.path.sep", "os.pathsep", "sys.platform",
    ]

    /// rez's `system.arch`, `system.os` and `system.variant` (`platform-linux`,
    /// `arch-ARCH`, `os-OS`) where the host is read; nil for anything else, or a fact not
    /// known.
    func hostFact(_ dotted: String) -> Value? {
      guard let host = scope.readsHost, scope.locals["system"] == nil else { return nil }
      switch dotted {
      case "system.arch", "system.os":
        return host.fact(String(dotted.dropFirst("system.".count))).map(Value.string)
      case "system.variant":
        guard let arch = host.fact("arch"), let os = host.fact("os") else { return nil }
        return .tuple(
          ["platform-" + platform, "arch-" + arch, "os-" + os].map(Value.string))
      default: return nil
      }
    }

    /// `os.getenv('NAME', DEFAULT)` or `os.environ.get()` in commands, of a variable named
    /// in a string: the name and the default (else `None`); nil for any other call, or one
    /// where a field's function reads the host (`call`).
    func readOfEnvironment(_ function: String, _ arguments: [Value])
      -> (name: String, fallback: Value)?
    {
      guard function == "os.getenv" || function == "os.environ.get",
        (1...2).contains(arguments.count), scope.bindsRez, scope.readsHost == nil,
        scope.locals["os"] == nil, case .string(let name) = arguments[0], isVariableName(name)
      else { return nil }
      return (name, arguments.count == 2 ? arguments[1] : Value.none)
    }

    /// The functions flow works out: `os.path.join`, `os.path.normpath`, `os.path.basename`,
    /// `os.path.dirname`, `os.path.expanduser` (in commands), `str`, `getenv` and
    /// `expandvars` (the variables kept for the environment to fill), `literal`,
    /// `platform.system`, and of what a loop takes (`Value.iterated`) `list`, `tuple`,
    /// `len`, `enumerate`, `reversed` and `sorted` (of strings); `list()`, `tuple()` and
    /// `dict()` are empty.
    func call(_ function: String, _ arguments: [Value]) -> Value? {
      if arguments.count == 1, scope.locals[function] == nil,
        ["list", "tuple", "len", "enumerate", "reversed", "sorted"].contains(function)
      {
        guard let items = arguments[0].iterated else { return nil }
        // How many items a list holds, and where, is not known with one held conditionally.
        if function == "len" || function == "enumerate", items.contains(where: \.isConditional) {
          return nil
        }
        switch function {
        case "len": return .integer(items.count)
        case "enumerate":
          return .tuple(items.enumerated().map { .tuple([.integer($0), $1]) })
        case "reversed": return .tuple(items.reversed())
        case "sorted":
          var texts: [String] = []
          for item in items {
            guard case .string(let text) = item else { return nil }
            texts.append(text)
          }
          // Python orders strings by their code points.
          return .tuple(
            texts.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
              .map(Value.string))
        default: return .tuple(items)
        }
      }
      switch (function, arguments.count) {
      case ("list", 0) where scope.locals[function] == nil,
        ("tuple", 0) where scope.locals[function] == nil:
        return .tuple([])
      case ("dict", 0) where scope.locals[function] == nil: return .dictionary(keys: [], values: [])
      case ("os.path.join", 1...):
        var joined = ""
        for argument in arguments {
          guard case .string(let part) = argument else { return nil }
          if part.hasPrefix("/") || joined.isEmpty {
            joined = part
          } else {
            joined += (joined.hasSuffix("/") ? "" : "/") + part
          }
        }
        return .string(joined)
      case ("str", 1): return arguments[0].text.map(Value.string)
      case ("getenv", 1) where scope.bindsRez:
        guard case .string(let name) = arguments[0], isVariableName(name) else { return nil }
        return scope.variableValue(name)
      case ("expandvars", 1) where scope.bindsRez:
        guard case .string(let text) = arguments[0] else { return nil }
        return .string(text)
      case ("defined", 1) where scope.bindsRez, ("undefined", 1) where scope.bindsRez:
        guard scope.locals[function] == nil, case .string(let name) = arguments[0],
          isVariableName(name), let defined = scope.defined(name)
        else { return nil }
        return function == "defined" ? defined : Self.negate(defined)
      case ("literal", 1) where scope.bindsRez:
        guard case .string(let text) = arguments[0] else { return nil }
        return .literal(text)
      case ("platform.system", 0): return .string(pythonPlatform)
      case ("platform.machine", 0):
        guard scope.locals["platform"] == nil else { return nil }
        return hostFact("system.arch")
      case ("os.getenv", 1...2), ("os.environ.get", 1...2):
        // Python's, read where the function runs; the default (else `None`) for one unset.
        if let host = scope.readsHost {
          guard case .string(let name) = arguments[0] else { return nil }
          return host.variable(name).map(Value.string) ?? arguments.dropFirst().first ?? Value.none
        }
        // In commands, with the empty string for one unset: the variable where the commands
        // are applied, as `getenv` gives it (rez reads its own environment, the same unless a
        // package before changed the variable). With `None`, or another default, a value
        // whose truth and `is None` are tests of that environment (`Value.environment`).
        guard let (name, fallback) = readOfEnvironment(function, arguments) else { return nil }
        if fallback == .string("") { return .string("${\(name)}") }
        switch scope.environment {
        case .applying(let base): return base[name].map(Value.string) ?? fallback
        // Once the resolve is known, a condition kept holds this call only as the test of
        // its truth (`truth(of:)`), which is that test again.
        case .setBefore: return arguments.count == 1 ? scope.filledInEnvironment(name) : nil
        case .reading: return scope.settled(.environment(name: name, fallback: fallback))
        }
      case ("os.path.exists", 1), ("os.path.isdir", 1), ("os.path.isfile", 1):
        // In commands, of a path worked out here: a test of the machine the actions are
        // applied on, as rez reads the files of the one it builds its context on.
        guard scope.bindsRez, scope.locals["os"] == nil, case .string(let path) = arguments[0],
          !arguments[0].refersToVariables,
          let kind = EnvironmentTest.PathKind(
            rawValue: String(function.dropFirst("os.path.".count)))
        else { return nil }
        if case .applying = scope.environment {
          return .boolean(EnvironmentTest.holds(kind, path))
        }
        return .condition(EnvironmentTest.path(path, kind).text)
      case ("ast.literal_eval", 1):
        guard scope.locals["ast"] == nil, case .string(let text) = arguments[0],
          !arguments[0].refersToVariables
        else { return nil }
        return Self.literalValue(text)
      case ("in_context", 0) where scope.kind == .late && scope.locals[function] == nil:
        return .boolean(true)
      case ("os.path.normpath", 1):
        guard case .string(let path) = arguments[0], !arguments[0].refersToVariables else {
          return nil
        }
        return .string(Self.normalized(path))
      case ("os.path.basename", 1), ("os.path.dirname", 1):
        guard case .string(let path) = arguments[0], !arguments[0].refersToVariables else {
          return nil
        }
        // Python's posixpath: split after the last `/`; a head of more than slashes loses
        // its trailing ones.
        let cut = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        guard function == "os.path.dirname" else { return .string(String(path[cut...])) }
        let head = path[..<cut]
        guard head.contains(where: { $0 != "/" }) else { return .string(String(head)) }
        return .string(String(head.reversed().drop { $0 == "/" }.reversed()))
      case ("os.path.expanduser", 1) where scope.readsHost != nil:
        // Where rez loads the file: the home folder of the environment read.
        guard case .string(let path) = arguments[0], !arguments[0].refersToVariables else {
          return nil
        }
        guard path == "~" || path.hasPrefix("~/") else {
          return path.hasPrefix("~") ? nil : arguments[0]
        }
        return scope.readsHost?.variable("HOME").map { .string($0 + path.dropFirst()) }
      case ("os.path.expanduser", 1) where scope.bindsRez:
        // `~` and `~/…` are the home folder, `${HOME}` where the commands are applied, as
        // `getenv` is; another user's (`~name`) is not known, nor where a variable's value
        // starts the path.
        guard case .string(let path) = arguments[0] else { return nil }
        if path == "~" || path.hasPrefix("~/") { return .string("${HOME}" + path.dropFirst()) }
        guard !path.hasPrefix("~"), !path.hasPrefix("$") else { return nil }
        return arguments[0]
      default: return nil
      }
    }

    /// Python's `ast.literal_eval(text)`: the literal `text` holds, spaces around it
    /// allowed; nil where it holds anything else (Python raises).
    static func literalValue(_ text: String) -> Value? {
      var reader = PythonModuleReader(bytes: Array(text.utf8))
      reader.skipSpaces()
      guard let literal = try? reader.literal() else { return nil }
      reader.skipSpaces()
      while reader.peek == 10 || reader.peek == 13 {
        reader.index += 1
        reader.skipSpaces()
      }
      guard reader.peek == nil else { return nil }
      return Value(literal)
    }

    /// A string literal (or several written together) at the reader, `prefix` already read;
    /// an f-string's fields are worked out as expressions.
    mutating func stringLiteral(prefix: String) -> Value? {
      var text = ""
      var prefix = prefix
      while true {
        reader.skipSpaces()
        guard reader.peek == UInt8(ascii: "'") || reader.peek == UInt8(ascii: "\"") else {
          return nil
        }
        let raw = prefix.contains("r")
        guard let part = try? reader.string(raw: raw) else { return nil }
        if prefix.contains("f") {
          guard let filled = fill(part) else { return nil }
          text += filled
        } else {
          text += part
        }
        let save = reader.index
        reader.skipSpaces()
        let next = reader.identifier()?.lowercased() ?? ""
        guard reader.peek == UInt8(ascii: "'") || reader.peek == UInt8(ascii: "\""),
          next.count <= 2, next.allSatisfy({ "rubf".contains($0) })
        else {
          reader.index = save
          return .string(text)
        }
        prefix = next
      }
    }

    /// An f-string's text with each `{expression}` replaced by its `str()`; `{{` and `}}`
    /// are braces. nil for a field with a conversion or format spec, or unknown.
    func fill(_ text: String) -> String? {
      RezExpression.fields(of: text) { field in
        guard !field.contains(":"), !field.contains("!") else { return nil }
        return RezExpression.value(String(field), in: scope)?.text
      }
    }
  }
}

extension RezExpression.Value {
  /// A literal of a package file as a value.
  init(_ literal: PythonLiteral) {
    switch literal {
    case .string(let text): self = .string(text)
    case .integer(let number): self = .integer(Int(number))
    case .float(let number): self = .object(number.description)
    case .boolean(let truth): self = .boolean(truth)
    case .none: self = .none
    case .list(let items), .tuple(let items): self = .tuple(items.map(RezExpression.Value.init))
    case .dictionary(let pairs):
      var keys: [RezExpression.Value] = []
      var values: [RezExpression.Value] = []
      for pair in pairs {
        let (key, value) = (RezExpression.Value(pair.key), RezExpression.Value(pair.value))
        // A key written again keeps its place and takes the later value, as in Python.
        if let place = keys.firstIndex(where: { $0.equals(key) == true }) {
          values[place] = value
        } else {
          keys.append(key)
          values.append(value)
        }
      }
      self = .dictionary(keys: keys, values: values)
    }
  }

  /// The value as a package file's literal: a string, a list (of a tuple), a boolean; nil
  /// for anything else.
  var pythonLiteral: PythonLiteral? {
    switch self {
    case .string(let text): return .string(text)
    case .boolean(let truth): return .boolean(truth)
    case .none: return PythonLiteral.none
    case .integer(let number): return .integer(Int64(number))
    case .tuple(let items):
      var literals: [PythonLiteral] = []
      for item in items {
        guard let literal = item.pythonLiteral else { return nil }
        literals.append(literal)
      }
      return .list(literals)
    case .dictionary(let keys, let values):
      var pairs: [(key: PythonLiteral, value: PythonLiteral)] = []
      for (key, value) in zip(keys, values) {
        guard let key = key.pythonLiteral, let value = value.pythonLiteral else { return nil }
        pairs.append((key, value))
      }
      return .dictionary(pairs)
    case .object, .literal, .condition, .conditional, .environment: return nil
    }
  }
}
