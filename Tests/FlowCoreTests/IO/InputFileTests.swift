import Foundation
import Testing

@testable import FlowCore

@Suite struct InputFileTests {
  /// An endless input (here `/dev/zero`) is refused once it passes the limit instead of
  /// being read until memory runs out.
  @Test func endlessInputIsRefusedAtTheLimit() {
    #expect(throws: IOError.self) { try InputFile.read("/dev/zero", limit: 1 << 20) }
    do {
      _ = try InputFile.read("/dev/zero", limit: 1 << 20)
    } catch {
      #expect(error.kind == .failed)
      #expect(error.description == "/dev/zero: longer than 1 MiB: refusing to read it")
    }
  }

  @Test func regularFileOverTheLimitIsRefusedBeforeReading() throws {
    let path = NSTemporaryDirectory() + "flow-input-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data(repeating: 0x41, count: 3000).write(to: URL(fileURLWithPath: path))
    #expect(throws: IOError.self) { try InputFile.read(path, limit: 2048) }
    #expect(try InputFile.read(path, limit: 3000).count == 3000)
  }

  /// A pipe is read in chunks that are joined at the end: every byte comes back, in order.
  @Test func aPipeLongerThanManyChunksIsReadWhole() throws {
    let path = NSTemporaryDirectory() + "flow-fifo-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(mkfifo(path, 0o600) == 0)
    // Random bytes, past the sixth chunk (64 KiB doubling: 4 MiB in six).
    let random = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
    let expected = random.readData(ofLength: (5 << 20) + 12345)
    try random.close()
    let writer = Thread {
      let handle = FileHandle(forWritingAtPath: path)
      handle?.write(expected)
      try? handle?.close()
    }
    writer.start()
    let bytes = try InputFile.read(path, limit: 6 << 20)
    #expect(bytes.count == expected.count)
    #expect(Data(bytes) == expected)
  }

  /// A regular file from `sizeReadInHalves` bytes is read in two halves at once: every
  /// byte comes back in order, at every size around an odd or even split, and from a
  /// descriptor part-way into its file (standard input may start there), whose offset is
  /// left past what was read.
  @Test func aLargeFileReadInHalvesIsReadWhole() throws {
    let path = NSTemporaryDirectory() + "flow-halves-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: path) }
    let random = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
    let threshold = InputFile.sizeReadInHalves
    let all = [UInt8](random.readData(ofLength: threshold + 3))
    try random.close()
    for size in [threshold - 1, threshold, threshold + 1, threshold + 3] {
      let expected = Array(all[..<size])
      try Data(expected).write(to: URL(fileURLWithPath: path))
      #expect(try InputFile.read(path) == expected, "size \(size)")
      let descriptor = open(path, O_RDONLY)
      try #require(descriptor >= 0)
      defer { close(descriptor) }
      #expect(lseek(descriptor, 5, SEEK_SET) == 5)
      let rest = try InputFile.read(descriptor: descriptor, name: path)
      #expect(rest == Array(expected[5...]), "size \(size) from offset 5")
      #expect(lseek(descriptor, 0, SEEK_CUR) == off_t(size))
    }
  }
}
