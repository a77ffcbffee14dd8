import Glibc

/// Reads whole inputs: a named file, or standard input for `-`.
public enum InputFile {
  /// The name used in messages for standard input.
  public static let standardInputName = "<stdin>"

  /// The largest input read, 512 MiB: a longer one (an endless device, a runaway
  /// generator) is refused rather than allowed to exhaust memory.
  public static let maximumSize = 1 << 29

  /// Reads the file at `path` (or standard input when `path` is `-`) into memory,
  /// refusing inputs longer than `limit` bytes. A regular file's size is known before
  /// reading, so a longer one is refused without reading it; anything else (a pipe, a
  /// device) is read until it passes the limit, holding at most the limit and one chunk.
  public static func read(_ path: String, limit: Int = maximumSize) throws(IOError) -> [UInt8] {
    if path == "-" {
      return try read(descriptor: STDIN_FILENO, name: standardInputName, limit: limit)
    }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      let code = errno
      throw IOError(code == ENOENT || code == ENOTDIR ? .missing : .failed, path: path, errno: code)
    }
    defer { close(descriptor) }
    return try read(descriptor: descriptor, name: path, limit: limit)
  }

  /// Reads an open descriptor from its current offset to the end, as `read(_:limit:)`
  /// does; `name` is the file's name in messages.
  static func read(descriptor: Int32, name: String, limit: Int = maximumSize) throws(IOError)
    -> [UInt8]
  {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw IOError(.failed, path: name, errno: errno)
    }
    if (status.st_mode & S_IFMT) == S_IFDIR {
      throw IOError(.failed, path: name, reason: "is a directory")
    }
    if (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0 {
      // Standard input may start part-way into its file.
      let offset = lseek(descriptor, 0, SEEK_CUR)
      let size = Int(status.st_size) - max(0, Int(offset))
      if size > limit { throw tooLarge(name, limit: limit) }
      if size > 0 {
        return try readRegular(descriptor: descriptor, size: size, name: name, limit: limit)
      }
    }
    return try readAll(descriptor: descriptor, name: name, limit: limit)
  }

  /// Whether `path` names an existing regular file (following symbolic links).
  public static func isRegularFile(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
  }

  /// Reads a regular file of known size straight into one buffer, then whatever it
  /// grew by meanwhile. From `sizeReadInHalves` bytes, in two halves at once.
  private static func readRegular(descriptor: Int32, size: Int, name: String, limit: Int)
    throws(IOError) -> [UInt8]
  {
    var failure: SystemError?
    var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      do throws(SystemError) {
        let raw = UnsafeMutableRawBufferPointer(buffer)
        count =
          size >= sizeReadInHalves
          ? try fillInHalves(raw, from: descriptor) : try Descriptor.fill(raw, from: descriptor)
      } catch {
        failure = error
      }
    }
    if let failure { throw IOError(.failed, path: name, errno: failure.code) }
    if bytes.count == size {
      bytes += try readAll(descriptor: descriptor, name: name, limit: limit, alreadyRead: size)
    }
    return bytes
  }

  /// The size from which a regular file is read in two halves at once, the second on a
  /// thread of its own: copying the bytes out of the page cache, and the first touch of
  /// each page they are copied to, then take two CPUs half as long. A 2.8 MB file took
  /// 0.65 ms to read, before the threads that parse it could start.
  static let sizeReadInHalves = 1 << 20

  /// Fills `buffer` from the descriptor's offset as one read would (the offset then past
  /// what was read): the first half on this thread, the second on a thread of its own.
  /// Where the first half comes up short (the file shrank meanwhile), only it counts.
  private static func fillInHalves(_ buffer: UnsafeMutableRawBufferPointer, from descriptor: Int32)
    throws(SystemError) -> Int
  {
    let start = Int(lseek(descriptor, 0, SEEK_CUR))
    guard start >= 0 else { return try Descriptor.fill(buffer, from: descriptor) }
    let half = buffer.count / 2
    // The other thread's count is read once it has been joined.
    final class SecondHalf: @unchecked Sendable {
      var read: Result<Int, SystemError> = .success(0)
    }
    let second = SecondHalf()
    let secondBuffer = UnsafeMutableRawBufferPointer(rebasing: buffer[half...])
    var first: Result<Int, SystemError> = .success(0)
    runAtOnce {
      first = Result { () throws(SystemError) in
        try Descriptor.fill(
          UnsafeMutableRawBufferPointer(rebasing: buffer[..<half]), from: descriptor, at: start)
      }
    } there: {
      second.read = Result { () throws(SystemError) in
        try Descriptor.fill(secondBuffer, from: descriptor, at: start + half)
      }
    }
    let firstCount = try first.get()
    let count = firstCount < half ? firstCount : half + (try second.read.get())
    guard lseek(descriptor, off_t(start + count), SEEK_SET) >= 0 else { throw .current }
    return count
  }

  /// Reads to the end in chunks that grow up to 4 MiB, kept apart until the end: no
  /// buffer is ever copied into a larger one while reading, so refusing an endless
  /// input holds at most `limit` bytes and one chunk. The chunks are joined at the end,
  /// each freed once copied.
  private static func readAll(
    descriptor: Int32, name: String, limit: Int, alreadyRead: Int = 0
  ) throws(IOError) -> [UInt8] {
    var chunks: [[UInt8]] = []
    var total = 0
    var chunkSize = 1 << 16
    while true {
      var failure: SystemError?
      let size = chunkSize
      let chunk = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        do throws(SystemError) {
          count = try Descriptor.fill(UnsafeMutableRawBufferPointer(buffer), from: descriptor)
        } catch {
          failure = error
        }
      }
      if let failure { throw IOError(.failed, path: name, errno: failure.code) }
      let ended = chunk.count < size
      total += chunk.count
      if alreadyRead + total > limit { throw tooLarge(name, limit: limit) }
      if !chunk.isEmpty { chunks.append(chunk) }
      if ended { break }
      if chunkSize < 1 << 22 { chunkSize *= 2 }
    }
    if chunks.count == 1 { return chunks[0] }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(total)
    for index in chunks.indices {
      bytes += chunks[index]
      chunks[index] = []
    }
    return bytes
  }

  private static func tooLarge(_ name: String, limit: Int) -> IOError {
    IOError(.failed, path: name, reason: "longer than \(limit >> 20) MiB: refusing to read it")
  }
}
