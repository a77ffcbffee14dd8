#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads whole inputs: a named file, or standard input for `-`.
public enum InputFile {
  /// The name used in messages for standard input.
  public static let standardInputName = "<stdin>"

  /// The largest input read, 512 MiB: a longer one (an endless device, a runaway
  /// generator) is refused rather than allowed to exhaust memory.
  public static let maximumSize = 1 << 29

  /// Reads the file at `path` (or standard input when `path` is `-`) into memory,
  /// refusing inputs longer than `limit` bytes.
  public static func read(_ path: String, limit: Int = maximumSize) throws(IOError) -> [UInt8] {
    if path == "-" {
      return try readAll(descriptor: STDIN_FILENO, name: standardInputName, limit: limit)
    }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      let code = errno
      throw IOError(code == ENOENT || code == ENOTDIR ? .missing : .failed, path: path, errno: code)
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw IOError(.failed, path: path, errno: errno)
    }
    if (status.st_mode & S_IFMT) == S_IFDIR {
      throw IOError(.failed, path: path, reason: "is a directory")
    }
    if (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0 {
      if status.st_size > limit { throw tooLarge(path, limit: limit) }
      return try readRegular(
        descriptor: descriptor, size: Int(status.st_size), name: path, limit: limit)
    }
    return try readAll(descriptor: descriptor, name: path, limit: limit)
  }

  /// Whether `path` names an existing regular file (following symbolic links).
  public static func isRegularFile(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
  }

  /// Reads a regular file of known size straight into one buffer, then whatever it
  /// grew by meanwhile.
  private static func readRegular(descriptor: Int32, size: Int, name: String, limit: Int)
    throws(IOError) -> [UInt8]
  {
    var failure: Int32 = 0
    var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      while count < size {
        let read = Glibc.read(descriptor, buffer.baseAddress! + count, size - count)
        if read < 0 && errno == EINTR { continue }
        if read < 0 { failure = errno }
        if read <= 0 { break }
        count += read
      }
    }
    if failure != 0 { throw IOError(.failed, path: name, errno: failure) }
    if bytes.count == size {
      bytes += try readAll(descriptor: descriptor, name: name, limit: limit, alreadyRead: size)
    }
    return bytes
  }

  /// Reads to the end in growing chunks. The array grows geometrically by itself:
  /// reserving each chunk's exact size would copy the whole input once per chunk.
  private static func readAll(
    descriptor: Int32, name: String, limit: Int, alreadyRead: Int = 0
  ) throws(IOError) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = 1 << 16
    while true {
      if alreadyRead + bytes.count > limit { throw tooLarge(name, limit: limit) }
      var failure: Int32 = 0
      let count = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunk) { buffer in
        var count: Int
        repeat {
          count = Glibc.read(descriptor, buffer.baseAddress, chunk)
        } while count < 0
          && errno == EINTR
        if count < 0 { failure = errno } else { bytes.append(contentsOf: buffer.prefix(count)) }
        return count
      }
      if count < 0 { throw IOError(.failed, path: name, errno: failure) }
      if count == 0 { return bytes }
      if chunk < 1 << 22 { chunk *= 2 }
    }
  }

  private static func tooLarge(_ name: String, limit: Int) -> IOError {
    IOError(.failed, path: name, reason: "longer than \(limit >> 20) MiB: refusing to read it")
  }
}
