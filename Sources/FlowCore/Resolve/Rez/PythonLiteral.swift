/// A value of Python's literal subset, as a rez `package.py` assigns it: strings, numbers,
/// booleans, `None`, lists, tuples and dictionaries.
public indirect enum PythonLiteral: Sendable, Hashable {
  case string(String)
  case integer(Int64)
  case float(Double)
  case boolean(Bool)
  case none
  case list([PythonLiteral])
  case tuple([PythonLiteral])
  case dictionary([(key: PythonLiteral, value: PythonLiteral)])

  /// The items of a list or tuple; nil for anything else.
  public var items: [PythonLiteral]? {
    switch self {
    case .list(let items), .tuple(let items): return items
    default: return nil
    }
  }

  public var string: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  public static func == (left: PythonLiteral, right: PythonLiteral) -> Bool {
    switch (left, right) {
    case (.string(let a), .string(let b)): return a == b
    case (.integer(let a), .integer(let b)): return a == b
    case (.float(let a), .float(let b)): return a == b
    case (.boolean(let a), .boolean(let b)): return a == b
    case (.none, .none): return true
    case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)): return a == b
    case (.dictionary(let a), .dictionary(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    switch self {
    case .string(let text): hasher.combine(text)
    case .integer(let value): hasher.combine(value)
    case .float(let value): hasher.combine(value)
    case .boolean(let value): hasher.combine(value)
    case .none: hasher.combine(0)
    case .list(let items), .tuple(let items): hasher.combine(items)
    case .dictionary(let pairs): for pair in pairs { hasher.combine(pair.key) }
    }
  }
}
