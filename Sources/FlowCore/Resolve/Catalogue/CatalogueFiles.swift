import Glibc

/// The few file-system calls the catalogue needs: read a file, list a folder, stat a path.
enum CatalogueFiles {
  struct Status: Hashable, Sendable {
    var isDirectory: Bool
    var size: Int64
    var modifiedSeconds: Int64
    var modifiedNanoseconds: Int64
  }

  static func status(_ path: String) -> Status? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    #if canImport(Darwin)
      let modified = info.st_mtimespec
    #else
      let modified = info.st_mtim
    #endif
    return Status(
      isDirectory: (info.st_mode & S_IFMT) == S_IFDIR, size: Int64(info.st_size),
      modifiedSeconds: Int64(modified.tv_sec), modifiedNanoseconds: Int64(modified.tv_nsec))
  }

  /// The absolute path without symbolic links or `..`, or the path as given when it does
  /// not exist.
  static func canonical(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The file's bytes (through `InputFile`, so an endless file is refused at its limit);
  /// nil when it cannot be read.
  static func readBytes(_ path: String) -> [UInt8]? {
    try? InputFile.read(path)
  }

  static func read(_ path: String) -> String? {
    readBytes(path).map { String(decoding: $0, as: UTF8.self) }
  }

  /// Names in a folder ending in `suffix`, sorted by byte order; empty when it is missing.
  static func list(_ folder: String, suffix: String) -> [String] {
    (DirectoryListing.names(in: folder) ?? []).filter {
      $0.hasSuffix(suffix) && !$0.hasPrefix(".")
    }
  }
}
