import FlowTestSupport
import Foundation
import Glibc
import Testing

@testable import FlowCore

@Suite struct UserDirectoriesTests {
  @Test func variablesComeFirstThenHome() {
    let set = UserDirectories(
      environment: ["HOME": "/h", "XDG_CACHE_HOME": "/c"], passwordHome: { "/p" })
    #expect(set.cache == "/c")
    #expect(set.config == "/h/.config")
    #expect(set.privateFolder == nil)
  }

  /// HOME unset (or empty) falls back to the password database's home, not to /tmp.
  @Test func homeUnsetUsesThePasswordDatabase() {
    for environment: EnvironmentMap in [[:], ["HOME": ""]] {
      let directories = UserDirectories(environment: environment, passwordHome: { "/p" })
      #expect(directories.cache == "/p/.cache")
      #expect(directories.flowConfig == "/p/.config/flow")
      #expect(directories.privateFolder == nil)
    }
  }

  /// With no home at all, the cache lies in a folder of this user's own (named after the
  /// uid), made with mode 0700, never in the shared temporary folder itself.
  @Test func noHomeUsesAPrivateFolderPerUser() throws {
    let folder = try TemporaryFolder()
    let directories = UserDirectories(
      environment: ["TMPDIR": folder.path], passwordHome: { nil })
    let expected = folder.path + "/flow-\(geteuid())"
    #expect(directories.privateFolder == expected)
    #expect(directories.flowCache == expected + "/.cache/flow")
    #expect(directories.checkPrivateFolder() == nil)
    var status = stat()
    #expect(lstat(expected, &status) == 0)
    #expect(status.st_mode & 0o777 == 0o700)
    #expect(status.st_uid == geteuid())
  }

  /// A private folder someone else could have made or can write is not used.
  @Test func privateFolderOpenToOthersOrALinkIsRefused() throws {
    let folder = try TemporaryFolder()
    let directories = UserDirectories(
      environment: ["TMPDIR": folder.path], passwordHome: { nil })
    let path = try #require(directories.privateFolder)
    #expect(mkdir(path, 0o700) == 0)
    #expect(chmod(path, 0o777) == 0)
    #expect(directories.checkPrivateFolder() == "writable by others")
    #expect(rmdir(path) == 0)
    #expect(mkdir(folder.path + "/elsewhere", 0o700) == 0)
    #expect(symlink(folder.path + "/elsewhere", path) == 0)
    #expect(directories.checkPrivateFolder() == "not a folder")
  }

  /// The password database is asked for this user's home, which exists.
  @Test func passwordHomeIsAnExistingFolder() {
    if let home = UserDirectories.passwordHome() {
      var status = stat()
      #expect(stat(home, &status) == 0)
      #expect(home.hasPrefix("/"))
    }
  }
}
