/// The environment changes of chosen packages, in the order Lifeblood applies them:
/// packages by ascending `priority` (stable, so ties keep their order), and within a package
/// each variable in catalogue order with its prepend, then append, then set. A list prepend
/// or append becomes one action per item, in the order they are applied: a prepend's items
/// last to first, an append's first to last. A list set is one action, its items joined
/// with `:`.
///
/// Applying follows Lifeblood's `Environment`: prepend or append on a missing variable sets
/// it; otherwise values join with `:` without de-duplication (an empty variable leaves a
/// trailing `:`); `$NAME` and `${NAME}` expand against the environment being built,
/// undefined ones to nothing, where a name is a run of letters, digits (of any script) and
/// `_`, as Python's `\w` matches. A prepend or append expands its value, joins it, then
/// expands the whole joined value again, inherited text included.
public struct EnvironmentActions: Sendable, Hashable {
  public struct Action: Sendable, Hashable {
    /// `unset` removes the variable (rez's `unsetenv`); its value is empty. `alias` defines
    /// the shell function `variable` running the command `value` (rez's `alias()`,
    /// `ShellFunction`), its value never expanded: its references are the shell's, when the
    /// function is called. `stop` says the environment cannot be made where its test holds
    /// (rez's `stop()`), `value` saying why; its `variable` is empty.
    public enum Kind: String, Sendable, Hashable { case prepend, append, set, unset, alias, stop }

    public var kind: Kind
    /// The variable changed, or for an `alias` the function's name.
    public var variable: String
    /// The value before expansion: one item of a list prepend or append, or a whole list set
    /// joined with `:`; for an `alias`, its command; for a `stop`, its message.
    public var value: String
    /// The package the action comes from.
    public var package: String
    /// Where the action applies: a test of the environment the actions are applied to (a
    /// rez package's `defined()`, `undefined()` and `os.environ` tests); nil for always.
    public var when: EnvironmentTest?

    public init(
      kind: Kind, variable: String, value: String, package: String, when: EnvironmentTest? = nil
    ) {
      self.kind = kind
      self.variable = variable
      self.value = value
      self.package = package
      self.when = when
    }

    /// What a `stop` says: the package and its message.
    public var stopMessage: String { "package \(package) stops: \(value)" }
  }

  public private(set) var actions: [Action]

  public init(actions: [Action]) { self.actions = actions }

  /// The actions of `packages`, given in request order.
  public init(packages: [PackageVersion]) {
    let ordered = packages.enumerated().sorted { left, right in
      left.element.priority != right.element.priority
        ? left.element.priority < right.element.priority : left.offset < right.offset
    }.map(\.element)
    var actions: [Action] = []
    for package in ordered {
      for change in package.variables { Self.append(change, of: package.name, to: &actions) }
    }
    self.actions = actions
  }

  /// The actions of one change.
  private static func append(
    _ change: VariableChange, of package: String, to actions: inout [Action],
    separator: String = ":"
  ) {
    switch change.kind {
    case .variable: break
    case .key: return
    case .alias, .stop:
      actions.append(
        Action(
          kind: change.kind == .alias ? .alias : .stop, variable: change.name,
          value: change.set?.first ?? "", package: package))
      return
    }
    if change.unset && change.set == nil {
      actions.append(Action(kind: .unset, variable: change.name, value: "", package: package))
    }
    for item in change.prepend.reversed() {
      actions.append(Action(kind: .prepend, variable: change.name, value: item, package: package))
    }
    for item in change.append {
      actions.append(Action(kind: .append, variable: change.name, value: item, package: package))
    }
    if let values = change.set {
      actions.append(
        Action(
          kind: .set, variable: change.name, value: values.joined(separator: separator),
          package: package))
    }
  }

  /// The name of a variable rez sets for a package or ephemeral: `prefix`, the name in
  /// capitals with `.` as `_` (`str.upper`; rez's names are ASCII), then `suffix`.
  static func rezVariable(_ prefix: String, _ name: String, _ suffix: String) -> String {
    let upper = name.utf8.map { byte -> UInt8 in
      if byte == UInt8(ascii: ".") { return UInt8(ascii: "_") }
      return byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
    }
    return prefix + String(decoding: upper, as: UTF8.self) + suffix
  }

  /// The variables rez sets for a package before any commands, in order: `REZ_NAME_VERSION`,
  /// `_MAJOR_VERSION`, `_MINOR_VERSION`, `_PATCH_VERSION` from its version's first three
  /// tokens, and where its folders are known `_BASE` (its version's) and `_ROOT` (its
  /// variant's). Each name is the package's part and a suffix joined once: a resolve names
  /// these for every package it chose.
  static func rezPackageVariables(_ name: String, version: String, base: String?, root: String?)
    -> [(variable: String, value: String)]
  {
    let prefix = rezVariable("REZ_", name, "_")
    let tokens = RezVersion.tokens(of: version, upTo: 3)
    var values: [(variable: String, value: String)] = []
    values.reserveCapacity(6)
    values.append((prefix + "VERSION", version))
    for (place, part) in ["MAJOR_VERSION", "MINOR_VERSION", "PATCH_VERSION"].enumerated() {
      values.append((prefix + part, place < tokens.count ? tokens[place] : ""))
    }
    if let root, let base {
      values.append((prefix + "BASE", base))
      values.append((prefix + "ROOT", root))
    }
    return values
  }

  /// The actions of a rez resolve, in the order rez's context applies them: for each
  /// package in turn, the variables rez sets for it (`rezPackageVariables`), then the
  /// packages' own actions, phase by
  /// phase (every package's `pre_commands`, then their `commands`, then their
  /// `post_commands`), those read under a condition on the resolve only where it holds of
  /// these packages, ephemerals and `requests` (the machine's facts left out), then for
  /// each ephemeral (`name` and range: `.foo.bar`, `1.2`) its request
  /// (`REZ_EPH_FOO_BAR_REQUEST=1.2`). A change whose condition stays unknown once the
  /// resolve is known (a package before named `env` in a way flow does not follow) is left
  /// out and told to `undecided`: one a package before may have named through `env` in a
  /// way flow does not follow (`env.keys()`), or too deep to read; and so is, once, each
  /// package's variable whose changes depend on more tests than flow keeps
  /// (`pastTestLimit`).
  static func rez(
    packages: [PackageVersion], ephemerals: [(name: String, range: String)],
    requests: [PackageRequirement] = [], undecided: ((Diagnostic) -> Void)? = nil
  ) -> EnvironmentActions {
    var actions: [Action] = []
    actions.reserveCapacity(6 * packages.count + ephemerals.count)
    // Read field by field rather than a package copied whole, which retains (and then
    // releases) each of its fields: a resolve passes every package it chose.
    for index in packages.indices {
      let name = packages[index].name
      for (variable, value) in rezPackageVariables(
        name, version: packages[index].key, base: packages[index].base,
        root: packages[index].root)
      {
        actions.append(Action(kind: .set, variable: variable, value: value, package: name))
      }
    }
    // What the changes made under a condition test, made when one is met.
    var resolved: RezExpression.Scope?
    var context = RezContext()
    // Each package's variables whose tests grew past what flow keeps, told once.
    var pastLimit: Set<String> = []
    let setForPackages = actions.count
    // Only packages with changes of their own take part in the phases.
    let changing = packages.indices.filter { !packages[$0].variables.isEmpty }
    for phase in VariableChange.Phase.applied {
      for index in changing {
        let package = packages[index]
        // The variables rez sets for each package count as set, once a change could read
        // one: most resolves never name them, and a thousand would be hashed.
        if !context.knowsPackageVariables,
          package.variables.contains(where: {
            $0.phase == phase
              && ($0.name.hasPrefix("REZ_") || $0.condition?.contains("REZ_") == true)
          })
        {
          context.setBeforeCommands(actions[..<setForPackages].map(\.variable))
        }
        // `defined()` reads what the packages before this one set, `env.keys()` the
        // variables they named through `env` (`EnvironmentTests`).
        let setBefore = RezExpression.EnvironmentTests.setBefore(
          context.present, named: context.namesUnknown ? nil : context.throughEnv)
        for change in package.variables where change.phase == phase {
          var when = EnvironmentTest.always
          if let condition = change.condition {
            var scope =
              resolved
              ?? conditionScope(packages: packages, ephemerals: ephemerals, requests: requests)
            resolved = scope
            scope.environment = setBefore
            // What is left once the resolve is known tests the environment alone; a
            // condition flow cannot read so (too deep) fails, as one whose truth is unknown:
            // a change is then left out, a key's variables are perhaps named.
            let value = RezExpression.test(condition, in: scope)
            if case .boolean(false)? = value { continue }
            if case .condition(let text)? = value, let test = EnvironmentTest(parsing: text) {
              when = test
            } else if value?.truth != true {
              if change.kind == .key {
                context.name(change.set, where: .always, perhaps: true)
              } else {
                undecided?(Self.undecided(change, of: package, condition: condition))
              }
              continue
            }
          }
          if change.kind == .key {
            context.name(change.set, where: when, perhaps: change.unset)
            continue
          }
          if context.add(change, of: package.name, when: when, to: &actions),
            pastLimit.insert(package.name + "\u{0}" + change.name).inserted
          {
            undecided?(Self.pastTestLimit(change, of: package))
          }
        }
      }
    }
    context.finish(&actions)
    for ephemeral in ephemerals {
      actions.append(
        Action(
          kind: .set,
          variable: rezVariable("REZ_EPH_", String(ephemeral.name.dropFirst()), "_REQUEST"),
          value: ephemeral.range, package: ephemeral.name))
    }
    return EnvironmentActions(actions: actions)
  }

  /// A warning that where `change` of `package` applies, or where its variable is set after
  /// it, needs more tests of the environment than flow keeps (`RezContext.testLimit`).
  static func pastTestLimit(_ change: VariableChange, of package: PackageVersion) -> Diagnostic {
    Diagnostic(
      file: package.definedAt, position: nil,
      message: "rez package \(package.name)-\(package.key): the changes of \(change.name) "
        + "depend on more than \(RezContext.testLimit) tests of the environment, more than "
        + "flow keeps: where it is set from here, and what applies only where those tests "
        + "hold, may differ from rez")
  }

  /// A warning that `change` of `package`, under `condition`, is left out of a resolve.
  static func undecided(_ change: VariableChange, of package: PackageVersion, condition: String)
    -> Diagnostic
  {
    let what: String
    switch change.kind {
    case .alias: what = "the alias \(change.name)"
    case .stop: what = "a stop"
    case .variable, .key: what = "the change of \(change.name)"
    }
    return Diagnostic(
      file: package.definedAt, position: nil,
      message: "rez package \(package.name)-\(package.key): command not decided for this "
        + "resolve, left out: \(what) where \(condition), which flow cannot tell once the "
        + "packages before it are known")
  }

  /// How rez's context builds the variables its packages change (its default settings,
  /// `parent_variables` empty): a package's first change of a variable replaces what the
  /// environment held (an append or prepend then sets it), later ones join with rez's
  /// separator for it (`;` for `CMAKE_MODULE_PATH`, a space for `DOXYGEN_TAGFILES`, `:`
  /// else), and an unset variable is set afresh again. `PATH` is built from the packages'
  /// changes in the same way, and the environment's own `PATH` follows it, as rez appends
  /// the system's paths to it: its parts are prepended where it was changed last.
  ///
  /// A change made where a test of the environment holds (`Action.when`) makes its actions
  /// under that test, and the variable set only there: a later append or prepend is then
  /// two actions, an append where it was set and a set where it was not.
  private struct RezContext {
    /// The variables the packages' commands changed so far (and those rez sets for each
    /// package), each with where it is set: `EnvironmentTest.always`, a test of the
    /// environment, or `.never` (unset).
    var present: [String: EnvironmentTest] = [:]
    /// The parts the packages gave `PATH`, each with its package and where it is kept, and
    /// the place of the actions where it was changed last; nil while none did.
    var path: (parts: [(value: String, package: String, when: EnvironmentTest)], place: Int)? =
      nil
    /// The actions of the change being added, kept from one to the next.
    private var buffer: [Action] = []
    /// The variables rez's `env.keys()` holds beyond the environment's own: those the
    /// packages' commands named through `env` so far (`VariableChange.Kind.key`), each with
    /// where they did, and those they perhaps named; `namesUnknown` once they may have named
    /// any variable.
    var throughEnv = RezExpression.EnvironmentTests.NamedThroughEnv()
    var namesUnknown = false

    /// Keeps that the commands named `variables` through `env` where `when` holds, or
    /// `perhaps` did (nil: perhaps any variable).
    mutating func name(_ variables: [String]?, where when: EnvironmentTest, perhaps: Bool) {
      guard let variables else {
        namesUnknown = true
        return
      }
      for variable in variables {
        let named = (throughEnv.named[variable] ?? .never).or(when)
        if perhaps || named.size > Self.testLimit {
          throughEnv.perhaps.insert(variable)
        } else {
          throughEnv.named[variable] = named
        }
      }
    }

    /// The most variable tests one test joins (`EnvironmentTest.size`): where changes of
    /// one variable under tests pile up past it (as a loop can make them), the variable
    /// counts as set, and an action it would guard is left out, so that the tests stay
    /// small whatever the commands (`pastTestLimit` warns of it).
    static let testLimit = 32

    /// Whether `present` holds the variables rez sets for each package
    /// (`setBeforeCommands`).
    private(set) var knowsPackageVariables = false

    /// Counts the variables rez sets for each package, before any command, as set.
    mutating func setBeforeCommands(_ variables: [String]) {
      knowsPackageVariables = true
      for variable in variables where present[variable] == nil { present[variable] = .always }
    }

    static func separator(of variable: String) -> String? {
      switch variable {
      case "CMAKE_MODULE_PATH": return ";"
      case "DOXYGEN_TAGFILES": return " "
      default: return nil
      }
    }

    /// Adds `change`'s actions, where `when` holds; whether a test grew past `testLimit`
    /// there (`bounded`), so that what they keep is not exact.
    mutating func add(
      _ change: VariableChange, of package: String, when: EnvironmentTest,
      to actions: inout [Action]
    ) -> Bool {
      var cut = false
      /// `test`, or past `testLimit`, `fallback` (`cut` then).
      func bounded(_ test: EnvironmentTest, else fallback: EnvironmentTest) -> EnvironmentTest {
        if test.size <= Self.testLimit { return test }
        cut = true
        return fallback
      }
      buffer.removeAll(keepingCapacity: true)
      let separator = Self.separator(of: change.name)
      append(change, of: package, to: &buffer, separator: separator ?? ":")
      let unless = when.negated
      if change.kind != .variable {
        // A function or a stop, not a variable: no variable's presence changes.
        for var action in buffer {
          action.when = when.isAlways ? nil : when
          if !when.isNever { actions.append(action) }
        }
        return cut
      }
      for action in buffer {
        if action.variable == "PATH" {
          var parts = path?.parts ?? []
          switch action.kind {
          case .set, .unset:
            parts = parts.compactMap { part in
              let kept = bounded(part.when.and(unless), else: .never)
              return kept.isNever ? nil : (part.value, part.package, kept)
            }
            if action.kind == .set { parts.append((action.value, package, when)) }
          case .append: parts.append((action.value, package, when))
          case .prepend: parts.insert((action.value, package, when), at: 0)
          case .alias, .stop: preconditionFailure("no variable")
          }
          path = (parts, actions.count)
          continue
        }
        let variable = action.variable
        let wasPresent = present[variable] ?? .never
        func add(_ made: Action, where test: EnvironmentTest) {
          guard !test.isNever else { return }
          var made = made
          made.when = test.isAlways ? nil : test
          actions.append(made)
        }
        switch action.kind {
        case .set:
          add(action, where: when)
          present[variable] = bounded(wasPresent.or(when), else: .always)
        case .unset:
          add(action, where: when)
          present[variable] = bounded(wasPresent.and(unless), else: .never)
        case .append, .prepend:
          // Where it was set: joined to it (with its own separator, as one set); where it
          // was not: set.
          var joined = action
          if let separator {
            let current = "${" + variable + "}"
            joined.kind = .set
            joined.value =
              action.kind == .append
              ? current + separator + action.value : action.value + separator + current
          }
          var first = action
          first.kind = .set
          add(joined, where: bounded(when.and(wasPresent), else: .never))
          add(first, where: bounded(when.and(wasPresent.negated), else: .never))
          present[variable] = bounded(wasPresent.or(when), else: .always)
        case .alias, .stop: preconditionFailure("no variable")
        }
      }
      return cut
    }

    /// Puts `PATH`'s parts in front of the environment's own, first part first.
    func finish(_ actions: inout [Action]) {
      guard let path else { return }
      actions.insert(
        contentsOf: path.parts.reversed().map {
          Action(
            kind: .prepend, variable: "PATH", value: $0.value, package: $0.package,
            when: $0.when.isAlways ? nil : $0.when)
        }, at: path.place)
    }
  }

  /// What conditions on a rez resolve read (`RezExpression.Resolved`): each package's
  /// version, each ephemeral's request as rez writes it, by its name without the `.`, and
  /// each request as rez writes it (a later request of a name replacing an earlier, as in
  /// rez's binding).
  private static func conditionScope(
    packages: [PackageVersion], ephemerals: [(name: String, range: String)],
    requests: [PackageRequirement]
  ) -> RezExpression.Scope {
    var resolved = RezExpression.Resolved(versions: [:], ephemerals: [:])
    for package in packages { resolved.versions[package.name] = package.key }
    for request in requests {
      resolved.requests[request.name] =
        request.kind.mark + RezRequirement.written(request.name, request.spec.text)
    }
    for ephemeral in ephemerals {
      resolved.ephemerals[String(ephemeral.name.dropFirst())] = RezRequirement.written(
        ephemeral.name, ephemeral.range)
    }
    return RezExpression.Scope(package: [:], resolved: resolved)
  }

  /// The full environment after applying every action to `base`. The actions' tests
  /// (`Action.when`) read `tested` where given: the environment they are decided in, when
  /// it holds variables `base` leaves to the place the environment is used (a container's
  /// `HOME`, set as it starts).
  public func applied(to base: EnvironmentMap, tested: EnvironmentMap? = nil) -> EnvironmentMap {
    let tested = tested ?? base
    var environment = base
    for action in actions {
      // A test of the environment the actions started from.
      if let test = action.when, !test.holds(in: tested) { continue }
      if action.kind == .alias {
        environment[ShellFunction.variable(named: action.variable)] = ShellFunction.exported(
          action.value)
        continue
      }
      if action.kind == .stop { continue }
      let value = EnvironmentActions.expand(action.value, in: environment)
      let joined: String
      switch (action.kind, environment[action.variable]) {
      case (.unset, _):
        environment[action.variable] = nil
        continue
      case (.set, _), (_, nil):
        environment[action.variable] = value
        continue
      case (.prepend, let existing?): joined = value + ":" + existing
      case (.append, let existing?): joined = existing + ":" + value
      case (.alias, _), (.stop, _): preconditionFailure("applied above")
      }
      environment[action.variable] = EnvironmentActions.expand(joined, in: environment)
    }
    return environment
  }

  /// The first `stop` whose test holds where the actions are applied to `base`: there the
  /// environment is not made (rez's context fails at the first stop its commands reach).
  /// Tests read `base` alone, so this is known before any action is applied.
  public func stop(appliedTo base: EnvironmentMap) -> Action? {
    actions.first { $0.kind == .stop && ($0.when?.holds(in: base) ?? true) }
  }

  /// The first `stop` without a test: wherever the actions are applied, no environment is
  /// made.
  public var stopEverywhere: Action? { actions.first { $0.kind == .stop && $0.when == nil } }

  /// The shell functions the actions define where applied to `base` (`Kind.alias`): each
  /// name once, where first defined, with the command defined last.
  public func functions(appliedTo base: EnvironmentMap) -> [(name: String, command: String)] {
    var result: [(name: String, command: String)] = []
    for action in actions where action.kind == .alias {
      if let test = action.when, !test.holds(in: base) { continue }
      if let place = result.firstIndex(where: { $0.name == action.variable }) {
        result[place].command = action.value
      } else {
        result.append((action.variable, action.value))
      }
    }
    return result
  }

  /// Replaces `$NAME` and `${NAME}` with their values in `environment`, or nothing.
  public static func expand(_ text: String, in environment: EnvironmentMap) -> String {
    guard text.utf8.contains(UInt8(ascii: "$")) else { return text }
    var result = ""
    for piece in pieces(text) {
      switch piece {
      case .text(let literal): result += literal
      case .variable(let name): result += environment[name] ?? ""
      }
    }
    return result
  }

  /// A value as `expand` reads it: its literal text and the names it refers to, in order.
  public enum Piece: Sendable, Hashable {
    case text(String)
    case variable(String)
  }

  /// The pieces of `text`: `$NAME` and `${NAME}` are variables, the rest (a `$` not
  /// followed by a name, an unclosed `${`) literal text.
  public static func pieces(_ text: String) -> [Piece] {
    guard text.utf8.contains(UInt8(ascii: "$")) else { return text.isEmpty ? [] : [.text(text)] }
    let scalars = Array(text.unicodeScalars)
    var result: [Piece] = []
    var literal = String.UnicodeScalarView()
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      guard scalar == "$", index + 1 < scalars.count else {
        literal.append(scalar)
        index += 1
        continue
      }
      var start = index + 1
      let braced = scalars[start] == "{"
      if braced { start += 1 }
      var end = start
      while end < scalars.count && isNameCharacter(scalars[end]) { end += 1 }
      let closed = !braced || (end < scalars.count && scalars[end] == "}")
      guard end > start, closed else {
        literal.append(scalar)
        index += 1
        continue
      }
      if !literal.isEmpty { result.append(.text(String(literal))) }
      literal = String.UnicodeScalarView()
      result.append(.variable(String(String.UnicodeScalarView(scalars[start..<end]))))
      index = braced ? end + 1 : end
    }
    if !literal.isEmpty { result.append(.text(String(literal))) }
    return result
  }

  /// What Python's `\w` matches, as Lifeblood's names do: `_`, and letters and numerals of any
  /// script.
  static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII {
      return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        || ("0"..."9").contains(scalar) || scalar == "_"
    }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
      return true
    default: return scalar.properties.numericType != nil
    }
  }
}
