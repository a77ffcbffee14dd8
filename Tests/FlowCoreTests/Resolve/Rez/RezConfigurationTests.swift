import FlowTestSupport
import Testing

@testable import FlowCore

/// rez's `packages_path` from rez's configuration files, read without running them.
@Suite struct RezConfigurationTests {
  @Test func aConfigurationPathIsReadAsPythonBesideItThenAsYAML() {
    #expect(RezConfiguration.pythonPath(of: "/home/u/.rezconfig") == "/home/u/.rezconfig.py")
    #expect(RezConfiguration.pythonPath(of: "/etc/rez/studio.yaml") == "/etc/rez/studio.py")
    #expect(RezConfiguration.pythonPath(of: "/etc/rez.d/studio") == "/etc/rez.d/studio.py")
  }

  @Test func laterFilesReplaceEarlierOnesAndTheHomeFileComesLast() throws {
    let home = try TemporaryFolder()
    let none = RezConfiguration.packagesPath(environment: [:], home: home.path)
    #expect(none == .folders(RezConfiguration.defaultPackagesPath))
    try home.write(
      "studio.py", "import os\npackages_path = ['/studio/int', '~/packages']\nother = f()\n")
    try home.write("site.yaml", "packages_path: [/site/a, /site/b]\n")
    try home.write(".rezconfig", "packages_path:\n  - /home/first\n")
    let files = home.path + "/studio.py:" + home.path + "/missing.py"
    #expect(
      RezConfiguration.packagesPath(environment: ["REZ_CONFIG_FILE": files], home: nil)
        == .folders(["/studio/int", "~/packages"]))
    #expect(
      RezConfiguration.packagesPath(
        environment: ["REZ_CONFIG_FILE": files + ":" + home.path + "/site.yaml"], home: nil)
        == .folders(["/site/a", "/site/b"]))
    #expect(
      RezConfiguration.packagesPath(environment: ["REZ_CONFIG_FILE": files], home: home.path)
        == .folders(["/home/first"]))
    #expect(
      RezConfiguration.packagesPath(
        environment: ["REZ_CONFIG_FILE": files, "REZ_DISABLE_HOME_CONFIG": "True"],
        home: home.path) == .folders(["/studio/int", "~/packages"]))
  }

  @Test func aSettingFlowCannotReadWithoutRunningTheFileIsUnread() throws {
    let home = try TemporaryFolder()
    for (name, text) in [
      ("modify.py", "packages_path = ModifyList(append=['/x'])\n"),
      ("numbers.py", "packages_path = [1, 2]\n"),
      // A string of folders, which rez refuses in a file (only its variable splits one).
      ("string.py", "packages_path = '/a:/b'\n"),
    ] {
      let file = try home.write(name, text)
      #expect(
        RezConfiguration.packagesPath(environment: ["REZ_CONFIG_FILE": file], home: nil)
          == .unread(file: file))
    }
  }

  /// Without any variable or file of flow's or Lifeblood's, rez's configured folders that
  /// hold packages are the catalogue; flow's own file comes before them.
  @Test func rezsConfiguredRepositoriesAreTheLastDefault() throws {
    let home = try TemporaryFolder()
    #expect(Catalogue.defaultSources(environment: ["HOME": home.path]) == [])
    try home.write("packages/tool/1.0/package.py", "name = 'tool'\n")
    #expect(Catalogue.defaultSources(environment: ["HOME": home.path]) == [home.path + "/packages"])
    try home.write(".rezconfig.py", "packages_path = ['~/studio', '~/packages']\n")
    try home.write("studio/maya/2024/package.py", "name = 'maya'\n")
    #expect(
      Catalogue.defaultSources(environment: ["HOME": home.path])
        == [home.path + "/studio", home.path + "/packages"])
    try home.write(".config/flow/packages.toml", "")
    #expect(
      Catalogue.defaultSources(environment: ["HOME": home.path])
        == [home.path + "/.config/flow/packages.toml"])
  }
}
