/// The 64-bit checksum that guards each block of a catalogue index (`IndexSeal`) against
/// flipped or lost bytes: four independent lanes of multiply-rotate steps over 8-byte words,
/// so that the processor overlaps their multiplications and a block is checked at close to
/// memory speed
/// (FNV-1a, one byte at a time, is about ten times slower). Each step is invertible, so a
/// change in one word always changes its lane. It detects damage; it is no defence against
/// someone who rewrites the file on purpose (the index's owner and mode are checked for that).
public enum IndexChecksum {
  private static let multiplier: UInt64 = 0x9E37_79B1_85EB_CA87
  private static let wordMultiplier: UInt64 = 0xC2B2_AE3D_27D4_EB4F

  public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var lanes: (UInt64, UInt64, UInt64, UInt64) = (1, 2, 3, 4)
    var offset = 0
    @inline(__always) func word(_ at: Int) -> UInt64 {
      UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }
    while offset + 32 <= bytes.count {
      lanes.0 = step(lanes.0, word(offset))
      lanes.1 = step(lanes.1, word(offset + 8))
      lanes.2 = step(lanes.2, word(offset + 16))
      lanes.3 = step(lanes.3, word(offset + 24))
      offset += 32
    }
    var value = UInt64(bytes.count)
    for lane in [lanes.0, lanes.1, lanes.2, lanes.3] { value = step(value, lane) }
    while offset < bytes.count {
      value = step(value, UInt64(bytes[offset]))
      offset += 1
    }
    // Spreads every bit of the last steps over the whole value.
    value ^= value >> 33
    value = value &* multiplier
    value ^= value >> 29
    return value
  }

  @inline(__always)
  private static func step(_ lane: UInt64, _ word: UInt64) -> UInt64 {
    let mixed = lane &+ word &* wordMultiplier
    return ((mixed << 31) | (mixed >> 33)) &* multiplier
  }
}
