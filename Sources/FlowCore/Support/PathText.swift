import Glibc

/// Lexical path arithmetic: absolute paths without `.` and `..` parts.
public enum PathText {
  /// The process's working directory.
  public static var currentDirectory: String {
    guard let pointer = getcwd(nil, 0) else { return "/" }
    defer { free(pointer) }
    return String(cString: pointer)
  }

  /// `path` made absolute against `base` (itself absolute), then normalised.
  public static func absolute(_ path: String, relativeTo base: String) -> String {
    normalized(path.hasPrefix("/") ? path : base + "/" + path)
  }

  /// An absolute path with `.`, `..` and repeated slashes removed.
  public static func normalized(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == ".." {
        _ = parts.popLast()
        continue
      }
      parts.append(part)
    }
    return "/" + parts.joined(separator: "/")
  }

  /// The folder holding `path` (absolute).
  public static func directory(of path: String) -> String {
    var path = path
    return path.withUTF8 { bytes in
      guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")), slash > 0 else { return "/" }
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<slash]), as: UTF8.self)
    }
  }

  /// What the symbolic link at `path` points to, as written; nil when it is no link.
  public static func linkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
