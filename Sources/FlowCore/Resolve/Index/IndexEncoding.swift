/// Little-endian integers and length-prefixed strings for the compiled catalogue index.
struct IndexWriter {
  private(set) var bytes: [UInt8] = []

  mutating func integer(_ value: Int64) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func integer(_ value: Int) { integer(Int64(value)) }

  mutating func string(_ text: String) {
    integer(text.utf8.count)
    bytes.append(contentsOf: text.utf8)
  }

  mutating func strings(_ texts: [String]) {
    integer(texts.count)
    for text in texts { string(text) }
  }

  /// A string given by its UTF-8 bytes.
  mutating func string(utf8 text: ArraySlice<UInt8>) {
    integer(text.count)
    bytes.append(contentsOf: text)
  }

  mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }

  mutating func raw(_ byte: UInt8) { bytes.append(byte) }

  /// A text's UTF-8 bytes, without their length.
  mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

  mutating func reserveCapacity(_ count: Int) { bytes.reserveCapacity(count) }

  /// Overwrites eight bytes at `offset` with `value`.
  mutating func patch(_ value: Int, at offset: Int) {
    withUnsafeBytes(of: Int64(value).littleEndian) { raw in
      for (index, byte) in raw.enumerated() { bytes[offset + index] = byte }
    }
  }

  var count: Int { bytes.count }

  /// A count, one offset per item, then the items, so item `i` can be found directly.
  mutating func table<T>(_ items: [T], _ write: (inout IndexWriter, T) -> Void) {
    integer(items.count)
    let offsets = count
    for _ in items { integer(0) }
    for (position, item) in items.enumerated() {
      patch(count, at: offsets + position * 8)
      write(&self, item)
    }
  }
}

/// Reads what `IndexWriter` wrote, from memory that may be a mapped file; every read is
/// bounds-checked so a damaged index is an error, not a crash.
struct IndexReader {
  struct Damaged: Error {}

  let base: UnsafeRawBufferPointer
  var offset: Int

  init(_ base: UnsafeRawBufferPointer, at offset: Int = 0) {
    self.base = base
    self.offset = offset
  }

  mutating func integer() throws -> Int {
    guard offset >= 0, offset + 8 <= base.count else { throw Damaged() }
    let value = base.loadUnaligned(fromByteOffset: offset, as: Int64.self)
    offset += 8
    return Int(Int64(littleEndian: value))
  }

  mutating func string() throws -> String {
    let length = try integer()
    guard length >= 0, offset + length <= base.count else { throw Damaged() }
    let text = String(
      decoding: UnsafeRawBufferPointer(rebasing: base[offset..<offset + length]), as: UTF8.self)
    offset += length
    return text
  }

  mutating func strings() throws -> [String] {
    let count = try integer()
    guard count >= 0, count <= base.count else { throw Damaged() }
    return try (0..<count).map { _ in try string() }
  }

  mutating func skipString() throws {
    let length = try integer()
    guard length >= 0, offset + length <= base.count else { throw Damaged() }
    offset += length
  }

  /// Skips one version record: key number, details, requires, conflicts.
  mutating func skipVersion() throws {
    _ = try integer()
    let details = try integer()
    guard details >= 0, offset + details <= base.count else { throw Damaged() }
    offset += details
    for _ in 0..<2 {
      let count = try integer()
      guard count >= 0, count <= base.count else { throw Damaged() }
      offset += count * 8
    }
  }

  /// Compares the string at the current offset with `bytes` without copying it.
  mutating func compareString(_ bytes: [UInt8]) throws -> Int {
    let length = try integer()
    guard length >= 0, offset + length <= base.count else { throw Damaged() }
    let stored = UnsafeRawBufferPointer(rebasing: base[offset..<offset + length])
    offset += length
    for (a, b) in zip(stored, bytes) where a != b { return a < b ? -1 : 1 }
    return stored.count == bytes.count ? 0 : (stored.count < bytes.count ? -1 : 1)
  }
}
