import Testing

@testable import FlowCore

/// What each form of TOML 1.0 reads as.
@Suite struct TOMLReaderTests {
  func value(_ text: String) throws -> TOMLValue? {
    try TOMLReader.parse("v = " + text)["v"]
  }

  @Test func commentsAndBlankLinesAreSkipped() throws {
    let table = try TOMLReader.parse("# top\n\n  a = 1 # after\n\t# indented\r\nb = 2\n#")
    #expect(table.keys == ["a", "b"])
    #expect(table["b"] == .integer(2))
  }

  @Test func keysBareQuotedLiteralAndDotted() throws {
    let table = try TOMLReader.parse(
      """
      bare_key-1 = 1
      1234 = 2
      "quoted \\"key\\" é" = 3
      'literal \\ key' = 4
      "" = 5
      site . "google.com" . 'x' = 6
      true = 7
      """)
    #expect(
      table.keys == [
        "bare_key-1", "1234", "quoted \"key\" é", "literal \\ key", "", "site", "true",
      ])
    let site = table["site"]?.table
    #expect(site?["google.com"]?.table?["x"] == .integer(6))
  }

  @Test func basicStringEscapes() throws {
    #expect(
      try value(#""\b\t\n\f\r\"\\ \u00E9 \U0001D11E end""#)
        == .string("\u{8}\t\n\u{C}\r\"\\ é 𝄞 end"))
    #expect(try value("\"tab\there\"") == .string("tab\there"))
  }

  @Test func literalStringsAreTakenAsWritten() throws {
    #expect(try value(#"'C:\Users\nodejs\templates'"#) == .string(#"C:\Users\nodejs\templates"#))
  }

  @Test func multilineBasicStrings() throws {
    #expect(try value("\"\"\"\nRoses are red\nViolets\"\"\"") == .string("Roses are red\nViolets"))
    #expect(
      try value("\"\"\"\r\nThe quick \\\r\n\n   brown \\   \n  fox.\"\"\"")
        == .string("The quick brown fox."))
    #expect(try value("\"\"\"two \"\"quotes\"\" \"\"\"\"\"") == .string("two \"\"quotes\"\" \"\""))
    #expect(try value("\"\"\"a\\tb\\u0041\"\"\"") == .string("a\tbA"))
    #expect(try value("\"\"\"line\r\nbreak\"\"\"") == .string("line\nbreak"))
  }

  @Test func multilineLiteralStrings() throws {
    #expect(try value("'''\nfirst\n  \\n second'''") == .string("first\n  \\n second"))
    #expect(
      try value("''''That,' she said, 'is it.'''''") == .string("'That,' she said, 'is it.''"))
  }

  @Test func integersInEveryBase() throws {
    let cases: [(String, Int)] = [
      ("+99", 99), ("42", 42), ("0", 0), ("-17", -17), ("+0", 0), ("-0", 0),
      ("1_000", 1000), ("5_349_221", 5_349_221), ("0xDEADBEEF", 0xDEAD_BEEF),
      ("0xdead_beef", 0xDEAD_BEEF),
      ("0o01234567", 0o1234567), ("0o755", 0o755), ("0b11010110", 0b1101_0110), ("0x00ff", 255),
      ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min),
      ("0x7FFFFFFFFFFFFFFF", Int.max),
    ]
    for (text, expected) in cases {
      #expect(try value(text) == .integer(expected), "\(text)")
    }
  }

  @Test func floatsWithFractionsExponentsAndSpecials() throws {
    let cases: [(String, Double)] = [
      ("+1.0", 1), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6),
      ("-2E-2", -0.02), ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224_617.445_991_228),
      ("1e1_0", 1e10), ("0e0", 0), ("inf", .infinity), ("+inf", .infinity), ("-inf", -.infinity),
      ("1e400", .infinity),
    ]
    for (text, expected) in cases {
      #expect(try value(text) == .float(expected), "\(text)")
    }
    guard case .float(let negativeZero)? = try value("-0.0") else {
      Issue.record("-0.0 is not a float")
      return
    }
    #expect(negativeZero == 0 && negativeZero.sign == .minus)
    for text in ["nan", "+nan", "-nan"] {
      guard case .float(let number)? = try value(text) else {
        Issue.record("\(text) is not a float")
        continue
      }
      #expect(number.isNaN)
    }
  }

  @Test func booleans() throws {
    #expect(try value("true") == .boolean(true))
    #expect(try value("false") == .boolean(false))
  }

  @Test func datesAndTimesKeepTheirText() throws {
    #expect(try value("1979-05-27T07:32:00Z") == .offsetDateTime("1979-05-27T07:32:00Z"))
    #expect(
      try value("1979-05-27 00:32:00.999999-07:00")
        == .offsetDateTime("1979-05-27 00:32:00.999999-07:00"))
    #expect(try value("1979-05-27t07:32:00z") == .offsetDateTime("1979-05-27t07:32:00z"))
    #expect(try value("1979-05-27T07:32:00") == .localDateTime("1979-05-27T07:32:00"))
    #expect(try value("2000-02-29") == .localDate("2000-02-29"))
    #expect(try value("00:32:00.5") == .localTime("00:32:00.5"))
    #expect(try value("1979-05-27 # a date, then a comment") == .localDate("1979-05-27"))
  }

  @Test func arraysMixNestSpanLinesAndTakeComments() throws {
    let table = try TOMLReader.parse(
      """
      a = [ 1, "two", [3.0, [true]], { x = 1 }, ]
      b = [
        1, # one
        # alone
        2,
      ]
      c = []
      """)
    #expect(
      table["a"]
        == .array([
          .integer(1), .string("two"), .array([.float(3), .array([.boolean(true)])]),
          .table(try TOMLReader.parse("x = 1")),
        ]))
    #expect(table["b"] == .array([.integer(1), .integer(2)]))
    #expect(table["c"] == .array([]))
  }

  @Test func inlineTablesWithDottedKeysAndNesting() throws {
    let table = try TOMLReader.parse(
      "point = { x = 1, y.z = 2, y.w = 3, n = { m = [\n1] } }\nempty = {}")
    let point = table["point"]?.table
    #expect(point?.keys == ["x", "y", "n"])
    #expect(point?["y"]?.table?.keys == ["z", "w"])
    #expect(table["empty"] == .table(TOMLTable()))
  }

  @Test func tablesKeepWrittenOrderAndMayBeDefinedAfterTheirChildren() throws {
    let table = try TOMLReader.parse(
      """
      [z.y.x]
      a = 1
      [b]
      c = 1
      [z]
      d = 2
      [z.w]
      """)
    #expect(table.keys == ["z", "b"])
    #expect(table["z"]?.table?.keys == ["y", "d", "w"])
  }

  @Test func dottedKeysMakeTablesThatHeadersMayPassThrough() throws {
    let table = try TOMLReader.parse(
      """
      [fruit]
      apple.color = "red"
      apple.taste.sweet = true
      [fruit.apple.texture]
      smooth = true
      """)
    let apple = table["fruit"]?.table?["apple"]?.table
    #expect(apple?.keys == ["color", "taste", "texture"])
    #expect(apple?["texture"]?.table?["smooth"] == .boolean(true))
  }

  @Test func dottedKeysMayAddToTablesAHeaderMadeImplicitly() throws {
    let table = try TOMLReader.parse("[a.b.c]\n[a]\nb.d = 1")
    #expect(table["a"]?.table?["b"]?.table?.keys == ["c", "d"])
  }

  @Test func arraysOfTablesWithSubTables() throws {
    let table = try TOMLReader.parse(
      """
      [[fruits]]
      name = "apple"
      [fruits.physical]
      color = "red"
      [[fruits.varieties]]
      name = "red delicious"
      [[fruits.varieties]]
      name = "granny smith"
      [[fruits]]
      name = "banana"
      [fruits.physical]
      color = "yellow"
      """)
    guard case .array(let fruits)? = table["fruits"] else {
      Issue.record("fruits is not an array")
      return
    }
    #expect(fruits.count == 2)
    #expect(fruits[0].table?.keys == ["name", "physical", "varieties"])
    guard case .array(let varieties)? = fruits[0].table?["varieties"] else {
      Issue.record("varieties is not an array")
      return
    }
    #expect(
      varieties.map { $0.table?["name"] } == [.string("red delicious"), .string("granny smith")])
    #expect(fruits[1].table?["physical"]?.table?["color"] == .string("yellow"))
  }

  @Test func everyKeyCarriesItsLineAndColumn() throws {
    let table = try TOMLReader.parse(
      """
      title = "x"
      [packages."houdini.py3_10"."20.0.506"]
        env.PATH.prepend = ["/opt/hfs/bin"]
      [packages.blender."4.1"]
      "é" = 1
        "é2".x = 2
      """)
    #expect(table.position(of: "title") == SourcePosition(line: 1, column: 1))
    #expect(table.position(of: "packages") == SourcePosition(line: 2, column: 2))
    let packages = table["packages"]?.table
    #expect(packages?.position(of: "houdini.py3_10") == SourcePosition(line: 2, column: 11))
    #expect(packages?.position(of: "blender") == SourcePosition(line: 4, column: 11))
    let houdini = packages?["houdini.py3_10"]?.table
    #expect(houdini?.position(of: "20.0.506") == SourcePosition(line: 2, column: 28))
    let entry = houdini?["20.0.506"]?.table
    #expect(entry?.position(of: "env") == SourcePosition(line: 3, column: 3))
    #expect(entry?["env"]?.table?.position(of: "PATH") == SourcePosition(line: 3, column: 7))
    let blender = packages?["blender"]?.table?["4.1"]?.table
    #expect(blender?.keys == ["é", "é2"])
    #expect(blender?.position(of: "é2") == SourcePosition(line: 6, column: 3))
    #expect(blender?["é2"]?.table?.position(of: "x") == SourcePosition(line: 6, column: 8))
  }

  @Test func keysOnOneLongLineKeepTheirColumns() throws {
    let pairs = (0..<2000).map { "k\($0) = \"é\"" }
    let table = try TOMLReader.parse("t = { " + pairs.joined(separator: ", ") + " }")
    let inline = try #require(table["t"]?.table)
    var column = 7
    for (number, pair) in pairs.enumerated() {
      #expect(inline.position(of: "k\(number)") == SourcePosition(line: 1, column: column))
      column += pair.unicodeScalars.count + 2
    }
  }

  @Test func largeTablesFindTheirKeys() throws {
    let text = (0..<100).map { "k\($0) = \($0)" }.joined(separator: "\n")
    let table = try TOMLReader.parse(text)
    #expect(table.count == 100)
    #expect(table["k73"] == .integer(73))
    #expect(table.position(of: "k99") == SourcePosition(line: 100, column: 1))
    #expect(throws: TOMLError.self) { try TOMLReader.parse(text + "\nk42 = 1") }
  }

  @Test func aByteOrderMarkAtTheStartIsSkipped() throws {
    #expect(try TOMLReader.parse([0xEF, 0xBB, 0xBF] + Array("a = 1".utf8))["a"] == .integer(1))
  }

  @Test func anEmptyDocumentIsAnEmptyTable() throws {
    #expect(try TOMLReader.parse("") == TOMLTable())
    #expect(try TOMLReader.parse("\n\n# only a comment") == TOMLTable())
  }
}
