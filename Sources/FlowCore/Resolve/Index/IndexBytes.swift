import Glibc

/// The bytes of a catalogue index: its file mapped read-only, or a copy in memory when no
/// file could be written. An index file is never rewritten in place (a new one is renamed
/// over it, a new inode), so mapped bytes cannot change under their reader.
final class IndexBytes {
  let memory: UnsafeRawBufferPointer
  private let isMapped: Bool

  init(copying bytes: [UInt8]) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: max(bytes.count, 1), alignment: 8)
    bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    memory = UnsafeRawBufferPointer(start: buffer.baseAddress, count: bytes.count)
    isMapped = false
  }

  /// Maps the index file at `path`. A file this user does not own, or that others may
  /// write, is refused: whoever can change it could choose what a resolve answers.
  init(mapping path: String) throws(IndexRefusal) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      let code = errno
      throw code == ENOENT || code == ENOTDIR
        ? IndexRefusal.missing : IndexRefusal.unreadable(SystemError(code).description)
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      throw .damaged("not a regular file")
    }
    guard status.st_uid == geteuid() else { throw .notOwned }
    guard status.st_mode & 0o022 == 0 else { throw .writableByOthers }
    let length = Int(status.st_size)
    guard length > 0 else { throw .damaged("empty") }
    // Not populated: a resolve reads, and checks, only the blocks it needs.
    guard
      let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0),
      mapped != MAP_FAILED
    else { throw .unreadable(SystemError(errno).description) }
    memory = UnsafeRawBufferPointer(start: mapped, count: length)
    isMapped = true
  }

  deinit {
    if isMapped {
      munmap(UnsafeMutableRawPointer(mutating: memory.baseAddress), memory.count)
    } else {
      memory.deallocate()
    }
  }
}

/// Why an index file was not used. A missing or stale index is rebuilt without a word; the
/// others are reported, as they mean damage or a file someone else may have written.
enum IndexRefusal: Error, Equatable {
  case missing
  /// Its catalogue files changed since it was written.
  case stale
  case otherFormat
  case damaged(String)
  case notOwned
  case writableByOthers
  case unreadable(String)

  /// Why it was not used, in words; nil when rebuilding it is routine.
  var reason: String? {
    switch self {
    case .missing, .stale: return nil
    case .otherFormat: return "written in another format"
    case .damaged(let what): return "damaged (\(what))"
    case .notOwned: return "not owned by this user"
    case .writableByOthers: return "writable by others"
    case .unreadable(let reason): return "cannot be read (\(reason))"
    }
  }
}
