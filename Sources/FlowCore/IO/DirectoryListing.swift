import Glibc

/// The entries of one folder, read with `opendir`/`readdir`.
public enum DirectoryListing {
  /// The names in `folder` without `.` and `..`, sorted by byte order; nil when it cannot
  /// be opened.
  ///
  /// A name is read where it lies in the entry, up to its terminating zero: `readdir`
  /// returns records only as long as their name, so copying the whole `d_name` array
  /// would read past the end of the last record in the buffer.
  public static func names(in folder: String) -> [String]? {
    guard let directory = opendir(folder) else { return nil }
    defer { closedir(directory) }
    let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    var names: [String] = []
    while let entry = readdir(directory) {
      let start = (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self)
      let name = String(cString: start)
      if name != "." && name != ".." { names.append(name) }
    }
    // Among ASCII names String's own order is byte order, and far cheaper than walking two
    // UTF-8 views per comparison (a rez repository lists thousands of names).
    if names.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) { return names.sorted() }
    return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }
}
