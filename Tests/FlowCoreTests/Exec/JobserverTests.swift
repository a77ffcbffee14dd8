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

@Suite struct JobserverJoiningTests {
  @Test func anUnreachableJobserverRunsOneStageAtATime() {
    let joined = Jobserver.join(makeflags: "--jobserver-auth=900,901", jobs: 4, stageCount: 2)
    #expect(joined.jobserver == nil && joined.jobs == 1)
    #expect(joined.note?.hasSuffix("; running one stage at a time") == true)
    let single = Jobserver.join(makeflags: "--jobserver-auth=900,901", jobs: nil, stageCount: 1)
    #expect(single.jobs == 1 && single.note == nil)
  }

  @Test func withoutAJobserverTheLimitStays() {
    let joined = Jobserver.join(makeflags: "-j4", jobs: 3, stageCount: 5)
    #expect(joined.jobserver == nil && joined.jobs == 3 && joined.note == nil)
  }
}
