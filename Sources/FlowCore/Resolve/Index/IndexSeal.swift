/// The checksums that end a catalogue index. Its data is cut into blocks, each with its own
/// `IndexChecksum`, and the table of those carries one more checksum of its own. Opening
/// checks only that table; a block is checked the first time anything in it is read, so
/// that opening an index of a million versions costs what the resolve reads rather than a
/// pass over the whole file, and no byte is believed before its block has been checked.
///
/// After the data come one checksum per block, the block size, the data's length and the
/// checksum of those three parts, each an eight-byte little-endian word.
public struct IndexSeal {
  /// Blocks are at most a page, so that a resolve checks little more than it reads.
  static let largestBlock = 4096
  static let smallestBlock = 64
  /// Block size, data length and the table's own checksum.
  static let fixedLength = 24

  /// How many bytes each block holds.
  let blockSize: Int
  /// The length of the data the blocks cover: where the seal starts.
  let dataLength: Int
  /// The stored checksum of each block.
  private let sums: UnsafeRawBufferPointer
  /// One bit per block, set once its bytes were found to match.
  private var checked: [UInt64]

  /// The block size for data of `length` bytes: small data still gets about sixteen
  /// blocks, so that a small index is read in parts as a large one is.
  static func blockSize(forDataOf length: Int) -> Int {
    var size = smallestBlock
    while size < largestBlock && size * 16 < length { size *= 2 }
    return size
  }

  /// How many bytes the seal adds to data of `length` bytes.
  static func length(forDataOf length: Int) -> Int {
    let size = blockSize(forDataOf: length)
    return (length + size - 1) / size * 8 + fixedLength
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
    seal.appendOffset(size)
    seal.appendOffset(length)
    let checksum = seal.withUnsafeBytes { IndexChecksum.of($0) }
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
    let stored = UInt64(bitPattern: Int64(word(count - 8)))
    guard IndexChecksum.of(UnsafeRawBufferPointer(rebasing: memory[length..<count - 8])) == stored
    else { throw .damaged("checksum mismatch") }
    blockSize = size
    dataLength = length
    sums = UnsafeRawBufferPointer(rebasing: memory[length..<count - Self.fixedLength])
    checked = Array(repeating: 0, count: (sums.count / 8 + 63) / 64)
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

  /// Whether block `block` was found to match.
  private func isChecked(_ block: Int) -> Bool {
    checked[block >> 6] & (1 << UInt64(block & 63)) != 0
  }

  /// Whether `other` holds the same checksums: data sealed by it is this seal's data.
  func sameChecksums(as other: IndexSeal) -> Bool {
    blockSize == other.blockSize && dataLength == other.dataLength
      && sums.elementsEqual(other.sums)
  }

  /// Marks every block checked: for data compiled by this process, not read from a file.
  mutating func checkAll() {
    for word in checked.indices { checked[word] = ~0 }
  }
}
