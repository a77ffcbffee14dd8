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
}
