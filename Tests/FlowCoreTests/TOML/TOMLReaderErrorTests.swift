import Testing

@testable import FlowCore

/// Every rule a document can break gives one error, at its line and column, in plain words.
@Suite struct TOMLReaderErrorTests {
  @Test(arguments: TOMLInvalidDocument.all)
  func invalidDocumentIsOneErrorAtItsPlace(_ document: TOMLInvalidDocument) {
    do {
      let table = try TOMLReader.parse(document.bytes)
      Issue.record("accepted: \(table)")
    } catch {
      #expect(error.message == document.message)
      #expect(error.position == SourcePosition(line: document.line, column: document.column))
    }
  }

  @Test func descriptionNamesThePlaceAndTheProblem() {
    #expect(throws: TOMLError.self) { try TOMLReader.parse("a = [1 2]") }
    do {
      _ = try TOMLReader.parse("x = 1\na = [1 2]")
    } catch {
      #expect(error.description == "2:8: invalid TOML: expected ',' or ']' in an array, found '2'")
    }
  }

  @Test func deepNestingIsAnErrorNotACrash() {
    let text = "a = " + String(repeating: "[", count: 1_000_000)
    #expect(throws: TOMLError.self) { try TOMLReader.parse(text) }
    let closed = "a = " + String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
    #expect((try? TOMLReader.parse(closed)) != nil)
  }

  @Test func truncatedDocumentsAreErrorsNeverCrashes() throws {
    let text = """
      # all forms
      a = "basic \\u00e9 \\U0001D11E"
      b = '''
      multi'''
      c = { d = [1, 2.5e3, 0x1F, 1979-05-27T07:32:00Z], "e f" = true }
      [[g.h]]
      i = 07:32:00.25
      """
    let bytes = Array(text.utf8)
    for length in 0..<bytes.count {
      _ = try? TOMLReader.parse(Array(bytes[0..<length]))
    }
    #expect(try TOMLReader.parse(bytes).keys == ["a", "b", "c", "g"])
  }
}
