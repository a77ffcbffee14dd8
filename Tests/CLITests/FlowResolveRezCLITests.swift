import FlowTestSupport
import Foundation
import Testing

/// `flow-resolve --catalog DIR` on a rez repository, through the built binary.
@Suite struct FlowResolveRezCLITests {
  static func repository() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    try folder.write("python/2.7.18/package.py", "name = 'python'\nversion = '2.7.18'\n")
    try folder.write("python/3.9.1/package.py", "name = 'python'\nversion = '3.9.1'\n")
    try folder.write("platform/linux/package.py", "name = 'platform'\n")
    try folder.write(
      "tool/1.0/package.py",
      """
      name = 'tool'
      requires = ['~platform==linux']
      variants = [['python-2.7'], ['python-3']]
      def commands():
          env.PATH.prepend('{root}/bin')
          if intersects(ephemerals.get('gpu', '0'), '1'):
              env.GPU.set('1')
          alias('tool', '{root}/bin/tool')
          source('{root}/setup.sh')

      """)
    try folder.write("broken/1.0/package.py", "requires = ['python-' + version]\n")
    return folder
  }

  static func packages(_ run: ToolRun) throws -> [String] {
    let document = try #require(
      JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let packages = try #require(document["packages"] as? [[String: Any]])
    return packages.map { package in
      let variant = (package["variant"] as? Int).map { "[\($0)]" }
      return "\(package["name"]!)-\(package["version"]!)" + (variant ?? "")
    }
  }

  @Test func aRezRepositoryIsReadWithRezSyntaxByDefault() throws {
    let folder = try Self.repository()
    let run = try ToolRun.run("flow-resolve", ["--catalog", folder.path, "tool", "python<3"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try Self.packages(run) == ["python-2.7.18", "tool-1.0[0]"])
    #expect(run.stdout.contains(folder.path + "/tool/1.0/python-2.7/bin"))
    #expect(
      run.stderr.contains(
        "tool/1.0/package.py:9:1: rez package tool-1.0: command not read, left out: source("))
    #expect(
      run.stdout.contains(
        #"{"action":"alias","variable":"tool","value":"\#(folder.path)/tool/1.0/python-2.7/bin/tool","package":"tool"}"#
      ))
    // The `if` on the ephemeral holds as in rez: `.gpu` not requested, `get` gives its
    // default as a request (`0`: a name alone, any version), which meets `1`.
    #expect(run.stdout.contains(#""variable":"GPU","value":"1""#))
    let cpu = try ToolRun.run("flow-resolve", ["--catalog", folder.path, "tool", ".gpu-0"])
    #expect(cpu.status == 0, "\(cpu.stderr)")
    #expect(!cpu.stdout.contains(#""variable":"GPU""#))
  }

  /// An alias is the shell function bash reads from `BASH_FUNC_NAME%%` (`--format env`)
  /// and one any POSIX shell defines from `--format sh`; the base's own functions are not
  /// written as code.
  @Test func aliasesAreShellFunctionsInTheTextFormats() throws {
    let folder = try Self.repository()
    let arguments = ["--catalog", folder.path, "tool", "python<3"]
    let sh = try ToolRun.run(
      "flow-resolve", arguments + ["--format", "sh"],
      environment: ["PATH": "/usr/bin:/bin", "BASH_FUNC_mine%%": "() { echo mine; }"])
    #expect(sh.status == 0, "\(sh.stderr)")
    let tool = folder.path + "/tool/1.0/python-2.7/bin/tool"
    #expect(sh.stdout.hasSuffix("\ntool() { eval '\(tool) \"$@\"'; }\n"))
    #expect(!sh.stdout.contains("mine"))
    let defined = try ToolRun.run(
      "/bin/sh",
      ["-c", "eval \"$1\"; command -v tool; type tool >/dev/null && echo defined", "sh", sh.stdout])
    #expect(defined.stdout.hasSuffix("defined\n"), "\(defined.stderr)")
    let env = try ToolRun.run("flow-resolve", arguments + ["--format", "env"])
    #expect(env.stdout.contains("\nBASH_FUNC_tool%%=() { eval '\(tool) \"$@\"'; }\n"))
  }

  /// A package's `stop()` under a test of the machine is kept as a `stop` action with its
  /// test; the text formats apply it where they run: while the test holds, nothing is
  /// written and the message is the error (exit 69), and once it does not, the environment
  /// is written, from the same index.
  /// A variable's value read in commands (`{env.NAME}`, `str(env.NAME)`, `.get()`,
  /// `getenv()`) where nothing set it is rez's error, "Referenced undefined environment
  /// variable": no environment is made where it is unset, and it is made where the
  /// environment holds it or a package applied before sets it.
  @Test func aVariableReadWhereNothingSetsItStops() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "repo/plugin/1.0/package.py",
      """
      name = 'plugin'
      version = '1.0'
      requires = ['~studio']
      def commands():
          env.PLUGIN_PATH = '{env.STUDIO_ROOT}/plugins/' + str(env.REZ_PLUGIN_VERSION)
          if defined('PLUGIN_BASE'):
              env.PLUGIN_HOME = env.PLUGIN_BASE.get()

      """)
    try folder.write(
      "repo/studio/1/package.py",
      "name = 'studio'\nversion = '1'\ndef commands():\n    env.STUDIO_ROOT = '/studio'\n")
    let cache = try TemporaryFolder()
    let arguments = ["--catalog", folder.path + "/repo", "--index", cache.path + "/i"]
    var environment = ProcessInfo.processInfo.environment
    environment["STUDIO_ROOT"] = nil
    let json = try ToolRun.run("flow-resolve", arguments + ["plugin"], environment: environment)
    #expect(json.status == 0, "\(json.stderr)")
    #expect(json.stderr.isEmpty)
    // One stop, for the variable no package sets: the package's own is known, and the
    // other is read only where it is defined.
    #expect(
      json.stdout.contains(
        #"{"action":"stop","variable":"","value":"Referenced undefined environment variable: STUDIO_ROOT","package":"plugin","when":"not ('STUDIO_ROOT' in os.environ)"}"#
      ))
    #expect(json.stdout.components(separatedBy: #""action":"stop""#).count == 2)
    let stopped = try ToolRun.run(
      "flow-resolve", arguments + ["plugin", "--format", "sh"], environment: environment)
    #expect(stopped.status == 69)
    #expect(stopped.stdout.isEmpty)
    #expect(
      stopped.stderr
        == "flow-resolve: the environment cannot be made here: package plugin stops:"
        + " Referenced undefined environment variable: STUDIO_ROOT\n")
    environment["STUDIO_ROOT"] = "/home/studio"
    let held = try ToolRun.run(
      "flow-resolve", arguments + ["plugin", "--format", "sh"], environment: environment)
    #expect(held.status == 0, "\(held.stderr)")
    #expect(held.stdout.contains("export PLUGIN_PATH='/home/studio/plugins/1.0'"))
    // Set by a package applied before: no test is left.
    environment["STUDIO_ROOT"] = nil
    let set = try ToolRun.run(
      "flow-resolve", arguments + ["studio", "plugin"], environment: environment)
    #expect(set.status == 0, "\(set.stderr)")
    #expect(!set.stdout.contains(#""action":"stop""#))
    let sh = try ToolRun.run(
      "flow-resolve", arguments + ["studio", "plugin", "--format", "sh"],
      environment: environment)
    #expect(sh.stdout.contains("export PLUGIN_PATH='/studio/plugins/1.0'"), "\(sh.stderr)")
  }

  @Test func aStopThatHoldsIsTheErrorOfTheTextFormats() throws {
    let folder = try TemporaryFolder()
    let installed = folder.path + "/opt/guarded"
    try folder.write(
      "repo/guarded/2.1/package.py",
      """
      name = 'guarded'
      version = '2.1'
      def commands():
          import os
          env.GUARDED_LOCATION.set('\(installed)')
          if not os.path.isdir(str(env.GUARDED_LOCATION)):
              stop('Not installed %s-%s', this.name, str(version))
          env.PATH.prepend('{env.GUARDED_LOCATION}/bin')

      """)
    let cache = try TemporaryFolder()
    let arguments = ["--catalog", folder.path + "/repo", "--index", cache.path + "/i", "guarded"]
    let json = try ToolRun.run("flow-resolve", arguments)
    #expect(json.status == 0, "\(json.stderr)")
    #expect(json.stderr.isEmpty)
    #expect(
      json.stdout.contains(
        #"{"action":"stop","variable":"","value":"Not installed guarded-2.1","package":"guarded","when":"not os.path.isdir('\#(installed)')"}"#
      ))
    for format in ["sh", "env"] {
      let stopped = try ToolRun.run("flow-resolve", arguments + ["--format", format])
      #expect(stopped.status == 69)
      #expect(stopped.stdout.isEmpty)
      #expect(
        stopped.stderr
          == "flow-resolve: the environment cannot be made here: package guarded stops:"
          + " Not installed guarded-2.1\n")
    }
    try FileManager.default.createDirectory(
      atPath: installed, withIntermediateDirectories: true)
    let sh = try ToolRun.run("flow-resolve", arguments + ["--format", "sh"])
    #expect(sh.status == 0, "\(sh.stderr)")
    #expect(sh.stdout.contains("export PATH='\(installed)/bin:"))
    // A stop under a test of the resolve that holds stops everywhere: said at once.
    try folder.write(
      "repo/other/1/package.py",
      "name = 'other'\nversion = '1'\ndef commands():\n    if 'guarded' in resolve:\n"
        + "        stop('other does not go with guarded')\n")
    let alone = try ToolRun.run("flow-resolve", arguments.dropLast() + ["other"])
    #expect(alone.status == 0 && alone.stderr.isEmpty, "\(alone.stderr)")
    let both = try ToolRun.run("flow-resolve", arguments + ["other"])
    #expect(both.status == 0)
    #expect(
      both.stderr
        == "flow-resolve: the environment cannot be made anywhere: package other stops:"
        + " other does not go with guarded\n")
  }

  /// A release in a package the resolve reads is found when read (opening checks only the
  /// repository folder): alone and in a pipe, the next run answers with the new version,
  /// its warnings told once, and leaves an index for the run after.
  @Test func aReleaseIsResolvedByTheNextRunAloneAndInAPipe() throws {
    let folder = try Self.repository()
    let cache = try TemporaryFolder()
    let index = cache.path + "/rez.index"
    let workflow = try cache.write(
      "w.yaml", "stages:\n  - name: a\n    environment:\n      requirements: [tool]\n")
    let parsed = try ToolRun.run("flow-parse", [workflow])
    #expect(parsed.status == 0, "\(parsed.stderr)")
    func resolve(_ pipe: Bool) throws -> (packages: [String], stderr: String) {
      let arguments = ["--catalog", folder.path, "--index", index, "--syntax", "rez"]
      let run = try ToolRun.run(
        "flow-resolve", arguments + (pipe ? [] : ["tool"]), stdin: pipe ? parsed.stdout : nil)
      #expect(run.status == 0, "\(run.stderr)")
      guard pipe else { return (try Self.packages(run), run.stderr) }
      let document = try #require(
        JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
      let stage = try #require((document["stages"] as? [[String: Any]])?.first)
      let packages = try #require(
        (stage["resolution"] as? [String: Any])?["packages"] as? [[String: Any]])
      return (packages.map { "\($0["name"]!)-\($0["version"]!)" }, run.stderr)
    }
    #expect(try resolve(false).packages == ["python-3.9.1", "tool-1.0[1]"])
    for (pipe, release) in [(false, "3.10.2"), (true, "3.11.0")] {
      try folder.write("python/\(release)/package.py", "name = 'python'\n")
      let (packages, stderr) = try resolve(pipe)
      #expect(packages.contains("python-\(release)"), "\(packages)")
      #expect(
        stderr.components(separatedBy: "command not read").count == 2, "\(stderr)")
      #expect(FileManager.default.fileExists(atPath: index))
    }
  }

  /// A stage of a pipe document gets the answer rez's own search gives, as the same
  /// requests given as arguments do (rez 3.4.0 chooses a-3[0], b-1[1] and d-1 here), where
  /// the solver's own order, deciding a before d, takes a-3's second variant and c-2.
  @Test func aPipeDocumentsStageGetsRezsAnswer() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "a/3/package.py", "requires = ['b']\nvariants = [['b-1+<3'], ['c']]\n")
    try folder.write("b/1/package.py", "variants = [['c-2'], ['d']]\n")
    try folder.write("c/2/package.py", "requires = ['d-1|3', 'b']\n")
    try folder.write("d/1/package.py", "name = 'd'\n")
    let cache = try TemporaryFolder()
    let index = ["--index", cache.path + "/rez.index"]
    let workflow = try cache.write(
      "w.yaml", "stages:\n  - name: s\n    environment:\n      requirements: [a, d]\n")
    let parsed = try ToolRun.run("flow-parse", [workflow])
    for explain in [[], ["--explain"]] {
      let piped = try ToolRun.run(
        "flow-resolve", ["--catalog", folder.path, "--no-implicits"] + index + explain,
        stdin: parsed.stdout)
      #expect(piped.status == 0, "\(piped.stderr)")
      let document = try #require(
        JSONSerialization.jsonObject(with: Data(piped.stdout.utf8)) as? [String: Any])
      let stage = try #require((document["stages"] as? [[String: Any]])?.first)
      let packages = try #require(
        (stage["resolution"] as? [String: Any])?["packages"] as? [[String: Any]])
      #expect(
        packages.map { "\($0["name"]!)-\($0["version"]!)[\($0["variant"] ?? "-")]" }
          == ["d-1[-]", "b-1[1]", "a-3[0]"])
    }
    let alone = try ToolRun.run("flow-resolve", ["--catalog", folder.path] + index + ["a", "d"])
    #expect(try Self.packages(alone) == ["d-1", "b-1[1]", "a-3[0]"])
  }

  /// A late `requires` of the request is worked out for each stage's own, as rez runs it
  /// for each resolve: in one pipe, the stage requesting maya gets its plugin and the other
  /// does not, with the machine's facts (implicit requests) not taken for requests.
  @Test func aLateRequiresOfTheRequestFollowsEachStagesRequest() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "kit/1.0/package.py",
      """
      _extra = {'maya': ['mayaplug'], 'platform': ['wrong']}
      @late()
      def requires():
          result = ['core']
          for name, added in this._extra.items():
              if name in request:
                  result += added
          return result
      """)
    for package in ["core/1.0", "mayaplug/2.0", "maya/2024", "wrong/1.0", "platform/linux"] {
      try folder.write(package + "/package.py", "")
    }
    let cache = try TemporaryFolder()
    let workflow = try cache.write(
      "w.yaml",
      """
      stages:
        - name: plain
          environment:
            requirements: [kit]
        - name: animation
          environment:
            requirements: [kit, maya]
        - name: again
          environment:
            requirements: [kit]
      """)
    let parsed = try ToolRun.run("flow-parse", [workflow])
    let piped = try ToolRun.run(
      "flow-resolve", ["--catalog", folder.path, "--index", cache.path + "/rez.index"],
      stdin: parsed.stdout)
    #expect(piped.status == 0, "\(piped.stderr)")
    let document = try #require(
      JSONSerialization.jsonObject(with: Data(piped.stdout.utf8)) as? [String: Any])
    let stages = try #require(document["stages"] as? [[String: Any]])
    let chosen = try stages.map { stage in
      try #require((stage["resolution"] as? [String: Any])?["packages"] as? [[String: Any]])
        .compactMap { $0["name"] as? String }.filter { $0 != "platform" }.sorted()
    }
    #expect(chosen == [["core", "kit"], ["core", "kit", "maya", "mayaplug"], ["core", "kit"]])
    let alone = try ToolRun.run(
      "flow-resolve",
      ["--catalog", folder.path, "--index", cache.path + "/rez.index", "kit", "maya"])
    #expect(
      try Self.packages(alone).sorted() == ["core-1.0", "kit-1.0", "maya-2024", "mayaplug-2.0"])
  }

  /// The versions `--exclude` and `--time` hide are left out of rez's search, as rez's
  /// package filters and its resolve time leave them out, and the answer is still rez's
  /// (a-3[0], where the solver's own order takes a-3[1] and c-2).
  @Test func filtersHideVersionsFromRezsSearch() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "a/3/package.py",
      "requires = ['b']\nvariants = [['b-1+<3'], ['c']]\ntimestamp = 1600000000\n")
    try folder.write("a/4/package.py", "timestamp = 1700000000\n")
    try folder.write("b/1/package.py", "variants = [['c-2'], ['d']]\ntimestamp = 1600000000\n")
    try folder.write("c/2/package.py", "requires = ['d-1|3', 'b']\ntimestamp = 1600000000\n")
    try folder.write("d/1/package.py", "timestamp = 1600000000\n")
    let cache = try TemporaryFolder()
    let index = ["--index", cache.path + "/rez.index"]
    for filter in [["--exclude", "a-4"], ["--time", "2023-01-01T00:00:00Z"]] {
      let run = try ToolRun.run(
        "flow-resolve", ["--catalog", folder.path] + index + filter + ["a", "d"])
      #expect(try Self.packages(run) == ["d-1", "b-1[1]", "a-3[0]"], "\(filter): \(run.stderr)")
    }
    let unfiltered = try ToolRun.run(
      "flow-resolve", ["--catalog", folder.path] + index + ["a", "d"])
    #expect(try Self.packages(unfiltered) == ["a-4", "d-1"])
  }

  /// Where rez's search stops with an error, rez 3.4.0 answers nothing (`Package could not
  /// be found: b-2`; `The package c-1[1] has an internal requirements conflict`), though
  /// the solver's own order would step past it (to a-0, to c-1's first variant): the
  /// resolve fails with rez's reason, given as arguments and in a pipe alike.
  /// A family the repository does not hold, named by a request or by a package, is
  /// answered with the nearest family it does hold.
  @Test func anUnknownFamilySuggestsTheRepositorysNearest() throws {
    let folder = try Self.repository()
    try folder.write("studio/1.0/package.py", "requires = ['pyhton-3']\n")
    try folder.write("shot/1.0/package.py", "requires = ['pyhton']\n")
    try folder.write("shot/0.9/package.py", "name = 'shot'\n")
    let cache = try TemporaryFolder()
    let index = ["--index", cache.path + "/rez.index"]
    let request = try ToolRun.run("flow-resolve", ["--catalog", folder.path] + index + ["tol"])
    #expect(request.status == 65)
    #expect(
      request.stderr
        == "flow-resolve: tol is requested and no package tol is in the catalogue "
        + "(did you mean 'tool'?)\n")
    let required = try ToolRun.run(
      "flow-resolve", ["--catalog", folder.path] + index + ["studio"])
    #expect(required.status == 65)
    #expect(
      required.stderr.contains(
        "no package pyhton is in the catalogue (did you mean 'python'?)"), "\(required.stderr)")
    // Where rez's own search stops at the family (and answers nothing, though 0.9 would
    // do), its reason suggests the same.
    let stopped = try ToolRun.run("flow-resolve", ["--catalog", folder.path] + index + ["shot"])
    #expect(stopped.status == 65)
    #expect(
      stopped.stderr
        == "flow-resolve: rez's search stops: no repository holds a package pyhton "
        + "(did you mean 'python'?) (pyhton is required by shot-1.0)\n")
    // A family whose every version was skipped is no typo: it is said so.
    let skipped = try ToolRun.run("flow-resolve", ["--catalog", folder.path] + index + ["broken"])
    #expect(skipped.status == 65)
    #expect(
      skipped.stderr.hasSuffix(
        "flow-resolve: broken is requested and no version of broken in the catalogue can be "
          + "read\n"), "\(skipped.stderr)")
  }

  /// With no catalogue named, rez's own configuration names the repositories: its
  /// `packages_path` read without running the file, or refused with what to do instead.
  @Test func rezsConfigurationNamesTheRepositoriesLast() throws {
    let home = try Self.repository()
    try home.write(".rezconfig.py", "import os\npackages_path = ['~/missing', '~']\n")
    let environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"]
    let run = try ToolRun.run("flow-resolve", ["tool", "python<3"], environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try Self.packages(run) == ["python-2.7.18", "tool-1.0[0]"])
    // rez's ModifyList adds to rez's default list.
    try home.write(".rezconfig.py", "packages_path = ModifyList(append=['~'])\n")
    let modified = try ToolRun.run("flow-resolve", ["tool", "python<3"], environment: environment)
    #expect(modified.status == 0, "\(modified.stderr)")
    #expect(try Self.packages(modified) == ["python-2.7.18", "tool-1.0[0]"])
    try home.write(".rezconfig.py", "packages_path = ModifyList(append=[studio()])\n")
    let unread = try ToolRun.run("flow-resolve", ["tool"], environment: environment)
    #expect(unread.status == 65)
    #expect(
      unread.stderr.hasSuffix(
        "\nrez's packages_path in \(home.path)/.rezconfig is not a list of strings (or rez's"
          + " ModifyList of one) flow works out without running the file: set"
          + " REZ_PACKAGES_PATH\n"), "\(unread.stderr)")
  }

  @Test func aResolveFailsWhereRezsSearchStopsWithAnError() throws {
    let folder = try TemporaryFolder()
    try folder.write("a/1/package.py", "requires = ['b-2']\n")
    try folder.write("a/0/package.py", "name = 'a'\n")
    try folder.write("b/1/package.py", "name = 'b'\n")
    try folder.write(
      "c/1/package.py", "requires = ['~d<2']\nvariants = [['d-1'], ['d-3']]\n")
    try folder.write("d/1/package.py", "name = 'd'\n")
    try folder.write("d/3/package.py", "name = 'd'\n")
    let cache = try TemporaryFolder()
    let index = ["--index", cache.path + "/rez.index"]
    for (request, reason) in [
      ("a", "no version of b is in b-2 (b is required by a-1)"),
      ("c", "the requirements of c-1[1] conflict with each other"),
    ] {
      let alone = try ToolRun.run("flow-resolve", ["--catalog", folder.path] + index + [request])
      #expect(alone.status == 65)
      #expect(alone.stderr.contains("rez's search stops: " + reason), "\(alone.stderr)")
      let workflow = try cache.write(
        "w.yaml", "stages:\n  - name: s\n    environment:\n      requirements: [\(request)]\n")
      let parsed = try ToolRun.run("flow-parse", [workflow])
      let piped = try ToolRun.run(
        "flow-resolve", ["--catalog", folder.path, "--no-implicits"] + index,
        stdin: parsed.stdout)
      #expect(piped.status == 65)
      #expect(piped.stderr.contains("stage 's': rez's search stops: " + reason), "\(piped.stderr)")
    }
    // The next version is rez's answer: the one that stopped it is never opened.
    try folder.write("a/2/package.py", "name = 'a'\n")
    let solved = try ToolRun.run("flow-resolve", ["--catalog", folder.path] + index + ["a"])
    #expect(try Self.packages(solved) == ["a-2"], "\(solved.stderr)")
  }

  @Test func implicitsMakeTheMachinesFactsPackagesOfARezRepository() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "r/2.0/package.py",
      """
      variants = [['gpu-1', 'cuda_driver-12.1+'], ['gpu-0']]
      def commands():
          if 'gpu' in resolve and 'gpu' not in request and 'r' in request:
              env.R_FACTS = 'chosen, not requested'
      """)
    func packages(onMachine tree: String) throws -> [String] {
      let run = try ToolRun.run(
        "flow-resolve", ["--catalog", folder.path, "--implicits", "r"],
        environment: [
          "PATH": "/usr/bin:/bin",
          "FLOW_PROBE_ROOT": ToolRun.root.path + "/Tests/Fixtures/probe/" + tree,
        ])
      #expect(run.status == 0, "\(run.stderr)")
      // The machine's facts are packages of the resolve, not requests, as rez's implicits.
      #expect(run.stdout.contains(#""variable":"R_FACTS","value":"chosen, not requested""#))
      return try Self.packages(run)
    }
    #expect(try packages(onMachine: "nvidia-one").contains("r-2.0[0]"))
    #expect(try packages(onMachine: "no-gpu") == ["gpu-0", "r-2.0[1]"])
  }

  @Test func aFieldThatIsNotALiteralIsReportedWithItsPlace() throws {
    let folder = try Self.repository()
    let run = try ToolRun.run("flow-resolve", ["--catalog", folder.path, "broken"])
    #expect(run.status == 65)
    #expect(
      run.stderr.contains("broken/1.0/package.py:1:23: 'requires' is not a literal: expected ','"))
  }

  @Test func rezSyntaxNeedsRezRepositories() throws {
    let folder = try Self.repository()
    let catalogue = try folder.write("catalogue.toml", "[packages.p.\"1.0\"]\n")
    let run = try ToolRun.run(
      "flow-resolve", ["--catalog", catalogue, "--syntax", "rez", "p-1"])
    #expect(run.status == 66)
    #expect(run.stderr.contains("not a rez repository"))
    let badRange = try ToolRun.run("flow-resolve", ["--catalog", folder.path, "python-3+<2"])
    #expect(badRange.status == 64)
    #expect(badRange.stderr.contains("invalid requirement 'python-3+<2'"))
  }
}

extension FlowResolveRezCLITests {
  /// rez's combined package files: `NAME.py` (or `NAME.yaml`) at the repository's top holds
  /// every version it lists in `versions`, each with the `version_overrides` whose range
  /// holds it; without `versions`, one unversioned package. A package's folder wins over a
  /// file of its name, `.py` over `.yaml`, and an edit of the file is seen by the next run.
  @Test func aCombinedPackageFileHoldsEveryVersionItLists() throws {
    let folder = try Self.repository()
    try folder.write(
      "kit.py",
      """
      name = 'kit'
      versions = ['1.0', '2.0', '3.0']
      requires = ['python-2']
      def commands():
          env.KIT = '{version}'
      with scope('version_overrides'):
          with scope('2+'):
              requires = ['python-3']
          with scope('3'):
              commands = "env.KIT = 'three'"
      """)
    try folder.write("kit.yaml", "name: kit\nversions: ['9']\n")
    try folder.write("python.py", "name = 'python'\nversions = ['9.9']\n")
    try folder.write("site.yaml", "name: site\ncommands: \"env.SITE = '{root}'\"\n")
    try folder.write("settings.yaml", "name: settings\n")
    let cache = try TemporaryFolder()
    func resolve(_ requests: [String]) throws -> (packages: [String], stdout: String) {
      let run = try ToolRun.run(
        "flow-resolve",
        ["--catalog", folder.path, "--index", cache.path + "/index", "--no-implicits"]
          + requests)
      #expect(run.status == 0, "\(requests): \(run.stderr)")
      return (try Self.packages(run), run.stdout)
    }
    #expect(try resolve(["kit"]).packages == ["python-3.9.1", "kit-3.0"])
    #expect(try resolve(["kit"]).stdout.contains(#""variable":"KIT","value":"three""#))
    let first = try resolve(["kit-1"])
    #expect(first.packages == ["python-2.7.18", "kit-1.0"])
    #expect(first.stdout.contains(#""variable":"KIT","value":"1.0""#))
    #expect(try resolve(["kit-2"]).packages == ["python-3.9.1", "kit-2.0"])
    // The folder `python` shadows python.py; settings.yaml is rez's own file.
    #expect(try resolve(["python"]).packages == ["python-3.9.1"])
    let settings = try ToolRun.run("flow-resolve", ["--catalog", folder.path, "settings"])
    #expect(settings.status == 65)
    // Versions that are not strings are refused, as rez's schema refuses them, with the
    // file's place: no unversioned package is made of them.
    try folder.write("odd.py", "name = 'odd'\nversions = [1.0]\n")
    let odd = try ToolRun.run("flow-resolve", ["--catalog", folder.path, "odd"])
    #expect(odd.status == 65)
    #expect(odd.stderr.contains("odd.py:2:12: 'versions' must be a list of versions; odd- skipped"))
    // A package of a combined file has no folder: rez gives `None` for its root.
    let site = try resolve(["site"])
    #expect(site.packages == ["site-"])
    #expect(site.stdout.contains(#""variable":"SITE","value":"None""#))
    #expect(site.stdout.contains(#""variable":"REZ_SITE_ROOT","value":"None""#))
    // A release written into the file is the next run's answer.
    try folder.write("kit.py", "name = 'kit'\nversions = ['1.0', '4.0']\n")
    #expect(try resolve(["kit"]).packages == ["kit-4.0"])
    // A repository of combined files alone is a rez repository.
    let combinedOnly = try TemporaryFolder()
    try combinedOnly.write("solo.yaml", "name: solo\nversions: ['1', '2']\n")
    let solo = try ToolRun.run("flow-resolve", ["--catalog", combinedOnly.path, "solo-1"])
    #expect(solo.status == 0, "\(solo.stderr)")
    #expect(try Self.packages(solo) == ["solo-1"])
  }
}

extension FlowResolveRezCLITests {
  /// A change whose test of `env.keys()` stays unknown once the resolve is known (a package
  /// before named `env` in a way flow does not follow) is left out with a warning naming
  /// it, once, however many stages resolve alike; the resolve succeeds.
  @Test func aChangeLeftOutOnceTheResolveIsKnownIsTold() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "b/1/package.py", "def commands():\n    name = 'B_VAR'\n    path = getattr(env, name)\n")
    try folder.write(
      "c/1/package.py",
      """
      requires = ['b']
      def commands():
          if 'C_X' not in env.keys():
              env.C_X = '1'
          env.C_Y = 'y'

      """)
    let warning =
      "c/1/package.py: rez package c-1: command not decided for this resolve, left out: the "
      + "change of C_X where not ('C_X' in env.keys())"
    let run = try ToolRun.run("flow-resolve", ["--catalog", folder.path, "c"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.components(separatedBy: warning).count == 2, "\(run.stderr)")
    #expect(run.stdout.contains(#""variable":"C_Y""#) && !run.stdout.contains(#""C_X""#))
    let cache = try TemporaryFolder()
    let workflow = try cache.write(
      "w.yaml",
      "stages:\n  - name: s\n    environment:\n      requirements: [c]\n"
        + "  - name: t\n    environment:\n      requirements: [c]\n")
    let parsed = try ToolRun.run("flow-parse", [workflow])
    let piped = try ToolRun.run(
      "flow-resolve", ["--catalog", folder.path, "--no-implicits"], stdin: parsed.stdout)
    #expect(piped.status == 0, "\(piped.stderr)")
    #expect(piped.stderr.components(separatedBy: warning).count == 2, "\(piped.stderr)")
  }
}
