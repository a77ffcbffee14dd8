/// Reads a rez package's `commands` where they change the environment in ways flow can work
/// out without running Python: `env.NAME.set(VALUE)`, `.append(VALUE)`, `.prepend(VALUE)`,
/// `.unset()`, `env.NAME = VALUE` (also `env['NAME']`), `setenv('NAME', VALUE)`,
/// `appendenv(…)`, `prependenv(…)`, `unsetenv('NAME')`, names assigned for later lines
/// (`path = root + '/bin'`), and `if` chains whose tests flow works out, each VALUE an
/// expression `RezExpression` works out. A string value is formatted as rez formats it
/// (`RezExpression.formatted`): `{root}`, `{base}`, `{version}`, `{version.major}`
/// (`.minor`, `.patch`), `{this.name}` (also as `{this.root}`, …) are the package's,
/// `{env.NAME}` is the variable's value (`${NAME}`), and `{resolve.NAME.version}` (`.base`,
/// `.root`) another chosen package's, through the variable rez sets for it
/// (`${REZ_NAME_VERSION}`); a name the commands assigned is its value. `pass`, `global`,
/// `import`, `info(…)`, `comment(…)`, docstring and `env = globals()['env']` lines change
/// nothing. Lines are Python's logical lines (`statements(of:firstLine:)`). Any other line
/// is left out with a warning: flow never runs a package's Python.
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

  /// Reads `lines`, the first being line `firstLine` of the file; `expansions` gives the
  /// package's bindings (`root`, `base`, `version`, `version.major`, `name`, …).
  ///
  /// An `if`/`elif`/`else` chain whose conditions are decided here reads the branch rez
  /// would take; another block's opening line (an undecided `if`, a `for`) is left out with
  /// its warning, and its lines go with it.
  init(
    lines: [String], firstLine: Int, expansions: [String: String],
    phase: VariableChange.Phase = .commands
  ) {
    self.phase = phase
    scope = RezExpression.Scope(package: expansions)
    let statements = Self.statements(of: lines, firstLine: firstLine)
    var next = 0
    read(statements, from: &next)
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
    while next < statements.count, statements[next].depth >= indent {
      let statement = statements[next]
      next += 1
      if statement.depth > indent { continue }
      let text = statement.text
      if let test = Self.header(text, keyword: "if") {
        // The chain's branches: each test's value as the lines before leave it (nil: not
        // worked out; true for `else`) and where its body starts.
        var branches: [(value: RezExpression.Value?, body: Int)] = [(value(of: test), next)]
        skipBody()
        while next < statements.count, statements[next].depth == indent {
          let text = statements[next].text
          if let test = Self.header(text, keyword: "elif") {
            branches.append((value(of: test), next + 1))
          } else if text == "else:" {
            branches.append((.boolean(true), next + 1))
          } else {
            break
          }
          next += 1
          skipBody()
        }
        let end = next
        // That no branch before held.
        var none = RezExpression.Value.boolean(true)
        for branch in branches {
          // A test whose truth is unknown (one of rez's objects) leaves the chain undecided.
          guard let test = branch.value, test.conditionText != nil,
            let holds = RezExpression.Parser.join(none, test, or: false),
            let rest = RezExpression.Parser.negate(test).flatMap({
              RezExpression.Parser.join(none, $0, or: false)
            })
          else {
            skipped.append((statement.line, text))
            break
          }
          if holds.truth != false {
            next = branch.body
            if next < statements.count, statements[next].depth > indent {
              readBody(statements, from: &next, holding: holds)
            }
          }
          none = rest
          if none.truth == false { break }
        }
        next = end
        continue
      }
      if !perform(text) { skipped.append((statement.line, text)) }
    }
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

  /// A test's value as rez's commands would work it out; nil where flow cannot.
  private func value(of test: String) -> RezExpression.Value? {
    RezExpression.value(test, in: scope)
  }

  /// Does what one line does; false when it is none of the forms read.
  private mutating func perform(_ text: String) -> Bool {
    if text == "pass" || text.hasPrefix("import ") || text.hasPrefix("from ")
      || text.hasPrefix("global ")
    {
      return true
    }
    // A string alone (a docstring) changes nothing.
    if text.hasPrefix("'") || text.hasPrefix("\""), RezExpression.value(text, in: scope) != nil {
      return true
    }
    var reader = PythonModuleReader(bytes: Array(text.utf8))
    guard let head = reader.identifier() else { return false }
    // `env = globals()["env"]`, written for linters, binds rez's name to itself.
    var rest = reader
    if RezExpression.isBound(head), rebindsItself(head, &rest) { return true }
    // rez's messages (`info('…')`, `comment('…')`) change nothing either.
    if head == "info" || head == "comment", Self.take("(", &reader) { return true }
    if head == "env" {
      guard let change = envChange(&reader) else { return false }
      apply(change)
      return true
    }
    if head == "unsetenv" {
      guard Self.take("(", &reader), case .string(let name)? = value(&reader),
        RezExpression.isVariableName(name), Self.closesCall(&reader), Self.atEnd(&reader)
      else { return false }
      apply((.unset, name, ""))
      return true
    }
    let functions: [String: Operation] = [
      "setenv": .set, "appendenv": .append, "prependenv": .prepend,
    ]
    if let operation = functions[head] {
      guard Self.take("(", &reader), case .string(let name)? = value(&reader),
        RezExpression.isVariableName(name), Self.take(",", &reader),
        let value = variableText(&reader), Self.closesCall(&reader), Self.atEnd(&reader)
      else { return false }
      apply((operation, name, value))
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
    let rebindable: Set = ["this", "root", "base", "version", "system", "building"]
    guard names.allSatisfy({ !RezExpression.isBound($0) || rebindable.contains($0) }),
      reader.peek == UInt8(ascii: "="),
      reader.index + 1 < reader.bytes.count, reader.bytes[reader.index + 1] != UInt8(ascii: "=")
    else { return false }
    reader.index += 1
    var assigned = value(&reader).map { [$0] }
    if !Self.atEnd(&reader) { assigned = nil }
    if names.count > 1 {
      if case .tuple(let items)?? = assigned?.first, items.count == names.count {
        assigned = items
      } else {
        assigned = nil
      }
    }
    for (place, name) in names.enumerated() { scope.locals[name] = .some(assigned?[place]) }
    return assigned != nil
  }

  /// Whether the rest of the line (after `name`) is `= globals()['name']` or
  /// `= globals().get('name')`.
  private func rebindsItself(_ name: String, _ reader: inout PythonModuleReader) -> Bool {
    guard Self.take("=", &reader) else { return false }
    reader.skipSpaces()
    guard reader.identifier() == "globals", Self.take("(", &reader), Self.take(")", &reader)
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

  enum Operation { case set, append, prepend, unset }

  /// Adds a change so that applying the result gives what rez's commands give in order: a
  /// set replaces what came before, and later appends and prepends extend the set value.
  /// A change made under a condition on the resolve is kept apart from the variable's
  /// others, in its order among them.
  mutating func apply(_ change: (operation: Operation, variable: String, value: String)) {
    let last = variables.lastIndex { $0.name == change.variable }
    let index =
      last.flatMap { variables[$0].condition == condition ? $0 : nil }
      ?? {
        variables.append(
          VariableChange(name: change.variable, phase: phase, condition: condition))
        return variables.count - 1
      }()
    var entry = variables[index]
    switch change.operation {
    case .set:
      entry = VariableChange(
        name: change.variable, set: [change.value], phase: phase, condition: condition)
    case .unset:
      entry = VariableChange(
        name: change.variable, phase: phase, condition: condition, unset: true)
    case .append:
      if entry.set != nil {
        entry.set!.append(change.value)
      } else {
        entry.append.append(change.value)
      }
    case .prepend:
      if entry.set != nil {
        entry.set!.insert(change.value, at: 0)
      } else {
        entry.prepend.insert(change.value, at: 0)
      }
    }
    variables[index] = entry
  }

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
