import Glibc

/// A run of UTF-8 bytes that something else keeps alive (a parsed file's storage, a
/// merge's arena), or no value at all: a plain pair of pointer and length, so copying
/// one costs no retain or release. Keys and values travel through the merge as these,
/// and become `String`s only where a caller asks for them.
struct EnvBytes {
  var start: UnsafePointer<UInt8>?
  /// The number of bytes; -1 for no value (a bare `KEY`).
  var count: Int

  init(start: UnsafePointer<UInt8>?, count: Int) {
    self.start = start
    self.count = count
  }

  init(_ buffer: UnsafeBufferPointer<UInt8>) {
    self.init(start: buffer.baseAddress, count: buffer.count)
  }

  /// No value, unlike the empty value.
  static let none = EnvBytes(start: nil, count: -1)
  static let empty = EnvBytes(start: nil, count: 0)

  var isNone: Bool { count < 0 }

  /// The bytes; empty for no value.
  var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: max(count, 0)) }

  var string: String { String(decoding: buffer, as: UTF8.self) }
  var optionalString: String? { isNone ? nil : string }

  func contains(_ byte: UInt8) -> Bool {
    buffer.firstIndex(of: byte, in: 0..<buffer.count) != nil
  }

  /// Byte equality: keys that differ only in Unicode normalization are different
  /// variables to a process environment.
  static func sameBytes(_ left: EnvBytes, _ right: EnvBytes) -> Bool {
    guard left.count == right.count else { return false }
    guard left.count > 0, let leftStart = left.start, let rightStart = right.start else {
      return true
    }
    return memcmp(leftStart, rightStart, left.count) == 0
  }
}

/// Bytes copied once and kept in place until the arena is freed: blocks that never
/// move, so an `EnvBytes` into them stays valid while the arena lives.
final class EnvByteArena: @unchecked Sendable {
  // Used by one merge at a time: no access is checked for overlap at run time.
  @exclusivity(unchecked) private var blocks: [UnsafeMutableRawPointer] = []
  @exclusivity(unchecked) private var next: UnsafeMutablePointer<UInt8>?
  @exclusivity(unchecked) private var room = 0
  private static let blockSize = 64 << 10

  init() {}

  deinit {
    for block in blocks { block.deallocate() }
  }

  /// Room for `count` bytes that stays where it is.
  func allocate(_ count: Int) -> UnsafeMutablePointer<UInt8> {
    if count > room || next == nil {
      let size = max(count, Self.blockSize)
      let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
      blocks.append(block)
      // A value larger than a block gets a block of its own; the current one stays.
      if count >= Self.blockSize { return block.assumingMemoryBound(to: UInt8.self) }
      next = block.assumingMemoryBound(to: UInt8.self)
      room = size
    }
    let start = next!
    next = start + count
    room -= count
    return start
  }

  func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> EnvBytes {
    guard let source = bytes.baseAddress, bytes.count > 0 else { return .empty }
    let target = allocate(bytes.count)
    memcpy(target, source, bytes.count)
    return EnvBytes(start: UnsafePointer(target), count: bytes.count)
  }

  func copy(_ text: String) -> EnvBytes {
    var text = text
    return text.withUTF8 { copy($0) }
  }

  func copy(_ text: String?) -> EnvBytes {
    text.map { copy($0) } ?? .none
  }
}

// The bytes an `EnvBytes` points to are never written once it exists.
extension EnvBytes: @unchecked Sendable {}
