/// Documents that break one rule each, with the error expected at a line and column.
struct TOMLInvalidDocument: CustomStringConvertible, Sendable {
  var bytes: [UInt8]
  var line: Int
  var column: Int
  var message: String

  init(_ text: String, _ line: Int, _ column: Int, _ message: String) {
    self.init(bytes: Array(text.utf8), line, column, message)
  }

  init(bytes: [UInt8], _ line: Int, _ column: Int, _ message: String) {
    self.bytes = bytes
    self.line = line
    self.column = column
    self.message = message
  }

  var description: String { String(decoding: bytes, as: UTF8.self) }

  static let all: [TOMLInvalidDocument] = sharedWithTomllib + limits

  /// What Python's tomllib refuses too.
  static let sharedWithTomllib: [TOMLInvalidDocument] = structure + strings + numbers + encoding

  /// Limits of this reader that tomllib does not have: 64-bit integers (as TOML 1.0 asks of
  /// a reader that cannot keep larger ones exactly) and a nesting depth.
  static let limits = [
    TOMLInvalidDocument(
      "a = 9223372036854775808", 1, 5, "integer out of range in '9223372036854775808'"),
    TOMLInvalidDocument(
      "a = -9223372036854775809", 1, 5, "integer out of range in '-9223372036854775809'"),
    TOMLInvalidDocument(
      "a = 0x8000000000000000", 1, 5, "integer out of range in '0x8000000000000000'"),
    TOMLInvalidDocument(
      "[" + Array(repeating: "k", count: 200).joined(separator: ".") + "]", 1, 258,
      "nested deeper than 128 levels"),
    TOMLInvalidDocument(
      "a = " + String(repeating: "[", count: 129) + String(repeating: "]", count: 129), 1, 133,
      "nested deeper than 128 levels"),
  ]

  static let structure = [
    TOMLInvalidDocument("a = [1 2]", 1, 8, "expected ',' or ']' in an array, found '2'"),
    TOMLInvalidDocument("a = [1,,2]", 1, 8, "expected a value, found ','"),
    TOMLInvalidDocument("a = 1\na = 2", 2, 1, "key 'a' is defined twice"),
    TOMLInvalidDocument("a.b = 1\na.b = 2", 2, 3, "key 'a.b' is defined twice"),
    TOMLInvalidDocument("a = 1\na.b = 2", 2, 1, "key 'a' already has a value"),
    TOMLInvalidDocument("[a]\n[a]", 2, 2, "table 'a' is defined twice"),
    TOMLInvalidDocument("[a]\nb = 1\n\n[a]", 4, 2, "table 'a' is defined twice"),
    TOMLInvalidDocument("[a.b]\nc = 1\n[a]\nb = 2", 4, 1, "key 'b' is defined twice"),
    TOMLInvalidDocument("[a]\nb = 1\n[a.b]", 3, 4, "key 'a.b' already has a value"),
    TOMLInvalidDocument("a = 1\n[a]", 2, 2, "key 'a' already has a value"),
    TOMLInvalidDocument("a = {x = 1}\n[a.b]", 2, 2, "cannot extend the inline table 'a'"),
    TOMLInvalidDocument("a = {x = 1}\na.y = 2", 2, 1, "cannot extend the inline table 'a'"),
    TOMLInvalidDocument("a = {x = 1}\n[a]", 2, 2, "cannot extend the inline table 'a'"),
    TOMLInvalidDocument("a = {b = 1, b = 2}", 1, 13, "key 'b' is defined twice"),
    TOMLInvalidDocument("a = {b = {}, b.c = 2}", 1, 14, "cannot extend the inline table 'b'"),
    TOMLInvalidDocument(
      "[a]\nb.c = 1\n[a.b]", 3, 4, "table 'a.b' is already defined by dotted keys"),
    TOMLInvalidDocument("a.b = 1\n[a]", 2, 2, "table 'a' is already defined by dotted keys"),
    TOMLInvalidDocument(
      "[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, 3,
      "cannot add to table 'b.c' with dotted keys: it has its own header"),
    TOMLInvalidDocument(
      "[[a]]\nb = 1\n[a]\n", 3, 2, "'a' is an array of tables, not a table"),
    TOMLInvalidDocument("[a]\n[[a]]", 2, 3, "'a' is already a table, not an array of tables"),
    TOMLInvalidDocument("a = [1]\n[[a]]", 2, 3, "'a' is an array written as a value, not a table"),
    TOMLInvalidDocument(
      "a = [{b = 1}]\n[a.c]", 2, 2, "'a' is an array written as a value, not a table"),
    TOMLInvalidDocument(
      "[[a]]\nb.c = 1\n[a.b]", 3, 4, "table 'a.b' is already defined by dotted keys"),
    TOMLInvalidDocument(
      "[[a]]\n[a.b]\n[a.b]", 3, 4, "table 'a.b' is defined twice"),
    TOMLInvalidDocument(
      "[x]\n[[x.y]]\nz.w = 1\n[[x.y.z]]", 4, 7, "'x.y.z' is already a table, not an array of tables"
    ),
    TOMLInvalidDocument(
      "[[a]]\nt.x = 1\n[a]\nt.y = 2", 3, 2, "'a' is an array of tables, not a table"),
    TOMLInvalidDocument(
      "a = {x = 1,}", 1, 12, "a trailing comma is not allowed in an inline table"),
    TOMLInvalidDocument("a = {x = 1\n}", 1, 11, "an inline table must be written on one line"),
    TOMLInvalidDocument("a = {\nx = 1}", 1, 6, "an inline table must be written on one line"),
    TOMLInvalidDocument("a = {x = 1 # c\n}", 1, 12, "an inline table must be written on one line"),
    TOMLInvalidDocument(
      "a = {x = 1 y = 2}", 1, 12, "expected ',' or '}' in an inline table, found 'y'"),
    TOMLInvalidDocument("a = {,}", 1, 6, "expected a key, found ','"),
    TOMLInvalidDocument("a = tru", 1, 5, "expected a value, found 'tru'"),
    TOMLInvalidDocument("a = ", 1, 5, "expected a value, found the end of the document"),
    TOMLInvalidDocument("a =\n1", 1, 4, "expected a value, found the end of the line"),
    TOMLInvalidDocument("a", 1, 2, "expected '=' after a key, found the end of the document"),
    TOMLInvalidDocument("a b = 1", 1, 3, "expected '=' after a key, found 'b'"),
    TOMLInvalidDocument("= 1", 1, 1, "expected a key, found '='"),
    TOMLInvalidDocument("a. = 1", 1, 4, "expected a key, found '='"),
    TOMLInvalidDocument(
      "[a", 1, 3, "expected ']' after a table name, found the end of the document"),
    TOMLInvalidDocument("[]", 1, 2, "expected a key, found ']'"),
    TOMLInvalidDocument(
      "[[a]\n", 1, 5, "expected ']]' to end the array of tables header, found the end of the line"),
    TOMLInvalidDocument(
      "[a] b = 1", 1, 5, "expected the end of the line after a table header, found 'b'"),
    TOMLInvalidDocument(
      "a = 1 b = 2", 1, 7, "expected the end of the line after a value, found 'b'"),
    TOMLInvalidDocument("\"\"\"key\"\"\" = 1", 1, 1, "a key cannot be a multi-line string"),
    TOMLInvalidDocument(
      "a = " + String(repeating: "[", count: 200), 1, 133, "nested deeper than 128 levels"),
    TOMLInvalidDocument(
      "a = " + String(repeating: "{b = ", count: 200), 1, 645, "nested deeper than 128 levels"),
  ]

  static let strings = [
    TOMLInvalidDocument("a = \"abc", 1, 5, "the string is not closed"),
    TOMLInvalidDocument(
      "a = \"a\nb\"", 1, 5,
      "the string is not closed on its line (a multi-line string uses \"\"\" or ''')"),
    TOMLInvalidDocument(
      "a = 'a\nb'", 1, 5,
      "the string is not closed on its line (a multi-line string uses \"\"\" or ''')"),
    TOMLInvalidDocument("a = \"\\q\"", 1, 6, "invalid escape '\\q'"),
    TOMLInvalidDocument("a = \"\\e\"", 1, 6, "invalid escape '\\e'"),
    TOMLInvalidDocument("a = \"\\uD800\"", 1, 6, "U+D800 is not a Unicode scalar value"),
    TOMLInvalidDocument("a = \"\\U00110000\"", 1, 6, "U+110000 is not a Unicode scalar value"),
    TOMLInvalidDocument("a = \"\\u12\"", 1, 6, "expected 4 hexadecimal digits after '\\u'"),
    TOMLInvalidDocument("a = \"\\U1234\"", 1, 6, "expected 8 hexadecimal digits after '\\U'"),
    TOMLInvalidDocument("a = \"\"\"\nabc", 1, 5, "the multi-line string is not closed"),
    TOMLInvalidDocument("x = 1\na = '''\nabc''", 2, 5, "the multi-line string is not closed"),
    TOMLInvalidDocument("a = \"\"\"a\\ b\"\"\"", 2 - 1, 9, "invalid escape '\\ '"),
    TOMLInvalidDocument(
      "a = \"a\u{7F}\"", 1, 7, "control character U+007F is not allowed in a string"),
    TOMLInvalidDocument(
      "a = 'a\u{1}'", 1, 7, "control character U+0001 is not allowed in a string"),
    TOMLInvalidDocument(
      "a = \"\"\"\na\u{0}\"\"\"", 2, 2, "control character U+0000 is not allowed in a string"),
    TOMLInvalidDocument(
      "a = '''\r'''", 1, 8, "a carriage return must be followed by a line feed"),
    TOMLInvalidDocument(
      "a = \"\"\"x\"\"\"\"\"\"", 1, 14, "expected the end of the line after a value, found '\"'"),
  ]

  static let numbers = [
    TOMLInvalidDocument("a = 01", 1, 5, "leading zeros are not allowed in '01'"),
    TOMLInvalidDocument("a = -01.5", 1, 5, "leading zeros are not allowed in '-01.5'"),
    TOMLInvalidDocument("a = 0_1", 1, 5, "leading zeros are not allowed in '0_1'"),
    TOMLInvalidDocument("a = 1__2", 1, 5, "an underscore must be between digits in '1__2'"),
    TOMLInvalidDocument("a = 1_", 1, 5, "an underscore must be between digits in '1_'"),
    TOMLInvalidDocument("a = _1", 1, 5, "an underscore must be between digits in '_1'"),
    TOMLInvalidDocument("a = 1_.5", 1, 5, "an underscore must be between digits in '1_.5'"),
    TOMLInvalidDocument(
      "a = +0x10", 1, 5, "a sign is not allowed before a 0x, 0o or 0b integer in '+0x10'"),
    TOMLInvalidDocument("a = 0x", 1, 5, "expected digits in '0x'"),
    TOMLInvalidDocument("a = 0o8", 1, 5, "expected digits in '0o8'"),
    TOMLInvalidDocument("a = 0b102", 1, 5, "unexpected character in '0b102'"),
    TOMLInvalidDocument("a = 0X10", 1, 5, "unexpected character in a number in '0X10'"),
    TOMLInvalidDocument("a = 1.", 1, 5, "expected digits in '1.'"),
    TOMLInvalidDocument("a = .5", 1, 5, "expected digits in '.5'"),
    TOMLInvalidDocument("a = 1e", 1, 5, "expected digits in '1e'"),
    TOMLInvalidDocument("a = 1.5e+", 1, 5, "expected digits in '1.5e+'"),
    TOMLInvalidDocument("a = 1.e5", 1, 5, "expected digits in '1.e5'"),
    TOMLInvalidDocument("a = infinity", 1, 5, "expected a value, found 'infinity'"),
    TOMLInvalidDocument("a = Inf", 1, 5, "expected a value, found 'Inf'"),
    TOMLInvalidDocument("a = 1979-02-29", 1, 5, "the day 29 is out of range: '1979-02-29'"),
    TOMLInvalidDocument("a = 1979-13-01", 1, 5, "the month 13 is out of range: '1979-13-01'"),
    TOMLInvalidDocument("a = 24:00:00", 1, 5, "the hour 24 is out of range: '24:00:00'"),
    TOMLInvalidDocument("a = 23:60:00", 1, 5, "the minute 60 is out of range: '23:60:00'"),
    TOMLInvalidDocument("a = 23:59:60", 1, 5, "the second 60 is out of range: '23:59:60'"),
    TOMLInvalidDocument(
      "a = 1979-05-27T07:32", 1, 5, "expected a time as HH:MM:SS: '1979-05-27T07:32'"),
    TOMLInvalidDocument("a = 07:32", 1, 5, "expected a time as HH:MM:SS: '07:32'"),
    TOMLInvalidDocument("a = 1979-5-27", 1, 5, "expected 2 digits for the month: '1979-5-27'"),
    TOMLInvalidDocument(
      "a = 1979-05-27 07:32:00+24:00", 1, 5,
      "the offset hour 24 is out of range: '1979-05-27 07:32:00+24:00'"),
    TOMLInvalidDocument(
      "a = 1979-05-27T07:32:00.", 1, 5,
      "expected digits after the decimal point: '1979-05-27T07:32:00.'"),
    TOMLInvalidDocument(
      "a = 1979-05-27T07:32:00X", 1, 5, "invalid time zone offset: '1979-05-27T07:32:00X'"),
    TOMLInvalidDocument(
      "a = 1979-05-27X07:32:00", 1, 5,
      "expected 'T' or a space between date and time: '1979-05-27X07:32:00'"),
  ]

  static let encoding = [
    TOMLInvalidDocument(
      bytes: Array("a = \"".utf8) + [0xFF, 0x22], 1, 6, "invalid UTF-8 (byte 0xFF)"),
    TOMLInvalidDocument(
      bytes: Array("a = 1\nb = \"é".utf8) + [0xED, 0xA0, 0x80, 0x22], 2, 7,
      "invalid UTF-8 (byte 0xED)"),
    TOMLInvalidDocument(bytes: Array("# ".utf8) + [0xC3], 1, 3, "invalid UTF-8 (byte 0xC3)"),
    TOMLInvalidDocument("# a\u{1}", 1, 4, "control character U+0001 is not allowed in a comment"),
    TOMLInvalidDocument(
      "a = 1 # \u{7F}", 1, 9, "control character U+007F is not allowed in a comment"),
    TOMLInvalidDocument("a = 1\r b = 2", 1, 6, "a carriage return must be followed by a line feed"),
    TOMLInvalidDocument("\u{0}", 1, 1, "expected a key, found control character U+0000"),
    TOMLInvalidDocument("é = 1", 1, 1, "expected a key, found 'é' (U+00E9)"),
  ]
}
