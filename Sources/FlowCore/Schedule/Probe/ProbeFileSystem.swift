import Glibc

/// Reads `/sys`, `/proc` and `/dev` below a root folder, so a fixture tree can stand in
/// for the machine. Paths given to it are absolute (`/proc/meminfo`); the root is
/// prefixed. Every read is small and best effort: a missing file is `nil`, never an error.
public struct ProbeFileSystem: Sendable {
  /// The folder that plays the part of `/`.
  public let root: String

  public init(root: String = "/") {
    var trimmed = root
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    self.root = trimmed.isEmpty ? "/" : trimmed
  }

  /// Whether the probe looks at the running machine itself.
  public var isLiveRoot: Bool { root == "/" }

  /// The real path of a machine path below the root.
  public func realPath(_ path: String) -> String {
    if root == "/" { return path }
    return root + (path.hasPrefix("/") ? path : "/" + path)
  }

  /// The content of a file, or `nil` when it cannot be opened (empty when reading it
  /// fails). Reads at most `limit` bytes.
  public func read(_ path: String, limit: Int = 1 << 20) -> String? {
    let descriptor = open(realPath(path), O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    let bytes = (try? Descriptor.readAll(from: descriptor, limit: limit)) ?? []
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The first line of a file with surrounding blanks removed.
  public func readValue(_ path: String) -> String? {
    guard let text = read(path, limit: 4096) else { return nil }
    let line = text.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
    return line.trimmedString
  }

  /// Whether something exists at the path (a file, folder or device node).
  public func exists(_ path: String) -> Bool {
    access(realPath(path), F_OK) == 0
  }

  /// The names in a folder, sorted, without `.` and `..`; empty when it cannot be read.
  public func list(_ path: String) -> [String] {
    DirectoryListing.names(in: realPath(path)) ?? []
  }

  /// The last component of a symbolic link's target (`driver` → `nvidia`).
  public func linkTargetName(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink(realPath(path), &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return target.split(separator: "/").last.map(String.init)
  }
}
