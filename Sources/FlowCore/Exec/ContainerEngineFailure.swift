import Glibc

/// A container engine's own failure, told apart from the stage's: the engine client killed
/// by a signal flow-exec did not send (the container it started may still run), or
/// podman's and docker's own statuses 125 (the engine failed), 126 (the command cannot be
/// invoked in the image) and 127 (no such command in the image), recognised by the error
/// line the engine writes last (`Error: …`; `docker: …` from docker). The same numbers
/// without that line are the stage's own statuses and stay so.
public struct ContainerEngineFailure: Sendable, Equatable {
  /// 125 when the engine failed or died, else the engine's 126 or 127.
  public var status: Int32
  public var message: String

  /// - Parameters:
  ///   - status: how the engine client ended: its exit status, or 128 + N for signal N.
  ///   - signal: the signal that ended the engine client, if one did.
  ///   - stoppedByRunner: whether flow-exec itself signalled the client (stop, timeout).
  ///   - lastLine: the last line the client and the container wrote.
  public init?(
    engine: ContainerEngine, container: String, status: Int32, signal: Int32?,
    stoppedByRunner: Bool, lastLine: String?
  ) {
    if let signal {
      guard !stoppedByRunner else { return nil }
      self.status = ExitStatus.toolFailed.rawValue
      message =
        "container engine \(engine.rawValue) was killed by \(SignalName.of(signal))"
        + " while container \(container) ran"
      return
    }
    guard engine != .apptainer,
      (ExitStatus.toolFailed.rawValue...ExitStatus.notFound.rawValue).contains(status),
      let lastLine,
      Self.isEngineError(lastLine, engine: engine)
    else { return nil }
    self.status = status
    let what =
      switch status {
      case ExitStatus.toolFailed.rawValue: "failed"
      case ExitStatus.cannotRun.rawValue: "could not run the stage's command in the image"
      default: "found no such command in the image"
      }
    message = "container engine \(engine.rawValue) \(what) (status \(status)): \(lastLine)"
  }

  static func isEngineError(_ line: String, engine: ContainerEngine) -> Bool {
    line.hasPrefix("Error: ") || line.hasPrefix("Error response from daemon")
      || (engine == .docker && line.hasPrefix("docker: "))
  }

  /// The last non-blank line of the file, read from its last 4 KiB.
  public static func lastLine(of path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    let size = lseek(descriptor, 0, SEEK_END)
    guard size > 0 else { return nil }
    let start = max(0, size - 4096)
    var bytes = [UInt8](repeating: 0, count: Int(size - start))
    let count = pread(descriptor, &bytes, bytes.count, start)
    guard count > 0 else { return nil }
    let text = String(decoding: bytes.prefix(count), as: UTF8.self)
    return text.split(separator: "\n").map { $0.trimmedString }.last { !$0.isEmpty }
  }
}
