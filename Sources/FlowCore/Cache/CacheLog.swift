import Glibc

/// The stage records of a cache folder, kept as ninja keeps `.ninja_log`: each user's
/// records in one file (`records-v4-UID.log`) that runs only append to, read whole once
/// when a run starts, so that a run opens and reads one file rather than one per stage.
///
/// The file starts with a line that names its format, then one frame per record:
///
///     record LENGTH CHECKSUM    (tab-separated; the checksum is 16 hex digits)
///     PAYLOAD                   (LENGTH bytes: the record as `CacheRecord.bytes` writes it)
///
/// A frame is appended with one `write` on a descriptor opened with `O_APPEND`, which the
/// kernel places whole at the end of the file, so runs that share the folder append at
/// the same time without a lock among them and never interleave; a frame cut short (a
/// kill -9 or a full disk during the write) or damaged later fails its length or checksum
/// and is skipped, with a warning, up to the next frame that passes (its stage runs
/// again). Records are not flushed to disk one by one: after a power loss a stage may run
/// again.
///
/// Each run holds a shared `flock` on the file while it appends. The log is compacted
/// when it has grown to more than twice the size of its live records (the newest of each
/// key and of each stage) or holds damage: by a run that finds no other holding the file
/// (an exclusive lock taken without waiting), which writes the live records to a new file
/// under a unique name and renames it into place, so a reader sees the old file or the new
/// one. A run that waited for its shared lock checks that it holds the file the path names
/// now, and opens it again if the file was replaced meanwhile.
///
/// Other users' logs in the folder (a shared `FLOW_CACHE`) are read, never written: each
/// user appends only to a file of their own that they own, as one user cannot append to
/// another's file of mode 0644.
final class CacheLog: @unchecked Sendable {
  /// Where a record lies: in which file read (or written) and which bytes.
  struct Place: Hashable {
    var file: Int
    /// The frame's first byte, and the payload's first and past-the-end bytes.
    var frame: Int
    var start: Int
    var end: Int
  }

  struct StageName: Hashable {
    var workflow: String
    var stage: String
  }

  static let header = Array("flow-cache-log\t\(CacheRecord.formatVersion)\n".utf8)
  private static let frameStart = Array("record\t".utf8)

  let folder: String
  /// This user's log.
  let path: String
  private let lock = ThreadLock()
  private var opened = false
  /// This user's log, with a shared lock held; -1 before it exists or when it cannot be
  /// used.
  private var descriptor: Int32 = -1
  /// Why this user's log cannot be written, when it cannot.
  private var refusal: String?
  /// The logs read, by file, the last of them the records this run appended; and their
  /// paths, for messages.
  private var files: [[UInt8]] = []
  private var names: [String] = []
  private var byKey: [String: Place] = [:]
  private var byStage: [StageName: Place] = [:]

  init(folder: String) {
    self.folder = folder
    path = folder + "/" + Self.name(user: geteuid())
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
  }

  static func name(user: uid_t) -> String {
    "records-v\(CacheRecord.formatVersion)-\(user).log"
  }

  /// The bytes of a record's frame.
  static func frame(_ payload: [UInt8]) -> [UInt8] {
    let sum = payload.withUnsafeBytes { IndexChecksum.of($0) }
    let hex = String(sum, radix: 16)
    var bytes = frameStart
    bytes.reserveCapacity(payload.count + 40)
    bytes += Array(String(payload.count).utf8) + [UInt8(ascii: "\t")]
    bytes += Array(String(repeating: "0", count: 16 - hex.utf8.count).utf8) + Array(hex.utf8)
    bytes.append(UInt8(ascii: "\n"))
    return bytes + payload
  }

  /// Reads the folder's logs, once; the warnings a person should see about them.
  func open() -> [String] {
    lock.withLock { openOnce() }
  }

  private func openOnce() -> [String] {
    guard !opened else { return [] }
    opened = true
    var warnings: [String] = []
    // Other users' logs first: this user's, read last, holds the newest records.
    let prefix = "records-v\(CacheRecord.formatVersion)-"
    let own = Self.name(user: geteuid())
    for name in DirectoryListing.names(in: folder) ?? []
    where name != own && name.hasPrefix(prefix) && name.hasSuffix(".log") {
      let other = folder + "/" + name
      let descriptor = Glibc.open(other, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
      guard descriptor >= 0 else { continue }
      if let bytes = Self.readWhole(descriptor, other) {
        // Its owner may be appending to it: a frame cut short at its end is theirs to finish.
        _ = index(bytes, name: other, warnings: &warnings, tailIsFinal: false)
      }
      close(descriptor)
    }
    warnings += openOwn()
    // The records this run appends, which later lookups of this run find.
    files.append([])
    names.append(path)
    return warnings
  }

  /// Opens and reads this user's log, compacting it when it is due and no other run holds
  /// it, and keeps it open with a shared lock.
  private func openOwn() -> [String] {
    var descriptor = Glibc.open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
    guard descriptor >= 0 else {
      if errno != ENOENT { refusal = "cannot open it: \(SystemError(errno))" }
      return []
    }
    if let problem = Self.refusal(of: descriptor, path) {
      refusal = problem
      close(descriptor)
      return ["not using the cache log \(path): \(problem)"]
    }
    // Alone with the file: nothing is being appended, so a frame cut short at its end was
    // cut for good, and the log may be compacted.
    let alone = flock(descriptor, LOCK_EX | LOCK_NB) == 0
    if !alone {
      guard let shared = lockShared(descriptor) else {
        refusal = "cannot lock it"
        return []
      }
      descriptor = shared
    }
    let bytes = Self.readWhole(descriptor, path) ?? []
    let file = files.count
    var warnings: [String] = []
    let (liveBytes, damaged) = index(bytes, name: path, warnings: &warnings, tailIsFinal: alone)
    if alone, damaged || bytes.count > 2 * liveBytes,
      let compacted = compact(bytes, file: file, holding: descriptor)
    {
      descriptor = compacted
    } else if alone {
      guard let shared = lockShared(descriptor) else {
        refusal = "cannot lock it"
        return warnings
      }
      descriptor = shared
    }
    self.descriptor = descriptor
    return warnings
  }

  /// Indexes the records of one log; the bytes its live records take (frames and the
  /// header), and whether any part of it was damaged.
  private func index(
    _ bytes: [UInt8], name: String, warnings: inout [String], tailIsFinal: Bool
  ) -> (Int, Bool) {
    let file = files.count
    files.append(bytes)
    names.append(name)
    guard bytes.starts(with: Self.header) else {
      // Its first line damaged or lost: no records, and nothing may be appended after it.
      if !bytes.isEmpty {
        warnings.append("ignoring the cache log \(name): its first line is damaged")
      }
      return (0, true)
    }
    var damaged = false
    var places: [Place] = []
    bytes.withUnsafeBufferPointer { buffer in
      var offset = Self.header.count
      while offset < buffer.count {
        if let place = Self.frame(at: offset, in: buffer, file: file) {
          places.append(place)
          offset = place.end
          continue
        }
        guard let next = Self.nextFrameStart(after: offset, in: buffer) else {
          // The last frame is cut short: a write that did not finish.
          if tailIsFinal {
            damaged = true
            warnings.append(
              "ignoring cache record at byte \(offset) of \(name): it is cut short; "
                + "its stage runs again")
          }
          break
        }
        damaged = true
        warnings.append(
          "ignoring cache record at byte \(offset) of \(name): it is damaged (\(next - offset) "
            + "bytes skipped); its stage runs again")
        offset = next
      }
      for place in places {
        let payload = UnsafeBufferPointer(rebasing: buffer[place.start..<place.end])
        guard case .success(let head) = CacheRecord.head(of: payload) else { continue }
        byKey[head.key] = place
        byStage[StageName(workflow: head.workflow, stage: head.stage)] = place
      }
    }
    var live = Self.header.count
    for place in Set(byKey.values).union(byStage.values) where place.file == file {
      live += place.end - place.frame
    }
    return (live, damaged)
  }

  /// The frame at `offset` when it is whole and its checksum matches.
  private static func frame(at offset: Int, in bytes: UnsafeBufferPointer<UInt8>, file: Int)
    -> Place?
  {
    var index = offset + frameStart.count
    guard index < bytes.count,
      UnsafeBufferPointer(rebasing: bytes[offset..<index]).elementsEqual(frameStart)
    else { return nil }
    var length = 0
    while index < bytes.count, bytes[index] != UInt8(ascii: "\t") {
      let digit = Int(bytes[index]) - 48
      guard (0...9).contains(digit), length < 1 << 40 else { return nil }
      length = length * 10 + digit
      index += 1
    }
    index += 1
    guard index + 17 <= bytes.count, bytes[index + 16] == UInt8(ascii: "\n"),
      let sum = UInt64(String(decoding: bytes[index..<(index + 16)], as: UTF8.self), radix: 16)
    else { return nil }
    let start = index + 17
    guard length <= bytes.count - start else { return nil }
    let payload = UnsafeRawBufferPointer(
      rebasing: UnsafeRawBufferPointer(bytes)[start..<(start + length)])
    guard IndexChecksum.of(payload) == sum else { return nil }
    return Place(file: file, frame: offset, start: start, end: start + length)
  }

  /// Where the next frame may start after a damaged one: the next `record` and tab
  /// (which a payload may also hold; its checksum tells).
  private static func nextFrameStart(after offset: Int, in bytes: UnsafeBufferPointer<UInt8>)
    -> Int?
  {
    var from = offset + 1
    while from < bytes.count, let at = bytes.firstIndex(of: frameStart[0], in: from..<bytes.count) {
      if at + frameStart.count <= bytes.count,
        UnsafeBufferPointer(rebasing: bytes[at..<(at + frameStart.count)]).elementsEqual(frameStart)
      {
        return at
      }
      from = at + 1
    }
    return nil
  }

  /// Writes the live records of this user's log (`bytes`, file `file`, which this run
  /// holds alone) to a new file renamed over it; the new file's descriptor with a shared
  /// lock, or nil when it could not be written (the old one is kept).
  private func compact(_ bytes: [UInt8], file: Int, holding old: Int32) -> Int32? {
    let live = Set(byKey.values).union(byStage.values).filter { $0.file == file }
      .sorted { $0.frame < $1.frame }
    var kept = Self.header
    for place in live { kept += bytes[place.frame..<place.end] }
    guard let new = Self.newFile(kept, in: folder, named: Self.name(user: geteuid())) else {
      return nil
    }
    // Held before anyone can open it by its name.
    guard flock(new.descriptor, LOCK_SH) == 0, rename(new.path, path) == 0 else {
      unlink(new.path)
      close(new.descriptor)
      return nil
    }
    close(old)
    Self.removeLeftovers(in: folder, named: Self.name(user: geteuid()))
    return new.descriptor
  }

  /// Removes this user's files that a compaction or a first write killed midway left
  /// behind: those under the unique names `newFile` gives, untouched for ten minutes (a
  /// younger one may be another run's first log, about to be linked).
  private static func removeLeftovers(in folder: String, named name: String) {
    guard let entries = DirectoryListing.names(in: folder) else { return }
    let prefix = "." + name + "."
    let oldest = time(nil) - 600
    for entryName in entries {
      guard entryName.hasPrefix(prefix), entryName.count == prefix.count + 6 else { continue }
      let path = folder + "/" + entryName
      var status = stat()
      if lstat(path, &status) == 0, status.st_uid == geteuid(),
        (status.st_mode & S_IFMT) == S_IFREG, status.st_mtim.tv_sec < oldest
      {
        unlink(path)
      }
    }
  }

  /// A file holding `bytes` under a unique name in `folder`, open for appending, with the
  /// mode a new record file gets (0666 less the umask).
  private static func newFile(_ bytes: [UInt8], in folder: String, named name: String) -> (
    path: String, descriptor: Int32
  )? {
    var template = Array((folder + "/." + name + ".XXXXXX").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else { return nil }
    let path = String(
      decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard (try? Descriptor.writeAll(bytes, to: descriptor)) != nil,
      fchmod(descriptor, 0o666 & ~OutputFile.currentUmask()) == 0,
      fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_APPEND) == 0
    else {
      unlink(path)
      close(descriptor)
      return nil
    }
    return (path, descriptor)
  }

  /// Takes a shared lock on this user's log, opening it again while the file held is no
  /// longer the one its path names (a run compacted it meanwhile); nil when it cannot.
  private func lockShared(_ descriptor: Int32) -> Int32? {
    var descriptor = descriptor
    for _ in 0..<100 {
      guard SystemCall.retrying({ flock(descriptor, LOCK_SH) }) == 0 else {
        // A file system without locks (some network and FUSE ones): no run compacts the
        // log there, as compacting needs the exclusive lock, so appending needs none.
        if errno == ENOLCK || errno == EOPNOTSUPP || errno == EINVAL { return descriptor }
        break
      }
      var held = stat()
      var named = stat()
      if fstat(descriptor, &held) == 0, lstat(path, &named) == 0, held.st_dev == named.st_dev,
        held.st_ino == named.st_ino
      {
        return descriptor
      }
      close(descriptor)
      descriptor = Glibc.open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
      guard descriptor >= 0 else { return nil }
      if Self.refusal(of: descriptor, path) != nil { break }
    }
    close(descriptor)
    return nil
  }

  /// Why an open log may not be appended to: not a regular file, or not this user's.
  private static func refusal(of descriptor: Int32, _ path: String) -> String? {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return SystemError(errno).description }
    if (status.st_mode & S_IFMT) != S_IFREG { return "not a regular file" }
    if status.st_uid != geteuid() { return "not owned by this user" }
    return nil
  }

  /// A log's bytes, or nil when it is not a regular file (a device or a pipe put in its
  /// place is never read) or cannot be read.
  private static func readWhole(_ descriptor: Int32, _ path: String) -> [UInt8]? {
    var status = stat()
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      return nil
    }
    return try? InputFile.read(descriptor: descriptor, name: path)
  }

  /// The newest record under `key`, or of a stage of a workflow.
  func record(key: String) -> CacheStore.Lookup {
    lock.withLock {
      _ = openOnce()
      return byKey[key].map(read) ?? .absent
    }
  }

  func latest(_ name: StageName) -> CacheStore.Lookup {
    lock.withLock {
      _ = openOnce()
      return byStage[name].map(read) ?? .absent
    }
  }

  private func read(_ place: Place) -> CacheStore.Lookup {
    let result = files[place.file].withUnsafeBufferPointer {
      CacheRecord.read(in: UnsafeBufferPointer(rebasing: $0[place.start..<place.end]))
    }
    switch result {
    case .success(let record): return .record(record)
    case .failure(let problem) where problem.isOtherFormat: return .absent
    case .failure(let problem):
      return .corrupt(
        path: "at byte \(place.frame) of \(names[place.file])", reason: problem.reason)
    }
  }

  /// Appends `record` to this user's log, making the log when there is none.
  func append(_ record: CacheRecord) throws(IOError) {
    try lock.withLock { () throws(IOError) in
      _ = openOnce()
      if let refusal { throw IOError(.failed, path: path, reason: refusal) }
      if descriptor < 0 { try create() }
      let payload = record.bytes
      let frame = Self.frame(payload)
      // One write, which O_APPEND places whole after every other run's: never a second
      // call for the rest, which another run's frame could precede.
      let written = frame.withUnsafeBytes { raw in
        SystemCall.retrying { write(descriptor, raw.baseAddress!, raw.count) }
      }
      guard written == frame.count else {
        // A short write: the disk filled up or a file-size limit (`ulimit -f`) was
        // reached; the frame's checksum marks the part written as damaged.
        let reason =
          written < 0
          ? SystemError(errno).description
          : "only \(written) of \(frame.count) bytes written (disk full or file-size limit)"
        throw IOError(.failed, path: path, reason: "write error: " + reason)
      }
      let file = files.count - 1
      let place = Place(
        file: file, frame: files[file].count,
        start: files[file].count + frame.count - payload.count, end: files[file].count + frame.count
      )
      files[file] += frame
      byKey[record.key] = place
      byStage[StageName(workflow: record.workflow, stage: record.stage)] = place
    }
  }

  /// Makes this user's log with its first line, whole: written under a unique name and
  /// linked to its own, so that no run ever sees it without that line.
  private func create() throws(IOError) {
    let name = Self.name(user: geteuid())
    guard let new = Self.newFile(Self.header, in: folder, named: name) else {
      throw IOError(.failed, path: path, reason: "cannot create file: \(SystemError(errno))")
    }
    close(new.descriptor)
    // Another run may have made it first: then that one is used.
    let linked = link(new.path, path) == 0 || errno == EEXIST
    unlink(new.path)
    let descriptor = Glibc.open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
    guard linked, descriptor >= 0 else {
      throw IOError(.failed, path: path, reason: "cannot create file: \(SystemError(errno))")
    }
    if let problem = Self.refusal(of: descriptor, path) {
      close(descriptor)
      refusal = problem
      throw IOError(.failed, path: path, reason: problem)
    }
    guard let shared = lockShared(descriptor) else {
      throw IOError(.failed, path: path, reason: "cannot lock it")
    }
    self.descriptor = shared
  }
}
