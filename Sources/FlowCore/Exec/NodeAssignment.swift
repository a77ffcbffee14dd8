/// A stage's environment for a machine whose own environment flow cannot see (a Slurm
/// node's, `--export=NONE`): each assignment in DESIGN.md's order, to run there in sh,
/// over what the machine itself gives. A `$NAME` in an action's value is left to the
/// shell, so it expands against the environment being built there; a prepend or append
/// joins the variable's value there with `:` only when it is set, as `applied(to:)`
/// does. Values are single-quoted and names checked, so no data ever becomes shell code.
public struct NodeAssignment: Sendable, Equatable {
  public enum Part: Sendable, Equatable {
    case text(String)
    /// The variable's value where the script runs (nothing when unset).
    case variable(String)
    /// `:` when the variable is set where the script runs, else nothing.
    case separatorIfSet(String)
  }

  public var name: String
  public var parts: [Part]
  /// Whether the variable is removed instead (`unset NAME`; its parts are empty).
  public var removes: Bool
  /// Where it applies: a test of the machine's own environment, as it was before any
  /// assignment (`EnvironmentActions.Action.when`); nil for always.
  public var when: EnvironmentTest?
  /// No assignment but a stop (`EnvironmentActions.Action.Kind.stop`): where `when` holds,
  /// the stage ends before its command with this message (its name and parts empty).
  public var stop: String?

  public init(name: String, parts: [Part], removes: Bool = false, when: EnvironmentTest? = nil) {
    self.name = name
    self.parts = parts
    self.removes = removes
    self.when = when
  }

  /// A stop with `message`, where `when` holds.
  public init(stop message: String, when: EnvironmentTest?) {
    self.init(name: "", parts: [], when: when)
    stop = message
  }

  /// The status a stage ends with where a stop holds.
  public static let stopStatus: Int32 = 1

  /// The sh lines that make `assignments` over the machine's environment: first whether
  /// each variable whose presence their tests read is set there, kept in a shell variable
  /// of its own (`flow_base_set_NAME`, never exported: the assignments change what they
  /// test), whether it is set and not empty for those whose truth they test
  /// (`flow_base_filled_NAME`), and its value for those they compare with a text
  /// (`flow_base_value_NAME`), then the assignments, then those shell variables unset.
  public static func script(_ assignments: [NodeAssignment]) -> [String] {
    var tested: [String] = []
    var filled: [String] = []
    var compared: [String] = []
    func note(_ names: [String], in kept: inout [String]) {
      for name in names where ShellWord.isName(name) && !kept.contains(name) { kept.append(name) }
    }
    for assignment in assignments {
      guard let when = assignment.when else { continue }
      note(when.presenceNames, in: &tested)
      note(when.filledNames, in: &filled)
      note(when.comparedNames, in: &compared)
    }
    var lines =
      tested.map { "\(baseMark($0))=${\($0)+1}" } + filled.map { "\(filledMark($0))=${\($0):+1}" }
      + compared.map { "\(valueMark($0))=${\($0)-}" }
    var functions = 0
    for assignment in assignments {
      guard assignment.isFunction else {
        lines.append(assignment.shell)
        continue
      }
      functions += 1
      lines.append(
        assignment.guarded("\(functionMark(functions))=" + ShellWord.quote(assignment.entry)))
    }
    let marks = tested.map(baseMark) + filled.map(filledMark) + compared.map(valueMark)
    if !marks.isEmpty { lines.append("unset " + marks.joined(separator: " ")) }
    return lines
  }

  /// The words to put after `env` before the command, in `script`'s order: each function
  /// its lines kept (`isFunction`), as one `NAME=VALUE` word, nothing where its test failed.
  public static func functionWords(_ assignments: [NodeAssignment]) -> [String] {
    (0..<assignments.count(where: \.isFunction)).map {
      let mark = functionMark($0 + 1)
      return "${\(mark)+\"$\(mark)\"}"
    }
  }

  /// Whether this assignment is an exported shell function's variable (`ShellFunction`),
  /// whose name sh cannot export: `script` keeps it as the word `NAME=VALUE`, to go to the
  /// command through `env` (`functionWords`).
  public var isFunction: Bool { !removes && stop == nil && ShellFunction.isVariable(name) }

  private var entry: String {
    name + "=" + parts.map { if case .text(let text) = $0 { text } else { "" } }.joined()
  }

  private static func functionMark(_ number: Int) -> String { "flow_function_\(number)" }

  private static func baseMark(_ name: String) -> String { "flow_base_set_" + name }

  private static func filledMark(_ name: String) -> String { "flow_base_filled_" + name }

  private static func valueMark(_ name: String) -> String { "flow_base_value_" + name }

  /// `test` as an sh condition on the marks `script` keeps; a name sh cannot spell is no
  /// variable of its environment.
  static func shellTest(_ test: EnvironmentTest) -> String {
    switch test {
    case .isSet(let name):
      return ShellWord.isName(name) ? "[ -n \"${\(baseMark(name))-}\" ]" : "false"
    case .filled(let name):
      return ShellWord.isName(name) ? "[ -n \"${\(filledMark(name))-}\" ]" : "false"
    case .equals(let name, let text):
      // Both sides after an `x`, so that no text is read as an operator of `[`.
      guard ShellWord.isName(name) else { return "false" }
      return "{ " + shellTest(.isSet(name)) + " && [ \"x${\(valueMark(name))-}\" = "
        + ShellWord.quote("x" + text) + " ]; }"
    case .path(let path, let kind):
      // Links followed, and an empty path nothing, in `test` as in Python.
      let flag: String
      switch kind {
      case .exists: flag = "-e"
      case .isdir: flag = "-d"
      case .isfile: flag = "-f"
      }
      return "[ \(flag) \(ShellWord.quote(path)) ]"
    case .not(let inner): return "! " + shellTest(inner)
    case .all(let tests):
      return tests.isEmpty ? "true" : "{ " + tests.map(shellTest).joined(separator: " && ") + "; }"
    case .any(let tests):
      return tests.isEmpty ? "false" : "{ " + tests.map(shellTest).joined(separator: " || ") + "; }"
    }
  }

  /// `export NAME='text'"${VAR}"${VAR+:}…`, or `unset NAME` (the names were checked when
  /// made), or for a stop its message to standard error and the stop's status, under `if
  /// TEST; then …; fi` where it has a test (run in `script`'s lines).
  public var shell: String { guarded(line) }

  private func guarded(_ line: String) -> String {
    guard let when else { return line }
    return "if \(Self.shellTest(when)); then \(line); fi"
  }

  private var line: String {
    if let stop {
      return "printf '%s\\n' \(ShellWord.quote(stop)) >&2; exit \(Self.stopStatus)"
    }
    if removes { return "unset \(name)" }
    let value = parts.map { part in
      switch part {
      case .text(let text): ShellWord.quote(text)
      case .variable(let name): "\"${\(name)}\""
      case .separatorIfSet(let name): "${\(name)+:}"
      }
    }.joined()
    return "export \(name)=" + (value.isEmpty ? "''" : value)
  }
}

extension StageEnvironment {
  /// The stage's environment as assignments over the base of the machine it runs on; the
  /// GPU visibility variable is left to that machine's scheduler. Names that are no shell
  /// names, and those `skipping` says, are left out.
  public func nodeAssignments(
    stage: String, workflow: String, command: [(name: String, value: String)] = [],
    skipping: (String) -> Bool = { _ in false }
  ) -> [NodeAssignment] {
    var result: [NodeAssignment] = []
    func keeps(_ name: String) -> Bool { ShellWord.isName(name) && !skipping(name) }
    for action in actions.actions
    where action.kind == .alias || action.kind == .stop || keeps(action.variable) {
      let value = Self.parts(action.value)
      let name = action.variable
      switch action.kind {
      case .alias:
        result.append(
          NodeAssignment(
            name: ShellFunction.variable(named: name),
            parts: [.text(ShellFunction.exported(action.value))], when: action.when))
      case .set: result.append(NodeAssignment(name: name, parts: value, when: action.when))
      case .prepend:
        result.append(
          NodeAssignment(
            name: name, parts: value + [.separatorIfSet(name), .variable(name)],
            when: action.when))
      case .append:
        result.append(
          NodeAssignment(
            name: name, parts: [.variable(name), .separatorIfSet(name)] + value,
            when: action.when))
      case .unset:
        result.append(NodeAssignment(name: name, parts: [], removes: true, when: action.when))
      case .stop: result.append(NodeAssignment(stop: action.stopMessage, when: action.when))
      }
    }
    var literal = variables.map { ($0.name, $0.value) }
    literal += [("FLOW_STAGE", stage), ("FLOW_WORKFLOW", workflow)]
    literal += command.map { ($0.name, $0.value) }
    for (name, value) in literal where keeps(name) {
      result.append(NodeAssignment(name: name, parts: [.text(value)]))
    }
    return result
  }

  /// An action's value with its references left to the shell; a reference by a name sh
  /// cannot spell is one that no assignment can set, so it expands to nothing.
  static func parts(_ value: String) -> [NodeAssignment.Part] {
    EnvironmentActions.pieces(value).compactMap { piece in
      switch piece {
      case .text(let text): .text(text)
      case .variable(let name): ShellWord.isName(name) ? .variable(name) : nil
      }
    }
  }
}
