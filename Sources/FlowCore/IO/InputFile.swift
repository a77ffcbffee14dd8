#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads whole inputs: a named file, or standard input for `-`.
public enum InputFile {
  /// The name used in messages for standard input.
  public static let standardInputName = "<stdin>"

  /// Reads the file at `path` (or standard input when `path` is `-`) into memory.
  public static func read(_ path: String) throws(IOError) -> [UInt8] {
    if path == "-" { return try readAll(descriptor: STDIN_FILENO, name: standardInputName) }
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
      return try readRegular(descriptor: descriptor, size: Int(status.st_size), name: path)
    }
    return try readAll(descriptor: descriptor, name: path)
  }

  /// Whether `path` names an existing regular file (following symbolic links).
  public static func isRegularFile(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
  }

  /// Reads a regular file of known size straight into one buffer, then whatever it
  /// grew by meanwhile.
  private static func readRegular(descriptor: Int32, size: Int, name: String) throws(IOError)
    -> [UInt8]
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
    if bytes.count == size { bytes += try readAll(descriptor: descriptor, name: name) }
    return bytes
  }

  private static func readAll(descriptor: Int32, name: String) throws(IOError) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = 1 << 16
    while true {
      let start = bytes.count
      bytes.reserveCapacity(start + chunk)
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
}
