import Foundation
import Testing

/// flow.lock end to end: written where the user asks, kept while it fits, refused with
/// what would change under --locked, moved on by flow-resolve --update-lock.
@Suite struct FlowLockTests {
  static let workflow = FlowExecCacheTests.houdini

  /// A catalogue entry of `name` `version`.
  static func entry(_ name: String, _ version: String) -> String {
    name == "houdini"
      ? FlowExecCacheTests.entry(version)
      : "[packages.\"\(name)\".\"\(version)\"]\nenv.\(name.uppercased()) = \"/opt/\(name)\(version)\"\n"
  }

  struct Scratch {
    let folder: FlowExecCacheTests.Folder
    var url: URL { folder.url }
    var environment: [String: String] {
      [
        "PATH": "/usr/bin:/bin", "FLOW_CATALOG": url.path + "/catalogue.toml",
        "XDG_CACHE_HOME": url.path + "/xdg",
      ]
    }

    init(workflow: String = FlowLockTests.workflow, catalogue: String) throws {
      folder = try FlowExecCacheTests.Folder(workflow: workflow)
      try folder.write("catalogue.toml", catalogue)
    }

    func exec(_ options: [String]) throws -> ToolRun {
      try ToolRun.run("flow-exec", options + ["w.yaml"], in: url, environment: environment)
    }

    /// `flow-parse w.yaml | TOOL OPTIONS`.
    func pipe(_ tool: String, _ options: [String]) throws -> ToolRun {
      let parsed = try ToolRun.run("flow-parse", ["w.yaml"], in: url, environment: environment)
      #expect(parsed.status == 0, "\(parsed.stderr)")
      return try ToolRun.run(
        tool, options, stdin: parsed.stdout, in: url, environment: environment)
    }

    var lock: String? { folder.folder.read("flow.lock") }

    static func outcomes(_ run: ToolRun) -> [String: String] {
      ExecFolder.ends(run.stdout).mapValues { $0["outcome"] as! String }
    }
  }

  @Test func noLockIsWrittenUnasked() throws {
    let scratch = try Scratch(catalogue: Self.entry("houdini", "20.0.547"))
    defer { scratch.folder.folder.remove() }
    let run = try scratch.exec([])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(scratch.lock == nil)
  }

  @Test func aLockIsReusedWhileItStillSatisfiesTheRequirements() throws {
    let scratch = try Scratch(catalogue: Self.entry("houdini", "20.0.547"))
    defer { scratch.folder.folder.remove() }
    let first = try scratch.exec(["--lock", "flow.lock"])
    #expect(first.status == 0, "\(first.stderr)")
    let written = try #require(scratch.lock)
    #expect(written.contains("\"version\": \"20.0.547\""), "\(written)")
    try scratch.folder.write(
      "catalogue.toml", Self.entry("houdini", "20.0.547") + Self.entry("houdini", "20.0.590"))
    // The lock beside the workflow is found without --lock.
    let second = try scratch.exec([])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(Scratch.outcomes(second) == ["render": "cached", "other": "cached"])
    #expect(scratch.lock == written)
    #expect(try scratch.exec(["--locked"]).status == 0)
  }

  @Test func aNewerCatalogueVersionUnderLockedIsRefusedWithTheDiff() throws {
    let scratch = try Scratch(catalogue: Self.entry("houdini", "20.0.547"))
    defer { scratch.folder.folder.remove() }
    #expect(try scratch.exec(["--lock", "flow.lock"]).status == 0)
    let written = try #require(scratch.lock)
    // The site replaced the locked version: the lock can no longer be kept.
    try scratch.folder.write("catalogue.toml", Self.entry("houdini", "20.0.590"))
    let refused = try scratch.exec(["--locked"])
    #expect(refused.status == 65, "\(refused.stderr)")
    #expect(refused.stderr.contains("would change, which --locked refuses"), "\(refused.stderr)")
    #expect(
      refused.stderr.contains("w.yaml:2:5: stage 'render': houdini 20.0.547 → 20.0.590"),
      "\(refused.stderr)")
    #expect(refused.stdout.isEmpty)
    #expect(scratch.lock == written)
    // Without --locked the stage that resolves it reruns and the lock moves on.
    let moved = try scratch.exec([])
    #expect(moved.status == 0, "\(moved.stderr)")
    #expect(Scratch.outcomes(moved) == ["render": "succeeded", "other": "cached"])
    #expect(scratch.lock?.contains("\"version\": \"20.0.590\"") == true)
  }

  @Test func updateLockHoudiniMovesOnlyHoudini() throws {
    let workflow = Self.workflow.replacing(
      "[\"houdini ~=20.0\"]", with: "[\"houdini ~=20.0\", \"redshift >=3\"]")
    let scratch = try Scratch(
      workflow: workflow,
      catalogue: Self.entry("houdini", "20.0.547") + Self.entry("redshift", "3.5.19"))
    defer { scratch.folder.folder.remove() }
    let first = try scratch.pipe("flow-resolve", ["--lock", "flow.lock"])
    #expect(first.status == 0, "\(first.stderr)")
    try scratch.folder.write(
      "catalogue.toml",
      Self.entry("houdini", "20.0.547") + Self.entry("houdini", "20.0.590")
        + Self.entry("redshift", "3.5.19") + Self.entry("redshift", "3.6.0"))
    let kept = try scratch.pipe("flow-resolve", [])
    #expect(kept.status == 0, "\(kept.stderr)")
    #expect(kept.stdout.contains("\"20.0.547\"") && kept.stdout.contains("\"3.5.19\""))
    let moved = try scratch.pipe("flow-resolve", ["--update-lock", "houdini"])
    #expect(moved.status == 0, "\(moved.stderr)")
    let lock = try #require(scratch.lock)
    #expect(lock.contains("\"version\": \"20.0.590\""), "\(lock)")
    #expect(lock.contains("\"version\": \"3.5.19\""), "\(lock)")
    let all = try scratch.pipe("flow-resolve", ["--update-lock"])
    #expect(all.status == 0, "\(all.stderr)")
    #expect(scratch.lock?.contains("\"version\": \"3.6.0\"") == true)
    let unknown = try scratch.pipe("flow-resolve", ["--update-lock", "houdnii"])
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("did you mean 'houdini'?"), "\(unknown.stderr)")
  }

  @Test func aChangedEnvValueUnderLockedNamesFileAndLine() throws {
    let workflow = """
      stages:
        - name: count
          type: BashOperator
          kwargs: {bash_command: "echo $NEVENTS"}
          environment: {variables: .env}

      """
    let scratch = try Scratch(workflow: workflow, catalogue: "")
    defer { scratch.folder.folder.remove() }
    try scratch.folder.write(".env", "# events\nNEVENTS=1000\nMODE=fast\n")
    let first = try scratch.pipe("flow-envfile", ["--lock", "flow.lock"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(scratch.lock?.contains("\"flow-envfile\"") == true)
    #expect(scratch.lock?.contains("1000") == false, "values are never written to the lock")
    #expect(try scratch.pipe("flow-envfile", ["--locked"]).status == 0)
    try scratch.folder.write(".env", "# events\nNEVENTS=2000\nMODE=fast\n")
    let refused = try scratch.pipe("flow-envfile", ["--locked"])
    #expect(refused.status == 65)
    #expect(refused.stderr.contains("/.env:2:1: NEVENTS changed its value"), "\(refused.stderr)")
    #expect(!refused.stderr.contains("MODE"))
    // flow-exec loading the variables itself keeps to the same section.
    let exec = try scratch.exec(["--locked"])
    #expect(exec.status == 65)
    #expect(exec.stderr.contains("/.env:2:1: NEVENTS changed its value"), "\(exec.stderr)")
  }

  @Test func aTornOrEditedLockIsAClearErrorAtItsPlace() throws {
    let scratch = try Scratch(catalogue: Self.entry("houdini", "20.0.547"))
    defer { scratch.folder.folder.remove() }
    #expect(try scratch.exec(["--lock", "flow.lock"]).status == 0)
    let written = try #require(scratch.lock)
    try scratch.folder.write("flow.lock", String(written.prefix(written.count / 2)))
    let torn = try scratch.exec([])
    #expect(torn.status == 65, "\(torn.stderr)")
    #expect(torn.stderr.contains("flow.lock:"), "\(torn.stderr)")
    #expect(torn.stderr.contains("not valid JSON"), "\(torn.stderr)")
    try scratch.folder.write(
      "flow.lock", written.replacing("\"version\": \"20.0.547\"", with: "\"version\": 20"))
    let edited = try scratch.pipe("flow-resolve", [])
    #expect(edited.status == 65, "\(edited.stderr)")
    #expect(
      edited.stderr.contains("expected the version of houdini (a string), found a scalar"),
      "\(edited.stderr)")
    #expect(edited.stderr.contains("flow.lock:"), "\(edited.stderr)")
  }

  @Test func stdinWithoutAWorkflowFolderWritesNoLockUnlessNamed() throws {
    let scratch = try Scratch(catalogue: Self.entry("houdini", "20.0.547"))
    defer { scratch.folder.folder.remove() }
    let document = """
      {"flow": 1, "source": "<stdin>", "stages": [{"name": "render", "type": "BashOperator",
       "kwargs": {"bash_command": "true"}, "needs": [],
       "environment": {"requirements": [{"package": "houdini", "spec": "~=20.0"}]}}]}
      """
    let plain = try ToolRun.run(
      "flow-resolve", [], stdin: document, in: scratch.url, environment: scratch.environment)
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(scratch.lock == nil)
    let locked = try ToolRun.run(
      "flow-resolve", ["--locked"], stdin: document, in: scratch.url,
      environment: scratch.environment)
    #expect(locked.status == 65)
    #expect(locked.stderr.contains("names no workflow file"), "\(locked.stderr)")
    let named = try ToolRun.run(
      "flow-resolve", ["--lock", "mine.lock"], stdin: document, in: scratch.url,
      environment: scratch.environment)
    #expect(named.status == 0, "\(named.stderr)")
    let folder = try ToolRun.run(
      "flow-resolve", ["--lock", "."], stdin: document, in: scratch.url,
      environment: scratch.environment)
    #expect(folder.status == 64)
    #expect(folder.stderr.contains("--lock .: not a regular file"), "\(folder.stderr)")
    #expect(scratch.folder.folder.read("mine.lock")?.contains("20.0.547") == true)
  }
}
