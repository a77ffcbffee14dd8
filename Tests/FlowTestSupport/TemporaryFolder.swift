import Foundation

/// A fresh folder under the system temporary folder, removed when the value goes away:
/// the one way the tests make scratch folders.
public final class TemporaryFolder {
  public let path: String

  public init() throws {
    path = NSTemporaryDirectory() + "flow-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// The folder as a file URL.
  public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes `text` to `relative` (creating folders) and returns the full path.
  @discardableResult
  public func write(_ relative: String, _ text: String) throws -> String {
    let full = path + "/" + relative
    try FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: full, atomically: true, encoding: .utf8)
    return full
  }

  /// Writes `bytes` as they are to `relative` and returns the full path.
  @discardableResult
  public func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
    let full = path + "/" + relative
    try Data(bytes).write(to: URL(fileURLWithPath: full))
    return full
  }
}
