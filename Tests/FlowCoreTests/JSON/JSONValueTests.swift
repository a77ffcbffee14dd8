import Testing

@testable import FlowCore

@Suite struct JSONObjectTests {
  @Test func keepsInsertionOrderAndRemoves() {
    var object = JSONObject()
    object["b"] = .integer(1)
    object["a"] = .string("x")
    object["b"] = .integer(2)
    #expect(object.keys == ["b", "a"])
    #expect(object["b"] == .integer(2))
    object["b"] = nil
    #expect(object.keys == ["a"])
  }
}
