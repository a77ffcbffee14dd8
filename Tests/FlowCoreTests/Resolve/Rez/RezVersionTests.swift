import FlowTestSupport
import Testing

@testable import FlowCore

/// Rez's version order and range syntax, on the cases rez's own version tests check.
@Suite struct RezVersionTests {
  static func version(_ text: String) throws -> RezVersion { try RezVersion(parsing: text) }

  @Test(arguments: [
    ("3", "4"), ("01", "1"), ("beta", "1"), ("alpha3", "alpha4"), ("alpha", "alpha3"),
    ("gamma33", "33gamma"),
  ])
  func tokensCompareByTheirRuns(smaller: String, larger: String) throws {
    #expect(try Self.version(smaller) < Self.version(larger))
    #expect(!(try Self.version(larger) < Self.version(smaller)))
  }

  @Test func separatorsAreCosmetic() throws {
    #expect(try Self.version("") == Self.version(""))
    #expect(try Self.version("1.2") == Self.version("1-2"))
    #expect(try Self.version("1.2-3") == Self.version("1-2.3"))
    #expect(try Self.version("CentOS-7") == Self.version("CentOS.7"))
    // Any byte no token holds separates, as in rez: `version.patch` of `3.1.2+local` is `2`.
    #expect(try Self.version("3.1.2+local") == Self.version("3.1.2.local"))
    #expect(RezVersion.tokens(of: "3.1.2+local.1") == ["3", "1", "2", "local", "1"])
    #expect(RezVersion.tokens(of: "1.2-rc1") == ["1", "2", "rc1"])
  }

  /// Versions whose keys are longest for their length (one-byte runs alternating, in
  /// tokens of one byte) are read whole, and order by their last run.
  @Test func versionsOfOneByteRunsAreReadWhole() throws {
    let runs = String(repeating: "1a", count: 200) + "1"
    #expect(try Self.version(runs + "0") < Self.version(runs + "1"))
    #expect(try Self.version(runs) == Self.version(runs))
    let tokens = Array(repeating: "7", count: 300).joined(separator: ".")
    #expect(try Self.version(tokens) < Self.version(tokens + ".0"))
    #expect(try Self.version(tokens).key.count == 300 * 7)
    #expect(try Self.version("1").key.count == 7)
  }

  @Test func versionsAscendInRezOrder() throws {
    let ascending = [
      "", "0.0.0", "1", "2", "2.alpha1", "2.alpha2", "2.beta", "2.0", "2.0.8.8", "2.1", "2.1.0",
    ].map { try! Self.version($0) }
    for (index, smaller) in ascending.enumerated() {
      for larger in ascending[(index + 1)...] {
        #expect(smaller < larger, "\(smaller) < \(larger)")
        #expect(!(larger < smaller))
        #expect(smaller != larger)
      }
    }
    #expect(try Self.version("x86_64") < Self.version("x86_65"))
    #expect(try Self.version("2.99") < RezVersion.infinity)
  }

  /// The three-way order agrees with `<` and `==` on every pair, padded numbers, text runs,
  /// prefixes, separators and `infinity` among them.
  @Test func compareAgreesWithLessThanAndEquality() throws {
    let versions =
      try [
        "", "0", "00", "01", "1", "1.0", "1-0", "1.0.0", "1_", "1.a", "1.a_", "a", "a1", "a01",
        "1a", "10", "2.beta", "2.0", "x86_64", "CentOS-7",
      ].map(Self.version) + [RezVersion.infinity]
    for left in versions {
      for right in versions {
        let order = RezVersion.compare(left, right)
        #expect((order < 0) == (left < right), "\(left) \(right)")
        #expect((order == 0) == (left == right), "\(left) \(right)")
        #expect(order == -RezVersion.compare(right, left), "\(left) \(right)")
      }
    }
  }

  /// Rez's rule, written out as rez states it: tokens in order, each as its runs (digits or
  /// not), text before numbers, numbers by value then by their text, text by bytes, a list
  /// that runs out first the smaller.
  static func rezOrder(_ left: String, _ right: String) -> Int {
    func runs(_ token: Substring) -> [(isNumber: Bool, text: [UInt8])] {
      var result: [(isNumber: Bool, text: [UInt8])] = []
      for byte in token.utf8 {
        let isNumber = byte >= 48 && byte <= 57
        if let last = result.last, last.isNumber == isNumber {
          result[result.count - 1].text.append(byte)
        } else {
          result.append((isNumber, [byte]))
        }
      }
      return result
    }
    func order<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
    func bytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
      for (x, y) in zip(a, b) where x != y { return order(x, y) }
      return order(a.count, b.count)
    }
    let a = left.split(whereSeparator: { ".-".contains($0) }).map(runs)
    let b = right.split(whereSeparator: { ".-".contains($0) }).map(runs)
    for (x, y) in zip(a, b) {
      for (p, q) in zip(x, y) {
        if p.isNumber != q.isNumber { return p.isNumber ? 1 : -1 }
        if p.isNumber {
          let (s, t) = (Array(p.text.drop { $0 == 48 }), Array(q.text.drop { $0 == 48 }))
          if s.count != t.count { return order(s.count, t.count) }
          if bytes(s, t) != 0 { return bytes(s, t) }
        }
        if bytes(p.text, q.text) != 0 { return bytes(p.text, q.text) }
      }
      if x.count != y.count { return order(x.count, y.count) }
    }
    return order(a.count, b.count)
  }

  /// Random versions of zeros, digits, letters and `_`, a thousand pairs: the key's order
  /// and equality are rez's rule's.
  @Test func theOrderIsRezsRuleOnRandomVersions() throws {
    var generator = SeededGenerator(seed: 20)
    func token() -> String {
      String(
        (0..<Int.random(in: 1...4, using: &generator)).map { _ in
          generator.pick(Array("000123459aZb_"))
        })
    }
    func text() -> String {
      (0..<Int.random(in: 0...4, using: &generator)).map { _ in token() }.joined(
        separator: generator.pick([".", "-"]))
    }
    for _ in 0..<1000 {
      let (left, right) = (text(), text())
      let (a, b) = (try Self.version(left), try Self.version(right))
      let expected = Self.rezOrder(left, right)
      #expect(RezVersion.compare(a, b) == expected, "\(left) \(right)")
      #expect((a == b) == (expected == 0), "\(left) \(right)")
      #expect((a.hashValue == b.hashValue) || expected != 0, "\(left) \(right)")
      // `next` stands above every version the first prefixes.
      if !left.isEmpty {
        let prefixed = left + generator.pick([".", "-"]) + token()
        #expect(a.next > (try Self.version(prefixed)), "\(prefixed)")
        // It is the version written with `_` after the last token, as rez's `next()` is.
        #expect(a.next == (try Self.version(left + "_")), "\(left)")
        #expect(
          RezVersion.compare(a.next, b) == Self.rezOrder(left + "_", right), "\(left) \(right)")
      }
    }
  }

  @Test func nextIsAboveEveryVersionItPrefixes() throws {
    let next = try Self.version("1.2").next
    #expect(try Self.version("1.2.99.1") < next)
    #expect(try next < Self.version("1.20"))
    #expect(RezVersion.empty.next == .infinity)
  }

  @Test(arguments: ["1..2", ".1", "1.", "1.2.", "1+2+"])
  func malformedVersionsAreRefused(text: String) {
    #expect(throws: ResolveError.self) { try RezVersion(parsing: text) }
  }

  // MARK: ranges

  static func range(_ text: String) throws -> RezRange { try RezRange(parsing: text) }

  /// Pairs rez reads as the same range.
  @Test(arguments: [
    ("", ""), ("1", "1"), ("3+<3_", "3"), ("_+<__", "_"), ("1.2+<=2.0", "1.2..2.0"),
    ("10+,<20", "10+<20"), (">=2", "2+"), (">=1.21.1,<1.23", ">=1.21.1<1.23"),
    (">1.21.1,<1.23", ">1.21.1<1.23"), (">1.21.1,<=1.23", ">1.21.1<=1.23"),
    ("<1.23,>=1.21.1", ">=1.21.1<1.23"), ("<1.23,>1.21.1", ">1.21.1<1.23"),
    ("3|3", "3"), ("3|1", "1|3"), ("5|3|1", "1|3|5"), ("1|1_", "1+<1__"),
    ("1|1_|1__", "1+,<1___"), ("|", ""), ("||", "||||||||"), ("1|1_+", "1+"), ("<1|1", "<1_"),
    ("1+<3|3+<5", "1+<5"), (">4<6|1+<3", "1+<3|>4,<6"), ("4+<6|1+<3|", ""), ("4|2+", "2+"),
    ("3|<5", "<5"), ("<3|>3", ">3|<3"), ("3+|<3", ""), ("3+|<4", ""), ("2+<=6|3+<5", "2..6"),
    ("3+,<5|2+<=6", "2+<=6"), ("2|2+", "2+"), ("2|2.1+", "2+"), ("2|<2.1", "<2_"),
    ("3..3", "==3"), (">=3,<=3", "==3"), (">", ">"), ("+", ""), (">=", ""), ("<=", "=="),
    ("..", "=="), ("+<=", "=="),
  ])
  func equivalentRangesHaveTheSameBounds(left: String, right: String) throws {
    #expect(try Self.range(left).bounds == Self.range(right).bounds)
  }

  @Test(arguments: [
    ("3", "3", "3"), ("1", "==1", "==1"), ("", "==1", "==1"), ("2+", "<=4", "2..4"),
    ("1", "1.0", "1.0"), ("4..6", "6+<8", "==6"),
  ])
  func intersectionsMatchRez(left: String, right: String, both: String) throws {
    #expect(try Self.range(left).intersection(Self.range(right)).bounds == Self.range(both).bounds)
  }

  @Test(arguments: ["4+<2", ">3<3", ">3<=3", "3+<3"])
  func boundsWhoseEndsCrossAreRefused(text: String) {
    #expect(throws: ResolveError.self) { try RezRange(parsing: text) }
  }

  @Test(arguments: ["<", "><", ">3>4", "<3<4", "<4>3", ",<4", "4+,", "1>=", "+1", "4<", "1+<2<3"])
  func malformedRangesAreRefused(text: String) {
    #expect(throws: ResolveError.self) { try RezRange(parsing: text) }
  }

  @Test func containmentCountsMatchRez() throws {
    let versions = try [2, 3, 5, 10, 11, 13, 14].map { try Self.version(String($0)) }
    let table: [(String, Int)] = [
      ("", 7), ("0+", 7), ("5+", 5), ("6+", 4), ("50+", 0), (">5", 4), ("5", 1), ("6", 0),
      ("<5", 2), ("<6", 3), ("<50", 7), ("<=5", 3), ("<1", 0), ("2|9+", 5),
      ("3+<6|12+<13.5", 3), ("<1|20+", 0), (">0<20", 7),
    ]
    for (text, count) in table {
      let range = try Self.range(text)
      #expect(versions.filter(range.contains).count == count, "\(text)")
    }
    #expect(try Self.range("3+").contains(Self.version("3.0.0")))
    #expect(try !Self.range("3.1+").contains(Self.version("3.0.0")))
    #expect(try !Self.range("3..5").contains(Self.version("5_")))
    #expect(try Self.range("<1|5|6|8|7|==3|60+").contains(Self.version("3")))
  }

  @Test func requirementsSplitNameAndRange() throws {
    let plain = try RezRequirement(parsing: "foo-1.2+<2")
    #expect(plain.name == "foo" && plain.kind == .required)
    #expect(try plain.range.bounds == Self.range("1.2+<2").bounds)
    let exact = try RezRequirement(parsing: "foo==1.2.3")
    #expect(exact.name == "foo")
    #expect(try exact.range.contains(Self.version("1.2.3")))
    #expect(try !exact.range.contains(Self.version("1.2.3.1")))
    #expect(try RezRequirement(parsing: "~aftershave==CentOS-7").kind == .weak)
    let conflict = try RezRequirement(parsing: "!foo")
    #expect(conflict.kind == .conflict && conflict.range.isAny)
    #expect(try RezRequirement(parsing: "foo<3").range.contains(Self.version("2.9")))
    #expect(try RezRequirement(parsing: "foo@1.2|1.4").range.contains(Self.version("1.4.1")))
    #expect(throws: ResolveError.self) { try RezRequirement(parsing: "-1.2") }
    #expect(throws: ResolveError.self) { try RezRequirement(parsing: "foo-1+<<2") }
  }
}
