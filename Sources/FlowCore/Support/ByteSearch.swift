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
}
