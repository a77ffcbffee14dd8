/// Distinct texts, numbered in the order added and kept back to back in one buffer, found
/// again through an open-addressing table of their numbers: no string and no allocation per
/// text, so hundreds of thousands of them cost a few bytes more than their own.
struct TextTable: Sendable {
  private(set) var bytes: [UInt8] = []
  /// Where each text starts in `bytes`; it ends where the next starts.
  private var starts: [Int] = [0]
  /// Text numbers by hash, -1 where free; a power of two in size, at most half full.
  private var slots = [Int32](repeating: -1, count: 64)

  var count: Int { starts.count - 1 }

  /// The bytes of text `number`.
  func text(_ number: Int) -> ArraySlice<UInt8> { bytes[starts[number]..<starts[number + 1]] }

  /// The number of `text`, or nil when it is not in the table.
  func number(of text: String) -> Int? {
    var text = text
    return text.withUTF8 { find($0).number }
  }

  /// Adds `text`, known not to be in the table yet, and gives its number.
  mutating func add(_ text: String) -> Int {
    var text = text
    return text.withUTF8 { utf8 in
      insert(utf8, at: find(utf8).slot)
      return count - 1
    }
  }

  private mutating func insert(_ utf8: UnsafeBufferPointer<UInt8>, at slot: Int) {
    bytes.append(contentsOf: utf8)
    starts.append(bytes.count)
    slots[slot] = Int32(count - 1)
    if count * 2 > slots.count { grow() }
  }

  private func find(_ utf8: UnsafeBufferPointer<UInt8>) -> (slot: Int, number: Int?) {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: TextTable.hash(utf8)) & mask
    while true {
      let number = Int(slots[slot])
      if number < 0 { return (slot, nil) }
      if starts[number + 1] - starts[number] == utf8.count
        && bytes[starts[number]..<starts[number + 1]].elementsEqual(utf8)
      {
        return (slot, number)
      }
      slot = (slot + 1) & mask
    }
  }

  private mutating func grow() {
    slots = [Int32](repeating: -1, count: slots.count * 2)
    let mask = slots.count - 1
    for number in 0..<count {
      let hash = bytes[starts[number]..<starts[number + 1]].withUnsafeBufferPointer(TextTable.hash)
      var slot = Int(truncatingIfNeeded: hash) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(number)
    }
  }

  /// FNV-1a, 64 bits.
  private static func hash(_ utf8: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash ^ (hash >> 29)
  }
}
