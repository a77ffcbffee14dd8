/// A yes or no for each of the 256 byte values, read with one load: for loops that test
/// every byte of a line (a key's bytes), where the test written out takes several
/// instructions a byte. Each set is made once and kept for the life of the process, and
/// never written after it is made.
struct ByteSet: @unchecked Sendable {
  private let members: UnsafePointer<Bool>

  init(_ isMember: (UInt8) -> Bool) {
    let members = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
    for byte in 0..<256 { members[byte] = isMember(UInt8(byte)) }
    self.members = UnsafePointer(members)
  }

  @inline(__always)
  func contains(_ byte: UInt8) -> Bool { members[Int(byte)] }
}
