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

  /// rez's `ModifyList` adds to what the files before gave (rez's default for the first),
  /// and a list built from the file's names and the environment is worked out as rez
  /// loads the file.
  @Test func modifyListsAndComputedListsAreWorkedOut() throws {
    let home = try TemporaryFolder()
    let studio = try home.write(
      "studio.py",
      """
      import os
      ModifyList = globals()["ModifyList"]
      root = os.getenv("STUDIO_ROOT", "/mnt/studio")
      local = os.path.join(os.path.expanduser("~"), "dev", "packages")
      packages_path = ModifyList(
          prepend=[local],  # a comment
          append=[os.path.join(root, "ext"), os.environ["SITE"] + "/int"],
      )

      """)
    let site = try home.write(
      "site.py", "packages_path = ModifyList(['/first'])\nplugins = {'x': ModifyList()}\n")
    let computed = try home.write(
      "computed.py",
      "import os\nbase = '/srv'\npackages_path = [base + '/a', os.path.join(base, 'b')]\n")
    var environment: EnvironmentMap = ["HOME": "/home/u", "SITE": "/site"]
    environment["REZ_CONFIG_FILE"] = studio + ":" + site
    #expect(
      RezConfiguration.packagesPath(environment: environment, home: nil)
        == .folders(
          ["/first", "/home/u/dev/packages"] + RezConfiguration.defaultPackagesPath
            + ["/mnt/studio/ext", "/site/int"]))
    environment["REZ_CONFIG_FILE"] = computed + ":" + studio
    environment["STUDIO_ROOT"] = "/s"
    #expect(
      RezConfiguration.packagesPath(environment: environment, home: nil)
        == .folders(["/home/u/dev/packages", "/srv/a", "/srv/b", "/s/ext", "/site/int"]))
  }

  @Test func aSettingFlowCannotReadWithoutRunningTheFileIsUnread() throws {
    let home = try TemporaryFolder()
    for (name, text) in [
      ("numbers.py", "packages_path = [1, 2]\n"),
      // A string of folders, which rez refuses in a file (only its variable splits one).
      ("string.py", "packages_path = '/a:/b'\n"),
      ("unknown.py", "packages_path = ModifyList(append=[f()])\n"),
      ("keyword.py", "packages_path = ModifyList(extend=['/x'])\n"),
      ("block.py", "import os\nif os.name == 'nt':\n    packages_path = ['C:/p']\n"),
      ("changed.py", "packages_path = ['/a']\npackages_path.append('/b')\n"),
      ("unset.py", "import os\npackages_path = [os.environ['NOT_SET_HERE']]\n"),
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
