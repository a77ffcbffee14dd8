#if canImport(Glibc)
  import Glibc
#endif

/// Event lines on standard output; a reader that went away does not stop the run.
enum StandardOutput {
  static func write(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let count = bytes.withUnsafeBytes {
        Glibc.write(1, $0.baseAddress! + offset, $0.count - offset)
      }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { return }
      offset += count
    }
  }
}
