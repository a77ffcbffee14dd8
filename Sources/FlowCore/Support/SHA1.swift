/// SHA-1 (FIPS 180-4) of short texts, in hex: only to name what another tool names by it
/// (rez's hashed variant folders), never to check or protect anything.
enum SHA1 {
  static func hex(_ text: String) -> String {
    var message = Array(text.utf8)
    let bitLength = UInt64(message.count) * 8
    message.append(0x80)
    while message.count % 64 != 56 { message.append(0) }
    for shift in stride(from: 56, through: 0, by: -8) {
      message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
    }
    var state: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    var words = [UInt32](repeating: 0, count: 80)
    for block in stride(from: 0, to: message.count, by: 64) {
      for index in 0..<16 {
        let start = block + index * 4
        words[index] =
          UInt32(message[start]) << 24 | UInt32(message[start + 1]) << 16
          | UInt32(message[start + 2]) << 8 | UInt32(message[start + 3])
      }
      for index in 16..<80 {
        let mixed = words[index - 3] ^ words[index - 8] ^ words[index - 14] ^ words[index - 16]
        words[index] = mixed << 1 | mixed >> 31
      }
      var (a, b, c, d, e) = (state[0], state[1], state[2], state[3], state[4])
      for index in 0..<80 {
        let (mixed, constant): (UInt32, UInt32)
        switch index {
        case 0..<20: (mixed, constant) = ((b & c) | (~b & d), 0x5A82_7999)
        case 20..<40: (mixed, constant) = (b ^ c ^ d, 0x6ED9_EBA1)
        case 40..<60: (mixed, constant) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
        default: (mixed, constant) = (b ^ c ^ d, 0xCA62_C1D6)
        }
        let next = (a << 5 | a >> 27) &+ mixed &+ e &+ constant &+ words[index]
        (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, next)
      }
      state[0] &+= a
      state[1] &+= b
      state[2] &+= c
      state[3] &+= d
      state[4] &+= e
    }
    let digits = Array("0123456789abcdef".utf8)
    var result: [UInt8] = []
    for word in state {
      for shift in stride(from: 28, through: 0, by: -4) {
        result.append(digits[Int(word >> UInt32(shift) & 0xF)])
      }
    }
    return String(decoding: result, as: UTF8.self)
  }
}
