import Glibc

/// A stage's output through a pipe instead of straight into its log: what arrives is
/// written to the log file and handed on line by line (for `stage-output` events and
/// prefixed terminal output).
final class StageOutputRelay {
  /// The read end, non-blocking, for `poll`.
  let readDescriptor: Int32
  /// The write end, for the child; closed here once the child has started.
  private(set) var writeDescriptor: Int32
  private let log: Int32
  private var splitter = LineSplitter()

  /// Takes ownership of `log`.
  init(log: Int32) throws(ExecError) {
    let ends: (read: Int32, write: Int32)
    do throws(SystemError) {
      ends = try Descriptor.makePipe(nonBlockingRead: true)
    } catch {
      throw .system(call: "pipe", errno: error.code)
    }
    readDescriptor = ends.read
    writeDescriptor = ends.write
    self.log = log
  }

  /// The child has its copy of the write end: this one goes, so the pipe ends with it.
  func childStarted() {
    close(writeDescriptor)
    writeDescriptor = -1
  }

  /// Reads what is there; returns the complete lines. With `final`, a last line without
  /// a newline is returned too.
  func drain(final: Bool = false) -> [String] {
    var lines: [[UInt8]] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = SystemCall.retrying { read(readDescriptor, &buffer, buffer.count) }
      if count <= 0 { break }
      // A log that cannot be written must not stop the relay or the stage.
      try? Descriptor.writeAll(Array(buffer[..<count]), to: log)
      lines += splitter.lines(adding: buffer[..<count])
    }
    if final, let last = splitter.rest() { lines.append(last) }
    return lines.map { String(decoding: $0, as: UTF8.self) }
  }

  deinit {
    close(readDescriptor)
    if writeDescriptor >= 0 { close(writeDescriptor) }
    close(log)
  }
}
