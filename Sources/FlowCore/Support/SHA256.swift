internal import CFlowSystem
import Glibc

/// SHA-256 (FIPS 180-4), the digest flow names content by: stage cache keys and the
/// digests of the files stages read and write. Written here so that FlowCore needs no
/// crypto library; a file is read in blocks, never whole.
public struct SHA256: Sendable {
  private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab,
    0x5be0_cd19
  )
  /// The bytes of a block not yet whole, and how many there are: kept inline, as a key
  /// is hashed for every stage of every run and a heap buffer per hasher showed.
  private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
    0, 0, 0, 0, 0, 0, 0, 0
  )
  private var pendingCount = 0
  private var length: UInt64 = 0
  /// Whether blocks are compressed with the processor's SHA-256 instructions.
  private let usesInstructions: Bool

  public init() {
    usesInstructions = Self.processorHasInstructions
  }

  /// A hasher that compresses in Swift whatever the processor has: the two ways are
  /// compared in the tests.
  init(portable: Bool) {
    usesInstructions = !portable && Self.processorHasInstructions
  }

  /// Whether this processor has the SHA-256 instructions (x86's SHA extensions), which
  /// compress a block in a tenth of the time the Swift rounds take: asked once.
  static let processorHasInstructions = flow_sha256_has_instructions() != 0

  private static let constants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
    0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
    0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
    0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
    0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
    0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
    0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
    0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
    0xc671_78f2,
  ]

  public mutating func add(_ bytes: UnsafeRawBufferPointer) {
    guard var next = bytes.baseAddress, !bytes.isEmpty else { return }
    length &+= UInt64(bytes.count)
    var left = bytes.count
    if pendingCount > 0 {
      let taken = min(64 - pendingCount, left)
      let count = pendingCount
      withUnsafeMutableBytes(of: &pending) { block in
        block.baseAddress!.advanced(by: count).copyMemory(from: next, byteCount: taken)
      }
      (pendingCount, next, left) = (pendingCount + taken, next + taken, left - taken)
      guard pendingCount == 64 else { return }
      let block = pending
      withUnsafeBytes(of: block) { compress($0.baseAddress!, blocks: 1) }
      pendingCount = 0
    }
    if left >= 64 {
      compress(next, blocks: left / 64)
      next += left / 64 * 64
      left %= 64
    }
    if left > 0 {
      withUnsafeMutableBytes(of: &pending) { block in
        block.baseAddress!.copyMemory(from: next, byteCount: left)
      }
      pendingCount = left
    }
  }

  public mutating func add(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { add($0) }
  }

  public mutating func add(_ text: String) {
    var text = text
    text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
  }

  /// The digest as 64 lowercase hex digits; the hasher is spent.
  public mutating func finish() -> String {
    let bits = length &* 8
    // 0x80, zeros up to 8 bytes short of a block's end, then the length in bits: written
    // on the stack, as every key and file digest ends here.
    let zeros = (119 - pendingCount) % 64
    var tail: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
      0, 0, 0, 0, 0, 0, 0, 0, 0
    )
    withUnsafeMutableBytes(of: &tail) { tail in
      tail[0] = 0x80
      for index in 0..<8 {
        tail[1 + zeros + index] = UInt8(truncatingIfNeeded: bits >> UInt64(56 - 8 * index))
      }
      let total = length
      add(UnsafeRawBufferPointer(rebasing: tail[..<(9 + zeros)]))
      length = total
    }
    let words = state
    return String(unsafeUninitializedCapacity: 64) { hex in
      withUnsafeBytes(of: words) { raw in
        for place in 0..<8 {
          let word = raw.load(fromByteOffset: place * 4, as: UInt32.self)
          for digit in 0..<8 {
            let value = UInt8(truncatingIfNeeded: word >> UInt32(28 - 4 * digit)) & 0xf
            hex[place * 8 + digit] = value < 10 ? 0x30 + value : 0x57 + value
          }
        }
      }
      return 64
    }
  }

  /// The digest of `text`'s UTF-8 bytes.
  public static func hex(_ text: String) -> String {
    var hasher = SHA256()
    hasher.add(text)
    return hasher.finish()
  }

  /// The digest of a file's bytes, read in 64 KiB blocks; nil when it cannot be read.
  public static func file(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var hasher = SHA256()
    // Not zeroed first: most files a stage declares are far smaller than the buffer.
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let count = read(descriptor, buffer.baseAddress, buffer.count)
      if count < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if count == 0 { break }
      hasher.add(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }
    return hasher.finish()
  }

  /// Compresses `blocks` whole blocks of 64 bytes from `start`, which need not be aligned.
  private mutating func compress(_ start: UnsafeRawPointer, blocks: Int) {
    if usesInstructions {
      Self.constants.withUnsafeBufferPointer { constants in
        withUnsafeMutableBytes(of: &state) { words in
          flow_sha256_blocks(
            words.baseAddress!.assumingMemoryBound(to: UInt32.self), start, blocks,
            constants.baseAddress!)
        }
      }
      return
    }
    // On the stack, and the round constants read through a pointer taken once: a block
    // is compressed for every 64 bytes hashed, and checked array reads in its 64 rounds
    // cost more than the rounds themselves.
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
      Self.constants.withUnsafeBufferPointer { constants in
        let schedule = schedule.baseAddress!
        let constants = constants.baseAddress!
        for block in 0..<blocks {
          compress(start + block * 64, schedule: schedule, constants: constants)
        }
      }
    }
  }

  @inline(__always)
  private mutating func compress(
    _ block: UnsafeRawPointer, schedule: UnsafeMutablePointer<UInt32>,
    constants: UnsafePointer<UInt32>
  ) {
    for index in 0..<16 {
      schedule[index] = UInt32(
        bigEndian: block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
    }
    for index in 16..<64 {
      let early = schedule[index - 15]
      let late = schedule[index - 2]
      let sigma0 = early.rotatedRight(7) ^ early.rotatedRight(18) ^ (early &>> 3)
      let sigma1 = late.rotatedRight(17) ^ late.rotatedRight(19) ^ (late &>> 10)
      schedule[index] = schedule[index - 16] &+ sigma0 &+ schedule[index - 7] &+ sigma1
    }
    var (a, b, c, d, e, f, g, h) = state
    for index in 0..<64 {
      let sum1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
      let choice = (e & f) ^ (~e & g)
      let first = h &+ sum1 &+ choice &+ constants[index] &+ schedule[index]
      let sum0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
      let majority = (a & b) ^ (a & c) ^ (b & c)
      let second = sum0 &+ majority
      (h, g, f, e, d, c, b, a) = (g, f, e, d &+ first, c, b, a, first &+ second)
    }
    state = (
      state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e, state.5 &+ f,
      state.6 &+ g, state.7 &+ h
    )
  }
}

extension UInt32 {
  @inline(__always)
  fileprivate func rotatedRight(_ count: UInt32) -> UInt32 {
    (self &>> count) | (self &<< (32 &- count))
  }
}
