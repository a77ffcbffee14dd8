import Glibc

/// Writes a tool's result: to standard output, or atomically to a file, so that a
/// reader never sees half of it and a failure leaves nothing behind.
public enum OutputFile {
  /// Writes `bytes` to `path`, or to standard output when `path` is nil or `-`.
  ///
  /// A regular file is written to a temporary sibling, flushed to disk, then renamed
  /// over the target (a symbolic link's target when it is one). A device or a FIFO
  /// (`/dev/full`, a named pipe) is written directly. When standard output is a pipe whose reader has gone, the error is
  /// `readerGone`.
  public static func write(_ bytes: [UInt8], to path: String?) throws(IOError) {
    guard let path, path != "-" else {
      try writeAll(bytes, descriptor: STDOUT_FILENO, name: "standard output")
      return
    }
    var status = stat()
    if stat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG {
      try writeDirectly(bytes, to: path)
      return
    }
    var target = path
    if let resolved = realpath(path, nil) {
      target = String(cString: resolved)
      free(resolved)
    }
    try writeAtomically(bytes, to: target, shownAs: path)
  }

  private static func writeDirectly(_ bytes: [UInt8], to path: String) throws(IOError) {
    let descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
    guard descriptor >= 0 else {
      let code = errno
      throw IOError(.failed, path: path, reason: "cannot open: " + SystemError(code).description)
    }
    defer { close(descriptor) }
    try writeAll(bytes, descriptor: descriptor, name: path)
  }

  /// Writes `bytes` in full to an open descriptor; a reader that went away is
  /// `readerGone`, which the tool's exit path ends quietly.
  public static func writeAll(_ bytes: [UInt8], descriptor: Int32, name: String) throws(IOError) {
    do throws(SystemError) {
      try Descriptor.writeAll(bytes, to: descriptor)
    } catch {
      let kind: IOError.Kind = error.code == EPIPE ? .readerGone : .failed
      throw IOError(kind, path: name, reason: "write error: \(error)")
    }
  }

  /// The one atomic file writer: `bytes` go to a temporary sibling of `path`, are flushed
  /// to disk, and the sibling is renamed over `path`, so a reader sees the old file or the
  /// new one, never half of one, and a failure leaves nothing behind.
  public static func writeAtomically(
    _ bytes: [UInt8], to path: String, shownAs name: String? = nil
  ) throws(IOError) {
    let name = name ?? path
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    var template = Array((folder + "." + base + ".XXXXXX").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else {
      let code = errno
      throw IOError(
        .failed, path: name, reason: "cannot create file: " + SystemError(code).description)
    }
    let temporary = String(
      decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    do throws(IOError) {
      try writeAll(bytes, descriptor: descriptor, name: name)
      if fsync(descriptor) != 0 {
        let code = errno
        throw IOError(.failed, path: name, reason: "write error: " + SystemError(code).description)
      }
      fchmod(descriptor, 0o644 & ~currentUmask())
    } catch {
      close(descriptor)
      unlink(temporary)
      throw error
    }
    // The descriptor is closed exactly once from here on; a failing close can still
    // report a lost write.
    if close(descriptor) != 0 {
      let code = errno
      unlink(temporary)
      throw IOError(.failed, path: name, reason: "write error: " + SystemError(code).description)
    }
    if rename(temporary, path) != 0 {
      let code = errno
      unlink(temporary)
      throw IOError(
        .failed, path: name, reason: "cannot replace file: " + SystemError(code).description)
    }
  }

  private static func currentUmask() -> mode_t {
    let mask = umask(0o022)
    umask(mask)
    return mask
  }
}
