import FlowTestSupport
import Foundation
import Testing

/// flow-exec resolving a workflow itself against rez repositories, with requirements in
/// rez's syntax, as flow-resolve does in a pipe.
@Suite struct FlowExecRezCLITests {
  /// flow-exec's environment with the repository as the catalogue.
  static func environment(_ folder: TemporaryFolder) -> [String: String] {
    [
      "PATH": "/usr/bin:/bin", "FLOW_CATALOG": folder.path + "/repo",
      "XDG_CACHE_HOME": folder.path + "/cache",
      "FLOW_PROBE_ROOT": ToolRun.root.path + "/Tests/Fixtures/probe/no-gpu",
    ]
  }

  static func repository(_ folder: TemporaryFolder) throws {
    try folder.write("repo/python/3.9.1/package.py", "name = 'python'\nversion = '3.9.1'\n")
    try folder.write("repo/python/3.11.4/package.py", "name = 'python'\nversion = '3.11.4'\n")
    try folder.write(
      "repo/tool/1.2.0/package.py",
      """
      name = 'tool'
      version = '1.2.0'
      requires = ['python-3+']
      def commands():
          env.TOOL_HOME.set('{root}')
          env.TOOL_VERSION.set('{version}')

      """)
    try folder.write(
      "repo/tool/2.0.0/package.py",
      "name = 'tool'\nversion = '2.0.0'\nrequires = ['python-4+']\n")
  }

  /// A stage writing the tool's version to `NAME-out`, with `requirements` as YAML.
  static func stage(_ name: String, _ requirements: String) -> String {
    """
      - name: \(name)
        type: BashOperator
        kwargs: {bash_command: 'echo "$TOOL_VERSION" > \(name)-out'}
        environment: {requirements: \(requirements)}

    """
  }

  @Test func rezRequirementsInAWorkflowAreResolvedByFlowExec() throws {
    let folder = try TemporaryFolder()
    try Self.repository(folder)
    let workflow = try folder.write(
      "w.yaml",
      "stages:\n" + Self.stage("list", #"["tool-1+<2", "~python-3.9"]"#)
        + Self.stage("map", #"{tool: "1.2"}"#))
    let environment = Self.environment(folder)
    let run = try ToolRun.run("flow-exec", ["--no-cache", workflow], environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    for name in ["list-out", "map-out"] {
      #expect(try String(contentsOfFile: folder.path + "/" + name, encoding: .utf8) == "1.2.0\n")
    }
    // The same document through flow-resolve chooses the same.
    let parsed = try ToolRun.run("flow-parse", [workflow])
    let resolved = try ToolRun.run(
      "flow-resolve", [], stdin: parsed.stdout, environment: environment)
    #expect(resolved.status == 0, "\(resolved.stderr)")
    #expect(resolved.stdout.contains(#""name":"python","version":"3.9.1""#))
  }

  /// rez's own variable names the repositories when nothing else does: a folder of it that
  /// holds no package (the user's `~/packages`, not made yet) is passed over, as rez does.
  @Test func rezPackagesPathNamesTheRepositoriesWithoutACatalogue() throws {
    let folder = try TemporaryFolder()
    try Self.repository(folder)
    let workflow = try folder.write(
      "w.yaml", "stages:\n" + Self.stage("list", #"["tool-1+<2"]"#))
    var environment = Self.environment(folder)
    environment["FLOW_CATALOG"] = nil
    environment["HOME"] = folder.path
    environment["REZ_PACKAGES_PATH"] = "~/packages:" + folder.path + "/repo"
    let run = try ToolRun.run("flow-exec", ["--no-cache", workflow], environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try String(contentsOfFile: folder.path + "/list-out", encoding: .utf8) == "1.2.0\n")
    let alone = try ToolRun.run("flow-resolve", ["tool"], environment: environment)
    #expect(alone.status == 0, "\(alone.stderr)")
    #expect(alone.stdout.contains(#""name":"tool","version":"1.2.0""#), "\(alone.stdout)")
    // None of its folders holds a package: the catalogue is empty, and the failure says why.
    try FileManager.default.createDirectory(
      atPath: folder.path + "/packages", withIntermediateDirectories: true)
    environment["REZ_PACKAGES_PATH"] = "~/packages"
    let empty = try ToolRun.run("flow-resolve", ["tool"], environment: environment)
    #expect(empty.status == 65)
    #expect(
      empty.stderr
        == "flow-resolve: tool is requested and no package tool is in the catalogue\n"
        + "no folder REZ_PACKAGES_PATH names holds a rez package: ~/packages\n")
  }

  /// A package's `defined()` tests the environment the stage starts from, where
  /// flow-exec runs it.
  @Test func testsOfTheEnvironmentApplyWhereTheStageRuns() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "repo/guard/1.0/package.py",
      """
      name = 'guard'
      version = '1.0'
      def commands():
          if not defined('GUARD_HOME'):
              env.GUARD_HOME = '{root}'
          env.GUARD_SEEN = 'yes'

      """)
    let workflow = try folder.write(
      "w.yaml",
      """
      stages:
        - name: show
          type: BashOperator
          kwargs: {bash_command: 'echo "$GUARD_HOME $GUARD_SEEN" > out'}
          environment: {requirements: ["guard"]}

      """)
    var environment = Self.environment(folder)
    let run = try ToolRun.run("flow-exec", ["--no-cache", workflow], environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      try String(contentsOfFile: folder.path + "/out", encoding: .utf8)
        == folder.path + "/repo/guard/1.0 yes\n")
    environment["GUARD_HOME"] = "/studio/guard"
    let again = try ToolRun.run("flow-exec", ["--no-cache", workflow], environment: environment)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(
      try String(contentsOfFile: folder.path + "/out", encoding: .utf8) == "/studio/guard yes\n")
  }

  /// A package's `alias()` is a function the stage's bash runs, as in rez's bash context;
  /// in a container it arrives as the variable bash reads it from (the test image's shell
  /// is busybox's, which reads none and passes none on: what podman gave the container's
  /// init is read). The package reads `HOME`, which the test image does not set but podman
  /// does as the container starts: no stop holds there, and its test of `HOME` holds.
  @Test func aPackagesAliasIsAFunctionOfTheStagesShell() throws {
    #expect(FlowExecContainerTests.prepared)
    let folder = try TemporaryFolder()
    try folder.write(
      "repo/nuke/12.2/package.py",
      #"""
      name = 'nuke'
      version = '12.2'
      def commands():
          alias('nuke', 'echo Nuke{version} --nukex')
          alias('nuke_quoted', "printf '%s|' \"it's\"")
          env.NUKE_USER = '{env.HOME}/.nuke'
          if defined('HOME'):
              env.NUKE_HOME_KNOWN = 'yes'

      """#)
    let workflow = try folder.write(
      "w.yaml",
      """
      stages:
        - name: local
          type: BashOperator
          kwargs: {bash_command: 'nuke -t "a b" > local-out; nuke_quoted x >> local-out'}
          environment: {requirements: ["nuke"]}
        - name: boxed
          type: BashOperator
          kwargs: {bash_command: 'tr "\\\\0" "\\\\n" < /proc/1/environ > boxed-out'}
          environment: {requirements: ["nuke"], image: "\(FlowExecContainerTests.image)"}

      """)
    var environment = Self.environment(folder)
    // podman's network helper runs the firewall's commands.
    environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
    environment["HOME"] = "/nonexistent/home"
    let run = try ToolRun.run(
      "flow-exec", ["--no-cache", "--engine", "podman", workflow], environment: environment)
    try #require(run.status == 0, "\(run.stderr)")
    #expect(
      try String(contentsOfFile: folder.path + "/local-out", encoding: .utf8)
        == "Nuke12.2 --nukex -t a b\nit's|x|")
    let boxed = try String(contentsOfFile: folder.path + "/boxed-out", encoding: .utf8)
    #expect(boxed.contains("BASH_FUNC_nuke%%=() { eval 'echo Nuke12.2 --nukex \"$@\"'; }\n"))
    // The engine sets HOME as the container starts, so a test of it holds there as the
    // read of it does (the image sets none). The engine lists the variables in no fixed
    // order: the line may be the first.
    #expect(("\n" + boxed).contains("\nNUKE_HOME_KNOWN=yes\n"), "\(boxed)")
  }

  /// A container stage sees its rez packages' folders at their own paths, read-only, so
  /// the paths its actions set (`{root}`) hold inside; the repository lies outside the
  /// workflow folder.
  @Test func aContainerStageSeesItsPackagesFoldersReadOnly() throws {
    #expect(FlowExecContainerTests.prepared)
    let folder = try TemporaryFolder()
    try folder.write(
      "repo/data/2.0/package.py",
      """
      name = 'data'
      version = '2.0'
      def commands():
          env.DATA_FILE = '{root}/table.txt'

      """)
    try folder.write("repo/data/2.0/table.txt", "from the package\n")
    let workflow = try folder.write(
      "work/w.yaml",
      """
      stages:
        - name: boxed
          type: BashOperator
          kwargs:
            bash_command: 'cat "$DATA_FILE" > out; touch "$REZ_DATA_ROOT/new" || echo refused >> out'
          environment: {requirements: ["data"], image: "\(FlowExecContainerTests.image)"}

      """)
    var environment = Self.environment(folder)
    environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
    let run = try ToolRun.run(
      "flow-exec", ["--no-cache", "--engine", "podman", workflow], environment: environment)
    try #require(run.status == 0, "\(run.stderr)")
    #expect(
      try String(contentsOfFile: folder.path + "/work/out", encoding: .utf8)
        == "from the package\nrefused\n")
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/repo/data/2.0/new"))
  }

  /// A package's `stop()` whose test holds on this machine refuses the run before any
  /// stage starts, naming the stage and the package's message (exit 125); once it does not
  /// hold, the stage runs.
  @Test func aPackagesStopThatHoldsRefusesTheRun() throws {
    let folder = try TemporaryFolder()
    let installed = folder.path + "/opt/nuke"
    try folder.write(
      "repo/nuke/12.2/package.py",
      """
      name = 'nuke'
      version = '12.2'
      def commands():
          import os
          env.NUKE_LOCATION = '\(installed)'
          if not os.path.exists(str(env.NUKE_LOCATION)):
              stop('Not installed Nuke %s' % version)

      """)
    let workflow = try folder.write(
      "w.yaml",
      """
      stages:
        - name: first
          type: BashOperator
          kwargs: {bash_command: 'touch first-ran'}
        - name: render
          type: BashOperator
          kwargs: {bash_command: 'echo "$NUKE_LOCATION" > render-out'}
          environment: {requirements: ["nuke"]}

      """)
    let environment = Self.environment(folder)
    let refused = try ToolRun.run(
      "flow-exec", ["--no-cache", workflow], environment: environment)
    #expect(refused.status == 125)
    #expect(
      refused.stderr.contains(
        "stage 'render': its environment cannot be made here: package nuke stops:"
          + " Not installed Nuke 12.2\n"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/first-ran"))
    try FileManager.default.createDirectory(atPath: installed, withIntermediateDirectories: true)
    let run = try ToolRun.run("flow-exec", ["--no-cache", workflow], environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      try String(contentsOfFile: folder.path + "/render-out", encoding: .utf8) == installed + "\n")
  }

  @Test func aRezRequirementNothingSatisfiesNamesTheStage() throws {
    let folder = try TemporaryFolder()
    try Self.repository(folder)
    let workflow = try folder.write(
      "w.yaml",
      """
      stages:
        - name: impossible
          type: BashOperator
          kwargs: {bash_command: 'true'}
          environment: {requirements: ["tool-2", "python-3"]}

      """)
    let run = try ToolRun.run(
      "flow-exec", ["--no-cache", workflow], environment: Self.environment(folder))
    // flow-exec's own status for a run that could not start, as env(1) uses it.
    #expect(run.status == 125, "\(run.stderr)")
    #expect(run.stderr.contains("stage 'impossible': resolving requirements:"))
    #expect(run.stderr.contains("tool 2.0.0 requires python 4+"))
  }
}
