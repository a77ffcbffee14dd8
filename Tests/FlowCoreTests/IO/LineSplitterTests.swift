import Testing

@testable import FlowCore

@Suite struct LineSplitterTests {
  func text(_ lines: [[UInt8]]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

  @Test func joinsALineThatArrivesInPieces() {
    var splitter = LineSplitter()
    #expect(text(splitter.lines(adding: Array("one\ntw".utf8))) == ["one"])
    #expect(text(splitter.lines(adding: Array("o".utf8))) == [])
    #expect(text(splitter.lines(adding: Array("\n\nthree\nfour".utf8))) == ["two", "", "three"])
    #expect(splitter.rest().map { String(decoding: $0, as: UTF8.self) } == "four")
    #expect(splitter.rest() == nil)
  }

  @Test func keepsNothingAfterAnEndedLine() {
    var splitter = LineSplitter()
    #expect(text(splitter.lines(adding: Array("a\n".utf8))) == ["a"])
    #expect(splitter.rest() == nil)
    #expect(text(splitter.lines(adding: [])) == [])
  }
}
