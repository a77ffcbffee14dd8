import Testing

@testable import FlowCore

@Suite struct QuantityTests {
  @Test(
    arguments: [
      ("8Gi", 8_589_934_592), ("512Mi", 536_870_912), ("2G", 2_000_000_000), ("1024", 1024),
      ("1.5Ki", 1536), ("8GiB", 8_589_934_592), ("4GB", 4_000_000_000), ("0", 0), ("3k", 3000),
      (" 1Ti ", 1_099_511_627_776),
    ] as [(String, Int64)])
  func readsMemory(text: String, bytes: Int64) {
    #expect(Quantity.bytes(text) == bytes)
  }

  @Test(arguments: ["8 bananas", "-1Gi", "Gi", "", "1e3", "8gi", "1.2.3M", "99999999999Pi"])
  func refusesBadMemory(text: String) {
    #expect(Quantity.bytes(text) == nil)
  }

  @Test func distinguishesBinaryFromDecimal() {
    #expect(Quantity.bytes("8Gi") != Quantity.bytes("8G"))
  }

  @Test(
    arguments: [
      ("90s", 90), ("15m", 900), ("2h", 7200), ("45", 45), ("1h30m", 5400), ("1.5h", 5400),
      ("250ms", 0.25), ("1d", 86400),
    ] as [(String, Double)])
  func readsDurations(text: String, seconds: Double) {
    #expect(Quantity.seconds(text) == seconds)
  }

  @Test(arguments: ["3 weeks", "-5", "m", "", "5x", "1h-3m", "1..5", ".", "１５m", "٣s", "1.5.h"])
  func refusesBadDurations(text: String) {
    #expect(Quantity.seconds(text) == nil)
  }

  /// Whole numbers are read without `strtod`, to the same value; longer numbers and
  /// fractions still go through it. Space around a size is trimmed as before.
  @Test func wholeNumbersReadAsStrtodReadsThem() {
    for text in [
      "0", "7", "007", "90", "123456789012345", "1234567890123456", "2.5", "12345678901234567890",
    ] {
      #expect(Quantity.seconds(text) == Double(text), "\(text)")
    }
    #expect(Quantity.bytes(" 8Gi") == 8 << 30)
    #expect(Quantity.bytes("8Gi\t") == 8 << 30)
    #expect(Quantity.bytes("8 Gi") == 8 << 30)
    #expect(Quantity.bytes("\u{A0}8Gi\u{A0}") == Quantity.bytes("8Gi"))
  }
}
