import Testing

@testable import FlowCore

/// Counting a byte eight at a time gives what counting one at a time gives, for every
/// byte value next to every other, in ranges that start and end anywhere.
@Suite struct ByteSearchTests {
  @Test func countsEveryByteInAnyRange() {
    var bytes: [UInt8] = []
    for value in 0...255 {
      bytes += [UInt8(value), UInt8(value), 0x0A, 0x80 | UInt8(value & 0x7F)]
    }
    bytes.withUnsafeBufferPointer { buffer in
      for byte: UInt8 in [0x00, 0x0A, 0x7F, 0x80, 0x8A, 0xFF] {
        for start in 0..<19 {
          for end in [start, start + 1, start + 7, start + 8, start + 9, 500, buffer.count] {
            let range = start..<max(start, end)
            let expected = buffer[range].filter { $0 == byte }.count
            #expect(buffer.count(of: byte, in: range) == expected, "\(byte) in \(range)")
          }
        }
      }
    }
  }
}
