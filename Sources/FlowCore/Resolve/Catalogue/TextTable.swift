import Glibc

/// Distinct texts, numbered in the order added and kept back to back in one buffer, found
/// again through an open-addressing table of their numbers: no string and no allocation per
/// text, so hundreds of thousands of them cost a few bytes more than their own.
struct TextTable: Sendable {
  private(set) var bytes: [UInt8] = []
  /// Where each text starts in `bytes`; it ends where the next starts.
  private var starts: [Int] = [0]
  /// Texts by hash (see `slot(number:hash:)`), 0 where free; a power of two in size, at
  /// most half full.
  private var slots = [UInt64](repeating: 0, count: 64)

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
    slots[slot] = TextTable.slot(number: count - 1, hash: TextTable.hash(utf8))
    if count * 2 > slots.count { grow() }
  }

  /// A slot holds the text's number plus one in its low half and the high half of its hash
  /// in the other, so that most texts that differ are told apart without reading them.
  private static func slot(number: Int, hash: UInt64) -> UInt64 {
    (hash & 0xFFFF_FFFF_0000_0000) | UInt64(number + 1)
  }

  private func find(_ utf8: UnsafeBufferPointer<UInt8>) -> (slot: Int, number: Int?) {
    let mask = slots.count - 1
    let hash = TextTable.hash(utf8)
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let held = slots[slot]
      if held == 0 { return (slot, nil) }
      if held & 0xFFFF_FFFF_0000_0000 == hash & 0xFFFF_FFFF_0000_0000 {
        let number = Int(held & 0xFFFF_FFFF) - 1
        let start = starts[number]
        if starts[number + 1] - start == utf8.count
          && bytes.withUnsafeBufferPointer({
            utf8.isEmpty || memcmp($0.baseAddress! + start, utf8.baseAddress!, utf8.count) == 0
          })
        {
          return (slot, number)
        }
      }
      slot = (slot + 1) & mask
    }
  }

  private mutating func grow() {
    let old = slots
    slots = [UInt64](repeating: 0, count: slots.count * 2)
    let mask = slots.count - 1
    for held in old where held != 0 {
      let number = Int(held & 0xFFFF_FFFF) - 1
      let hash = bytes[starts[number]..<starts[number + 1]].withUnsafeBufferPointer(TextTable.hash)
      var slot = Int(truncatingIfNeeded: hash) & mask
      while slots[slot] != 0 { slot = (slot + 1) & mask }
      slots[slot] = held
    }
  }

  /// FNV-1a, 64 bits, with its bits mixed so that the low ones depend on every byte.
  private static func hash(_ utf8: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hash = FNV1a.hash(utf8)
    hash = (hash ^ (hash >> 33)) &* 0xff51_afd7_ed55_8ccd
    return hash ^ (hash >> 33)
  }
}
