import FlowTestSupport
import Testing

@testable import FlowCore

@Suite struct CatalogueTests {
  static let houdini = """
    [packages."houdini.py3_10"."20.0.506"]
    label = "SideFX Houdini 20.0.506"
    priority = 60
    env.HFS = "/opt/hfs20.0.506"
    env.PATH.prepend = ["$HFS/bin", "/opt/extra"]
    env.PATH.append = "/opt/tail"
    env.X.set = ["p", "q"]
    requires = ["python ~=3.10"]
    conflicts = ["nuke"]

    [packages.python."3.10.4"]
    env.PYTHONHOME = "/opt/python3.10"

    [packages.python."3.11.1"]
    env.PYTHONHOME = "/opt/python3.11"
    """

  @Test func readsLifebloodEntriesAndOurAdditions() throws {
    let catalogue = try Catalogue(texts: [("a.toml", Self.houdini)])
    #expect(catalogue.names == ["houdini.py3_10", "python"])
    let entry = try #require(catalogue.versions(of: "houdini.py3_10").first)
    #expect(entry.label == "SideFX Houdini 20.0.506")
    #expect(entry.priority == 60)
    #expect(entry.definedAt == "a.toml:1")
    #expect(
      entry.variables == [
        VariableChange(name: "HFS", set: ["/opt/hfs20.0.506"]),
        VariableChange(name: "PATH", prepend: ["$HFS/bin", "/opt/extra"], append: ["/opt/tail"]),
        VariableChange(name: "X", set: ["p", "q"]),
      ])
    #expect(entry.requires.map(\.description) == ["python ~=3.10"])
    #expect(entry.conflicts.map(\.description) == ["nuke"])
    #expect(catalogue.versions(of: "python").map(\.priority) == [50, 50])
    #expect(catalogue.versions(of: "python").map(\.definedAt) == ["a.toml:11", "a.toml:14"])
  }

  @Test func badVersionKeyIsReportedWithItsLineAndSkipped() throws {
    let text = """
      [packages.blender."3.6"]
      env.B = "ok"

      [packages.blender."3.6x"]
      env.B = "bad"

      [packages.blender]
      "4.1.0".env.B = "fine"
      "4.2.0".requires = ["python >=="]
      """
    let catalogue = try Catalogue(texts: [("b.toml", text)])
    #expect(catalogue.versions(of: "blender").map(\.key) == ["3.6", "4.1.0"])
    #expect(catalogue.problems.count == 2)
    #expect(catalogue.problems.map { $0.position?.line } == [4, 9])
    #expect(
      catalogue.problems[0].description.hasPrefix("b.toml:4:1: blender 3.6x: invalid version"))
  }

  @Test func invalidTOMLIsAnErrorWithItsLine() {
    // An array without commas, as in Lifeblood's own documentation.
    let text = """
      [packages.houdini."19.5.303"]
      label = "houdini"
      env.PATH.prepend = [
        "/opt/hfs19.5/bin"
        "/opt/other"
      ]
      """
    do {
      _ = try Catalogue(texts: [("docs.toml", text)])
      Issue.record("accepted invalid TOML")
    } catch let ResolveError.invalidCatalogue(diagnostic) {
      #expect(diagnostic.file == "docs.toml")
      #expect(diagnostic.position?.line == 5)
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func invalidUTF8IsAnErrorAtItsPlace() throws {
    let folder = try TemporaryFolder()
    let text = "[packages.python.\"3.10.4\"]\nlabel = \"caf"
    var bytes = Array(text.utf8)
    bytes += [0xE9] + Array("\"\n".utf8)
    try folder.write("latin1.toml", bytes)
    do {
      _ = try Catalogue(sources: [folder.path + "/latin1.toml"])
      Issue.record("accepted a file that is not UTF-8")
    } catch let ResolveError.invalidCatalogue(diagnostic) {
      #expect(diagnostic.file == folder.path + "/latin1.toml")
      #expect(diagnostic.position == SourcePosition(line: 2, column: 13))
      #expect(diagnostic.message.contains("invalid UTF-8 (byte 0xE9)"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func folderReadsConfigThenSortedConfigDAndLaterFilesWin() throws {
    let folder = try TemporaryFolder()
    try folder.write("config.toml", Self.houdini)
    try folder.write(
      "config.d/20-late.toml",
      """
      [packages.python."3.11.1"]
      env.PYTHONHOME = "/late"
      """)
    try folder.write(
      "config.d/10-early.toml",
      """
      [packages.python."3.11.1"]
      priority = 70
      env.PYTHONHOME = "/early"
      env.EXTRA = "x"
      """)
    try folder.write("config.d/notes.txt", "not toml")
    let catalogue = try Catalogue(sources: [folder.path])
    #expect(
      catalogue.files == [
        folder.path + "/config.toml", folder.path + "/config.d/10-early.toml",
        folder.path + "/config.d/20-late.toml",
      ])
    let python = try #require(catalogue.versions(of: "python").last)
    #expect(python.priority == 70)
    #expect(python.variables.map(\.name) == ["PYTHONHOME", "EXTRA"])
    #expect(python.variables.first?.set == ["/late"])
  }

  @Test func lifebloodConfigurationRootIsReadThroughItsResolverFolder() throws {
    let root = try TemporaryFolder()
    try root.write("scheduler/config.toml", "[core]\n")
    try root.write("standard_environment_resolver/config.toml", Self.houdini)
    try root.write(
      "standard_environment_resolver/config.d/10-more.toml", "[packages.tool.\"1.0.0\"]\n")
    // Unlike Lifeblood, a hidden file (an editor's copy) is not read.
    try root.write("standard_environment_resolver/config.d/.10-more.toml", "[packages.old]\n")
    let catalogue = try Catalogue(sources: [root.path])
    let resolver = root.path + "/standard_environment_resolver"
    #expect(catalogue.files == [resolver + "/config.toml", resolver + "/config.d/10-more.toml"])
    #expect(catalogue.names == ["houdini.py3_10", "python", "tool"])
  }

  @Test func folderWithoutACatalogueIsAnErrorNotAnEmptyCatalogue() throws {
    let folder = try TemporaryFolder()
    try folder.write("notes.txt", "no catalogue here")
    try folder.write("standard_environment_resolver/readme.txt", "nor here")
    try folder.write("config.d/notes.txt", "not toml")
    do {
      _ = try Catalogue(sources: [folder.path])
      Issue.record("an empty catalogue was read")
    } catch let ResolveError.missingCatalogue(diagnostic) {
      #expect(ResolveError.missingCatalogue(diagnostic).exitStatus.rawValue == 66)
      #expect(diagnostic.file == folder.path)
      #expect(diagnostic.message.hasPrefix("no catalogue in this folder: expected config.toml"))
    }
  }

  @Test func lifebloodConfigLocationComesAfterFlowCatalogAndBeforeFlowsFiles() throws {
    let home = try TemporaryFolder()
    try home.write(".config/flow/packages.toml", "")
    #expect(
      Catalogue.defaultSources(environment: [
        "FLOW_CATALOG": "/a", "LIFEBLOOD_CONFIG_LOCATION": "/lb", "HOME": home.path,
      ]) == ["/a"])
    #expect(
      Catalogue.defaultSources(environment: ["LIFEBLOOD_CONFIG_LOCATION": "/lb", "HOME": home.path])
        == ["/lb/standard_environment_resolver"])
    #expect(
      Catalogue.defaultSources(environment: ["LIFEBLOOD_CONFIG_LOCATION": "lb/", "HOME": home.path])
        == ["lb/standard_environment_resolver"])
    // Lifeblood expands `~` in its root; an empty variable is taken as unset.
    #expect(
      Catalogue.defaultSources(environment: [
        "LIFEBLOOD_CONFIG_LOCATION": "~/lb", "HOME": home.path,
      ])
        == [home.path + "/lb/standard_environment_resolver"])
    #expect(
      Catalogue.defaultSources(environment: ["LIFEBLOOD_CONFIG_LOCATION": "~", "HOME": home.path])
        == [home.path + "/standard_environment_resolver"])
    #expect(
      Catalogue.defaultSources(environment: ["LIFEBLOOD_CONFIG_LOCATION": "", "HOME": home.path])
        == [home.path + "/.config/flow/packages.toml"])
  }

  /// rez's `REZ_PACKAGES_PATH` after the Lifeblood variable and before flow's files, read
  /// as rez reads it: `~` expanded, folders that hold no package passed over.
  @Test func rezPackagesPathNamesRepositoriesThatHoldPackages() throws {
    let home = try TemporaryFolder()
    try home.write(".config/flow/packages.toml", "")
    try home.write("studio/tool/1.0/package.py", "name = 'tool'\n")
    try home.write("empty/.keep", "")
    let list = "~/missing:" + home.path + "/empty:~/studio"
    #expect(
      Catalogue.defaultSources(environment: ["REZ_PACKAGES_PATH": list, "HOME": home.path])
        == [home.path + "/studio"])
    #expect(
      Catalogue.defaultSources(environment: [
        "REZ_PACKAGES_PATH": list, "LIFEBLOOD_CONFIG_LOCATION": "/lb", "HOME": home.path,
      ]) == ["/lb/standard_environment_resolver"])
    #expect(
      Catalogue.defaultSources(environment: ["REZ_PACKAGES_PATH": "~/empty", "HOME": home.path])
        == [])
    #expect(
      Catalogue.defaultSources(environment: ["REZ_PACKAGES_PATH": "", "HOME": home.path])
        == [home.path + "/.config/flow/packages.toml"])
  }

  @Test func lifebloodsDefaultRootIsReadWhenFlowHasNoCatalogue() throws {
    let home = try TemporaryFolder()
    #expect(Catalogue.defaultSources(environment: ["HOME": home.path]) == [])
    // A resolver folder without a catalogue is not a source: Lifeblood would write one there.
    let root = String(Catalogue.lifebloodDefaultRoot.dropFirst())
    try home.write(root + "/standard_environment_resolver/x", "")
    #expect(Catalogue.defaultSources(environment: ["HOME": home.path]) == [])
    try home.write(root + "/standard_environment_resolver/config.toml", Self.houdini)
    let folder = home.path + "/" + root + "/standard_environment_resolver"
    #expect(Catalogue.defaultSources(environment: ["HOME": home.path]) == [folder])
    #expect(try Catalogue(sources: [folder]).names.contains("houdini.py3_10"))
    try home.write(".config/flow/packages.d/a.toml", "")
    #expect(
      Catalogue.defaultSources(environment: ["HOME": home.path]) == [
        home.path + "/.config/flow/packages.d/a.toml"
      ])
  }

  @Test func missingSourceIsAnError() {
    #expect(throws: ResolveError.self) { try Catalogue(sources: ["/nonexistent/flow/catalog"]) }
  }

  @Test func defaultSourcesFollowFlowCatalogThenXDG() throws {
    let folder = try TemporaryFolder()
    #expect(
      Catalogue.defaultSources(environment: ["FLOW_CATALOG": "/a:/b", "HOME": folder.path])
        == ["/a", "/b"])
    try folder.write("config/flow/packages.toml", "")
    try folder.write("config/flow/packages.d/b.toml", "")
    try folder.write("config/flow/packages.d/a.toml", "")
    #expect(
      Catalogue.defaultSources(environment: ["XDG_CONFIG_HOME": folder.path + "/config"]) == [
        folder.path + "/config/flow/packages.toml", folder.path + "/config/flow/packages.d/a.toml",
        folder.path + "/config/flow/packages.d/b.toml",
      ])
    try folder.write(".config/flow/packages.toml", "")
    #expect(
      Catalogue.defaultSources(environment: ["HOME": folder.path]) == [
        folder.path + "/.config/flow/packages.toml"
      ])
  }

  @Test func keyOrderFollowsTheTextNotTheParser() throws {
    let text = """
      [packages.z."1.0.0"]
      env.ZED = "1"
      env.ALPHA = "$ZED"
      [packages.a."1.0.0"]
      """
    let catalogue = try Catalogue(texts: [("o.toml", text)])
    #expect(catalogue.names == ["z", "a"])
    #expect(catalogue.versions(of: "z").first?.variables.map(\.name) == ["ZED", "ALPHA"])
  }
}

@Suite struct LargeCatalogueTests {
  /// A large file keeps every entry, their order and their lines, and an error at its end
  /// is reported at its own line.
  @Test func largeFilesKeepEntriesOrderAndLines() throws {
    let count = 4007
    var text = "# header comment\n"
    for index in 0..<count {
      text += "[packages.p\(index % 13).\"1.\(index).0\"]\nenv.PATH.prepend = \"/opt/\(index)\"\n"
    }
    let catalogue = try Catalogue(texts: [("big.toml", text)])
    #expect(catalogue.versionCount == count)
    #expect(catalogue.names.first == "p0")
    let last = try #require(catalogue.versions(of: "p\((count - 1) % 13)").last)
    #expect(last.definedAt == "big.toml:\(2 + (count - 1) * 2)")
    do {
      _ = try Catalogue(texts: [("big.toml", text + "[packages.x.\"1.0.0\"]\nlabel = \n")])
      Issue.record("accepted invalid TOML")
    } catch let ResolveError.invalidCatalogue(diagnostic) {
      #expect(diagnostic.position?.line == 2 + count * 2 + 1)
    }
  }
}
