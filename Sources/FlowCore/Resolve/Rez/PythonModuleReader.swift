/// Reads the top-level assignments of a Python module, without executing anything: what a
/// declarative rez `package.py` says.
///
/// The names in `fields` are read: a literal (`PythonLiteral`), or what Python would work
/// out where flow can (`read(fields:bodies:)`); anything else is an error at its
/// `line:column`. Other assignments are kept for the expressions after them; every other
/// statement is skipped whole, strings and brackets included. The body of
/// `def commands():` is kept as text, with the line it starts on, for `RezCommands` to
/// read.
struct PythonModuleReader {
  struct Failure: Error {
    var position: SourcePosition
    var message: String
  }

  struct Assignment {
    var value: PythonLiteral
    var position: SourcePosition
  }

  /// The function body of `def commands():`, dedented, and the line of its first statement.
  struct FunctionBody {
    var lines: [String]
    var firstLine: Int
  }

  /// The failure of a string left open, which no reading gets past.
  static let unclosedString = "this string is never closed"

  /// A field written as a function rez runs for its value (`@early() def variants():`,
  /// `@late() def requires():`): its body, for
  /// `RezCommands.value(returnedBy:late:names:host:requests:)`.
  struct FieldFunction {
    var body: FunctionBody
    /// `@late()`: rez runs it when a resolve asks for the field; `@early()`: as it loads
    /// the file.
    var isLate: Bool
    /// Where its name is, on the `def` line.
    var position: SourcePosition
  }

  let bytes: [UInt8]
  var index = 0
  var line = 1
  var lineStart = 0
  /// How many lists, tuples and dicts the literal being read is inside.
  var depth = 0
  /// Python's own parser refuses more than 200 nested brackets; so does this reader, before
  /// the call stack runs out.
  static let maximumDepth = 200
  /// The most blocks Python nests in one another (its tokenizer's limit of indentation
  /// levels); a file nested deeper is one Python refuses.
  static let deepestNesting = 100
  /// How many blocks the statements being read are nested in (the top level's is 1).
  private var blocks = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  var position: SourcePosition { SourcePosition(line: line, column: index - lineStart + 1) }
  var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

  func failure(_ message: String) -> Failure { Failure(position: position, message: message) }

  /// The literal assignments to `fields`, and the body of each function of `bodies` defined
  /// (`def commands():`); a later binding of a name replaces an earlier one, as in Python.
  /// A `with scope("NAME"):` block of `fields` (rez's `version_overrides`) is a dictionary
  /// of what its block assigns, its own scopes included, in the order first assigned, as
  /// rez's `scope` makes it.
  ///
  /// What Python would work out is read too: a value written as an expression of the
  /// file's own names (`'nuke_core-{}'.format(version)`, `RezExpression` without rez's
  /// names, which a package file's top level does not have), a list field extended
  /// (`variants.append([...])`, `.extend(...)`, `+=`), and the branch of an `if` chain
  /// Python takes where its tests are worked out (`platform.system() == 'Linux'`). A field
  /// changed otherwise, or in a branch of a chain whose tests are not worked out, is an
  /// error: its value is not known. `names` gives the value each top-level name has at the
  /// end (nil: one not worked out), fields and others.
  ///
  /// A field written as a function decorated `@early()` or `@late()` is kept for its value
  /// to be worked out (`fieldFunctions`); one without either is a function rez leaves out
  /// of the package (`plainFunctions`, where each is defined). A field of `compared` (read
  /// only to be compared with what else says it) whose value is not worked out is left
  /// unread, its failure in `unread`, rather than an error. `host` is what the top level
  /// reads of the environment and the machine as rez loads the file (nil: unknown).
  mutating func read(
    fields: Set<String>, bodies: Set<String> = ["commands"], compared: Set<String> = [],
    host: RezHost? = nil
  ) throws(Failure) -> Module {
    self.compared = compared
    self.host = host
    var block = Block()
    try statements(into: &block, fields: fields, bodies: bodies, indent: 0, inScope: false)
    return Module(
      assignments: block.assignments, functions: block.functions,
      fieldFunctions: block.fieldFunctions, plainFunctions: block.plainFunctions,
      unread: block.unread, names: names)
  }

  /// What `read(fields:bodies:compared:)` found: each kept name's last binding, and the
  /// value of every top-level name at the end.
  struct Module {
    var assignments: [String: Assignment]
    /// The functions of `bodies` (`commands`), as text.
    var functions: [String: FunctionBody]
    /// Fields written as `@early()` or `@late()` functions.
    var fieldFunctions: [String: FieldFunction]
    /// Fields written as plain functions, which rez leaves out, where each is defined.
    var plainFunctions: [String: SourcePosition]
    /// Compared fields whose value was not worked out, with why.
    var unread: [String: Failure]
    /// Nil for a name not worked out.
    var names: [String: RezExpression.Value?]
  }

  /// `read`'s fields read only to be compared.
  private var compared: Set<String> = []

  /// What a block's statements bound, in the order first bound: each name's last binding
  /// is the one kept.
  private struct Block {
    var assignments: [String: Assignment] = [:]
    var functions: [String: FunctionBody] = [:]
    var fieldFunctions: [String: FieldFunction] = [:]
    var plainFunctions: [String: SourcePosition] = [:]
    var unread: [String: Failure] = [:]
    var order: [String] = []

    mutating func bind(_ name: String, _ assignment: Assignment) {
      unbind(name)
      if !order.contains(name) { order.append(name) }
      assignments[name] = assignment
    }

    mutating func unbind(_ name: String) {
      assignments[name] = nil
      functions[name] = nil
      fieldFunctions[name] = nil
      plainFunctions[name] = nil
      unread[name] = nil
    }
  }

  /// The values of the file's own top-level names read so far, for expressions (nil: a
  /// name bound to something not worked out).
  private var names: [String: RezExpression.Value?] = [:]
  /// What the expressions of the file's top level may work through together.
  private let budget = RezExpression.Budget()
  /// What the top level reads of the environment and the machine (`read`).
  private var host: RezHost?

  /// The statements indented by `indent` from here, up to the first indented less (the end
  /// of a block), read into `block`; deeper lines belong to statements skipped whole.
  /// Within a scope, every scope is kept whatever its name.
  private mutating func statements(
    into block: inout Block, fields: Set<String>, bodies: Set<String>, indent: Int,
    inScope: Bool
  ) throws(Failure) {
    blocks += 1
    defer { blocks -= 1 }
    if blocks > Self.deepestNesting + 1 {
      throw failure("blocks nested deeper than Python allows (\(Self.deepestNesting) levels)")
    }
    /// The decorator on the line before (`early`, `late`, or another's name), for a `def`.
    var decorator: String?
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 10 {
        newline()
        continue
      }
      guard let depth = indentation(at: index) else {
        // A blank line or a comment.
        try skipStatement()
        continue
      }
      if depth < indent { break }
      if depth > indent || byte == 13 || byte == 12 {
        decorator = nil
        try skipStatement()
        continue
      }
      index += depth
      if peek == UInt8(ascii: "@") {
        decorator = try decoratorName()
        continue
      }
      let decorated = decorator
      decorator = nil
      let start = index
      let startPosition = position
      let name = identifier()
      if name == "def" {
        skipSpaces()
        let functionPosition = position
        let function = identifier()
        if let function, bodies.contains(function) {
          try skipStatement()
          let body = functionBody()
          block.unbind(function)
          block.functions[function] = body
          continue
        }
        // A field as a function: rez runs an `@early()` one as it loads the file and an
        // `@late()` one when a resolve asks, for what it returns; a plain function it
        // leaves out of the package.
        if let function, fields.contains(function) {
          try skipStatement()
          let body = functionBody()
          block.unbind(function)
          if decorated == "early" || decorated == "late" {
            block.fieldFunctions[function] = FieldFunction(
              body: body, isLate: decorated == "late", position: functionPosition)
          } else {
            block.plainFunctions[function] = functionPosition
          }
          names[function] = .some(nil)
          continue
        }
      }
      if name == "with", let (scope, scopePosition) = try scopeHeader(),
        let inner = nextIndentation(), inner > indent
      {
        var scoped = Block()
        try statements(into: &scoped, fields: fields, bodies: [], indent: inner, inScope: true)
        if inScope || fields.contains(scope) {
          let pairs = scoped.order.compactMap { key in
            scoped.assignments[key].map { (key: PythonLiteral.string(key), value: $0.value) }
          }
          block.bind(scope, Assignment(value: .dictionary(pairs), position: scopePosition))
        }
        continue
      }
      if name == "if" {
        try chain(
          into: &block, fields: fields, bodies: bodies, indent: indent, inScope: inScope,
          at: startPosition)
        continue
      }
      skipSpaces()
      if let name, name != "def", peek == UInt8(ascii: "="),
        index + 1 >= bytes.count || bytes[index + 1] != UInt8(ascii: "=")
      {
        index += 1
        skipSpaces()
        let valueStart = position
        guard fields.contains(name) else {
          // Another name, kept for the expressions after it.
          names[name] = .some((try? value(ending: nil)).map(RezExpression.Value.init))
          continue
        }
        let value: PythonLiteral
        do throws(Failure) {
          value = try self.value(ending: nil)
        } catch {
          let failure = Failure(
            position: error.position, message: "'\(name)' is not a literal: \(error.message)")
          guard compared.contains(name), error.message != Self.unclosedString else { throw failure }
          block.unbind(name)
          block.unread[name] = failure
          names[name] = .some(nil)
          continue
        }
        block.bind(name, Assignment(value: value, position: valueStart))
        names[name] = .some(RezExpression.Value(value))
        continue
      }
      if let name, fields.contains(name) {
        try change(name, into: &block, at: startPosition)
        continue
      }
      // A statement starting with a string (a docstring) is skipped with its string.
      let first = bytes[start]
      if index == start && first != UInt8(ascii: "'") && first != UInt8(ascii: "\"") {
        index += 1
      }
      try skipStatement()
    }
  }

  /// A value to the end of its statement (or up to `ending`, a call's `)`): a literal, or
  /// an expression of the file's own names worked out as Python would; the reader is then
  /// past the statement (or the `ending`).
  private mutating func value(ending: UInt8?) throws(Failure) -> PythonLiteral {
    let save = (index, line, lineStart)
    let literalFailure: Failure
    do throws(Failure) {
      let value = try literal()
      skipSpaces()
      if let ending {
        if peek == ending {
          index += 1
          skipSpaces()
        }
      }
      if peek == nil || peek == 10 || peek == 13 || peek == UInt8(ascii: "#") {
        try skipStatement()
        return value
      }
      literalFailure = failure(
        "'\(ending == nil ? "=" : "(")' is followed by more than a literal (strings, numbers, "
          + "lists, tuples, dicts, True, False, None) flow can read")
    } catch {
      literalFailure = error
    }
    // Not a literal alone: the statement's text, as one line, read as an expression.
    (index, line, lineStart) = save
    guard var expression = try restOfStatement() else { throw literalFailure }
    if let ending {
      guard expression.utf8.last == ending else { throw literalFailure }
      expression.removeLast()
    }
    let scope = RezExpression.Scope(
      package: [:], locals: names, kind: .module, host: host, budget: budget)
    guard let value = RezExpression.value(expression, in: scope).flatMap(\.pythonLiteral) else {
      throw literalFailure
    }
    return value
  }

  /// A statement starting with the field `name` that is no assignment: a list field's
  /// `.append(ITEM)`, `.extend(ITEMS)` or `+= ITEMS`; any other change is an error.
  private mutating func change(
    _ name: String, into block: inout Block, at position: SourcePosition
  ) throws(Failure) {
    let save = (index, line, lineStart)
    var method = ""
    var closing: UInt8?
    if peek == UInt8(ascii: ".") {
      index += 1
      method = identifier() ?? ""
      skipSpaces()
      guard peek == UInt8(ascii: "("), method == "append" || method == "extend" else {
        throw Failure(
          position: position,
          message: "'\(name)' is changed in a way flow does not read (.\(method)): its value "
            + "is not known")
      }
      index += 1
      skipSpaces()
      closing = UInt8(ascii: ")")
    } else if peek == UInt8(ascii: "+"), index + 1 < bytes.count,
      bytes[index + 1] == UInt8(ascii: "=")
    {
      method = "extend"
      index += 2
      skipSpaces()
    } else if let byte = peek, byte == 10 || byte == 13 || byte == UInt8(ascii: "#") {
      // The name alone changes nothing.
      try skipStatement()
      return
    } else {
      (index, line, lineStart) = save
      throw Failure(
        position: position,
        message: "'\(name)' is changed in a way flow does not read: its value is not known")
    }
    let added = try value(ending: closing)
    guard case .list(var items)? = block.assignments[name]?.value else {
      throw Failure(
        position: position, message: "'\(name)' is extended before it is a list: not read")
    }
    if method == "append" {
      items.append(added)
    } else {
      guard let more = added.items else {
        throw Failure(position: position, message: "'\(name)' is extended with no list")
      }
      items += more
    }
    block.bind(name, Assignment(value: .list(items), position: position))
    names[name] = .some(RezExpression.Value(.list(items)))
  }

  /// An `if` chain at `indent`, its `if` read: the branch Python takes is read into
  /// `block`, where its tests are worked out (`RezExpression` with the file's own names
  /// and Python's `platform.system()`, `sys.platform`, `os.name`). A chain whose tests are
  /// not worked out is passed over, unless a branch that could be taken changes a field.
  private mutating func chain(
    into block: inout Block, fields: Set<String>, bodies: Set<String>, indent: Int,
    inScope: Bool, at position: SourcePosition
  ) throws(Failure) {
    var keyword = "if"
    var taken = false
    var undecided: String?
    while true {
      let (test, line) = try header(keyword)
      let truth: Bool?
      if keyword == "else" {
        truth = test == "" ? true : nil
      } else {
        let scope = RezExpression.Scope(
          package: [:], locals: names, kind: .module, host: host, budget: budget)
        truth = test.flatMap { RezExpression.value($0, in: scope) }.flatMap {
          if case .condition = $0 { return nil }
          return $0.truth
        }
      }
      let inner = nextIndentation().flatMap { $0 > indent ? $0 : nil }
      // A body on the header's own line is not read: a field it changes is not known.
      if test == nil, !taken, let field = Self.changedField(in: line, of: fields) {
        throw Failure(
          position: position,
          message: "'\(field)' is changed on the line of an '\(keyword)' flow does not "
            + "read: its value is not known")
      }
      if !taken && undecided == nil && truth == true, let inner {
        try statements(
          into: &block, fields: fields, bodies: bodies, indent: inner, inScope: inScope)
        taken = true
      } else {
        if !taken && undecided == nil && truth == nil {
          undecided = "\(keyword) \(test ?? "...")"
        }
        try skipBlock(
          deeperThan: indent, checking: undecided == nil ? [] : fields, under: undecided)
      }
      guard let next = continuation(at: indent) else { return }
      keyword = next
    }
  }

  /// The statement from the reader to its end as one line (`logicalLine()`); nil for none.
  /// A string it leaves unclosed is an error, as it is Python's.
  private mutating func restOfStatement() throws(Failure) -> String? {
    let (text, unclosed) = logicalLine()
    if let unclosed { throw Failure(position: unclosed, message: Self.unclosedString) }
    return text.isEmpty ? nil : text
  }

  /// The statement from the reader to its end, as Python joins it into one logical line: a
  /// line break inside brackets or after a `\` becomes a space, one inside a triple-quoted
  /// string stays, and comments are left out; trimmed. The reader is then at the next
  /// line's start. `unclosed` is where a string left open starts: a single-quoted one ends
  /// at its line's end, and the statement with it unless brackets are open.
  mutating func logicalLine() -> (text: String, unclosed: SourcePosition?) {
    var text: [UInt8] = []
    var brackets = 0
    var unclosed: SourcePosition?
    // The string being read: its quote, whether it is tripled, and where it starts.
    var string: (quote: UInt8, triple: Bool, start: SourcePosition)?
    while let byte = peek {
      if let open = string {
        if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
          text += bytes[index...index + 1]
          index += 2
          if bytes[index - 1] == 10 { (line, lineStart) = (line + 1, index) }
          continue
        }
        if byte == open.quote {
          if !open.triple {
            string = nil
          } else if index + 2 < bytes.count, bytes[index + 1] == byte, bytes[index + 2] == byte {
            text += bytes[index...index + 2]
            index += 3
            string = nil
            continue
          }
        } else if byte == 10 {
          if open.triple {
            text.append(10)
            newline()
            continue
          }
          unclosed = unclosed ?? open.start
          string = nil
          continue
        }
        text.append(byte)
        index += 1
        continue
      }
      switch byte {
      case 10:
        newline()
        guard brackets > 0 else {
          return (String(decoding: text, as: UTF8.self).trimmedString, unclosed)
        }
        text.append(32)
        continue
      case UInt8(ascii: "#"):
        while let byte = peek, byte != 10 { index += 1 }
        continue
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        let triple =
          index + 2 < bytes.count && bytes[index + 1] == byte && bytes[index + 2] == byte
        string = (byte, triple, position)
        text += bytes[index..<index + (triple ? 3 : 1)]
        index += triple ? 3 : 1
        continue
      case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): brackets += 1
      case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): brackets = max(0, brackets - 1)
      case UInt8(ascii: "\\") where index + 1 == bytes.count || bytes[index + 1] == 10:
        index += 1
        if peek == 10 { newline() }
        text.append(32)
        continue
      default: break
      }
      text.append(byte)
      index += 1
    }
    if let open = string { unclosed = unclosed ?? open.start }
    return (String(decoding: text, as: UTF8.self).trimmedString, unclosed)
  }

  /// The test of an `if`, `elif` (or `else`, whose test is empty) line, the keyword read,
  /// to its `:`; the reader then at the next line. nil where a statement follows the `:`
  /// on the line.
  private mutating func header(_ keyword: String) throws(Failure) -> (
    test: String?, line: String
  ) {
    let written = try restOfStatement() ?? ""
    guard written.hasSuffix(":") else { return (nil, written) }
    return (String(written.dropLast()).trimmedString, written)
  }

  /// The first of `fields` a statement's text assigns or changes (`requires = …`,
  /// `variants += …`, `requires.append(…)`), its strings passed over; nil for none.
  static func changedField(in text: String, of fields: Set<String>) -> String? {
    let bytes = Array(text.utf8)
    let changing: Set = ["append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse"]
    var index = 0
    var quote: UInt8?
    while index < bytes.count {
      let byte = bytes[index]
      if let open = quote {
        if byte == UInt8(ascii: "\\") { index += 1 } else if byte == open { quote = nil }
        index += 1
        continue
      }
      if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
        quote = byte
        index += 1
        continue
      }
      guard RezVersion.isTokenByte(byte), !VersionScanner.isDigit(byte) else {
        index += 1
        continue
      }
      let start = index
      while index < bytes.count, RezVersion.isTokenByte(bytes[index]) { index += 1 }
      let word = String(decoding: bytes[start..<index], as: UTF8.self)
      guard fields.contains(word), start == 0 || bytes[start - 1] != UInt8(ascii: ".") else {
        continue
      }
      var next = index
      while next < bytes.count, bytes[next] == 32 || bytes[next] == 9 { next += 1 }
      guard next < bytes.count else { continue }
      let after = next + 1 < bytes.count ? bytes[next + 1] : 0
      switch bytes[next] {
      case UInt8(ascii: "=") where after != UInt8(ascii: "="): return word
      case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"),
        UInt8(ascii: "|")
      where after == UInt8(ascii: "="):
        return word
      case UInt8(ascii: "."):
        var end = next + 1
        while end < bytes.count, RezVersion.isTokenByte(bytes[end]) { end += 1 }
        if changing.contains(String(decoding: bytes[(next + 1)..<end], as: UTF8.self)) {
          return word
        }
      default: break
      }
    }
    return nil
  }

  /// Passes over the lines indented deeper than `indent`; with `fields`, a statement among
  /// them that changes one of them (assigns it, extends it, defines it) is an error, as
  /// whether it runs is not known (`condition`).
  private mutating func skipBlock(
    deeperThan indent: Int, checking fields: Set<String>, under condition: String?
  ) throws(Failure) {
    while index < bytes.count {
      if bytes[index] == 10 {
        newline()
        continue
      }
      guard let depth = indentation(at: index) else {
        try skipStatement()
        continue
      }
      if depth <= indent { return }
      index += depth
      let position = self.position
      let save = (index, line, lineStart)
      var field: String?
      if identifier() == "def" {
        skipSpaces()
        field = identifier().flatMap { fields.contains($0) ? $0 : nil }
      }
      (index, line, lineStart) = save
      let text = try restOfStatement() ?? ""
      if let field = field ?? Self.changedField(in: text, of: fields) {
        throw Failure(
          position: position,
          message: "'\(field)' is changed under a condition flow cannot work out "
            + "(\(condition ?? "")): its value is not known")
      }
    }
  }

  /// The `elif` or `else` going on with a chain at `indent`, read; nil (the reader where it
  /// was) for anything else.
  private mutating func continuation(at indent: Int) -> String? {
    let save = (index, line, lineStart)
    while index < bytes.count, indentation(at: index) == nil {
      while index < bytes.count, bytes[index] != 10 { index += 1 }
      if index < bytes.count { newline() }
    }
    if indentation(at: index) == indent {
      index += indent
      if let word = identifier(), word == "elif" || word == "else" { return word }
    }
    (index, line, lineStart) = save
    return nil
  }

  /// How far the line starting at `start` is indented (spaces and tabs); nil for a blank
  /// line or one holding only a comment.
  func indentation(at start: Int) -> Int? {
    var end = start
    while end < bytes.count, bytes[end] == 32 || bytes[end] == 9 { end += 1 }
    guard end < bytes.count else { return nil }
    switch bytes[end] {
    case 10, 13, UInt8(ascii: "#"): return nil
    default: return end - start
    }
  }

  /// The indentation of the next line holding a statement, the reader at a line's start.
  private func nextIndentation() -> Int? {
    var start = index
    while start < bytes.count {
      if let depth = indentation(at: start) { return depth }
      while start < bytes.count, bytes[start] != 10 { start += 1 }
      start += 1
    }
    return nil
  }

  /// After `with`: ` scope("NAME"):` to the end of its line, the reader then at the next
  /// line's start; nil (the reader where it was) for any other `with` statement.
  private mutating func scopeHeader() throws(Failure) -> (String, SourcePosition)? {
    let save = (index, line, lineStart)
    skipSpaces()
    let position = self.position
    if identifier() == "scope", peek == UInt8(ascii: "(") {
      index += 1
      skipSpaces()
      if peek == UInt8(ascii: "'") || peek == UInt8(ascii: "\""),
        case .string(let name) = try strings(raw: false)
      {
        skipSpaces()
        if peek == UInt8(ascii: ")") {
          index += 1
          skipSpaces()
          if peek == UInt8(ascii: ":") {
            index += 1
            skipSpaces()
            if peek == nil || peek == 10 || peek == 13 || peek == UInt8(ascii: "#") {
              try skipStatement()
              return (name, position)
            }
          }
        }
      }
    }
    (index, line, lineStart) = save
    return nil
  }

  private mutating func newline() {
    index += 1
    line += 1
    lineStart = index
  }

  /// Spaces, and `\` line continuations, within one logical line.
  mutating func skipSpaces() {
    while let byte = peek {
      if byte == 32 || byte == 9 || byte == 12 {
        index += 1
      } else if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == 10 {
        index += 1
        newline()
      } else {
        return
      }
    }
  }

  /// Spaces, newlines and comments, as inside brackets.
  mutating func skipBlank() {
    while let byte = peek {
      if byte == 32 || byte == 9 || byte == 12 || byte == 13 {
        index += 1
      } else if byte == 10 {
        newline()
      } else if byte == UInt8(ascii: "#") {
        while let byte = peek, byte != 10 { index += 1 }
      } else if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == 10 {
        index += 1
        newline()
      } else {
        return
      }
    }
  }

  mutating func identifier() -> String? {
    let start = index
    while let byte = peek,
      RezVersion.isTokenByte(byte) && !(index == start && VersionScanner.isDigit(byte))
    {
      index += 1
    }
    return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
  }

  /// Skips to the end of the logical line: brackets, strings and `\` continuations included.
  mutating func skipStatement() throws(Failure) {
    var depth = 0
    while let byte = peek {
      switch byte {
      case 10:
        newline()
        if depth == 0 { return }
      case UInt8(ascii: "#"):
        while let byte = peek, byte != 10 { index += 1 }
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        _ = try string(raw: false)
      case UInt8(ascii: "\\"):
        index += 1
        if peek == 10 { newline() }
      case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
        depth += 1
        index += 1
      case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
        depth = max(0, depth - 1)
        index += 1
      default:
        index += 1
      }
    }
  }

  /// The name a decorator line (at `@`) calls with no arguments (`@early()` gives
  /// `early`); nil for any other decorator. The reader is then past the line.
  private mutating func decoratorName() throws(Failure) -> String? {
    index += 1
    skipSpaces()
    let name = identifier()
    skipSpaces()
    var called = false
    if peek == UInt8(ascii: "("), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ")") {
      index += 2
      skipSpaces()
      called = true
    }
    let ends = peek == nil || peek == 10 || peek == 13 || peek == UInt8(ascii: "#")
    try skipStatement()
    return called && ends ? name : nil
  }

  /// The indented lines after a `def` line (blank lines and comments included), up to the
  /// next line that starts at column 1; the reader stops before it.
  mutating func functionBody() -> FunctionBody {
    var lines: [String] = []
    let firstLine = line
    while index < bytes.count {
      let byte = bytes[index]
      let isBlankLine = byte == 10 || byte == 13
      if !(byte == 32 || byte == 9 || isBlankLine) { break }
      let start = index
      while let byte = peek, byte != 10 { index += 1 }
      lines.append(String(decoding: bytes[start..<index], as: UTF8.self))
      if index < bytes.count { newline() }
    }
    return FunctionBody(lines: lines, firstLine: firstLine)
  }

  // MARK: literals

  mutating func literal() throws(Failure) -> PythonLiteral {
    guard let byte = peek else { throw failure("expected a literal, found the end of the file") }
    let opens = byte == UInt8(ascii: "[") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: "{")
    if opens {
      guard depth < Self.maximumDepth else {
        throw failure("more than \(Self.maximumDepth) nested brackets")
      }
      depth += 1
    }
    defer { if opens { depth -= 1 } }
    switch byte {
    case UInt8(ascii: "["):
      index += 1
      return .list(try items(closing: UInt8(ascii: "]")).items)
    case UInt8(ascii: "("):
      index += 1
      let (items, trailingComma) = try items(closing: UInt8(ascii: ")"))
      // `(x)` is x itself; `(x,)` and `()` are tuples.
      if items.count == 1 && !trailingComma { return items[0] }
      return .tuple(items)
    case UInt8(ascii: "{"):
      index += 1
      return try dictionary()
    case UInt8(ascii: "'"), UInt8(ascii: "\""):
      return try strings(raw: false)
    case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), 48...57:
      return try number()
    default:
      let start = index
      let startPosition = position
      let word = identifier()
      switch word {
      case "True": return .boolean(true)
      case "False": return .boolean(false)
      case "None": return .none
      case let prefix?
      where prefix.count <= 2 && (peek == UInt8(ascii: "'") || peek == UInt8(ascii: "\"")):
        let lowered = prefix.lowercased()
        if lowered.contains("f") {
          index = start
          throw failure("an f-string is not a literal")
        }
        if lowered.allSatisfy({ "rub".contains($0) }) {
          return try strings(raw: lowered.contains("r"))
        }
      default: break
      }
      index = start
      throw Failure(
        position: startPosition,
        message: "expected a literal (a string, number, list, tuple, dict, True, False or None)")
    }
  }

  /// Items up to `closing`, separated by commas; whether a comma came last.
  mutating func items(closing: UInt8) throws(Failure) -> (
    items: [PythonLiteral], trailingComma: Bool
  ) {
    var result: [PythonLiteral] = []
    var trailingComma = false
    while true {
      skipBlank()
      if peek == closing {
        index += 1
        return (result, trailingComma)
      }
      result.append(try literal())
      skipBlank()
      if peek == UInt8(ascii: ",") {
        index += 1
        trailingComma = true
        continue
      }
      trailingComma = false
      skipBlank()
      guard peek == closing else {
        throw failure("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
      }
    }
  }

  mutating func dictionary() throws(Failure) -> PythonLiteral {
    var pairs: [(key: PythonLiteral, value: PythonLiteral)] = []
    while true {
      skipBlank()
      if peek == UInt8(ascii: "}") {
        index += 1
        return .dictionary(pairs)
      }
      let key = try literal()
      skipBlank()
      guard peek == UInt8(ascii: ":") else { throw failure("expected ':' after a dict key") }
      index += 1
      skipBlank()
      pairs.append((key, try literal()))
      skipBlank()
      if peek == UInt8(ascii: ",") {
        index += 1
      } else if peek != UInt8(ascii: "}") {
        throw failure("expected ',' or '}'")
      }
    }
  }

  mutating func number() throws(Failure) -> PythonLiteral {
    let start = index
    let startPosition = position
    if peek == UInt8(ascii: "-") || peek == UInt8(ascii: "+") { index += 1 }
    // `0x1F`, `0o17`, `0b101`.
    if peek == UInt8(ascii: "0"), index + 1 < bytes.count,
      let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][
        bytes[index + 1] | 0x20]
    {
      index += 2
      let digits = index
      while let byte = peek, RezVersion.isTokenByte(byte) { index += 1 }
      let text = String(decoding: bytes[digits..<index], as: UTF8.self).filter { $0 != "_" }
      guard var value = Int64(text, radix: radix) else {
        throw Failure(position: startPosition, message: "not a number literal: '0\(text)'")
      }
      if bytes[start] == UInt8(ascii: "-") { value = -value }
      return .integer(value)
    }
    var isFloat = false
    while let byte = peek {
      if VersionScanner.isDigit(byte) || byte == UInt8(ascii: "_") {
        index += 1
      } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
      {
        isFloat = true
        index += 1
        if byte != UInt8(ascii: "."), peek == UInt8(ascii: "-") || peek == UInt8(ascii: "+") {
          index += 1
        }
      } else {
        break
      }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self).filter { $0 != "_" }
    if !isFloat, let value = Int64(text) { return .integer(value) }
    if isFloat, let value = Double(text) { return .float(value) }
    throw Failure(position: startPosition, message: "not a number literal: '\(text)'")
  }

  /// One string literal or several written next to each other, joined.
  mutating func strings(raw: Bool) throws(Failure) -> PythonLiteral {
    var text = try string(raw: raw)
    while true {
      let save = (index, line, lineStart)
      skipSpaces()
      let prefix = identifier()?.lowercased()
      guard peek == UInt8(ascii: "'") || peek == UInt8(ascii: "\""),
        prefix == nil || prefix!.allSatisfy({ "rub".contains($0) })
      else {
        (index, line, lineStart) = save
        return .string(text)
      }
      text += try string(raw: prefix?.contains("r") ?? false)
    }
  }

  /// A quoted string at the reader, single or triple quoted, its escapes read unless `raw`.
  mutating func string(raw: Bool) throws(Failure) -> String {
    let startPosition = position
    let quote = bytes[index]
    let triple =
      index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
    index += triple ? 3 : 1
    var result: [UInt8] = []
    while true {
      guard let byte = peek else {
        throw Failure(position: startPosition, message: Self.unclosedString)
      }
      if byte == quote {
        if !triple {
          index += 1
          break
        }
        if index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote {
          index += 3
          break
        }
      }
      if byte == 10 {
        guard triple else {
          throw Failure(position: startPosition, message: Self.unclosedString)
        }
        result.append(10)
        newline()
        continue
      }
      if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
        let next = bytes[index + 1]
        if raw {
          result.append(byte)
          result.append(next)
          index += 2
          if next == 10 { line += 1; lineStart = index }
          continue
        }
        index += 2
        switch next {
        case 10: line += 1; lineStart = index
        case UInt8(ascii: "n"): result.append(10)
        case UInt8(ascii: "t"): result.append(9)
        case UInt8(ascii: "r"): result.append(13)
        case UInt8(ascii: "0"): result.append(0)
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): result.append(next)
        default:
          // Escapes this reader does not turn into characters stay as written.
          result.append(byte)
          result.append(next)
        }
        continue
      }
      result.append(byte)
      index += 1
    }
    return String(decoding: result, as: UTF8.self)
  }
}
