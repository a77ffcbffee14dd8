import Testing

@testable import FlowCore

@Suite struct VersionTests {
  func version(_ text: String) throws -> Version { try Version(parsing: text) }

  @Test func semverPrecedenceExampleIsStrictlyIncreasing() throws {
    let ordered = [
      "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
      "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0",
    ]
    let versions = try ordered.map(version)
    for (left, right) in zip(versions, versions.dropFirst()) {
      #expect(left < right, "\(left) < \(right)")
      #expect(left.comparePrecedence(right) < 0)
    }
  }

  @Test func realWorldShapesPadWithZerosAndReadLeadingZerosAsNumbers() throws {
    #expect(try version("20") == version("20.0.0"))
    #expect(try version("3.6") == version("3.6.0"))
    #expect(try version("6.28.04") == version("6.28.4"))
    #expect(try version("6.28.04") < version("6.28.10"))
    #expect(try version("20.0.506") < version("20.0.506.1"))
    #expect(try version("20.0.506.1") < version("20.0.507"))
    #expect(try version("3.6").release == [3, 6])
    #expect(try version("v1.2.3") == version("1.2.3"))
  }

  @Test func buildMetadataIsIgnoredForPrecedenceButKeepsEntriesDistinct() throws {
    let a = try version("1.0.0+a")
    let b = try version("1.0.0+b")
    #expect(a.comparePrecedence(b) == 0)
    #expect(a != b)
    #expect(try version("1.0.0") < a)
    #expect(a < b)
    #expect(try version("1.0.0+5") < version("1.0.0+a"))
    #expect(try version("1.0.0").hashValue == version("1.0").hashValue)
  }

  @Test func numericIdentifiersSortBeforeAlphanumericOnes() throws {
    #expect(try version("1.0.0-2") < version("1.0.0-10"))
    #expect(try version("1.0.0-10") < version("1.0.0-a"))
    #expect(try version("1.0.0-B") < version("1.0.0-a"))
  }

  @Test(arguments: [
    ("", 1), ("1.", 3), ("1..2", 3), ("1.2.3-", 7), ("1.2.3+", 7), ("1.2a", 4), ("x.1", 1),
    ("1.2.3-rc..1", 10), ("99999999999999999999", 1),
  ])
  func badVersionsPointAtTheCharacter(text: String, column: Int) {
    #expect(throws: ResolveError.self) { try Version(parsing: text) }
    do {
      _ = try Version(parsing: text)
    } catch let ResolveError.invalidVersion(_, found, _) {
      #expect(found == column, "\(text)")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func descriptionKeepsTheWrittenShape() throws {
    #expect(try version("3.6").description == "3.6")
    #expect(try version("1.2.3-rc.1+b.7").description == "1.2.3-rc.1+b.7")
  }
}
