internal import CFlowSystem
import Glibc

/// The entries of one folder, read with `getdents64`.
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
  /// The first read asks the kernel for a few dozen entries, the next ones for 32 KiB at a
  /// time: a question answered by the first entries (`contains`) then costs no more than
  /// they do, where reading a 32 KiB buffer of a rez repository's thousand package folders
  /// took 0.4 ms. A name is read where it lies in its record, up to its terminating zero.
  private static func walk(_ folder: String, _ take: (String) -> Bool) -> Bool {
    let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 32 << 10, alignment: 8)
    defer { buffer.deallocate() }
    // The inode, the offset, the record's length, the type: the name starts after them.
    let lengthOffset = 16
    let nameOffset = 19
    var size = 2 << 10
    while true {
      let count = flow_read_directory(descriptor, buffer, size)
      guard count > 0 else { return true }
      var offset = 0
      while offset < count {
        let record = buffer + offset
        let length = Int(record.loadUnaligned(fromByteOffset: lengthOffset, as: UInt16.self))
        guard length > nameOffset else { return true }
        let name = String(cString: (record + nameOffset).assumingMemoryBound(to: CChar.self))
        if name != "." && name != ".." && !take(name) { return true }
        offset += length
      }
      size = 32 << 10
    }
  }
}
