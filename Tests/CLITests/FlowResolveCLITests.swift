import Foundation
import Testing

/// The built `flow-resolve` binary on the Houdini example and small fixtures.
@Suite final class FlowResolveCLITests {
  let catalogue = ToolRun.root.appendingPathComponent("examples/houdini/catalogue.toml").path
  let folder: URL
  let index: String

  init() throws {
    folder = try ToolRun.temporaryFolder()
    index = folder.appendingPathComponent("catalogue.index").path
  }

  deinit { try? FileManager.default.removeItem(at: folder) }

  func resolve(_ arguments: [String], stdin: String? = nil) throws -> ToolRun {
    try ToolRun.run(
      "flow-resolve", ["--catalog", catalogue, "--index", index] + arguments, stdin: stdin)
  }

  func write(_ name: String, _ text: String) throws -> String {
    let url = folder.appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  func json(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  func chosen(_ document: [String: Any]) -> [String] {
    let packages = document["packages"] as? [[String: Any]] ?? []
    return packages.map { "\($0["name"] ?? "") \($0["version"] ?? "")" }
  }

  @Test func printsPackagesAndActionsAsJSON() throws {
    let run = try resolve(["houdini ~=20.0.506"])
    #expect(run.status == 0)
    #expect(run.stderr == "")
    let document = try json(run.stdout)
    #expect(document["requirements"] as? [String] == ["houdini ~=20.0.506"])
    #expect(chosen(document) == ["houdini 20.0.547", "python 3.10.13"])
    let houdini = try #require((document["packages"] as? [[String: Any]])?.first)
    #expect(houdini["defined_at"] as? String == catalogue + ":14")
    let actions = try #require(document["actions"] as? [[String: Any]])
    #expect(
      actions.map { "\($0["action"]!) \($0["variable"]!) \($0["value"]!)" } == [
        "prepend PATH /opt/python3.10/bin", "set HFS /opt/hfs20.0.547", "prepend PATH $HFS/bin",
      ])
  }

  @Test func printsQuotedExportLines() throws {
    let base = try write("base.env", "PATH=/usr/bin\nNOTE=it's\n")
    let run = try resolve(["--format", "sh", "--base-env", base, "houdini ~=20.0.506"])
    #expect(run.status == 0)
    #expect(
      run.stdout == """
        export PATH='/opt/hfs20.0.547/bin:/opt/python3.10/bin:/usr/bin'
        export HFS='/opt/hfs20.0.547'

        """)
  }

  /// A catalogue's variable name never becomes shell code: `--format sh` refuses a name
  /// that is not a shell name, and quotes every value as one word.
  @Test func shellExportsRefuseANameThatIsShellCode() throws {
    let marker = folder.appendingPathComponent("pwned").path
    let evil = try write(
      "evil.toml", "[packages.\"evil\".\"1.0\"]\nenv.\"X;touch \(marker)\" = \"1\"\n")
    let refused = try ToolRun.run(
      "flow-resolve", ["--catalog", evil, "--index", index, "--format", "sh", "evil"])
    #expect(refused.status == 65)
    #expect(refused.stdout == "")
    #expect(
      refused.stderr
        == "flow-resolve: sh output cannot carry 'X;touch \(marker)': not a shell variable name\n")
    let quoting = try write(
      "quoting.toml", "[packages.\"quoting\".\"1.0\"]\nenv.NOTE = \"it's $(touch \(marker))\"\n")
    let run = try ToolRun.run(
      "flow-resolve",
      ["--catalog", quoting, "--index", index + ".2", "--format", "sh", "quoting"])
    #expect(run.status == 0)
    #expect(run.stdout == "export NOTE='it'\\''s $(touch \(marker))'\n")
    let sourced = try ToolRun.run(
      "/bin/sh", ["-c", run.stdout + "printf '%s' \"$NOTE\""],
      environment: ["PATH": "/usr/bin:/bin"])
    #expect(sourced.stdout == "it's $(touch \(marker))")
    #expect(!FileManager.default.fileExists(atPath: marker))
  }

  @Test func printsTheWholeEnvironmentAndExplains() throws {
    let base = try write("base.env", "PATH=/usr/bin\nHOME=/home/artist\n")
    let run = try resolve([
      "--format", "env", "--base-env", base, "--explain", "houdini ~=20.0.506", "redshift",
    ])
    #expect(run.status == 0)
    #expect(
      run.stdout == """
        HFS=/opt/hfs20.0.547
        HOME=/home/artist
        PATH=/opt/hfs20.0.547/bin:/opt/python3.10/bin:/usr/bin:/opt/redshift/bin
        REDSHIFT_COREDATAPATH=/opt/redshift

        """)
    #expect(
      run.stderr.contains(
        "flow-resolve: python 3.10.13: required by houdini 20.0.547 as python ~=3.10.0"))
    #expect(run.stderr.contains("flow-resolve: redshift 3.5.19: requested as redshift"))
  }

  @Test func explainsInTheJSON() throws {
    let run = try resolve(["--explain", "houdini <20"])
    #expect(run.status == 0)
    #expect(chosen(try json(run.stdout)) == ["houdini 19.5.640", "python 3.9.18"])
    #expect(run.stdout.contains("required by houdini 19.5.640 as python ~=3.9.0"))
  }

  @Test func prereleasesOnlyWithPre() throws {
    let path = try write(
      "pre.toml",
      """
      [packages.tool."1.2.0"]
      [packages.tool."1.3.0-beta.1"]
      """)
    let arguments = ["--catalog", path, "--index", index, "tool >=1.0"]
    let plain = try ToolRun.run("flow-resolve", arguments)
    #expect(chosen(try json(plain.stdout)) == ["tool 1.2.0"])
    let pre = try ToolRun.run("flow-resolve", ["--pre"] + arguments)
    #expect(chosen(try json(pre.stdout)) == ["tool 1.3.0-beta.1"])
  }

  @Test func resolvesEveryStageOfAPipeDocument() throws {
    let parsed = try ToolRun.run(
      "flow-parse", [ToolRun.root.appendingPathComponent("examples/houdini/workflow.yaml").path])
    #expect(parsed.status == 0)
    let run = try resolve([], stdin: parsed.stdout)
    #expect(run.status == 0)
    #expect(run.stderr == "")
    let stages = try #require(try json(run.stdout)["stages"] as? [[String: Any]])
    let resolutions = stages.map { $0["resolution"] as? [String: Any] ?? [:] }
    #expect(
      resolutions.map(chosen) == [
        ["houdini 20.0.547", "python 3.10.13"],
        ["houdini 20.0.547", "redshift 3.5.19", "python 3.10.13"],
      ])
  }

  @Test func unsatisfiableRequestsExplainAndExit65() throws {
    let run = try resolve(["houdini ~=20.0.506", "python <3.10"])
    #expect(run.status == 65)
    #expect(run.stdout == "")
    #expect(
      run.stderr
        == """
        flow-resolve: because houdini >=20.0.506 requires python ~=3.10.0 and houdini ~=20.0.506 is requested, python 3.10.13 must be selected
        because python 3.10.13 must be selected and python <3.10 is requested, houdini ~=20.0.506 and python <3.10 cannot be satisfied together

        """)
  }

  /// A typo in a package's name is answered with the name the compiled catalogue holds,
  /// alone and for a stage of a pipe.
  @Test func anUnknownPackageSuggestsTheCataloguesName() throws {
    let run = try resolve(["houdni ~=20.0"])
    #expect(run.status == 65)
    #expect(
      run.stderr
        == "flow-resolve: houdni ~=20.0 is requested and no package houdni is in the catalogue "
        + "(did you mean 'houdini'?)\n")
    let parsed = try ToolRun.run(
      "flow-parse", ["-"],
      stdin: "stages:\n  - name: a\n    environment:\n      requirements: [pyton]\n")
    let piped = try resolve(["--no-implicits"], stdin: parsed.stdout)
    #expect(piped.status == 65)
    #expect(
      piped.stderr.contains(
        "stage 'a': pyton is requested and no package pyton is in the catalogue "
          + "(did you mean 'python'?)"), "\(piped.stderr)")
  }

  /// A package every entry of which was skipped is one the catalogue holds with no version
  /// it can read, as the index first compiled and when read again: no other name is
  /// suggested for it, and a typo as near to it as to a package that can be read gets the
  /// latter.
  @Test func aPackageWithEveryEntrySkippedIsSaidSo() throws {
    let path = try write(
      "skipped.toml",
      "[packages.p0.\"1.0\"]\nrequires = [\"q >>= 1\"]\n[packages.p1.\"1.0\"]\nlabel = \"y\"\n")
    for _ in 0..<2 {
      let run = try ToolRun.run("flow-resolve", ["--catalog", path, "--index", index, "p0"])
      #expect(run.status == 65)
      #expect(
        run.stderr.hasSuffix(
          "flow-resolve: p0 is requested and no version of p0 in the catalogue can be read\n"),
        "\(run.stderr)")
      let typo = try ToolRun.run("flow-resolve", ["--catalog", path, "--index", index, "p2"])
      #expect(typo.stderr.hasSuffix("(did you mean 'p1'?)\n"), "\(typo.stderr)")
    }
  }

  @Test func invalidTOMLExits78WithItsPlace() throws {
    let path = try write("bad.toml", "[packages.a.\"1\"]\nrequires = [\"b\" \"c\"]\n")
    let run = try ToolRun.run("flow-resolve", ["--catalog", path, "--index", index, "a"])
    #expect(run.status == 78)
    #expect(
      run.stderr
        == "flow-resolve: \(path):2:17: invalid TOML: expected ',' or ']' in an array, found '\"'\n"
    )
  }

  @Test func invalidUTF8Exits78WithItsPlace() throws {
    let url = folder.appendingPathComponent("latin1.toml")
    try Data(Array("[packages.a.\"1\"]\nlabel = \"caf".utf8) + [0xE9, 0x22, 0x0A]).write(to: url)
    let run = try ToolRun.run("flow-resolve", ["--catalog", url.path, "--index", index, "a"])
    #expect(run.status == 78)
    #expect(run.stderr.hasPrefix("flow-resolve: \(url.path):2:13: invalid TOML: invalid UTF-8"))
  }

  @Test func missingCatalogueExits66() throws {
    let path = folder.appendingPathComponent("none.toml").path
    let run = try ToolRun.run("flow-resolve", ["--catalog", path, "--index", index, "a"])
    #expect(run.status == 66)
    #expect(run.stderr == "flow-resolve: \(path): no such catalogue\n")
  }

  static let lifebloodTestCatalogue = """
    [packages.houdini."18.5.666"]
    priority = 60
    env.PATH.prepend = ["/path/to/hfs/bin", "/some/other/path/dunno"]
    [packages.assmouth."2.3.4-beta"]
    env.PATH.prepend = "bananus"
    """

  @Test func catalogPointingAtALifebloodRootReadsItsResolverFolder() throws {
    let config = try write(
      "lifeblood/standard_environment_resolver/config.toml", Self.lifebloodTestCatalogue)
    let root = folder.appendingPathComponent("lifeblood").path
    let run = try ToolRun.run(
      "flow-resolve", ["--catalog", root, "--index", index, "houdini >18.0.0,<19.0.0"])
    #expect(run.status == 0)
    #expect(run.stderr == "")
    let houdini = try #require((try json(run.stdout)["packages"] as? [[String: Any]])?.first)
    #expect(houdini["version"] as? String == "18.5.666")
    #expect(houdini["defined_at"] as? String == config + ":1")
  }

  @Test func folderWithoutACatalogueExits66() throws {
    _ = try write("empty/standard_environment_resolver/notes.txt", "")
    let path = folder.appendingPathComponent("empty").path
    let run = try ToolRun.run("flow-resolve", ["--catalog", path, "--index", index, "a"])
    #expect(run.status == 66)
    #expect(
      run.stderr
        == "flow-resolve: \(path): no catalogue in this folder: expected config.toml, "
        + "config.d/*.toml or standard_environment_resolver/ holding them "
        + "(a Lifeblood configuration root)\n")
  }

  @Test func lifebloodConfigLocationIsHonouredAndMustHoldACatalogue() throws {
    _ = try write(
      "lifeblood/standard_environment_resolver/config.d/10.toml", Self.lifebloodTestCatalogue)
    let root = folder.appendingPathComponent("lifeblood").path
    let environment = ["HOME": folder.path, "LIFEBLOOD_CONFIG_LOCATION": root]
    let run = try ToolRun.run(
      "flow-resolve", ["--index", index, "--pre", "assmouth ~=2.3.2"], environment: environment)
    #expect(run.status == 0)
    #expect(chosen(try json(run.stdout)) == ["assmouth 2.3.4-beta"])
    // FLOW_CATALOG comes first.
    let flowCatalog = try write("flow.toml", "[packages.assmouth.\"9.0.0\"]\n")
    var both = environment
    both["FLOW_CATALOG"] = flowCatalog
    let first = try ToolRun.run("flow-resolve", ["--index", index, "assmouth"], environment: both)
    #expect(chosen(try json(first.stdout)) == ["assmouth 9.0.0"])
    let missing = folder.appendingPathComponent("nowhere").path
    let none = try ToolRun.run(
      "flow-resolve", ["--index", index, "assmouth"],
      environment: ["HOME": folder.path, "LIFEBLOOD_CONFIG_LOCATION": missing])
    #expect(none.status == 66)
    #expect(
      none.stderr
        == "flow-resolve: \(missing)/standard_environment_resolver: no such catalogue "
        + "(from LIFEBLOOD_CONFIG_LOCATION)\n")
  }

  /// With no catalogue anywhere the default lookup looks, a failed resolve says so and how
  /// to give one, rather than only that the package is missing.
  @Test func noCatalogueFoundIsSaid() throws {
    let environment = ["HOME": folder.path]
    let run = try ToolRun.run(
      "flow-resolve", ["--index", index, "houdini"], environment: environment)
    #expect(run.status == 65)
    #expect(run.stderr.contains("houdini is requested and no package houdini is in the catalogue"))
    #expect(
      run.stderr.contains(
        "no catalogue was found: give --catalog FILE, set FLOW_CATALOG, "
          + "LIFEBLOOD_CONFIG_LOCATION or REZ_PACKAGES_PATH, or write "
          + "\(folder.path)/.config/flow/packages.toml"))
    let document = try ToolRun.run(
      "flow-parse", ["-"],
      stdin: "stages:\n  - name: a\n    type: BashOperator\n    kwargs: {bash_command: 'true'}\n"
        + "    environment: {requirements: [houdini]}\n")
    let piped = try ToolRun.run(
      "flow-resolve", ["--index", index], stdin: document.stdout, environment: environment)
    #expect(piped.status == 65)
    #expect(piped.stderr.contains("no catalogue was found"))
  }

  @Test func onlyAPrereleaseMatchingSaysUsePre() throws {
    let path = try write("lifeblood.toml", Self.lifebloodTestCatalogue)
    let run = try ToolRun.run(
      "flow-resolve", ["--catalog", path, "--index", index, "houdini", "assmouth ~=2.3.2"])
    #expect(run.status == 65)
    #expect(
      run.stderr
        == "flow-resolve: assmouth ~=2.3.2 is requested and only 2.3.4-beta matches: use --pre\n")
    let none = try ToolRun.run(
      "flow-resolve", ["--catalog", path, "--index", index, "--pre", "houdini >=19"])
    #expect(none.status == 65)
    #expect(
      none.stderr
        == "flow-resolve: houdini >=19 is requested and no houdini >=19 is in the catalogue "
        + "(houdini has 18.5.666)\n")
  }

  @Test func badSpecPointsAtTheColumn() throws {
    let run = try resolve(["houdini ~=20.x.!"])
    #expect(run.status == 64)
    #expect(
      run.stderr
        == "flow-resolve: invalid requirement 'houdini ~=20.x.!' at column 16: expected a number after '.'\n"
    )
  }

  @Test func indexIsRebuiltWhenACatalogueFileChanges() throws {
    let path = try write("tools.toml", "[packages.tool.\"1.0\"]\n")
    let arguments = ["--catalog", path, "--index", index, "tool"]
    #expect(chosen(try json(try ToolRun.run("flow-resolve", arguments).stdout)) == ["tool 1.0"])
    _ = try write("tools.toml", "[packages.tool.\"1.0\"]\n[packages.tool.\"2.0\"]\n")
    #expect(chosen(try json(try ToolRun.run("flow-resolve", arguments).stdout)) == ["tool 2.0"])
  }

  /// One good and one broken Houdini installation under a fake root.
  func machine() throws -> String {
    let root = folder.appendingPathComponent("machine")
    _ = try write("machine/opt/hfs20.0.506/python/bin/python3.10", "")
    _ = try write("machine/opt/hfs20.0.506/bin/houdini", "")
    _ = try write("machine/opt/hfs19.0.100/bin/houdini", "")
    return root.path
  }

  @Test func scanPrintsACatalogueAndReportsBrokenInstallations() throws {
    let root = try machine()
    let run = try ToolRun.run("flow-resolve", ["scan", "--root", root])
    #expect(run.status == 0)
    #expect(
      run.stdout == """
        [packages."houdini.py3_10"."20.0.506"]
        label = "SideFX Houdini 20.0.506"
        env."HFS".set = "\(root)/opt/hfs20.0.506"
        env."PATH".prepend = ["\(root)/opt/hfs20.0.506/bin"]

        """)
    #expect(
      run.stderr
        == "flow-resolve: \(root)/opt/hfs19.0.100: Houdini without python/bin/pythonX.Y; skipped\n")
  }

  @Test func generateKeepsExistingEntriesUnlessOverridden() throws {
    let root = try machine()
    let mine = "[packages.\"houdini.py3_10\".\"20.0.506\"]\nlabel = \"mine\"\n"
    let path = try write("site/packages.toml", mine)
    let kept = try ToolRun.run("flow-resolve", ["generate", "--root", root, "-o", path])
    #expect(kept.status == 0)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == mine)
    let replaced = try ToolRun.run(
      "flow-resolve", ["generate", "--root", root, "-o", path, "--override"])
    #expect(replaced.status == 0)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("label = \"SideFX Houdini 20.0.506\""))
    #expect(!text.contains("mine"))
    // Written through a temporary file renamed into place: nothing else is left.
    let siteFolder = folder.appendingPathComponent("site").path
    #expect(try FileManager.default.contentsOfDirectory(atPath: siteFolder) == ["packages.toml"])
  }

  @Test func generateRefusesAnExistingCatalogueThatIsNotUTF8() throws {
    let root = try machine()
    let bytes = Array("[packages.a.\"1.0\"]\nlabel = \"x".utf8) + [0xFF] + Array("\"\n".utf8)
    let path = folder.appendingPathComponent("latin.toml").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let run = try ToolRun.run("flow-resolve", ["generate", "--root", root, "-o", path])
    #expect(run.status == 78)
    #expect(run.stderr.contains("\(path):2:11: invalid TOML: invalid UTF-8 (byte 0xFF)"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
  }

  @Test func generateWritesANewFileThatResolves() throws {
    let root = try machine()
    let path = folder.appendingPathComponent("new.toml").path
    #expect(try ToolRun.run("flow-resolve", ["generate", "--root", root, "-o", path]).status == 0)
    let run = try ToolRun.run(
      "flow-resolve", ["--catalog", path, "--index", index, "houdini.py3_10"])
    #expect(run.status == 0)
    #expect(chosen(try json(run.stdout)) == ["houdini.py3_10 20.0.506"])
  }
}
