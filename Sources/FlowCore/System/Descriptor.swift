import Glibc

/// Reading and writing whole buffers through a file descriptor, and the pipes the child
/// processes talk through.
public enum Descriptor {
  /// Writes all of `bytes`, however many calls that takes.
  public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(SystemError) {
    var offset = 0
    while offset < bytes.count {
      let count = bytes.withUnsafeBytes { raw in
        SystemCall.retrying { write(descriptor, raw.baseAddress! + offset, raw.count - offset) }
      }
      guard count >= 0 else { throw .current }
      offset += count
    }
  }

  /// Reads until `buffer` is full or the input ends; returns how many bytes were read.
  /// From `offset` when one is given (the descriptor's own offset is then left as it is),
  /// else from the descriptor's offset.
  static func fill(
    _ buffer: UnsafeMutableRawBufferPointer, from descriptor: Int32, at offset: Int? = nil
  ) throws(SystemError) -> Int {
    var count = 0
    while count < buffer.count {
      let read = SystemCall.retrying {
        let target = buffer.baseAddress! + count
        let wanted = buffer.count - count
        guard let offset else { return Glibc.read(descriptor, target, wanted) }
        return pread(descriptor, target, wanted, off_t(offset + count))
      }
      guard read >= 0 else { throw .current }
      if read == 0 { break }
      count += read
    }
    return count
  }

  /// Reads to the end, or to `limit` bytes, whichever comes first.
  public static func readAll(from descriptor: Int32, limit: Int = .max) throws(SystemError)
    -> [UInt8]
  {
    var bytes: [UInt8] = []
    // Most of what is read so is a few hundred bytes (files under /proc, whose size
    // `stat` does not give): a first chunk of a page, grown for longer inputs, spares
    // clearing 64 KiB for each.
    var chunk = [UInt8](repeating: 0, count: 1 << 12)
    while bytes.count < limit {
      let wanted = min(chunk.count, limit - bytes.count)
      let filled = chunk.withUnsafeMutableBytes { raw in
        Result { () throws(SystemError) in
          try fill(UnsafeMutableRawBufferPointer(rebasing: raw[..<wanted]), from: descriptor)
        }
      }
      let count = try filled.get()
      bytes += chunk[..<count]
      if count < wanted { break }
      if chunk.count < 1 << 16 { chunk = [UInt8](repeating: 0, count: chunk.count * 4) }
    }
    return bytes
  }

  /// A pipe whose two ends are close-on-exec, so that no child but the one it is handed
  /// to (by `dup2`) holds an end; with `nonBlockingRead`, its read end is for `poll`.
  static func makePipe(nonBlockingRead: Bool = false) throws(SystemError) -> (
    read: Int32, write: Int32
  ) {
    var ends: [Int32] = [0, 0]
    guard makeCloseOnExecPipe(&ends) == 0 else { throw .current }
    if nonBlockingRead { _ = fcntl(ends[0], F_SETFL, O_NONBLOCK) }
    return (ends[0], ends[1])
  }
}
