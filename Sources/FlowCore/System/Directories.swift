import Glibc

/// Folders on disk.
public enum Directories {
  /// Creates `path` and the folders above it that are missing (`mkdir -p`); says whether
  /// `path` is a folder now.
  @discardableResult
  public static func make(_ path: String, mode: mode_t = 0o755) -> Bool {
    var prefix = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
      prefix += "/" + part
      if mkdir(prefix, mode) != 0 && errno != EEXIST { return false }
    }
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
  }
}
