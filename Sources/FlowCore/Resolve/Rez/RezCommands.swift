/// Reads a rez package's `commands` when they are simple environment changes:
/// `env.NAME.set(VALUE)`, `.append(VALUE)`, `.prepend(VALUE)`, `env.NAME = VALUE`,
/// `setenv('NAME', VALUE)`, `appendenv(…)`, `prependenv(…)`, and `pass`, each VALUE a string
/// literal or one of rez's bindings written bare (`this.version`, `root`,
/// `resolve.python.base`). In a literal, `{root}`, `{base}`, `{version}`, `{name}`,
/// `{version.major}`, `.minor`, `.patch` (also as `{this.root}`, …) are the package's,
/// `{env.NAME}` is the variable's value (`${NAME}`), and `{resolve.NAME.version}` (`.base`,
/// `.root`) another chosen package's, through the variable rez sets for it
/// (`${REZ_NAME_VERSION}`). Any other line is left out with a warning: flow never runs a
/// package's Python.
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
  /// A line indented deeper than the body's first belongs to a block (`if`, `for`) whose
  /// opening line was not understood: it is left out with that line's warning.
  init(
    lines: [String], firstLine: Int, expansions: [String: String],
    phase: VariableChange.Phase = .commands
  ) {
    self.phase = phase
    var indent: Int?
    for (offset, written) in lines.enumerated() {
      let text = String(written.trimmingSpaces)
      if text.isEmpty || text.hasPrefix("#") { continue }
      let depth = written.utf8.prefix { $0 == 32 || $0 == 9 }.count
      if indent == nil { indent = depth }
      if let indent, depth > indent { continue }
      if text == "pass" { continue }
      guard let change = RezCommands.change(text, expansions: expansions) else {
        skipped.append((firstLine + offset, text))
        continue
      }
      apply(change)
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
