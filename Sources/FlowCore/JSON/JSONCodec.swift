internal import CJansson

/// Why a JSON text could not be read.
public struct JSONSyntaxError: ToolFailure, Hashable, Sendable {
  public var position: SourcePosition
  public var message: String
  public var description: String { "\(position): \(message)" }

  public var exitStatus: ExitStatus { .dataError }
}

/// Reads and writes `JSONValue` through jansson. Nothing of jansson leaves this file.
public enum JSONCodec {
  /// Parses one JSON value from bytes. Duplicate object keys are an error.
  public static func decode(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
    var error = json_error_t()
    let flags = Int32(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL)
    let root = bytes.withUnsafeBufferPointer { buffer in
      buffer.baseAddress.map { base in
        base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
          json_loadb($0, buffer.count, Int(flags), &error)
        }
      } ?? json_loadb("", 0, Int(flags), &error)
    }
    guard let root else {
      let text = withUnsafeBytes(of: &error.text) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      throw JSONSyntaxError(
        position: SourcePosition(line: max(Int(error.line), 1), column: max(Int(error.column), 1)),
        message: text)
    }
    defer { flow_json_decref(root) }
    return value(of: root)
  }

  /// Serialises a value: compact on one line, or indented by two spaces.
  /// The text always ends with a newline. See `JSONWriter`.
  public static func encode(_ value: JSONValue, pretty: Bool = false) -> [UInt8] {
    JSONWriter.encode(value, pretty: pretty)
  }

  /// Serialises a value through jansson's own writer: the reference `JSONWriter` is
  /// held to.
  static func encodeWithJansson(_ value: JSONValue, pretty: Bool = false) -> [UInt8] {
    let root = node(for: value)
    defer { flow_json_decref(root) }
    let layout = pretty ? flow_json_indent(2) : UInt32(JSON_COMPACT)
    let flagsWithOptions = Int(layout | UInt32(JSON_ENCODE_ANY) | realPrecision)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(1 << 16)
    _ = withUnsafeMutablePointer(to: &bytes) { buffer in
      json_dump_callback(
        root,
        { chunk, size, context in
          let buffer = context!.assumingMemoryBound(to: [UInt8].self)
          chunk!.withMemoryRebound(to: UInt8.self, capacity: size) {
            buffer.pointee.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
          }
          return 0
        }, buffer, flagsWithOptions)
    }
    bytes.append(UInt8(ascii: "\n"))
    return bytes
  }

  private static let realPrecision: UInt32 = flow_json_real_precision(15)

  private static func value(of node: UnsafeMutablePointer<json_t>) -> JSONValue {
    switch flow_json_typeof(node) {
    case JSON_OBJECT:
      var object = JSONObject()
      var iterator = json_object_iter(node)
      while let current = iterator {
        let key = String(cString: json_object_iter_key(current))
        object[key] = value(of: json_object_iter_value(current))
        iterator = json_object_iter_next(node, current)
      }
      return .object(object)
    case JSON_ARRAY:
      let count = json_array_size(node)
      if count >= arrayTakenInTwoParts, ProcessMemory.allowsAllocatingOnTwoThreads {
        return .array(makeInTwoHalves(count: count) { value(of: json_array_get(node, $0)) })
      }
      var array: [JSONValue] = []
      array.reserveCapacity(count)
      for index in 0..<count { array.append(value(of: json_array_get(node, index))) }
      return .array(array)
    case JSON_STRING:
      let length = json_string_length(node)
      let pointer = UnsafeRawPointer(json_string_value(node)!)
      return .string(
        String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self))
    case JSON_INTEGER: return .integer(Int64(json_integer_value(node)))
    case JSON_REAL: return .number(json_real_value(node))
    case JSON_TRUE: return .bool(true)
    case JSON_FALSE: return .bool(false)
    default: return .null
    }
  }

  /// A list of this many items or more (a large document's stages) is taken from jansson
  /// in two halves at once (`makeInTwoHalves`); jansson's values are only read, which it
  /// allows from several threads at once.
  static let arrayTakenInTwoParts = 1024

  private static func node(for value: JSONValue) -> UnsafeMutablePointer<json_t> {
    switch value {
    case .null: return json_null()
    case .bool(let flag): return flag ? json_true() : json_false()
    case .integer(let number): return json_integer(json_int_t(number))
    case .number(let number):
      // JSON has no infinities or NaN; jansson refuses them.
      return number.isFinite ? json_real(number) : json_null()
    case .string(let text):
      var text = text
      return text.withUTF8 { utf8 in
        utf8.baseAddress.map { base in
          base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
            json_stringn_nocheck($0, utf8.count)
          }
        } ?? json_string_nocheck("")
      }
    case .array(let items):
      let array = json_array()!
      for item in items { json_array_append_new(array, node(for: item)) }
      return array
    case .object(let object):
      let result = json_object()!
      for (key, item) in object {
        var key = key
        key.withUTF8 { utf8 in
          utf8.baseAddress.map { base in
            base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
              _ = json_object_setn_new_nocheck(result, $0, utf8.count, node(for: item))
            }
          } ?? { _ = json_object_set_new_nocheck(result, "", node(for: item)) }()
        }
      }
      return result
    }
  }
}
