/// A JSON value as the pipe document carries it. Objects keep their key order,
/// so output is stable and reads in the order the tools wrote it.
public enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)
}

/// An ordered JSON object. Small objects (the usual case) are searched linearly; a
/// large one builds a hash index on first need, so building a map of many keys stays
/// linear. Keys are told apart by their bytes, as JSON and the OS tell them apart: `CAFÉ`
/// written with U+00C9 and with `E` + U+0301 are two members.
public struct JSONObject: Hashable, Sendable, Sequence {
  private var pairs: [(key: String, value: JSONValue)] = []
  private var index: [ExactString: Int]?
  private static let indexThreshold = 16

  public init() {}

  public init(_ pairs: [(String, JSONValue)]) {
    self.pairs.reserveCapacity(pairs.count)
    for (key, value) in pairs { self[key] = value }
  }

  public var keys: [String] { pairs.map(\.key) }

  private mutating func position(of key: String) -> Int? {
    if pairs.count <= Self.indexThreshold {
      return pairs.firstIndex { ExactString.sameBytes($0.key, key) }
    }
    if index == nil {
      var built: [ExactString: Int] = [:]
      built.reserveCapacity(pairs.count * 2)
      for (offset, pair) in pairs.enumerated() { built[ExactString(pair.key)] = offset }
      index = built
    }
    return index![ExactString(key)]
  }

  public subscript(key: String) -> JSONValue? {
    get {
      if let index { return index[ExactString(key)].map { pairs[$0].value } }
      return pairs.first { ExactString.sameBytes($0.key, key) }?.value
    }
    set {
      if let offset = position(of: key) {
        if let newValue {
          pairs[offset].value = newValue
        } else {
          pairs.remove(at: offset)
          index = nil
        }
      } else if let newValue {
        pairs.append((key, newValue))
        index?[ExactString(key)] = pairs.count - 1
      }
    }
  }

  public var count: Int { pairs.count }
  public var isEmpty: Bool { pairs.isEmpty }

  public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
    pairs.makeIterator()
  }

  public static func == (left: JSONObject, right: JSONObject) -> Bool {
    left.pairs.count == right.pairs.count
      && zip(left.pairs, right.pairs).allSatisfy {
        ExactString.sameBytes($0.key, $1.key) && $0.value == $1.value
      }
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(pairs.count)
    for pair in pairs {
      hasher.combine(ExactString(pair.key))
      hasher.combine(pair.value)
    }
  }
}

extension JSONValue {
  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }
  public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }
  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }
  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }
  /// The value as an integer, when it is one exactly.
  public var integerValue: Int64? {
    switch self {
    case .integer(let i): return i
    case .number(let d) where d.rounded() == d && abs(d) < 9e15: return Int64(d)
    default: return nil
    }
  }
  /// The value as a number, integer or not.
  public var doubleValue: Double? {
    switch self {
    case .integer(let i): return Double(i)
    case .number(let d): return d
    default: return nil
    }
  }
  public subscript(key: String) -> JSONValue? {
    objectValue?[key]
  }
}
