import Testing

@testable import FlowCore

@Suite struct JSONCodecTests {
  func text(_ value: JSONValue, pretty: Bool = false) -> String {
    String(decoding: JSONCodec.encode(value, pretty: pretty), as: UTF8.self)
  }

  @Test func roundTripsEveryKindKeepingKeyOrder() throws {
    let source = #"{"z":1,"a":[true,false,null,1.5,"x\u0000y"],"m":{"k":-3}}"#
    let value = try JSONCodec.decode(Array(source.utf8))
    #expect(value["z"] == .integer(1))
    #expect(value["a"]?.arrayValue?[3] == .number(1.5))
    #expect(value["a"]?.arrayValue?[4] == .string("x\u{0}y"))
    #expect(text(value) == source + "\n")
  }

  @Test func writesShortestReadableReals() {
    #expect(text(.array([.number(0.1), .number(2.5), .integer(7)])) == "[0.1,2.5,7]\n")
  }

  @Test func prettyIndentsByTwo() {
    let value = JSONValue.object(JSONObject([("a", .array([.integer(1)]))]))
    #expect(text(value, pretty: true) == "{\n  \"a\": [\n    1\n  ]\n}\n")
  }

  @Test func reportsSyntaxErrorsWithPosition() {
    #expect(throws: JSONSyntaxError.self) { try JSONCodec.decode(Array("{\n  \"a\": }".utf8)) }
    do throws(JSONSyntaxError) {
      _ = try JSONCodec.decode(Array("{\n  \"a\": }".utf8))
    } catch {
      #expect(error.position.line == 2)
    }
  }

  @Test func rejectsDuplicateKeys() {
    #expect(throws: JSONSyntaxError.self) { try JSONCodec.decode(Array(#"{"a":1,"a":2}"#.utf8)) }
  }

  @Test func rejectsEmptyInput() {
    #expect(throws: JSONSyntaxError.self) { try JSONCodec.decode([]) }
  }

  @Test func writesNonFiniteNumbersAsNull() {
    #expect(text(.array([.number(.infinity)])) == "[null]\n")
  }
}
