import Testing

@testable import FlowCore

@Suite struct TextTableTests {
  /// Texts keep their numbers through every growth of the table, and texts never added are
  /// not found, however alike they are.
  @Test func textsKeepTheirNumbersAsTheTableGrows() {
    var table = TextTable()
    let texts = [""] + (0..<20000).map { "p\($0 % 997) >=\($0 / 997).0,<\($0 % 13)" }
    for (number, text) in texts.enumerated() {
      #expect(table.number(of: text) == nil)
      #expect(table.add(text) == number)
    }
    #expect(table.count == texts.count)
    for (number, text) in texts.enumerated() {
      #expect(table.number(of: text) == number)
      #expect(Array(table.text(number)) == Array(text.utf8))
    }
    #expect(table.number(of: "p0 >=0.0,<") == nil)
    #expect(table.number(of: "p0 >=0.0,<0 ") == nil)
    #expect(table.number(of: "café") == nil)
  }
}
