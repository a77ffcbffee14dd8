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
  /// new one, never half of one, and a failure leaves nothing behind. A file that was
  /// there keeps its permissions and, where this process may set them, its owner and
  /// group (a 0600 file of secrets stays 0600); a new file gets 0666 less the umask.
  ///
  /// - Parameters:
  ///   - newMode: the mode of a file that was not there, less the umask; 0o600 for a file
  ///     that carries a stage's environment.
  ///   - keepingAttributes: false for a cache, whose replaced file is distrusted: the new
  ///     one is this user's with `newMode` whatever the old one had.
  ///   - durable: false where losing the file with the machine's power costs only redoing
  ///     work (cache records, thousands per run): it is not flushed to disk first. A crash
  ///     of the process still leaves the old file or the new one.
  public static func writeAtomically(
    _ bytes: [UInt8], to path: String, shownAs name: String? = nil, newMode: mode_t = 0o666,
    durable: Bool = true, keepingAttributes: Bool = true
  ) throws(IOError) {
    let name = name ?? path
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    // A long name would make the temporary's name too long for the file system.
    let stem = base.utf8.count > 200 ? "output" : base
    var template = Array((folder + "." + stem + ".XXXXXX").utf8CString)
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
      if durable && fsync(descriptor) != 0 {
        let code = errno
        throw IOError(.failed, path: name, reason: "write error: " + SystemError(code).description)
      }
      try setAttributes(
        on: descriptor, name: name, newMode: newMode, keepingThoseOf: keepingAttributes ? path : nil
      )
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

  /// Gives the temporary file (created 0600) the mode it should end with: the replaced
  /// file's permission bits (never set-user or set-group id), its owner and group when
  /// they can be set, else the group and other bits dropped, so a group the old file did
  /// not name never gains access; a new file's mode is `newMode` less the umask.
  private static func setAttributes(
    on descriptor: Int32, name: String, newMode: mode_t, keepingThoseOf path: String?
  ) throws(IOError) {
    var old = stat()
    var mode = newMode & ~currentUmask()
    if let path, stat(path, &old) == 0 {
      mode = old.st_mode & 0o1777
      var mine = stat()
      if fstat(descriptor, &mine) == 0, mine.st_uid != old.st_uid || mine.st_gid != old.st_gid,
        fchown(descriptor, old.st_uid, old.st_gid) != 0
      {
        mode &= 0o700
      }
    }
    if fchmod(descriptor, mode) != 0 {
      let code = errno
      throw IOError(
        .failed, path: name, reason: "cannot set mode: " + SystemError(code).description)
    }
  }

  /// The process's umask, read from `/proc/self/status` (Linux 4.7 and later): setting it
  /// and setting it back, the only other way to learn it, leaves a moment in which a file
  /// another thread creates gets the wrong mode.
  static func currentUmask() -> mode_t {
    if let status = try? InputFile.read("/proc/self/status", limit: 1 << 16),
      let mask = umaskField(in: status)
    {
      return mask
    }
    let mask = umask(0o022)
    umask(mask)
    return mask
  }

  /// The octal value of the `Umask:` line of a `/proc/PID/status` text, if it has one.
  static func umaskField(in status: [UInt8]) -> mode_t? {
    for line in status.split(separator: UInt8(ascii: "\n")) {
      let label = Array("Umask:".utf8)
      guard line.starts(with: label) else { continue }
      var mask: mode_t = 0
      var digits = 0
      for byte in line.dropFirst(label.count) where byte != UInt8(ascii: " ") && byte != 9 {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7"), digits < 4 else { return nil }
        mask = mask << 3 | mode_t(byte - UInt8(ascii: "0"))
        digits += 1
      }
      return digits > 0 ? mask : nil
    }
    return nil
  }
}
