import Foundation
import Testing

@testable import FlowCore

@Suite struct JobserverTests {
  @Test func takesAndReturnsSlotsThroughAFifo() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "flow-jobserver-" + UUID().uuidString
    ).path
    #expect(mkfifo(path, 0o600) == 0)
    defer { unlink(path) }
    let make = open(path, O_RDWR)
    defer { close(make) }
    #expect(write(make, "++", 2) == 2)
    let jobserver = try #require(
      try Jobserver.connect(makeflags: " -j3 --jobserver-auth=fifo:\(path)"))
    let first = try #require(jobserver.acquire())
    #expect(jobserver.acquire() != nil)
    #expect(jobserver.acquire() == nil)
    jobserver.release(first)
    #expect(jobserver.acquire() == UInt8(ascii: "+"))
  }

  @Test func noJobserverWithoutTheFlag() throws {
    #expect(try Jobserver.connect(makeflags: nil) == nil)
    #expect(try Jobserver.connect(makeflags: "-j4 -s") == nil)
  }

  @Test func closedDescriptorsAreAnError() {
    #expect(throws: ExecError.self) { try Jobserver.connect(makeflags: "--jobserver-auth=900,901") }
  }
}
