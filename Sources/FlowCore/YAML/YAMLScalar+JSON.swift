extension YAMLScalar {
  /// The scalar's value under YAML 1.2's core schema: null, booleans (`true`, `false`),
  /// integers (decimal, `0o`, `0x`), floats (with `.inf` and `.nan`), else a string.
  /// `yes`, `no`, `on` and `off` stay strings, as YAML 1.2 says.
  public var jsonValue: JSONValue {
    if let tag {
      switch tag {
      case "tag:yaml.org,2002:str": return .string(text)
      case "tag:yaml.org,2002:null": return .null
      default: break
      }
    } else if style != .plain {
      return .string(text)
    }
    if isNull { return .null }
    switch text {
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    default: break
    }
    if let integer = integerValue { return .integer(integer) }
    if let number = floatValue { return .number(number) }
    return .string(text)
  }

  /// The scalar read as a core-schema integer, if it is one.
  public var integerValue: Int64? {
    var digits = Substring(text)
    var negative = false
    if let sign = digits.first, sign == "-" || sign == "+" {
      negative = sign == "-"
      digits = digits.dropFirst()
    }
    var radix = 10
    if digits.hasPrefix("0x") {
      radix = 16
      digits = digits.dropFirst(2)
    } else if digits.hasPrefix("0o") {
      radix = 8
      digits = digits.dropFirst(2)
    }
    guard !digits.isEmpty, digits.utf8.allSatisfy(Self.isASCIIHexDigit),
      let magnitude = Int64(digits, radix: radix)
    else { return nil }
    return negative ? -magnitude : magnitude
  }

  /// An ASCII hex digit: checked on bytes, as `Character.isHexDigit` costs a Unicode
  /// look-up and would let through full-width digits that no radix reads anyway.
  private static func isASCIIHexDigit(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
      UInt8(ascii: "A")...UInt8(ascii: "F"):
      return true
    default: return false
    }
  }

  /// The scalar read as a core-schema float, if it is one.
  public var floatValue: Double? {
    switch text {
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
    case "-.inf", "-.Inf", "-.INF": return -.infinity
    case ".nan", ".NaN", ".NAN": return .nan
    default: break
    }
    let allowed = text.utf8.allSatisfy { byte in
      (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
    }
    guard allowed, text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return Double(text)
  }
}

extension YAMLNode {
  /// The node as JSON: mappings become objects (keys as their text), lists arrays,
  /// scalars their core-schema value.
  public var jsonValue: JSONValue {
    switch content {
    case .scalar(let scalar): return scalar.jsonValue
    case .sequence(let items): return .array(items.map(\.jsonValue))
    case .mapping(let pairs):
      var object = JSONObject()
      for pair in pairs { object[pair.key.keyName] = pair.value.jsonValue }
      return .object(object)
    }
  }

  /// The name a mapping key stands for: a scalar's text, else `keyText`.
  var keyName: String {
    if case .scalar(let scalar) = content { return scalar.text }
    return keyText
  }

  /// A text for a non-scalar key, so that such keys still have a name in JSON.
  var keyText: String {
    String(decoding: JSONCodec.encode(jsonValue).dropLast(), as: UTF8.self)
  }
}
