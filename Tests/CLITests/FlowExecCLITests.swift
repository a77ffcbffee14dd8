import Foundation
import Testing

@Suite struct FlowExecCLITests {
  @Test func runsStagesInOrderAndReportsEachEnd() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("first", "echo one > order"),
      ExecFolder.bash("second", "echo two >> order; echo to-the-log", needs: ["first"]),
    ])
    let run = try ToolRun.run("flow-exec", ["--log-dir", folder.path + "/logs"], stdin: document)
    #expect(run.status == 0)
    #expect(folder.read("order") == "one\ntwo\n")
    #expect(folder.read("logs/second.log") == "to-the-log\n")
    let ends = ExecFolder.ends(run.stdout)
    #expect(ends["first"]?["outcome"] as? String == "succeeded")
    let summary = ExecFolder.events(run.stdout).last
    #expect(summary?["type"] as? String == "summary")
  }

  @Test func buildsTheEnvironmentInDesignOrder() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let stage: [String: Any] = [
      "name": "show", "kwargs": ["bash_command": "env > seen"],
      "resolution": [
        "actions": [
          ["action": "set", "variable": "LAYER", "value": "action", "package": "p"],
          ["action": "prepend", "variable": "SEARCH", "value": "/pkg", "package": "p"],
          ["action": "set", "variable": "FLOW_STAGE", "value": "from-action", "package": "p"],
        ]
      ],
      "environment": [
        "variables": [
          "sources": [["values": ["LAYER": "x"], "origin": "stage"]],
          "merged": ["LAYER": "variable", "FROM_VARIABLES": "yes"],
        ]
      ],
    ]
    let environment = [
      "PATH": "/usr/bin:/bin", "SEARCH": "/base", "LAYER": "base", "ONLY_BASE": "kept",
    ]
    let run = try ToolRun.run(
      "flow-exec", [], stdin: try folder.document([stage]), environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    let seen = Set((folder.read("seen") ?? "").split(separator: "\n").map(String.init))
    #expect(seen.contains("LAYER=variable"))
    #expect(seen.contains("SEARCH=/pkg:/base"))
    #expect(seen.contains("ONLY_BASE=kept"))
    #expect(seen.contains("FROM_VARIABLES=yes"))
    #expect(seen.contains("FLOW_STAGE=show"))
    #expect(seen.contains("FLOW_WORKFLOW=\(folder.path)/w.yaml"))

    let clean = try ToolRun.run(
      "flow-exec", ["--clean-env", "--no-cache"], stdin: try folder.document([stage]),
      environment: environment)
    #expect(clean.status == 0)
    let cleanSeen = folder.read("seen") ?? ""
    #expect(!cleanSeen.contains("ONLY_BASE"))
    #expect(cleanSeen.contains("SEARCH=/pkg\n"))
  }

  @Test func loadsVariableFilesTheDocumentDidNotLoad() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    try "FROM_FILE=loaded\nOTHER=${FROM_FILE}-too\n".write(
      to: folder.url.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
    let stage = ExecFolder.bash(
      "show", "echo $FROM_FILE $OTHER > seen",
      extra: ["environment": ["variables": ["sources": [["file": folder.path + "/.env"]]]]])
    let run = try ToolRun.run("flow-exec", [], stdin: try folder.document([stage]))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.read("seen") == "loaded loaded-too\n")

    let strict = try ToolRun.run("flow-exec", ["--strict"], stdin: try folder.document([stage]))
    #expect(strict.status == 125)
    #expect(strict.stderr.contains("variable files not loaded (run flow-envfile first"))
    #expect(strict.stdout == "")
  }

  @Test func stopsStartingAfterAFailureUnlessKeepGoing() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("broken", "exit 3"),
      ExecFolder.bash("after", "touch after-ran", needs: ["broken"]),
      ExecFolder.bash("other", "touch other-ran", needs: ["gate"]),
      ExecFolder.bash("gate", "sleep 0.2"),
    ])
    let stopped = try ToolRun.run("flow-exec", ["-j", "1"], stdin: document)
    #expect(stopped.status == 3)
    #expect(folder.read("after-ran") == nil)
    #expect(folder.read("other-ran") == nil)
    #expect(ExecFolder.ends(stopped.stdout)["other"]?["outcome"] as? String == "skipped")

    let going = try ToolRun.run("flow-exec", ["-j", "1", "--keep-going"], stdin: document)
    #expect(going.status == 3)
    #expect(folder.read("after-ran") == nil)
    #expect(folder.read("other-ran") != nil)
    let ends = ExecFolder.ends(going.stdout)
    #expect(ends["after"]?["outcome"] as? String == "skipped")
    #expect(ends["broken"]?["status"] as? Int == 3)
  }

  @Test func reportsCommandsThatCannotRunAsEnvDoes() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([ExecFolder.bash("any", "true")])
    let missing = try ToolRun.run(
      "flow-exec", [], stdin: document, environment: ["PATH": folder.path + "/nothing-here"])
    #expect(missing.status == 127)
    #expect(
      ExecFolder.ends(missing.stdout)["any"]?["message"] as? String == "bash: command not found")

    let tools = folder.url.appendingPathComponent("tools")
    try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
    _ = FileManager.default.createFile(
      atPath: tools.path + "/bash", contents: Data("#!/bin/sh\n".utf8),
      attributes: [.posixPermissions: 0o644])
    let denied = try ToolRun.run(
      "flow-exec", [], stdin: document, environment: ["PATH": tools.path])
    #expect(denied.status == 126)
  }

  @Test func refusesAnUnknownStageTypeBeforeStartingAnything() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("fine", "touch ran"),
      ["name": "odd", "type": "fasthep_flow.operators.SparkOperator", "needs": []],
    ])
    let run = try ToolRun.run("flow-exec", [], stdin: document)
    #expect(run.status == 125)
    #expect(
      run.stderr.contains("stage 'odd': unknown stage type 'fasthep_flow.operators.SparkOperator'"))
    #expect(folder.read("ran") == nil)
    #expect(run.stdout == "")
  }

  @Test func runsPythonCallablesWithTheirArguments() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    try "import os\ndef write(name, text, times=1):\n    open(name, 'w').write(text * times)\n"
      .write(to: folder.url.appendingPathComponent("helpers.py"), atomically: true, encoding: .utf8)
    let stage: [String: Any] = [
      "name": "py", "type": "fasthep_flow.operators.PythonOperator", "args": ["out", "ab"],
      "kwargs": ["python_callable": "helpers.write", "times": 2],
    ]
    let run = try ToolRun.run("flow-exec", [], stdin: try folder.document([stage]))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.read("out") == "abab")

    let failing: [String: Any] = [
      "name": "py", "type": "PythonOperator", "kwargs": ["python_callable": "helpers.missing"],
    ]
    let failed = try ToolRun.run("flow-exec", [], stdin: try folder.document([failing]))
    #expect(failed.status == 1)
    #expect(folder.read(".flow/runs/latest/logs/py.log")?.contains("AttributeError") == true)
  }

  @Test func dryRunPrintsArgvAndEnvironmentAndRunsNothing() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash(
        "a", "touch ran", extra: ["environment": ["variables": ["merged": ["K": "v"]]]])
    ])
    let run = try ToolRun.run(
      "flow-exec", ["--dry-run", "--format", "json", "--clean-env"], stdin: document,
      environment: ["PATH": "/bin"])
    #expect(run.status == 0)
    #expect(folder.read("ran") == nil)
    let expected =
      #"{"type":"dry-run","data":{"stage":"a","argv":["bash","-c","--","touch ran"],"environment":{"FLOW_STAGE":"a","FLOW_WORKFLOW":""#
      + folder.path + #"/w.yaml","K":"v"},"directory":""# + folder.path + #"","gpus":[],"log":""#
      + folder.path + "/.flow/runs/ID/logs/a.log\"}}\n"
    // A dry run shows the logs in the run folder a run would get now.
    #expect(
      run.stdout.replacing(/runs\/[0-9]{8}-[0-9]{6}\.[0-9]{6}-[0-9]+\//, with: "runs/ID/")
        == expected)
  }

  /// The default dry run is a table for people: the stage's own command and only the
  /// variables flow sets, not the environment it inherits; a line break in a command is
  /// shown as an escape.
  @Test func dryRunPrintsATableOfWhatFlowAdds() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash(
        "a", "touch ran", extra: ["environment": ["variables": ["merged": ["K": "v"]]]]),
      ExecFolder.bash("b", "echo 'two\nlines'", needs: ["a"]),
    ])
    let run = try ToolRun.run(
      "flow-exec", ["--dry-run"], stdin: document,
      environment: ["PATH": "/bin", "INHERITED": "1"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.read("ran") == nil)
    #expect(
      run.stdout == #"""
        STAGE  EXECUTOR  IMAGE  GPUS  AFTER  COMMAND
        a      local     -      -     -      bash -c -- 'touch ran'
            FLOW_STAGE=a
            FLOW_WORKFLOW=\#(folder.path)/w.yaml
            K=v
        b      local     -      -     a      bash -c -- 'echo '\''two\nlines'\'''
            FLOW_STAGE=b
            FLOW_WORKFLOW=\#(folder.path)/w.yaml

        """#)
  }

  /// For Slurm the dry run shows what sbatch would get: its argv with the options and
  /// the dependencies (by stage name: no job id exists yet) and the batch script.
  @Test func dryRunOnSlurmPrintsTheSbatchCommandAndScript() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("a", "touch ran", extra: ["environment": ["resources": ["cpu": 2]]]),
      ExecFolder.bash("b", "echo it's", needs: ["a"], extra: ["timeout": 90]),
    ])
    let run = try ToolRun.run(
      "flow-exec",
      [
        "--dry-run", "--format", "json", "--clean-env", "--executor", "slurm", "--partition",
        "short",
      ],
      stdin: document, environment: ["PATH": "/nonexistent"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.read("ran") == nil)
    let lines = ExecFolder.events(run.stdout).compactMap { $0["data"] as? [String: Any] }
    #expect(lines.map { $0["stage"] as? String } == ["a", "b"])
    let log = lines.last?["log"] as? String ?? ""
    let logs = String(log.dropLast("/b.log".count))
    #expect(logs.hasPrefix(folder.path + "/.flow/runs/") && logs.hasSuffix("/logs"), "\(logs)")
    #expect(
      lines.last?["argv"] as? [String] == [
        "sbatch", "--parsable", "--job-name=b", "--output=\(logs)/b.log",
        "--error=\(logs)/b.log", "--open-mode=truncate", "--cpus-per-task=1", "--export=NONE",
        "--time=2",
        "--dependency=afterok:<a>", "--chdir=\(folder.path)", "--partition=short",
        "\(logs)/b.sbatch",
      ])
    #expect((lines.first?["argv"] as? [String])?.contains("--cpus-per-task=2") == true)
    #expect(lines.last?["script_path"] as? String == "\(logs)/b.sbatch")
    #expect(
      lines.last?["script"] as? String == """
        #!/bin/sh
        # flow-exec: stage 'b'
        export FLOW_STAGE='b'
        export FLOW_WORKFLOW='\(folder.path)/w.yaml'
        exec 'bash' '-c' '--' 'echo it'\\''s'

        """)
    #expect(!FileManager.default.fileExists(atPath: "\(logs)/b.sbatch"))
  }

  @Test func selectsStagesByName() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("a", "touch a"), ExecFolder.bash("b", "touch b", needs: ["a"]),
      ExecFolder.bash("c", "touch c", needs: ["b"]),
    ])
    #expect(try ToolRun.run("flow-exec", ["--stage", "b"], stdin: document).status == 0)
    #expect(folder.read("a") == nil && folder.read("b") != nil && folder.read("c") == nil)
    #expect(try ToolRun.run("flow-exec", ["--from", "a"], stdin: document).status == 0)
    #expect(folder.read("a") != nil && folder.read("c") != nil)
    let unknown = try ToolRun.run("flow-exec", ["--only", "bb"], stdin: document)
    #expect(unknown.status == 125)
    #expect(unknown.stderr.contains("no stage named 'bb' (did you mean 'b'?)"))
  }

  @Test func stopsAStageAtItsTimeout() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("slow", "trap '' TERM; sleep 30", extra: ["timeout": 0.3])
    ])
    let run = try ToolRun.run("flow-exec", ["--grace", "0.2"], stdin: document)
    #expect(run.status == 124)
    let end = ExecFolder.ends(run.stdout)["slow"]
    #expect(end?["timed_out"] as? Bool == true)
  }

  @Test func writesAChromeTraceOfTheRun() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("a", "true"), ExecFolder.bash("b", "exit 2", needs: ["a"]),
    ])
    let trace = folder.path + "/trace.json"
    let run = try ToolRun.run("flow-exec", ["--trace", trace], stdin: document)
    #expect(run.status == 2)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trace)))
    let events = (json as? [String: Any])?["traceEvents"] as? [[String: Any]] ?? []
    #expect(events.map { $0["name"] as? String } == ["a", "b"])
    #expect(events.allSatisfy { $0["ph"] as? String == "X" && $0["dur"] is NSNumber })
    let statuses = events.map { ($0["args"] as? [String: Any])?["status"] as? Int }
    #expect(statuses == [0, 2])
  }

  @Test func relaysEachLineWhenAskedAndStillWritesTheLog() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("talk", "echo one; echo two >&2; printf three")
    ])
    let run = try ToolRun.run("flow-exec", ["--stage-output"], stdin: document)
    #expect(run.status == 0)
    let lines = ExecFolder.events(run.stdout).filter { $0["type"] as? String == "stage-output" }
      .compactMap { ($0["data"] as? [String: Any])?["line"] as? String }
    #expect(lines == ["one", "two", "three"])
    #expect(folder.read(".flow/runs/latest/logs/talk.log") == "one\ntwo\nthree")
  }

  /// A complete document (variables merged, no requirements, a plan) passes --strict, and
  /// the plan's order decides which ready stage starts first.
  @Test func followsTheDocumentsPlanOrder() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let stages = [("a", 3), ("b", 1), ("c", 2)].map { name, order in
      ExecFolder.bash(
        name, "echo $FLOW_STAGE >> order",
        extra: [
          "plan": ["order": order, "device": "cpu", "gpu_ids": [String]()],
          "environment": ["variables": ["sources": [[String: Any]](), "merged": [String: Any]()]],
        ])
    }
    let run = try ToolRun.run(
      "flow-exec", ["--strict", "-j", "1"], stdin: try folder.document(stages))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.read("order") == "b\nc\na\n")
  }

  @Test func recordsDurationsForTheNextPlan() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let history = folder.path + "/history.json"
    try #"{"flow_history": 1, "stages": {"gone": 7, "fast": 99}}"#.write(
      toFile: history, atomically: true, encoding: .utf8)
    let document = try folder.document([
      ExecFolder.bash("fast", "true"), ExecFolder.bash("broken", "exit 1"),
    ])
    let run = try ToolRun.run(
      "flow-exec", ["--history", history, "--keep-going"], stdin: document)
    #expect(run.status == 1)
    let json = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: history)))
    let stages = (json as? [String: Any])?["stages"] as? [String: Double] ?? [:]
    #expect(Set(stages.keys) == ["gone", "fast"])
    #expect(stages["gone"] == 7)
    #expect(stages["fast"]! < 99)
  }

  /// A document whose requirements were never resolved is resolved here, against the
  /// same default catalogue flow-resolve reads (FLOW_CATALOG, or the resolver folder of the
  /// Lifeblood root LIFEBLOOD_CONFIG_LOCATION names), and the actions applied.
  @Test(arguments: [false, true])
  func resolvesRequirementsTheDocumentDidNotResolve(throughLifeblood: Bool) throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let resolver = folder.path + "/lifeblood/standard_environment_resolver"
    try FileManager.default.createDirectory(atPath: resolver, withIntermediateDirectories: true)
    let catalogue = throughLifeblood ? resolver + "/config.toml" : folder.path + "/packages.toml"
    try """
    [packages.tool."1.2.0"]
    env.TOOL_HOME = "/opt/tool-1.2"
    env.SEARCH.prepend = "/opt/tool-1.2/bin"
    [packages.tool."2.0.0"]
    env.TOOL_HOME = "/opt/tool-2"

    """.write(toFile: catalogue, atomically: true, encoding: .utf8)
    let stage = ExecFolder.bash(
      "use", "echo $TOOL_HOME $SEARCH > seen",
      extra: ["environment": ["requirements": [["package": "tool", "spec": "~=1.2"]]]])
    var environment = ProcessInfo.processInfo.environment
    if throughLifeblood {
      environment["FLOW_CATALOG"] = nil
      environment["LIFEBLOOD_CONFIG_LOCATION"] = folder.path + "/lifeblood"
    } else {
      environment["FLOW_CATALOG"] = catalogue
    }
    environment["XDG_CACHE_HOME"] = folder.path + "/cache"
    environment["SEARCH"] = "/base"
    let run = try ToolRun.run(
      "flow-exec", [], stdin: try folder.document([stage]), environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(folder.read("seen") == "/opt/tool-1.2 /opt/tool-1.2/bin:/base\n")
  }

  /// `--syntax` reads the specs flow-exec resolves itself as flow-resolve's does: `1.x` is
  /// a node range, and no Lifeblood spec.
  @Test func syntaxChoosesHowSpecsAreRead() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let catalogue = folder.path + "/packages.toml"
    try "[packages.tool.\"1.2.0\"]\nenv.TOOL_HOME = \"/opt/tool-1.2\"\n".write(
      toFile: catalogue, atomically: true, encoding: .utf8)
    let stage = ExecFolder.bash(
      "use", "echo $TOOL_HOME > seen",
      extra: ["environment": ["requirements": [["package": "tool", "spec": "1.x"]]]])
    var environment = ProcessInfo.processInfo.environment
    environment["FLOW_CATALOG"] = catalogue
    environment["XDG_CACHE_HOME"] = folder.path + "/cache"
    for (syntax, status) in [("auto", Int32(0)), ("node", 0), ("lifeblood", 125)] {
      let run = try ToolRun.run(
        "flow-exec", ["--syntax", syntax], stdin: try folder.document([stage]),
        environment: environment)
      #expect(run.status == status, "\(syntax): \(run.stderr)")
      if status == 0 { #expect(folder.read("seen") == "/opt/tool-1.2\n") }
      if status != 0 { #expect(run.stderr.contains("a wildcard in Lifeblood syntax is '*'")) }
    }
  }

  @Test func missingLifebloodRootIsReportedWithTheVariableThatNamedIt() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let stage = ExecFolder.bash(
      "use", "true",
      extra: ["environment": ["requirements": [["package": "tool", "spec": "~=1.2"]]]])
    var environment = ProcessInfo.processInfo.environment
    environment["FLOW_CATALOG"] = nil
    environment["LIFEBLOOD_CONFIG_LOCATION"] = folder.path + "/nowhere"
    environment["XDG_CACHE_HOME"] = folder.path + "/cache"
    let run = try ToolRun.run(
      "flow-exec", [], stdin: try folder.document([stage]), environment: environment)
    #expect(run.status != 0)
    #expect(
      run.stderr.contains(
        "\(folder.path)/nowhere/standard_environment_resolver: no such catalogue "
          + "(from LIFEBLOOD_CONFIG_LOCATION)"), "\(run.stderr)")
  }
}
