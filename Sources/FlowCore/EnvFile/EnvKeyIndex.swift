internal import CFlowSystem

/// The positions of keys in a merge, in the order they were first added: an
/// open-addressing table over a cheap hash of the bytes, since hashing every key of a
/// large file through `Hasher` costs more than parsing it. Keys come from files, not from
/// an adversary choosing collisions; a bad spread only slows lookups. The keys are bytes
/// kept alive by their owner (the parsed files, the merge's arena).
struct EnvKeyIndex {
  /// Eight bytes, so the table of a large file stays small (every page of it touched
  /// costs a page fault).
  private struct Slot {
    var hash: UInt32
    /// Position in `keys`, or -1 for an empty slot.
    var position: Int32
  }

  private(set) var keys: [EnvBytes] = []
  private var slots: [Slot]
  private var mask: Int

  init(capacity: Int = 8) {
    var size = 8
    while size < capacity + capacity / 2 { size <<= 1 }
    slots = Array(repeating: Slot(hash: 0, position: -1), count: size)
    mask = size - 1
    keys.reserveCapacity(capacity)
  }

  var count: Int { keys.count }

  /// The position of a key, if it was added.
  func position(of key: EnvBytes) -> Int? {
    position(of: key, hash: Self.hash(key))
  }

  /// `position(of:)` with the key's `hash` known, as when one name is looked up in two
  /// tables.
  func position(of key: EnvBytes, hash: UInt32) -> Int? {
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let entry = slots[slot]
      if entry.position < 0 { return nil }
      if entry.hash == hash && EnvBytes.sameBytes(keys[Int(entry.position)], key) {
        return Int(entry.position)
      }
      slot = (slot + 1) & mask
    }
  }

  /// The position of a key, adding it at the end when it is new.
  mutating func add(_ key: EnvBytes) -> (position: Int, added: Bool) {
    add(key, hash: Self.hash(key))
  }

  /// `add` with the key's `hash` known, as when its slot was prefetched.
  mutating func add(_ key: EnvBytes, hash: UInt32) -> (position: Int, added: Bool) {
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let entry = slots[slot]
      if entry.position < 0 { break }
      if entry.hash == hash && EnvBytes.sameBytes(keys[Int(entry.position)], key) {
        return (Int(entry.position), false)
      }
      slot = (slot + 1) & mask
    }
    let position = keys.count
    keys.append(key)
    slots[slot] = Slot(hash: hash, position: Int32(position))
    if keys.count * 3 > slots.count * 2 { grow() }
    return (position, true)
  }

  /// Starts bringing the slot a key of this hash goes to into the cache, so that adding
  /// the key a little later finds it there.
  func prefetch(hash: UInt32) {
    slots.withUnsafeBufferPointer { slots in
      guard let base = slots.baseAddress else { return }
      flow_prefetch_for_writing(base + (Int(truncatingIfNeeded: hash) & mask))
    }
  }

  /// Makes room for `more` keys beyond those added, so that adding them moves nothing.
  mutating func reserve(_ more: Int) {
    let capacity = keys.count + more
    keys.reserveCapacity(capacity)
    var size = slots.count
    while size < capacity + capacity / 2 { size <<= 1 }
    if size > slots.count { rehash(size: size) }
  }

  private mutating func grow() { rehash(size: slots.count * 2) }

  private mutating func rehash(size: Int) {
    let old = slots
    slots = Array(repeating: Slot(hash: 0, position: -1), count: size)
    mask = size - 1
    for entry in old where entry.position >= 0 {
      var slot = Int(truncatingIfNeeded: entry.hash) & mask
      while slots[slot].position >= 0 { slot = (slot + 1) & mask }
      slots[slot] = entry
    }
  }

  /// The UTF-8 bytes taken eight at a time (then one at a time), each word mixed in by
  /// a multiply and a shift, with a final mix so the low bits used for the slot depend
  /// on every byte. Keys are short: FNV-1a's byte at a time cost more than the lookup.
  static func hash(_ key: EnvBytes) -> UInt32 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    if let base = key.start {
      let count = max(key.count, 0)
      var index = 0
      while index + 8 <= count {
        let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
        hash = (hash ^ word) &* 0x9e37_79b9_7f4a_7c15
        hash ^= hash >> 32
        index += 8
      }
      while index < count {
        hash = (hash ^ UInt64(base[index])) &* 0x0000_0100_0000_01b3
        index += 1
      }
    }
    hash ^= hash >> 29
    hash = hash &* 0xbf58_476d_1ce4_e5b9
    return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
  }
}
