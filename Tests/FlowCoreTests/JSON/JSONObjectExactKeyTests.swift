import Testing

@testable import FlowCore

/// JSON object keys are byte strings: `CAFÉ` written with U+00C9 and with `E` + U+0301
/// are two members, as they are two environment variables to the OS.
@Suite struct JSONObjectExactKeyTests {
  let composed = "CAF\u{C9}"
  let decomposed = "CAFE\u{301}"

  @Test func keysThatDifferOnlyInNormalizationAreTwoMembers() {
    for filler in [0, 40] {
      // 40 members more makes the object build its hash index.
      var object = JSONObject()
      for index in 0..<filler { object["k\(index)"] = .integer(Int64(index)) }
      object[composed] = .string("nfc")
      object[decomposed] = .string("nfd")
      #expect(object.count == filler + 2)
      #expect(object[composed] == .string("nfc"))
      #expect(object[decomposed] == .string("nfd"))
      object[composed] = nil
      #expect(object[decomposed] == .string("nfd"))
      #expect(object[composed] == nil)
    }
  }

  @Test func decodingKeepsBothAndEncodingWritesBoth() throws {
    let text = #"{"CAF\u00c9": "nfc", "CAFE\u0301": "nfd"}"#
    let value = try JSONCodec.decode(Array(text.utf8))
    #expect(value.objectValue?.count == 2)
    #expect(value[decomposed] == .string("nfd"))
    let again = try JSONCodec.decode(JSONCodec.encode(value))
    #expect(again == value)
    #expect(JSONObject([(composed, .null)]) != JSONObject([(decomposed, .null)]))
  }
}
