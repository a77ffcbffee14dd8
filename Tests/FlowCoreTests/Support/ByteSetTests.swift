import Testing

@testable import FlowCore

@Suite struct ByteSetTests {
  @Test func holdsExactlyTheBytesItWasMadeFrom() {
    let digits = ByteSet { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    for byte in 0...255 {
      let value = UInt8(byte)
      #expect(digits.contains(value) == (value >= 0x30 && value <= 0x39))
    }
  }

  @Test func setsMadeApartDoNotShareMembers() {
    let high = ByteSet { $0 >= 0x80 }
    let none = ByteSet { _ in false }
    #expect(high.contains(0xFF) && !high.contains(0x7F))
    #expect(!none.contains(0xFF) && !none.contains(0))
  }
}
