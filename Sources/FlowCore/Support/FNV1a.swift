/// The 64-bit FNV-1a hash: cheap on short byte strings, the one byte hash flow uses for
/// its tables and cache names (never for trust: it is not a digest).
public struct FNV1a: Sendable {
  public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  public init() {}

  @inline(__always)
  public mutating func add(_ byte: UInt8) {
    value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
  }

  public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
    for byte in bytes { add(byte) }
  }

  public mutating func add(_ text: String) {
    for byte in text.utf8 { add(byte) }
  }

  /// The hash of `bytes`.
  @inline(__always)
  public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hasher = FNV1a()
    hasher.add(bytes)
    return hasher.value
  }
}
