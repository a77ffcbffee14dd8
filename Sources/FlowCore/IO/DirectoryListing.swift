import Glibc

/// The entries of one folder, read with `opendir`/`readdir`.
public enum DirectoryListing {
  /// The names in `folder` without `.` and `..`, sorted by byte order; nil when it cannot
  /// be opened.
  public static func names(in folder: String) -> [String]? {
    var names: [String] = []
    let opened = walk(folder) { name in
      names.append(name)
      return true
    }
    guard opened else { return nil }
    // Among ASCII names String's own order is byte order, and far cheaper than walking two
    // UTF-8 views per comparison (a rez repository lists thousands of names).
    if names.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) { return names.sorted() }
    return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
  }

  /// Whether some name in `folder` (without `.` and `..`) satisfies `test`, taken in the
  /// order the folder gives them and no further than the first that does: a question about
  /// any entry of a large folder needs neither all its names nor their order. Nil when it
  /// cannot be opened.
  public static func contains(in folder: String, where test: (String) -> Bool) -> Bool? {
    var found = false
    let opened = walk(folder) { name in
      found = test(name)
      return !found
    }
    return opened ? found : nil
  }

  /// Gives `folder`'s names (without `.` and `..`) to `take` in the order the folder gives
  /// them, while it returns true; false when the folder cannot be opened.
  ///
  /// A name is read where it lies in the entry, up to its terminating zero: `readdir`
  /// returns records only as long as their name, so copying the whole `d_name` array
  /// would read past the end of the last record in the buffer.
  private static func walk(_ folder: String, _ take: (String) -> Bool) -> Bool {
    guard let directory = opendir(folder) else { return false }
    defer { closedir(directory) }
    let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    while let entry = readdir(directory) {
      let start = (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self)
      let name = String(cString: start)
      if name != "." && name != ".." && !take(name) { break }
    }
    return true
  }
}
