import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// Replacing a file keeps who may read it: `-o FILE` over a 0600 file of secrets left it
/// 0644.
@Suite struct OutputFileModeTests {
  func mode(_ path: String) -> mode_t {
    var status = stat()
    #expect(stat(path, &status) == 0)
    return status.st_mode & 0o7777
  }

  func umaskNow() -> mode_t {
    let mask = umask(0o022)
    umask(mask)
    return mask
  }

  @Test(arguments: [0o600, 0o640, 0o604, 0o755] as [mode_t])
  func anExistingFileKeepsItsMode(old: mode_t) throws {
    let scratch = try TemporaryFolder()
    let path = try scratch.write("secrets.env", "A=1\n")
    #expect(chmod(path, old) == 0)
    try OutputFile.write(Array("A=2\n".utf8), to: path)
    #expect(mode(path) == old)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "A=2\n")
  }

  @Test func theOwnerAndGroupAreKept() throws {
    let scratch = try TemporaryFolder()
    let path = try scratch.write("owned", "x")
    var before = stat()
    #expect(stat(path, &before) == 0)
    try OutputFile.write(Array("y".utf8), to: path)
    var after = stat()
    #expect(stat(path, &after) == 0)
    #expect(after.st_uid == before.st_uid && after.st_gid == before.st_gid)
  }

  @Test func aNewFileHonoursTheUmask() throws {
    let scratch = try TemporaryFolder()
    try OutputFile.write(Array("x".utf8), to: scratch.path + "/new")
    #expect(mode(scratch.path + "/new") == 0o666 & ~umaskNow())
    try OutputFile.writeAtomically(Array("x".utf8), to: scratch.path + "/private", newMode: 0o600)
    #expect(mode(scratch.path + "/private") == 0o600 & ~umaskNow())
  }

  /// The umask is read, never set and set back: a file another thread made in between
  /// would get the wrong mode.
  @Test func theUmaskIsReadWithoutChangingIt() {
    #expect(OutputFile.currentUmask() == umaskNow())
    let status = Array("Name:\tx\nUmask:\t0027\nState:\tR\n".utf8)
    #expect(OutputFile.umaskField(in: status) == 0o027)
    #expect(OutputFile.umaskField(in: Array("Umask:\t9\n".utf8)) == nil)
    #expect(OutputFile.umaskField(in: Array("Name:\tx\n".utf8)) == nil)
  }

  /// Through a symbolic link, the file the link names keeps its mode.
  @Test func aLinkedFileKeepsItsMode() throws {
    let scratch = try TemporaryFolder()
    let target = try scratch.write("target", "x")
    #expect(chmod(target, 0o600) == 0)
    #expect(symlink(target, scratch.path + "/link") == 0)
    try OutputFile.write(Array("y".utf8), to: scratch.path + "/link")
    #expect(mode(target) == 0o600)
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "y")
  }

  /// A name near NAME_MAX still leaves room for the temporary beside it.
  @Test func aLongFileNameCanBeReplaced() throws {
    let scratch = try TemporaryFolder()
    let path = scratch.path + "/" + String(repeating: "n", count: 250)
    try OutputFile.write(Array("1".utf8), to: path)
    try OutputFile.write(Array("2".utf8), to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "2")
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).count == 1)
  }
}
