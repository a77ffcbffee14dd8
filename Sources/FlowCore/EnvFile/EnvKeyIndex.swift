internal import CFlowSystem

/// The positions of keys in a merge, in the order they were first added: an
/// open-addressing table over a cheap hash of the bytes, since hashing every key of a
/// large file through `Hasher` costs more than parsing it. Keys come from files, not from
/// an adversary choosing collisions; a bad spread only slows lookups. The keys are bytes
/// kept alive by their owner (the parsed files, the merge's arena).
///
/// The slots and the keys lie in memory the index allocates itself (`Table`), written
/// through pointers: arrays would check at every write whether they are shared, twice for
/// each key added. So an index is not copied: a copy would share its table.
struct EnvKeyIndex {
  /// Eight bytes, so the table of a large file stays small (every page of it touched
  /// costs a page fault).
  private struct Slot {
    var hash: UInt32
    /// Position in `keys`, or -1 for an empty slot.
    var position: Int32
  }

  /// The slots, a power of two of them, and room for the keys that fit before the
  /// table is two thirds full and grows.
  private final class Table {
    let slots: UnsafeMutablePointer<Slot>
    let size: Int
    let keys: UnsafeMutablePointer<EnvBytes>
    let capacity: Int

    init(size: Int) {
      self.size = size
      capacity = size * 2 / 3
      slots = .allocate(capacity: size)
      slots.initialize(repeating: Slot(hash: 0, position: -1), count: size)
      keys = .allocate(capacity: capacity)
    }

    deinit {
      slots.deallocate()
      keys.deallocate()
    }
  }

  /// The table, and its slots and keys read through pointers kept here: taking the
  /// table itself at each lookup would retain and release it.
  private var table: Table {
    didSet {
      slots = table.slots
      addedKeys = table.keys
      mask = table.size - 1
      capacity = table.capacity
    }
  }
  private var slots: UnsafeMutablePointer<Slot>
  private var addedKeys: UnsafeMutablePointer<EnvBytes>
  private var mask: Int
  private var capacity: Int
  private(set) var count = 0

  init(capacity: Int = 8) {
    let table = Table(size: Self.size(for: capacity))
    self.table = table
    slots = table.slots
    addedKeys = table.keys
    mask = table.size - 1
    self.capacity = table.capacity
  }

  /// The keys in the order they were added.
  var keys: [EnvBytes] { Array(UnsafeBufferPointer(start: addedKeys, count: count)) }

  /// The number of slots that holds `capacity` keys.
  private static func size(for capacity: Int) -> Int {
    var size = 8
    while size * 2 / 3 < capacity { size <<= 1 }
    return size
  }

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
      if entry.hash == hash && EnvBytes.sameBytes(addedKeys[Int(entry.position)], key) {
        return Int(entry.position)
      }
      slot = (slot + 1) & mask
    }
  }

  /// The position of a key, adding it at the end when it is new.
  mutating func add(_ key: EnvBytes) -> (position: Int, added: Bool) {
    add(key, hash: Self.hash(key))
  }

  /// `add` with the key's `hash` known, as when its slot was prefetched. Inlined: a
  /// large file's merge adds a key per line, and the call cost a third of the adding.
  @inline(__always)
  mutating func add(_ key: EnvBytes, hash: UInt32) -> (position: Int, added: Bool) {
    if count == capacity { rehash(size: (mask + 1) * 2) }
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let entry = slots[slot]
      if entry.position < 0 { break }
      if entry.hash == hash && EnvBytes.sameBytes(addedKeys[Int(entry.position)], key) {
        return (Int(entry.position), false)
      }
      slot = (slot + 1) & mask
    }
    let position = count
    (addedKeys + position).initialize(to: key)
    slots[slot] = Slot(hash: hash, position: Int32(position))
    count += 1
    return (position, true)
  }

  /// Starts bringing the slot a key of this hash goes to into the cache, so that adding
  /// the key a little later finds it there.
  func prefetch(hash: UInt32) {
    flow_prefetch_for_writing(slots + (Int(truncatingIfNeeded: hash) & mask))
  }

  /// Makes room for `more` keys beyond those added, so that adding them moves nothing.
  mutating func reserve(_ more: Int) {
    let size = Self.size(for: count + more)
    if size > table.size { rehash(size: size) }
  }

  /// Moves the keys and slots into a table of `size` slots.
  private mutating func rehash(size: Int) {
    let old = table
    let new = Table(size: size)
    new.keys.initialize(from: old.keys, count: count)
    let mask = size - 1
    for index in 0..<old.size where old.slots[index].position >= 0 {
      let entry = old.slots[index]
      var slot = Int(truncatingIfNeeded: entry.hash) & mask
      while new.slots[slot].position >= 0 { slot = (slot + 1) & mask }
      new.slots[slot] = entry
    }
    table = new
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
