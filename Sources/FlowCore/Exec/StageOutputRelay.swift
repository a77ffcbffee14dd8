import Glibc

/// A stage's output through a pipe instead of straight into its log: what arrives is
/// written to the log file and handed on line by line (for `stage-output` events and
/// prefixed terminal output).
///
/// Everything here is bounded, so a stage that writes without end (`yes`, `cat
/// /dev/zero`) cannot starve the runner's loop or grow its memory: each wake-up reads
/// at most `wakeUpLimit` bytes or the reads that make `wakeUpLines` lines, and goes back
/// to the loop, which serves its timers and signals; what is not read yet waits in the
/// pipe, whose full buffer holds the writer back. A line longer than `lineLimit` is handed on cut and marked; the log gets every
/// byte.
final class StageOutputRelay {
  /// Bytes read at once: at most this many lines come of one read.
  static let readSize = 1 << 14
  /// Bytes read per wake-up, at most.
  static let wakeUpLimit = 1 << 20
  /// No further read in this wake-up once this many lines were read.
  static let wakeUpLines = 4096
  /// A longer line is handed on as its first `lineLimit` bytes.
  static let lineLimit = 1 << 16
  /// After the stage ended, bytes still read at most: its processes were killed, so only
  /// an escaped writer that kept the pipe open can reach this.
  static let finalLimit = 1 << 22
  /// What ends a line handed on cut.
  static let cutMark = " [cut at \(lineLimit) bytes; the log has the whole line]"

  /// The read end, non-blocking, for `poll`.
  let readDescriptor: Int32
  /// The write end, for the child; closed here once the child has started.
  private(set) var writeDescriptor: Int32
  private let log: Int32
  private var splitter = LineSplitter(maxLength: lineLimit)
  /// The first failure to write the log (a full disk): the stage goes on, its end says so.
  private(set) var logFailure: SystemError?
  private var buffer = [UInt8](repeating: 0, count: readSize)

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

  /// Reads what is there, within this wake-up's bounds; returns the complete lines.
  func drain() -> [String] {
    var lines: [LineSplitter.Line] = []
    var total = 0
    while total < Self.wakeUpLimit && lines.count < Self.wakeUpLines {
      let count = read(into: &lines)
      if count <= 0 { break }
      total += count
    }
    return lines.map(Self.text)
  }

  /// After the stage ended: reads what is left, up to `finalLimit` bytes, and returns
  /// the lines with a last one that no newline ended. When more was left, the log says
  /// so.
  func drainAfterEnd() -> [String] {
    var lines: [LineSplitter.Line] = []
    var total = 0
    while total < Self.finalLimit {
      let count = read(into: &lines)
      if count <= 0 { break }
      total += count
    }
    if total >= Self.finalLimit {
      let note =
        "\n[flow-exec: output after this point was not read: the stage ended, "
        + "yet something it started kept writing]\n"
      try? Descriptor.writeAll(Array(note.utf8), to: log)
    }
    if let last = splitter.rest() { lines.append(LineSplitter.Line(bytes: last)) }
    return lines.map(Self.text)
  }

  /// One read: the bytes go to the log and the lines they complete to `lines`.
  private func read(into lines: inout [LineSplitter.Line]) -> Int {
    let capacity = buffer.count
    let count = SystemCall.retrying { Glibc.read(readDescriptor, &buffer, capacity) }
    guard count > 0 else { return count }
    // A log that cannot be written must not stop the relay or the stage.
    do throws(SystemError) {
      try Descriptor.writeAll(Array(buffer[..<count]), to: log)
    } catch {
      logFailure = logFailure ?? error
    }
    lines += splitter.splitLines(adding: buffer[..<count])
    return count
  }

  private static func text(_ line: LineSplitter.Line) -> String {
    String(decoding: line.bytes, as: UTF8.self) + (line.isCut ? cutMark : "")
  }

  deinit {
    close(readDescriptor)
    if writeDescriptor >= 0 { close(writeDescriptor) }
    close(log)
  }
}
