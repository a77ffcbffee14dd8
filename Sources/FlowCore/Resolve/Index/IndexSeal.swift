/// The checksums that end a catalogue index. Its data is cut into blocks, each with its own
/// `IndexChecksum`; the table of those is cut into groups of `groupSize`, each with a
/// checksum of its part of the table; and the table of the groups' checksums carries one
/// more of its own. Opening checks only that last table; a group is checked the first time
/// one of its blocks is, and a block the first time anything in it is read, so that opening
/// an index of a million versions costs what the resolve reads rather than a pass over the
/// whole file, and no byte is believed before its block has been checked.
///
/// After the data come one checksum per block, one per group, the block size, the data's
/// length and the checksum of the groups' checksums and those two, each an eight-byte
/// little-endian word.
public struct IndexSeal {
  /// Blocks are small, so that a resolve checks little more than it reads: its reads lie
  /// scattered over the tables (a package's name, its versions' keys and requirements), a
  /// few bytes each. With 4 KiB blocks a median request of rez's benchmark summed about half
  /// of its 5.6 MB index, and 128-byte blocks made its requests about a fifth faster.
  static let preferredBlock = 128
  /// Opening sums the table of every block's checksum: a large index takes larger blocks
  /// rather than more than `blockLimit` of them (a table of 512 KiB).
  static let blockLimit = 1 << 16
  static let largestBlock = 4096
  static let smallestBlock = 64
  /// Block size, data length and the groups' table's own checksum.
  static let fixedLength = 24
  /// Blocks to a group: a group's part of the table of block checksums is 4 KiB.
  static let groupSize = 512

  /// How many bytes each block holds.
  let blockSize: Int
  /// The length of the data the blocks cover: where the seal starts.
  let dataLength: Int
  /// The stored checksum of each block.
  private let sums: UnsafeRawBufferPointer
  /// The stored checksum of each group's part of `sums`.
  private let groupSums: UnsafeRawBufferPointer
  /// One bit per block, set once its bytes were found to match.
  private var checked: [UInt64]
  /// One bit per group, set once its part of `sums` was found to match.
  private var checkedGroups: [UInt64]

  /// The block size for data of `length` bytes: `preferredBlock` (small data still gets
  /// about sixteen blocks, so that a small index is read in parts as a large one is), or
  /// larger, up to `largestBlock`, where that would make more than `blockLimit` blocks.
  static func blockSize(forDataOf length: Int) -> Int {
    var size = smallestBlock
    while size < preferredBlock && size * 16 < length { size *= 2 }
    while size < largestBlock && (length + size - 1) / size > blockLimit { size *= 2 }
    return size
  }

  /// How many bytes the seal adds to data of `length` bytes.
  static func length(forDataOf length: Int) -> Int {
    let size = blockSize(forDataOf: length)
    let blocks = (length + size - 1) / size
    return (blocks + (blocks + groupSize - 1) / groupSize) * 8 + fixedLength
  }

  /// Appends the seal to an index's data.
  public static func seal(_ data: inout [UInt8]) {
    let length = data.count
    let size = blockSize(forDataOf: length)
    var seal: [UInt8] = []
    seal.reserveCapacity(Self.length(forDataOf: length))
    data.withUnsafeBytes { bytes in
      for start in stride(from: 0, to: length, by: size) {
        let block = UnsafeRawBufferPointer(rebasing: bytes[start..<min(start + size, length)])
        seal.appendOffset(Int(bitPattern: UInt(IndexChecksum.of(block))))
      }
    }
    let sumsEnd = seal.count
    let groups = seal.withUnsafeBytes { sums in
      stride(from: 0, to: sumsEnd, by: groupSize * 8).map { start in
        IndexChecksum.of(
          UnsafeRawBufferPointer(rebasing: sums[start..<min(start + groupSize * 8, sumsEnd)]))
      }
    }
    for group in groups { seal.appendOffset(Int(bitPattern: UInt(group))) }
    seal.appendOffset(size)
    seal.appendOffset(length)
    let checksum = seal.withUnsafeBytes {
      IndexChecksum.of(UnsafeRawBufferPointer(rebasing: $0[sumsEnd...]))
    }
    seal.appendOffset(Int(bitPattern: UInt(checksum)))
    data += seal
  }

  /// The length of a sealed index's data, as its seal gives it; nil when that cannot be read.
  public static func dataLength(of index: [UInt8]) -> Int? {
    index.withUnsafeBytes { try? IndexSeal($0).dataLength }
  }

  /// Reads the seal at the end of `memory`, checking the table's own checksum.
  init(_ memory: UnsafeRawBufferPointer) throws(IndexRefusal) {
    let count = memory.count
    guard count >= Self.fixedLength else { throw .damaged("cut short") }
    func word(_ offset: Int) -> Int {
      Int(Int64(littleEndian: memory.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
    }
    let size = word(count - 24)
    let length = word(count - 16)
    // Only the sizes a writer chooses: anything else is damage, found before any division.
    guard length >= 0, length <= count - Self.fixedLength,
      size == Self.blockSize(forDataOf: length),
      count - length == Self.length(forDataOf: length)
    else { throw .damaged("its checksums cannot be read") }
    let blocks = (length + size - 1) / size
    let groupsStart = length + blocks * 8
    let stored = UInt64(bitPattern: Int64(word(count - 8)))
    guard
      IndexChecksum.of(UnsafeRawBufferPointer(rebasing: memory[groupsStart..<count - 8])) == stored
    else { throw .damaged("checksum mismatch") }
    blockSize = size
    dataLength = length
    sums = UnsafeRawBufferPointer(rebasing: memory[length..<groupsStart])
    groupSums = UnsafeRawBufferPointer(rebasing: memory[groupsStart..<count - Self.fixedLength])
    checked = Array(repeating: 0, count: (blocks + 63) / 64)
    checkedGroups = Array(repeating: 0, count: (groupSums.count / 8 + 63) / 64)
  }

  /// Checks the blocks of `data` (the bytes the seal covers) that `range` touches and that
  /// were not checked before. Nil when they all match, else the first that does not.
  mutating func check(_ range: Range<Int>, in data: UnsafeRawBufferPointer) -> Int? {
    guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= dataLength else {
      return nil
    }
    let first = range.lowerBound / blockSize
    let last = (range.upperBound - 1) / blockSize
    // Most reads lie in one block checked before: answered without the loop.
    if first == last && isChecked(first) { return nil }
    for block in first...last {
      if isChecked(block) { continue }
      guard groupHolds(block / Self.groupSize) else { return block }
      let start = block * blockSize
      let bytes = UnsafeRawBufferPointer(
        rebasing: data[start..<min(start + blockSize, dataLength)])
      let stored = UInt64(
        littleEndian: sums.loadUnaligned(fromByteOffset: block * 8, as: UInt64.self))
      guard IndexChecksum.of(bytes) == stored else { return block }
      checked[block >> 6] |= 1 << UInt64(block & 63)
    }
    return nil
  }

  /// Whether the bytes at `range` lie in one block found to match already: what most reads
  /// ask, answered without a call.
  @inline(__always)
  func isChecked(_ range: Range<Int>) -> Bool {
    let first = range.lowerBound / blockSize
    return first == (range.upperBound - 1) / blockSize && isChecked(first)
  }

  /// Whether group `group`'s part of the block checksums matches its checksum, found once.
  private mutating func groupHolds(_ group: Int) -> Bool {
    if checkedGroups[group >> 6] & (1 << UInt64(group & 63)) != 0 { return true }
    let start = group * Self.groupSize * 8
    let part = UnsafeRawBufferPointer(
      rebasing: sums[start..<min(start + Self.groupSize * 8, sums.count)])
    let stored = UInt64(
      littleEndian: groupSums.loadUnaligned(fromByteOffset: group * 8, as: UInt64.self))
    guard IndexChecksum.of(part) == stored else { return false }
    checkedGroups[group >> 6] |= 1 << UInt64(group & 63)
    return true
  }

  /// Whether block `block` was found to match.
  private func isChecked(_ block: Int) -> Bool {
    checked[block >> 6] & (1 << UInt64(block & 63)) != 0
  }

  /// Whether `other` holds the same checksums: data sealed by it is this seal's data. The
  /// groups' checksums stand for the blocks' (which may be what was damaged): they were
  /// checked on opening.
  func sameChecksums(as other: IndexSeal) -> Bool {
    blockSize == other.blockSize && dataLength == other.dataLength
      && groupSums.elementsEqual(other.groupSums)
  }

  /// Marks every block checked: for data compiled by this process, not read from a file.
  mutating func checkAll() {
    for word in checked.indices { checked[word] = ~0 }
    for word in checkedGroups.indices { checkedGroups[word] = ~0 }
  }
}
