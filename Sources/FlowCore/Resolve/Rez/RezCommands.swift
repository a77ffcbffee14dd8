/// Reads a rez package's `commands` when they are simple environment changes:
/// `env.NAME.set(VALUE)`, `.append(VALUE)`, `.prepend(VALUE)`, `env.NAME = VALUE`,
/// `setenv('NAME', VALUE)`, `appendenv(…)`, `prependenv(…)`, and `pass`, each VALUE a string
/// literal or one of rez's bindings written bare (`this.version`, `root`,
/// `resolve.python.base`). In a literal, `{root}`, `{base}`, `{version}`, `{name}`,
/// `{version.major}`, `.minor`, `.patch` (also as `{this.root}`, …) are the package's,
/// `{env.NAME}` is the variable's value (`${NAME}`), and `{resolve.NAME.version}` (`.base`,
/// `.root`) another chosen package's, through the variable rez sets for it
/// (`${REZ_NAME_VERSION}`). An `if` whose conditions flow can decide reads the branch rez
/// would take. Any other line is left out with a warning: flow never runs a package's
/// Python.
struct RezCommands {
  /// The package's changes, one per variable in the order first changed.
  var variables: [VariableChange] = []
  /// When they apply: the phase of the function they were read from.
  let phase: VariableChange.Phase
  /// Lines not understood, each with its line number within the package file.
  var skipped: [(line: Int, text: String)] = []

  /// Reads `lines`, the first being line `firstLine` of the file; `expansions` gives the
  /// value of each `{key}`.
  ///
  /// An `if`/`elif`/`else` chain whose conditions are decided here (`condition(_:)`) reads
  /// the branch rez would take; another block's opening line (an undecided `if`, a `for`) is
  /// left out with its warning, and its lines go with it. `import` lines change nothing.
  init(
    lines: [String], firstLine: Int, expansions: [String: String],
    phase: VariableChange.Phase = .commands
  ) {
    self.phase = phase
    var statements: [Statement] = []
    for (offset, written) in lines.enumerated() {
      let text = String(written.trimmingSpaces)
      if text.isEmpty || text.hasPrefix("#") { continue }
      let depth = written.utf8.prefix { $0 == 32 || $0 == 9 }.count
      statements.append(Statement(line: firstLine + offset, depth: depth, text: text))
    }
    var next = 0
    read(statements, from: &next, expansions: expansions)
  }

  /// One non-blank line of a body: its line number, indentation and trimmed text.
  struct Statement {
    var line: Int
    var depth: Int
    var text: String
  }

  /// Reads the block starting at `statements[next]`, up to the first line indented less
  /// than its first; `next` is then past it.
  private mutating func read(
    _ statements: [Statement], from next: inout Int, expansions: [String: String]
  ) {
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
      if text == "pass" || text.hasPrefix("import ") || text.hasPrefix("from ") { continue }
      if let condition = Self.header(text, keyword: "if") {
        // The chain's branches: each condition (nil for `else`) and where its body starts.
        var branches: [(decided: Bool?, body: Int)] = [(Self.condition(condition), next)]
        skipBody()
        while next < statements.count, statements[next].depth == indent {
          let text = statements[next].text
          if let condition = Self.header(text, keyword: "elif") {
            branches.append((Self.condition(condition), next + 1))
          } else if text == "else:" {
            branches.append((true, next + 1))
          } else {
            break
          }
          next += 1
          skipBody()
        }
        let end = next
        for branch in branches {
          guard let decided = branch.decided else {
            skipped.append((statement.line, text))
            break
          }
          guard decided else { continue }
          next = branch.body
          if next < statements.count, statements[next].depth > indent {
            read(statements, from: &next, expansions: expansions)
          }
          break
        }
        next = end
        continue
      }
      guard let change = RezCommands.change(text, expansions: expansions) else {
        skipped.append((statement.line, text))
        continue
      }
      apply(change)
    }
  }

  /// The condition of `if CONDITION:` (or `elif`) written on its own line; nil for
  /// anything else (a body on the same line is not read).
  private static func header(_ text: String, keyword: String) -> String? {
    guard text.hasPrefix(keyword + " ") || text.hasPrefix(keyword + "("), text.hasSuffix(":")
    else { return nil }
    return String(text.dropFirst(keyword.count).dropLast())
  }

  /// A condition as rez decides it for a resolved environment, where flow can tell:
  /// `building` (false: this is no build), `system.platform` (`linux`) and Python's
  /// `platform.system()` (`Linux`), string literals, `True`, `False`, with `==`, `!=`,
  /// `not`, `and`, `or` and brackets; nil for anything else (which depends on the resolve,
  /// the environment or the machine in ways not read here).
  static func condition(_ text: String) -> Bool? {
    var parser = ConditionParser(reader: PythonModuleReader(bytes: Array(text.utf8)))
    guard let value = parser.or(), parser.atEnd else { return nil }
    return ConditionParser.truth(value)
  }

  /// Reads a condition by Python's precedence: `or`, then `and`, then `not`, then
  /// comparisons.
  private struct ConditionParser {
    var reader: PythonModuleReader

    var atEnd: Bool {
      mutating get {
        reader.skipSpaces()
        return reader.peek == nil
      }
    }

    /// Whether the next word is `word` (taken when it is).
    mutating func take(_ word: String) -> Bool {
      reader.skipSpaces()
      let save = reader.index
      if reader.identifier() == word { return true }
      reader.index = save
      return false
    }

    mutating func take(symbol: String) -> Bool {
      reader.skipSpaces()
      let bytes = Array(symbol.utf8)
      guard reader.index + bytes.count <= reader.bytes.count,
        Array(reader.bytes[reader.index..<reader.index + bytes.count]) == bytes
      else { return false }
      reader.index += bytes.count
      return true
    }

    mutating func or() -> PythonLiteral? {
      guard var value = and() else { return nil }
      while take("or") {
        guard let right = and(), let left = Self.truth(value), let other = Self.truth(right)
        else { return nil }
        value = .boolean(left || other)
      }
      return value
    }

    mutating func and() -> PythonLiteral? {
      guard var value = not() else { return nil }
      while take("and") {
        guard let right = not(), let left = Self.truth(value), let other = Self.truth(right)
        else { return nil }
        value = .boolean(left && other)
      }
      return value
    }

    mutating func not() -> PythonLiteral? {
      if take("not") {
        guard let value = not(), let truth = Self.truth(value) else { return nil }
        return .boolean(!truth)
      }
      return comparison()
    }

    mutating func comparison() -> PythonLiteral? {
      guard let left = atom() else { return nil }
      for (symbol, equal) in [("==", true), ("!=", false)] where take(symbol: symbol) {
        guard let right = atom() else { return nil }
        return .boolean((left == right) == equal)
      }
      return left
    }

    mutating func atom() -> PythonLiteral? {
      reader.skipSpaces()
      if take(symbol: "(") {
        guard let value = or(), take(symbol: ")") else { return nil }
        return value
      }
      if reader.peek == UInt8(ascii: "'") || reader.peek == UInt8(ascii: "\"") {
        return try? reader.strings(raw: false)
      }
      guard let word = reader.identifier() else { return nil }
      switch word {
      case "True": return .boolean(true)
      case "False": return .boolean(false)
      case "building": return .boolean(false)
      case "system" where take(symbol: "."):
        return take("platform") ? .string("linux") : nil
      case "platform" where take(symbol: "."):
        return take("system") && take(symbol: "(") && take(symbol: ")") ? .string("Linux") : nil
      default: return nil
      }
    }

    static func truth(_ value: PythonLiteral) -> Bool? {
      switch value {
      case .boolean(let truth): return truth
      case .string(let text): return !text.isEmpty
      default: return nil
      }
    }
  }

  enum Operation { case set, append, prepend }

  /// Adds a change so that applying the result gives what rez's commands give in order: a
  /// set replaces what came before, and later appends and prepends extend the set value.
  mutating func apply(_ change: (operation: Operation, variable: String, value: String)) {
    let index =
      variables.firstIndex { $0.name == change.variable }
      ?? {
        variables.append(VariableChange(name: change.variable, phase: phase))
        return variables.count - 1
      }()
    var entry = variables[index]
    switch change.operation {
    case .set: entry = VariableChange(name: change.variable, set: [change.value], phase: phase)
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

  /// One command line as a change; nil when it is not one of the simple forms.
  static func change(_ text: String, expansions: [String: String]) -> (
    operation: Operation, variable: String, value: String
  )? {
    var reader = PythonModuleReader(bytes: Array(text.utf8))
    guard let head = reader.identifier() else { return nil }
    if head == "env" {
      guard reader.peek == UInt8(ascii: "."), advance(&reader),
        let variable = reader.identifier()
      else { return nil }
      reader.skipSpaces()
      if reader.peek == UInt8(ascii: "=") {
        reader.index += 1
        reader.skipSpaces()
        guard let value = finalValue(&reader, closing: nil, expansions: expansions) else {
          return nil
        }
        return (.set, variable, value)
      }
      guard reader.peek == UInt8(ascii: "."), advance(&reader),
        let method = reader.identifier(), let operation = operation(named: method),
        reader.peek == UInt8(ascii: "("), advance(&reader)
      else { return nil }
      reader.skipSpaces()
      guard let value = finalValue(&reader, closing: UInt8(ascii: ")"), expansions: expansions)
      else { return nil }
      return (operation, variable, value)
    }
    let functions: [String: Operation] = [
      "setenv": .set, "appendenv": .append, "prependenv": .prepend,
    ]
    guard let operation = functions[head], reader.peek == UInt8(ascii: "("), advance(&reader)
    else { return nil }
    reader.skipSpaces()
    guard let name = try? reader.literal().string, isVariableName(name) else { return nil }
    reader.skipSpaces()
    guard reader.peek == UInt8(ascii: ","), advance(&reader) else { return nil }
    reader.skipSpaces()
    guard let value = finalValue(&reader, closing: UInt8(ascii: ")"), expansions: expansions)
    else { return nil }
    return (operation, name, value)
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
    default: return nil
    }
  }

  private static func isVariableName(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.allSatisfy(RezVersion.isTokenByte)
  }

  /// A string literal or a bare binding (`this.version`), then `closing` (when given), then
  /// nothing but a comment.
  private static func finalValue(
    _ reader: inout PythonModuleReader, closing: UInt8?, expansions: [String: String]
  ) -> String? {
    let value: String
    if let name = reader.identifier() {
      var path = name
      while reader.peek == UInt8(ascii: "."), advance(&reader), let part = reader.identifier() {
        path += "." + part
      }
      guard let bound = binding(path, expansions) else { return nil }
      reader.skipSpaces()
      value = bound
    } else {
      guard let text = try? reader.literal().string else { return nil }
      guard let expanded = expand(text, expansions) else { return nil }
      value = expanded
    }
    reader.skipSpaces()
    if let closing {
      guard reader.peek == closing else { return nil }
      reader.index += 1
      reader.skipSpaces()
    }
    guard reader.peek == nil || reader.peek == UInt8(ascii: "#") else { return nil }
    return value
  }

  /// What rez's binding `key` (`version`, `this.root`, `env.HOME`, `resolve.python.base`)
  /// stands for; nil for one flow does not know.
  static func binding(_ key: String, _ expansions: [String: String]) -> String? {
    var key = Substring(key)
    if key.hasPrefix("this.") { key = key.dropFirst(5) }
    let parts = key.split(separator: ".", omittingEmptySubsequences: false)
    if parts.count == 2, parts[0] == "env", isVariableName(String(parts[1])) {
      return "${\(parts[1])}"
    }
    if parts.count == 3, parts[0] == "resolve", isVariableName(String(parts[1])) {
      let suffix: String
      switch parts[2] {
      case "version": suffix = "VERSION"
      case "base": suffix = "BASE"
      case "root": suffix = "ROOT"
      case "name": return String(parts[1])
      default: return nil
      }
      return "${" + EnvironmentActions.rezVariable("REZ_", String(parts[1]), "_" + suffix) + "}"
    }
    return expansions[String(key)]
  }

  /// `value` with each `{key}` replaced; nil when a key is unknown, as rez would read
  /// something flow does not know.
  static func expand(_ value: String, _ expansions: [String: String]) -> String? {
    var result = ""
    var rest = Substring(value)
    while let open = rest.firstIndex(of: "{") {
      result += rest[..<open]
      guard let close = rest[open...].firstIndex(of: "}") else { return nil }
      guard let known = binding(String(rest[rest.index(after: open)..<close]), expansions) else {
        return nil
      }
      result += known
      rest = rest[rest.index(after: close)...]
    }
    return result + rest
  }
}
