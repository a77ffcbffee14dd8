import Glibc

/// What `stat` says about a file that changes when its bytes may have: device, inode,
/// size and modification time. A file whose stamp is the one recorded with a digest is
/// taken to still have that digest, so an unchanged file costs one `stat`; a changed
/// stamp alone (a `touch`) costs reading the file again, never a rerun.
public struct FileStamp: Sendable, Hashable {
  public var device: UInt64
  public var inode: UInt64
  public var size: Int64
  public var modifiedSeconds: Int64
  public var modifiedNanoseconds: Int64

  /// The stamp of the file at `path`, following links; nil when there is none.
  public init?(path: String) {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    self.init(info)
  }

  init(_ info: stat) {
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
    size = Int64(info.st_size)
    modifiedSeconds = Int64(info.st_mtim.tv_sec)
    modifiedNanoseconds = Int64(info.st_mtim.tv_nsec)
  }

  init(
    device: UInt64, inode: UInt64, size: Int64, modifiedSeconds: Int64,
    modifiedNanoseconds: Int64
  ) {
    self.device = device
    self.inode = inode
    self.size = size
    self.modifiedSeconds = modifiedSeconds
    self.modifiedNanoseconds = modifiedNanoseconds
  }
}

/// The digests of the files stages declare, for one run: each file is read at most once
/// per stamp, and stamps remembered from records spare reading unchanged files at all.
public final class FileDigests {
  /// What a declared path named when it was looked at.
  public enum Content: Sendable, Hashable {
    case file(stamp: FileStamp, digest: String)
    /// A folder: only that it is there is part of the key, not what it holds.
    case folder
    case missing
    /// There, but not readable.
    case unreadable

    /// The text a key holds for it.
    public var digest: String {
      switch self {
      case .file(_, let digest): digest
      case .folder: "folder"
      case .missing: "missing"
      case .unreadable: "unreadable"
      }
    }

    public var stamp: FileStamp? {
      if case .file(let stamp, _) = self { return stamp }
      return nil
    }

    /// What its `stat` said, without the digest.
    public var look: Look {
      switch self {
      case .file(let stamp, _): .file(stamp)
      case .folder: .folder
      case .missing: .missing
      case .unreadable: .unreadable
      }
    }
  }

  /// The workflow folder the declared paths are relative to.
  public let folder: String
  private var known: [String: (stamp: FileStamp, digest: String)] = [:]

  public init(folder: String) {
    self.folder = folder
  }

  /// Remembers that the file at the relative `path` had `digest` while it had `stamp`.
  public func remember(_ path: String, stamp: FileStamp, digest: String) {
    if known[path] == nil { known[path] = (stamp, digest) }
  }

  /// What the file at the relative `path` holds now.
  public func content(of path: String) -> Content {
    let full = folder + "/" + path
    let stamp: FileStamp
    switch Self.look(at: full) {
    case .file(let found): stamp = found
    case .folder: return .folder
    case .missing: return .missing
    case .unreadable: return .unreadable
    }
    if let earlier = known[path], earlier.stamp == stamp {
      return .file(stamp: stamp, digest: earlier.digest)
    }
    guard let digest = SHA256.file(full) else { return .unreadable }
    known[path] = (stamp, digest)
    return .file(stamp: stamp, digest: digest)
  }

  /// What a path names as its `stat` alone says: a file's stamp, without its digest.
  public enum Look: Sendable, Hashable {
    case file(FileStamp)
    case folder
    case missing
    case unreadable
  }

  /// What is at `path` (absolute, or relative to the current folder) now, from one `stat`.
  public static func look(at path: String) -> Look {
    var info = stat()
    guard stat(path, &info) == 0 else {
      return errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable
    }
    return (info.st_mode & S_IFMT) == S_IFDIR ? .folder : .file(FileStamp(info))
  }

  /// Whether the relative `path` is one of `patterns` or matches one as a glob.
  public static func matches(_ path: String, anyOf patterns: [String]) -> Bool {
    patterns.contains { pattern in
      // A pattern without glob characters or escapes matches only itself: no `fnmatch`
      // (and no C strings made) for the plain paths most stages declare.
      pattern == path
        || (isPattern(pattern, escapes: true)
          && fnmatch(pattern, path, FNM_PATHNAME | FNM_PERIOD) == 0)
    }
  }

  /// Whether `entry` holds a glob character (`*`, `?`, `[`), or with `escapes` a backslash.
  static func isPattern(_ entry: String, escapes: Bool = false) -> Bool {
    entry.utf8.contains { $0 == 42 || $0 == 63 || $0 == 91 || (escapes && $0 == 92) }
  }

  /// The paths a declared entry names, relative and in byte order: itself when it has no
  /// glob characters (there or not), else the files that match it now.
  public func expand(_ pattern: String) -> [String] {
    guard Self.isPattern(pattern) else { return [pattern] }
    var found = glob_t()
    defer { globfree(&found) }
    let escapedFolder = String(
      folder.flatMap { "*?[\\".contains($0) ? ["\\", $0] : [$0] })
    guard glob(escapedFolder + "/" + pattern, 0, nil, &found) == 0 else { return [] }
    let prefix = folder.utf8.count + 1
    var paths: [String] = []
    for index in 0..<Int(found.gl_pathc) {
      guard let entry = found.gl_pathv[index] else { continue }
      let path = String(cString: entry)
      paths.append(String(decoding: path.utf8.dropFirst(prefix), as: UTF8.self))
    }
    return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }
}
