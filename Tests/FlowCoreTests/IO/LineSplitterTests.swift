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

  /// A line longer than the limit is handed on as its start, marked cut; the rest of it
  /// is dropped up to its newline, and what is kept never grows past the limit.
  @Test func anOverlongLineIsCutAndTheRestDropped() {
    var splitter = LineSplitter(maxLength: 4)
    #expect(splitter.splitLines(adding: Array("abc".utf8)) == [])
    #expect(
      splitter.splitLines(adding: Array("defgh".utf8))
        == [LineSplitter.Line(bytes: Array("abcd".utf8), isCut: true)])
    #expect(splitter.splitLines(adding: Array("ijk".utf8)) == [])
    #expect(
      splitter.splitLines(adding: Array("lm\nfour\nfives\n".utf8))
        == [
          LineSplitter.Line(bytes: Array("four".utf8)),
          LineSplitter.Line(bytes: Array("five".utf8), isCut: true),
        ])
    #expect(splitter.rest() == nil)
  }

  /// Bytes without a newline at all (`cat /dev/zero`) keep the splitter's memory bounded.
  @Test func endlessBytesWithoutANewlineStayBounded() {
    var splitter = LineSplitter(maxLength: 1 << 16)
    var cut = 0
    for _ in 0..<200 {
      cut += splitter.splitLines(adding: [UInt8](repeating: 0, count: 1 << 16)).count
    }
    #expect(cut == 1)
    #expect(splitter.rest() == nil)
  }
}
