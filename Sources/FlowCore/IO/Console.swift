import Glibc

/// Diagnostics for people, on standard error, as `tool: message`.
public struct Console: Sendable {
  /// The tool's name as installed, e.g. `flow-parse`.
  public let tool: String

  public init(tool: String) {
    self.tool = tool
  }

  /// Writes `tool: message` and a newline to standard error.
  public func report(_ message: String) {
    // Nowhere is left to report a failing standard error to.
    try? Descriptor.writeAll(Array("\(tool): \(message)\n".utf8), to: STDERR_FILENO)
  }

  /// Writes a result to standard output or atomically to `path` (a failure is 74).
  public func emit(_ bytes: [UInt8], to path: String? = nil) throws(IOError) {
    try OutputFile.write(bytes, to: path)
  }

  /// Reads an input file, or standard input for `-` (a failure is 66 or 74).
  public func read(_ path: String) throws(IOError) -> [UInt8] {
    try InputFile.read(path)
  }
}

/// The toolkit's version, printed by every tool's `--version`.
public enum FlowVersion {
  public static let current = "0.1.0"
}
