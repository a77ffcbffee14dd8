import FlowTestSupport
import Foundation
import Testing

/// Stages on different executors in one flow-exec run.
@Suite struct MixedExecutorCLITests {
  /// Whether python3 with Dask's `distributed` package is on this machine.
  static let daskIsInstalled: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import distributed"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }()

  static let environmentsExample = "realworld/fasthep-flow/doc-legacy-environments-L18.yaml"

  /// fasthep-flow's Environments example: `runROOTMacro` on the local executor,
  /// `runStatsCode` on the default one, Dask under `--default-executor dask`. Its images
  /// and commands cannot run here (no registry, no ROOT), so the commands are replaced and
  /// the images dropped; the executors, variables and resources are the example's own.
  @Test(.enabled(if: SharedData.isPresent && daskIsInstalled))
  func theEnvironmentsExampleRunsLocallyAndOnALocalDaskClusterGoneAfterwards() throws {
    let source = try #require(SharedData.path(Self.environmentsExample))
    let folder = try ExecFolder()
    defer { folder.remove() }
    var lines: [String] = []
    for line in try String(contentsOfFile: source, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    {
      let text = line.trimmingCharacters(in: .whitespaces)
      if text.hasPrefix("image:") || text == "variables: <path to .env>" { continue }
      if text.hasPrefix("bash_command: root") {
        lines.append(
          line.replacingOccurrences(of: text, with: "bash_command: echo root > root.txt"))
      } else if text.hasPrefix("bash_command: ./localStatsCode.sh") {
        // The Dask worker that runs the command is its parent: its pid and command line.
        let record =
          #"bash_command: 'echo $PPID > worker.pid; tr "\0" " " < /proc/$PPID/cmdline > worker.cmd; echo "$STATS_METHOD" > stats.txt'"#
        lines.append(line.replacingOccurrences(of: text, with: record))
      } else {
        lines.append(String(line))
      }
    }
    let workflow = folder.path + "/w.yaml"
    try lines.joined(separator: "\n").write(toFile: workflow, atomically: true, encoding: .utf8)
    let parsed = try ToolRun.run("flow-parse", ["--default-executor", "dask", workflow])
    #expect(parsed.status == 0, "\(parsed.stderr)")
    var environment = ProcessInfo.processInfo.environment
    environment["DASK_SCHEDULER_ADDRESS"] = nil
    let run = try ToolRun.run(
      "flow-exec", ["--memory", "16Gi", "--cpus", "2"], stdin: parsed.stdout,
      environment: environment)
    #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
    let ends = ExecFolder.ends(run.stdout)
    #expect(ends["runROOTMacro"]?["outcome"] as? String == "succeeded")
    #expect(ends["runStatsCode"]?["outcome"] as? String == "succeeded")
    let submitted = ExecFolder.events(run.stdout).filter { $0["type"] as? String == "stage-submit" }
    #expect(
      submitted.compactMap { ($0["data"] as? [String: Any])?["stage"] as? String } == [
        "runStatsCode"
      ])
    #expect(folder.read("root.txt") == "root\n")
    #expect(folder.read("stats.txt") == "CLS\n")
    // A local Dask cluster ran the stage, and nothing of it is left.
    #expect(folder.read("worker.cmd")?.contains("flow-dask-bridge.py") == true)
    let worker = try #require(
      Int32(folder.read("worker.pid")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
    #expect(kill(worker, 0) != 0)
    let bridgeLog = folder.read(".flow/runs/latest/logs/dask-bridge.log") ?? ""
    #expect(bridgeLog.contains("flow: local Dask cluster closed"), "\(bridgeLog)")
  }

  @Test func defaultExecutorGoesToStagesNamingNoneBelowGlobal() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let yaml = """
      stages:
        - {name: a, type: BashOperator, kwargs: {bash_command: "true"}}
        - {name: b, type: BashOperator, kwargs: {bash_command: "true"}, environment: {executor: local}}
      """
    let workflow = folder.path + "/w.yaml"
    try yaml.write(toFile: workflow, atomically: true, encoding: .utf8)
    let parsed = try ToolRun.run("flow-parse", ["--default-executor", "dask", workflow])
    #expect(parsed.status == 0, "\(parsed.stderr)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Any])
    let executors = (document["stages"] as? [[String: Any]] ?? []).map {
      ($0["environment"] as? [String: Any])?["executor"] as? String
    }
    #expect(executors == ["DaskExecutor", "LocalExecutor"])
    let global = "global: {executor: slurm}\n" + yaml
    try global.write(toFile: workflow, atomically: true, encoding: .utf8)
    let below = try ToolRun.run("flow-parse", ["--default-executor", "dask", workflow])
    #expect(below.stdout.contains("SlurmExecutor"))
    #expect(!below.stdout.contains("DaskExecutor"))
    let wrong = try ToolRun.run("flow-parse", ["--default-executor", "kubernetes", workflow])
    #expect(wrong.status == 64)
    #expect(wrong.stderr.contains("--default-executor expects local, slurm or dask"))
  }

  /// On a 2-CPU login node the 8-CPU, 2-GPU Slurm stage is not planned against this
  /// machine: flow-sched plans the run, and the dry run shows what sbatch would get.
  @Test func clusterStagesAreNotPlannedAgainstTheLoginNode() throws {
    let workflow = ToolRun.root.appendingPathComponent("examples/cluster/workflow.yaml").path
    let document = try ToolRun.run("flow-parse", [workflow])
    #expect(document.status == 0, "\(document.stderr)")
    let small = ["--cpus", "2", "--memory", "4Gi", "--gpus", "0"]
    let plan = try ToolRun.run("flow-sched", small, stdin: document.stdout)
    #expect(plan.status == 0, "\(plan.stderr)")
    let dryRun = try ToolRun.run(
      "flow-exec", ["--dry-run", "--format", "json"] + small, stdin: document.stdout)
    #expect(dryRun.status == 0, "\(dryRun.stderr)")
    let train = ExecFolder.events(dryRun.stdout).compactMap { $0["data"] as? [String: Any] }
      .first { $0["stage"] as? String == "train" }
    let argv = train?["argv"] as? [String] ?? []
    #expect(argv.first == "sbatch")
    #expect(argv.contains("--gres=gpu:2"))
    #expect(argv.contains("--partition=gpu"))
    // Its need is a local stage: the job is submitted after it, with no Slurm dependency.
    #expect(!argv.contains { $0.hasPrefix("--dependency") })
  }

  /// A Dask stage, started by the bridge on a local cluster, in the stage document.
  static func onDask(_ stage: [String: Any]) -> [String: Any] {
    var stage = stage
    stage["environment"] = ["executor": "DaskExecutor"]
    return stage
  }

  /// Starts flow-exec in the background on `document`, with Dask stages on a local cluster.
  static func start(
    _ folder: ExecFolder, _ document: String, _ arguments: [String], output: Pipe? = nil
  ) throws -> Process {
    let path = folder.path + "/doc.json"
    try document.write(toFile: path, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = ToolRun.binaries.appendingPathComponent("flow-exec")
    process.arguments = ["--cpus", "2", "--memory", "4Gi"] + arguments + [path]
    var environment = ProcessInfo.processInfo.environment
    environment["DASK_SCHEDULER_ADDRESS"] = nil
    process.environment = environment
    process.standardOutput = output ?? FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// The PIDs the stages wrote into `names`, once all are there (two minutes at most).
  static func waitForPIDs(_ names: [String], in folder: ExecFolder) -> [Int32] {
    let pid = { (name: String) in
      Int32(folder.read(name)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
    }
    for _ in 0..<1200 where names.contains(where: { pid($0) == nil }) { usleep(100_000) }
    return names.compactMap(pid)
  }

  /// The local and Dask backends run at the same time: `wait` (local) ends only once the
  /// Dask stage, which has no relation to it, wrote its file, and `after` (local) starts
  /// once that Dask stage succeeded. Run one executor after the other, `wait` would give
  /// up and fail; nothing here is timed.
  @Test(.enabled(if: daskIsInstalled))
  func aLocalStageAndAnUnrelatedDaskStageRunAtTheSameTime() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash(
        "wait", "for i in $(seq 1200); do [ -e dask.txt ] && exit 0; sleep 0.1; done; exit 1"),
      Self.onDask(ExecFolder.bash("remote", "echo dask > dask.txt")),
      ExecFolder.bash("after", "cat dask.txt > after.txt", needs: ["remote"]),
    ])
    var environment = ProcessInfo.processInfo.environment
    environment["DASK_SCHEDULER_ADDRESS"] = nil
    let run = try ToolRun.run(
      "flow-exec", ["--cpus", "2", "--memory", "4Gi"], stdin: document, environment: environment)
    #expect(run.status == 0, "\(run.stderr)\n\(run.stdout)")
    let ends = ExecFolder.ends(run.stdout)
    for name in ["wait", "remote", "after"] {
      #expect(ends[name]?["outcome"] as? String == "succeeded", "\(name)")
    }
    #expect(folder.read("after.txt") == "dask\n")
  }

  /// Without `--keep-going`, a local failure stops the Dask stages not yet started, as a
  /// failure on Dask itself would: `first` runs on Dask when `fail` fails, and is let go
  /// only once flow-exec reported the failure; `second`, which needs it, never starts.
  @Test(.enabled(if: daskIsInstalled))
  func aFailureOnAnotherExecutorStopsTheDaskStagesNotYetStarted() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash(
        "fail", "for i in $(seq 1200); do [ -e first.started ] && exit 1; sleep 0.1; done"),
      Self.onDask(
        ExecFolder.bash(
          "first",
          "touch first.started; for i in $(seq 1200); do [ -e go ] && exit 0; sleep 0.1; done")),
      Self.onDask(ExecFolder.bash("second", "touch second", needs: ["first"])),
    ])
    let output = Pipe()
    let process = try Self.start(folder, document, [], output: output)
    var stdout = ""
    while !ExecFolder.ends(stdout).keys.contains("fail") {
      let data = output.fileHandleForReading.availableData
      if data.isEmpty { break }
      stdout += String(decoding: data, as: UTF8.self)
    }
    _ = FileManager.default.createFile(atPath: folder.path + "/go", contents: nil)
    stdout += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1, "\(stdout)")
    let ends = ExecFolder.ends(stdout)
    #expect(ends["fail"]?["outcome"] as? String == "failed")
    #expect(ends["first"]?["outcome"] as? String == "succeeded")
    #expect(ends["second"]?["outcome"] as? String == "skipped", "\(stdout)")
    #expect(folder.read("second") == nil)
  }

  /// Ctrl-C while a local stage and a Dask stage run: one owner of the signals stops both
  /// at once, flow-exec exits 130 with one summary, and neither stage's process, nor the
  /// local Dask cluster's worker, is left.
  @Test(.enabled(if: daskIsInstalled))
  func anInterruptStopsTheLocalAndTheDaskStagesAtOnce() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("here", "echo $$ > here.pid; exec sleep 300"),
      Self.onDask(
        ExecFolder.bash("there", "echo $PPID > worker.pid; echo $$ > there.pid; exec sleep 300")),
      ExecFolder.bash("later", "touch later", needs: ["there"]),
    ])
    let output = Pipe()
    let process = try Self.start(folder, document, [], output: output)
    let pids = Self.waitForPIDs(["here.pid", "there.pid", "worker.pid"], in: folder)
    #expect(pids.count == 3)
    kill(process.processIdentifier, SIGINT)
    let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130, "\(stdout)")
    for pid in pids {
      #expect(kill(pid, 0) == -1 && errno == ESRCH, "process \(pid) survived")
    }
    let events = ExecFolder.events(stdout)
    #expect(events.filter { $0["type"] as? String == "summary" }.count == 1)
    #expect(events.filter { $0["type"] as? String == "stop" }.count == 1)
    #expect(ExecFolder.ends(stdout)["later"]?["outcome"] as? String == "skipped")
    #expect(folder.read("later") == nil)
  }

  /// A second Ctrl-C in a run of several executors kills the local stage at once instead
  /// of waiting out its grace period (an hour here), and the Dask stage goes with the run.
  @Test(.enabled(if: daskIsInstalled))
  func aSecondInterruptKillsTheLocalStageOfAMixedRunAtOnce() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let document = try folder.document([
      ExecFolder.bash("held", "trap '' TERM; echo $$ > held.pid; sleep 300"),
      Self.onDask(ExecFolder.bash("there", "echo $$ > there.pid; exec sleep 300")),
    ])
    let process = try Self.start(folder, document, ["--grace", "3600"])
    let pids = Self.waitForPIDs(["held.pid", "there.pid"], in: folder)
    guard pids.count == 2 else {
      Issue.record("the stages never started")
      kill(process.processIdentifier, SIGKILL)
      return
    }
    kill(process.processIdentifier, SIGINT)
    // The held stage ignores SIGTERM: the run waits for it until the second Ctrl-C.
    for _ in 0..<100 where kill(pids[1], 0) == 0 { usleep(100_000) }
    #expect(process.isRunning)
    kill(process.processIdentifier, SIGINT)
    for _ in 0..<1200 where process.isRunning { usleep(100_000) }
    #expect(!process.isRunning)
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    for pid in pids {
      #expect(kill(pid, 0) == -1 && errno == ESRCH, "process \(pid) survived")
    }
  }
}
