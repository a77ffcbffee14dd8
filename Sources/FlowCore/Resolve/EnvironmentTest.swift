import Glibc

/// What an action needs of the environment the actions are applied to
/// (`EnvironmentActions.Action.when`): a rez package's `defined('NAME')`, `undefined()` and
/// `'NAME' in os.environ`, once the packages before it decided what they set
/// (`RezExpression.EnvironmentTests`), the truth of its `os.environ.get('NAME')` (also
/// `os.getenv`) and its comparison with a text, and its `os.path.exists('PATH')` (`isdir`,
/// `isfile`), which reads the files of the machine the actions are applied on, as rez
/// reads those of the machine it builds its context on. Written as rez's commands write
/// it: `('NAME' in os.environ)`, `os.environ.get('NAME')`,
/// `(os.environ.get('NAME') == 'TEXT')`, `os.path.exists('PATH')`, `not`, `and`, `or`,
/// brackets, `True` and `False`, nothing else.
public indirect enum EnvironmentTest: Sendable, Hashable {
  /// The variable is set (perhaps empty).
  case isSet(String)
  /// The variable is set and not empty: Python's truth of `os.environ.get('NAME')`.
  case filled(String)
  /// The variable is set and holds exactly the text: `os.environ.get('NAME') == 'TEXT'`.
  case equals(String, String)
  /// The path names something of that kind, links followed, as Python's `os.path` tells.
  case path(String, PathKind)
  case not(EnvironmentTest)
  case all([EnvironmentTest])
  case any([EnvironmentTest])

  /// Reads `text`; nil for anything but the forms above, or brackets nested deeper than
  /// Python allows.
  public init?(parsing text: String) {
    var reader = Reader(bytes: Array(text.utf8))
    guard let test = reader.disjunction(), reader.atEnd else { return nil }
    self = test
  }

  /// What `os.path` tests of a path: `exists`, `isdir` or `isfile`.
  public enum PathKind: String, Sendable, Hashable, CaseIterable {
    case exists, isdir, isfile
  }

  /// As rez's commands write it, as `init(parsing:)` reads it.
  public var text: String {
    switch self {
    case .always: return "True"
    case .never: return "False"
    case .isSet(let name): return "('\(name)' in os.environ)"
    case .filled(let name): return "os.environ.get('\(name)')"
    case .equals(let name, let text):
      return "(os.environ.get('\(name)') == \(Self.literal(text)))"
    case .path(let path, let kind): return "os.path.\(kind.rawValue)(\(Self.literal(path)))"
    case .not(let test): return "not " + test.text
    case .all(let tests): return "(" + tests.map(\.text).joined(separator: " and ") + ")"
    case .any(let tests): return "(" + tests.map(\.text).joined(separator: " or ") + ")"
    }
  }

  public func holds(in environment: EnvironmentMap) -> Bool {
    switch self {
    case .isSet(let name): return environment[name] != nil
    case .filled(let name): return environment[name].map { !$0.isEmpty } ?? false
    case .equals(let name, let text): return environment[name] == text
    case .path(let path, let kind): return Self.holds(kind, path)
    case .not(let test): return !test.holds(in: environment)
    case .all(let tests): return tests.allSatisfy { $0.holds(in: environment) }
    case .any(let tests): return tests.contains { $0.holds(in: environment) }
    }
  }

  /// Whether `path` names something of `kind` on this machine.
  static func holds(_ kind: PathKind, _ path: String) -> Bool {
    var status = stat()
    guard !path.isEmpty, !path.utf8.contains(0), stat(path, &status) == 0 else { return false }
    switch kind {
    case .exists: return true
    case .isdir: return status.st_mode & S_IFMT == S_IFDIR
    case .isfile: return status.st_mode & S_IFMT == S_IFREG
    }
  }

  /// `text` as a Python string literal in single quotes, as `Reader.literal()` reads it.
  static func literal(_ text: String) -> String {
    var result = "'"
    for character in text {
      switch character {
      case "\\", "'": result += "\\\(character)"
      case "\n": result += "\\n"
      default: result.append(character)
      }
    }
    return result + "'"
  }

  /// What always holds, and what never does.
  public static let always = EnvironmentTest.all([])
  public static let never = EnvironmentTest.any([])

  /// Whether this is `always`, or `never`: asked of every action a resolve makes, so
  /// matched rather than compared.
  public var isAlways: Bool {
    if case .all(let tests) = self { return tests.isEmpty }
    return false
  }

  public var isNever: Bool {
    if case .any(let tests) = self { return tests.isEmpty }
    return false
  }

  /// Both tests, the constants and a test with its negation folded.
  public func and(_ other: EnvironmentTest) -> EnvironmentTest {
    if isAlways || other.isNever { return other }
    if other.isAlways || isNever || self == other { return self }
    if self == .not(other) || other == .not(self) { return .never }
    return .all(parts(joined: false) + other.parts(joined: false))
  }

  /// Either test, folded as `and(_:)` folds.
  public func or(_ other: EnvironmentTest) -> EnvironmentTest {
    if isNever || other.isAlways { return other }
    if other.isNever || isAlways || self == other { return self }
    if self == .not(other) || other == .not(self) { return .always }
    return .any(parts(joined: true) + other.parts(joined: true))
  }

  public var negated: EnvironmentTest {
    if isAlways { return .never }
    if isNever { return .always }
    if case .not(let test) = self { return test }
    return .not(self)
  }

  /// The tests this one joins with `or` (`joined`) or `and`, or itself.
  private func parts(joined or: Bool) -> [EnvironmentTest] {
    switch self {
    case .any(let tests) where or: return tests
    case .all(let tests) where !or: return tests
    default: return [self]
    }
  }

  /// How many tests of a variable or a path it holds.
  public var size: Int {
    switch self {
    case .isSet, .filled, .equals, .path: return 1
    case .not(let test): return test.size
    case .all(let tests), .any(let tests): return tests.reduce(0) { $0 + $1.size }
    }
  }

  /// Whether it tests a path (`os.path.exists()` and the others): files decide it.
  public var readsFiles: Bool {
    switch self {
    case .isSet, .filled, .equals: return false
    case .path: return true
    case .not(let test): return test.readsFiles
    case .all(let tests), .any(let tests): return tests.contains { $0.readsFiles }
    }
  }

  /// The variables whose presence it tests (`isSet`, and `equals`, which fails where the
  /// variable is unset), each once, in the order first tested.
  public var presenceNames: [String] {
    variables {
      switch $0 {
      case .isSet, .equals: true
      default: false
      }
    }
  }

  /// The variables whose truth it tests (`filled`), each once, in the order first tested.
  public var filledNames: [String] {
    variables {
      if case .filled = $0 { true } else { false }
    }
  }

  /// The variables whose text it tests (`equals`), each once, in the order first tested.
  public var comparedNames: [String] {
    variables {
      if case .equals = $0 { true } else { false }
    }
  }

  /// The variables of the tests of one variable `kept` keeps.
  private func variables(_ kept: (EnvironmentTest) -> Bool) -> [String] {
    var result: [String] = []
    func visit(_ test: EnvironmentTest) {
      switch test {
      case .isSet(let name), .filled(let name), .equals(let name, _):
        if kept(test), !result.contains(name) { result.append(name) }
      case .path: break
      case .not(let inner): visit(inner)
      case .all(let tests), .any(let tests): tests.forEach(visit)
      }
    }
    visit(self)
    return result
  }

  private struct Reader {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    var atEnd: Bool {
      mutating get {
        skipSpaces()
        return index == bytes.count
      }
    }

    mutating func skipSpaces() {
      while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
    }

    /// `word`, as a whole word (or symbol), skipped when it is next.
    mutating func take(_ word: String) -> Bool {
      skipSpaces()
      let word = Array(word.utf8)
      guard bytes.count - index >= word.count, bytes[index..<index + word.count].elementsEqual(word)
      else { return false }
      let end = index + word.count
      if let last = word.last, RezVersion.isTokenByte(last), end < bytes.count,
        RezVersion.isTokenByte(bytes[end])
      {
        return false
      }
      index = end
      return true
    }

    mutating func disjunction() -> EnvironmentTest? {
      joined(by: "or", { $0.conjunction() }, EnvironmentTest.any)
    }

    mutating func conjunction() -> EnvironmentTest? {
      joined(by: "and", { $0.negation() }, EnvironmentTest.all)
    }

    /// Operands joined by `word`: one alone as itself, more as `join` of them.
    mutating func joined(
      by word: String, _ operand: (inout Reader) -> EnvironmentTest?,
      _ join: ([EnvironmentTest]) -> EnvironmentTest
    ) -> EnvironmentTest? {
      guard let first = operand(&self) else { return nil }
      var tests = [first]
      while take(word) {
        guard let next = operand(&self) else { return nil }
        tests.append(next)
      }
      return tests.count == 1 ? first : join(tests)
    }

    mutating func negation() -> EnvironmentTest? {
      guard depth < PythonModuleReader.maximumDepth else { return nil }
      depth += 1
      defer { depth -= 1 }
      if take("not") { return negation().map(\.negated) }
      if take("True") { return .always }
      if take("False") { return .never }
      if take("os.environ.get") {
        guard take("("), let name = literal(), RezExpression.isVariableName(name), take(")")
        else { return nil }
        return .filled(name)
      }
      if take("os.path.") {
        guard let kind = PathKind.allCases.first(where: { take($0.rawValue) }), take("("),
          let path = literal(), take(")")
        else { return nil }
        return .path(path, kind)
      }
      guard take("(") else { return nil }
      skipSpaces()
      // `(os.environ.get('NAME') == 'TEXT')`.
      let start = index
      if take("os.environ.get"), take("("), let name = literal(),
        RezExpression.isVariableName(name), take(")"), take("=="), let text = literal(),
        take(")")
      {
        return .equals(name, text)
      }
      index = start
      // `('NAME' in os.environ)`, else a bracketed test.
      if index < bytes.count, bytes[index] == UInt8(ascii: "'") {
        index += 1
        let start = index
        while index < bytes.count, RezVersion.isTokenByte(bytes[index]) { index += 1 }
        guard index > start, index < bytes.count, bytes[index] == UInt8(ascii: "'") else {
          return nil
        }
        let name = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        guard take("in"), take("os.environ"), take(")") else { return nil }
        return .isSet(name)
      }
      guard let inner = disjunction(), take(")") else { return nil }
      return inner
    }

    /// A string in single quotes, as `EnvironmentTest.literal` writes it: `\\`, `\'` and
    /// `\n` its only escapes.
    mutating func literal() -> String? {
      skipSpaces()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "'") else { return nil }
      index += 1
      var text: [UInt8] = []
      while index < bytes.count {
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "'"): return String(decoding: text, as: UTF8.self)
        case UInt8(ascii: "\\"):
          guard index < bytes.count else { return nil }
          let escaped = bytes[index]
          index += 1
          switch escaped {
          case UInt8(ascii: "\\"), UInt8(ascii: "'"): text.append(escaped)
          case UInt8(ascii: "n"): text.append(10)
          default: return nil
          }
        default: text.append(byte)
        }
      }
      return nil
    }
  }
}
