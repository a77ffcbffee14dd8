import FlowTestSupport
import Glibc
import Testing

@testable import FlowCore

@Suite struct DescriptorTests {
  @Test func writesEverythingAndReadsItBackUpToALimit() throws {
    let ends = try Descriptor.makePipe()
    let bytes = (0..<50_000).map { UInt8(truncatingIfNeeded: $0) }
    try Descriptor.writeAll(bytes, to: ends.write)
    close(ends.write)
    #expect(try Descriptor.readAll(from: ends.read, limit: 1000) == Array(bytes.prefix(1000)))
    #expect(try Descriptor.readAll(from: ends.read) == Array(bytes.dropFirst(1000)))
    close(ends.read)
  }

  @Test func pipesAreCloseOnExec() throws {
    let ends = try Descriptor.makePipe(nonBlockingRead: true)
    defer {
      close(ends.read)
      close(ends.write)
    }
    #expect(fcntl(ends.read, F_GETFD) & FD_CLOEXEC != 0)
    #expect(fcntl(ends.write, F_GETFD) & FD_CLOEXEC != 0)
    #expect(fcntl(ends.read, F_GETFL) & O_NONBLOCK != 0)
  }

  @Test func aFailedWriteIsAnErrorWithItsErrno() throws {
    let ends = try Descriptor.makePipe()
    close(ends.read)
    close(ends.write)
    // The signal disposition is shared with every other test: a closed descriptor, not a
    // closed pipe.
    #expect(throws: SystemError(EBADF)) { try Descriptor.writeAll([1, 2, 3], to: ends.write) }
  }

  @Test func makesFoldersAndTheirParents() throws {
    let folder = try TemporaryFolder()
    #expect(Directories.make(folder.path + "/a/b/c"))
    #expect(Directories.make(folder.path + "/a/b/c"))
    let file = try folder.write("file", "x")
    #expect(!Directories.make(file + "/below"))
  }
}
