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

  /// Reports `message` and ends the process with `status`.
  public func fail(_ message: String, status: ExitStatus) -> Never {
    report(message)
    exit(status.rawValue)
  }

  /// Writes a result to standard output or atomically to `path`, ending the process
  /// with 74 when that fails.
  public func emit(_ bytes: [UInt8], to path: String? = nil) {
    do throws(IOError) {
      try OutputFile.write(bytes, to: path)
    } catch {
      fail(error.description, status: .ioError)
    }
  }

  /// Reads an input file (or standard input for `-`), ending the process with 66 or
  /// 74 when that fails.
  public func read(_ path: String) -> [UInt8] {
    do throws(IOError) {
      return try InputFile.read(path)
    } catch {
      fail(error.description, status: error.exitStatus)
    }
  }
}

/// The toolkit's version, printed by every tool's `--version`.
public enum FlowVersion {
  public static let current = "0.1.0"
}
