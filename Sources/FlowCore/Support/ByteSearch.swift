import Glibc

extension UnsafeBufferPointer<UInt8> {
  /// The index of the first `byte` within `range` (which lies within the buffer), found
  /// by the C library's vectorised search; nil when there is none.
  func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
    guard !range.isEmpty, let base = baseAddress,
      let found = memchr(base + range.lowerBound, Int32(byte), range.count)
    else { return nil }
    return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
  }

  /// How many times `byte` occurs within `range` (which lies within the buffer), eight
  /// bytes at a time: a search per occurrence costs a call per line of a text.
  func count(of byte: UInt8, in range: Range<Int>) -> Int {
    guard !range.isEmpty, let base = baseAddress else { return 0 }
    let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
    var found = 0
    var index = range.lowerBound
    while index + 8 <= range.upperBound {
      // A byte of `word` is zero exactly where the byte sought is; its top bit is set
      // in `zero`, and nowhere else (no carry crosses a byte, as in the shorter form).
      let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) ^ pattern
      let zero = ~(((word & low) &+ low) | word) & ~low
      found += Int(((zero >> 7) &* 0x0101_0101_0101_0101) >> 56)
      index += 8
    }
    while index < range.upperBound {
      if base[index] == byte { found += 1 }
      index += 1
    }
    return found
  }
}
