import Foundation
import Testing

@testable import FlowCore

/// Reruns told from what the last run kept (`.flow/quick-rerun-NAME`) without reading the
/// workflow: the answer a full run gives, given only while nothing a full run looks at
/// changed; anything else takes the full way.
@Suite struct FlowExecQuickRerunTests {
  typealias Folder = FlowExecCacheTests.Folder

  /// A chain with a variable file and no glob, each stage of which can be told quickly.
  static let chain = """
    stages:
      - name: A
        type: BashOperator
        kwargs: {bash_command: "cat in/a.txt > a.out"}
        inputs: [in/a.txt]
        outputs: [a.out]
      - name: B
        type: BashOperator
        kwargs: {bash_command: "echo $NEVENTS | cat a.out - > b.out"}
        environment: {variables: .env}
        needs: [A]
        inputs: [a.out]
        outputs: [b.out]
      - name: C
        type: BashOperator
        kwargs: {bash_command: "cat b.out in/b.txt > c.out"}
        needs: [B]
        inputs: [b.out, in/b.txt]
        outputs: [c.out]

    """

  static func chainFolder(_ workflow: String = chain) throws -> Folder {
    let folder = try Folder(workflow: workflow)
    try folder.write(".env", "NEVENTS=1000\n")
    return folder
  }

  static func kept(_ folder: Folder) -> URL {
    folder.url.appendingPathComponent(".flow/quick-rerun-w.yaml")
  }

  /// Overwrites the workflow file in place with as many bytes that are no workflow, then
  /// gives it back its modification time: its stamp is as it was, so only a run that reads
  /// it fails.
  static func spoilWorkflowKeepingItsStamp(_ folder: Folder) throws {
    let path = folder.url.appendingPathComponent("w.yaml").path
    var before = stat()
    try #require(stat(path, &before) == 0)
    try String(repeating: "]", count: Int(before.st_size)).write(
      toFile: path, atomically: false, encoding: .utf8)
    var times = [before.st_atim, before.st_mtim]
    try #require(utimensat(AT_FDCWD, path, &times, 0) == 0)
  }

  @Test func aRerunWithNothingChangedIsToldWithoutReadingTheWorkflow() throws {
    let folder = try Self.chainFolder()
    defer { folder.folder.remove() }
    let first = try folder.run()
    #expect(first.status == 0, "\(first.stderr)")
    #expect(Folder.ran(first.outcomes) == ["A", "B", "C"])
    var status = stat()
    try #require(stat(Self.kept(folder).path, &status) == 0)
    #expect(status.st_mode & 0o777 == 0o600)
    try Self.spoilWorkflowKeepingItsStamp(folder)
    let second = try folder.run()
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.outcomes == ["A": "cached", "B": "cached", "C": "cached"])
    #expect(second.stderr.isEmpty, "\(second.stderr)")
    // Other arguments, another environment: the full way, which reads the spoilt file.
    #expect(try folder.run(["--jobs", "1"]).status != 0)
    let elsewhere = try ToolRun.run(
      "flow-exec", ["w.yaml"], in: folder.url,
      environment: ProcessInfo.processInfo.environment.merging(["FLOW_OTHER": "1"]) { $1 })
    #expect(elsewhere.status != 0)
  }

  @Test func theQuickAnswerIsTheFullOne() throws {
    let folder = try Self.chainFolder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    // `--jobs 2` differs from the first run's words: the full way, all cached.
    let full = try ToolRun.run("flow-exec", ["--jobs", "2", "w.yaml"], in: folder.url)
    let fullPlan = try String(
      contentsOf: folder.url.appendingPathComponent(".flow/runs/latest/plan.json"),
      encoding: .utf8)
    try Self.spoilWorkflowKeepingItsStamp(folder)
    let quick = try ToolRun.run("flow-exec", ["--jobs", "2", "w.yaml"], in: folder.url)
    #expect(quick.status == 0 && full.status == 0, "\(quick.stderr)")
    let quickPlan = try String(
      contentsOf: folder.url.appendingPathComponent(".flow/runs/latest/plan.json"),
      encoding: .utf8)
    #expect(quickPlan == fullPlan)
    func withoutTimes(_ text: String) -> String {
      text.replacing(/[0-9]+\.[0-9]+(e-?[0-9]+)?/, with: "T")
    }
    #expect(withoutTimes(quick.stdout) == withoutTimes(full.stdout))
    #expect(quick.stderr == full.stderr)
  }

  @Test func aChangedInputVariableFileOrWorkflowTakesTheFullWay() throws {
    let folder = try Self.chainFolder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    try folder.write("in/b.txt", "betA\n")
    let input = try folder.run()
    #expect(Folder.ran(input.outcomes) == ["C"], "\(input.outcomes)")
    #expect(input.reasons["C"] == "input in/b.txt changed")
    try folder.write(".env", "NEVENTS=2000\n")
    let variable = try folder.run()
    #expect(Folder.ran(variable.outcomes) == ["B", "C"], "\(variable.outcomes)")
    #expect(variable.reasons["B"] == "variable NEVENTS changed 1000 → 2000")
    try folder.write(
      "w.yaml", Self.chain.replacingOccurrences(of: "b.out in/b.txt", with: "in/b.txt b.out"))
    let workflow = try folder.run()
    #expect(Folder.ran(workflow.outcomes) == ["C"], "\(workflow.outcomes)")
    #expect(Folder.ran(try folder.run().outcomes).isEmpty)
  }

  /// Changes one byte of stage A's record in the cache log in place, then gives the log
  /// back its modification time: its stamp is as it was, so only a run that reads it sees
  /// the damage (and then runs A again).
  static func damageRecordOfAKeepingItsStamp(_ folder: Folder) throws {
    let path = folder.log.path
    var before = stat()
    try #require(stat(path, &before) == 0)
    let bytes = try [UInt8](Data(contentsOf: folder.log))
    let mark = Array("stage\tA\n".utf8)
    let at = try #require(
      bytes.indices.first { bytes[$0...].starts(with: mark) })
    let handle = try FileHandle(forWritingTo: folder.log)
    try handle.seek(toOffset: UInt64(at + mark.count - 2))
    try handle.write(contentsOf: Data("Z".utf8))
    try handle.close()
    var times = [before.st_atim, before.st_mtim]
    try #require(utimensat(AT_FDCWD, path, &times, 0) == 0)
  }

  @Test func aChangedInputRerunsItsStagesAndTellsTheOthersFromTheKeptRun() throws {
    let folder = try Self.chainFolder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    try folder.write("in/b.txt", "betA\n")
    // A and B are unchanged: their records are not asked (a full run would find A's
    // damaged and run it again).
    try Self.damageRecordOfAKeepingItsStamp(folder)
    let changed = try folder.run()
    #expect(changed.status == 0, "\(changed.stderr)")
    #expect(changed.outcomes == ["A": "cached", "B": "cached", "C": "succeeded"])
    #expect(changed.reasons["C"] == "input in/b.txt changed")
    // Kept again, with A and B as they were: the next run is told without the workflow.
    try Self.spoilWorkflowKeepingItsStamp(folder)
    let quick = try folder.run()
    #expect(quick.status == 0, "\(quick.stderr)")
    #expect(quick.outcomes == ["A": "cached", "B": "cached", "C": "cached"])
  }

  @Test func whatAChangedInputRerunsIsWhatTheFullWayReruns() throws {
    // The same change in two folders: one keeps its quick rerun, one has it removed. C,
    // which reruns, is keyed with the key B had.
    var runs: [(stdout: String, stderr: String, plan: String)] = []
    for keepsQuickRerun in [true, false] {
      let folder = try Self.chainFolder()
      defer { folder.folder.remove() }
      #expect(try folder.run().status == 0)
      try folder.write("in/b.txt", "betA\n")
      if !keepsQuickRerun { try FileManager.default.removeItem(at: Self.kept(folder)) }
      let run = try ToolRun.run("flow-exec", ["w.yaml"], in: folder.url)
      #expect(run.status == 0, "\(run.stderr)")
      let plan = try String(
        contentsOf: folder.url.appendingPathComponent(".flow/runs/latest/plan.json"),
        encoding: .utf8)
      // The events as a person would compare them: no times, folders, process ids or sizes.
      let events = ExecFolder.events(run.stdout).map { event in
        let data = event["data"] as? [String: Any] ?? [:]
        let fields = ["stage", "outcome", "status", "reason", "stages", "succeeded", "cached"]
        return "\(event["type"] ?? "")"
          + fields.map { " \($0)=\(data[$0].map { "\($0)" } ?? "-")" }.joined()
      }
      runs.append((events.joined(separator: "\n"), run.stderr, plan))
      // Each stage keyed as a full run keys it: other words, the full way, all cached.
      let full = try folder.run(["--jobs", "2"])
      #expect(full.outcomes == ["A": "cached", "B": "cached", "C": "cached"], "\(full.reasons)")
    }
    #expect(runs[0].stdout == runs[1].stdout)
    #expect(runs[0].stderr == runs[1].stderr)
    #expect(runs[0].plan == runs[1].plan)
  }

  @Test func aDurationHistoryLeftAsItWasKeepsTheRerunQuick() throws {
    let folder = try Self.chainFolder()
    defer { folder.folder.remove() }
    let history = ["--history", "h.json"]
    #expect(try folder.run(history).status == 0)
    // The history the first run wrote is new to what it kept: the full way, every stage
    // cached, which leaves the history as it is.
    let written = try Data(contentsOf: folder.url.appendingPathComponent("h.json"))
    #expect(try folder.run(history).status == 0)
    #expect(try Data(contentsOf: folder.url.appendingPathComponent("h.json")) == written)
    try Self.spoilWorkflowKeepingItsStamp(folder)
    let quick = try folder.run(history)
    #expect(quick.status == 0, "\(quick.stderr)")
    #expect(Folder.ran(quick.outcomes).isEmpty)
  }

  @Test func anOutputRemovedTakesTheFullWay() throws {
    let folder = try Self.chainFolder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    try FileManager.default.removeItem(at: folder.url.appendingPathComponent("b.out"))
    let second = try folder.run()
    #expect(second.reasons["B"] == "output b.out is missing")
    #expect(Folder.ran(second.outcomes) == ["B"], "\(second.outcomes)")
  }

  @Test func aVariableFileAStageRewritesIsSeenByTheNextRun() throws {
    // A rewrites the variable file B was keyed with, after the run read it.
    let workflow = Self.chain.replacingOccurrences(
      of: "cat in/a.txt > a.out", with: "cat in/a.txt > a.out && echo NEVENTS=3000 > .env")
    let folder = try Self.chainFolder(workflow)
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    let second = try folder.run()
    #expect(second.reasons["B"] == "variable NEVENTS changed 1000 → 3000", "\(second.reasons)")
  }

  @Test func aDamagedForeignOrReplacedKeptFileIsIgnored() throws {
    let folder = try Self.chainFolder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    let kept = Self.kept(folder)
    var bytes = try [UInt8](Data(contentsOf: kept))
    bytes[bytes.count / 2] ^= 0x20
    try Data(bytes).write(to: kept)
    try Self.spoilWorkflowKeepingItsStamp(folder)
    // Damaged: the full way, which reads the spoilt workflow.
    #expect(try folder.run().status != 0)
    try folder.write("w.yaml", Self.chain)
    #expect(try folder.run().status == 0)
    // Writable by others, or a link to a good one: the full way too.
    try FileManager.default.setAttributes([.posixPermissions: 0o620], ofItemAtPath: kept.path)
    try Self.spoilWorkflowKeepingItsStamp(folder)
    #expect(try folder.run().status != 0)
    try folder.write("w.yaml", Self.chain)
    #expect(try folder.run().status == 0)
    let aside = folder.url.appendingPathComponent("aside")
    try FileManager.default.moveItem(at: kept, to: aside)
    try FileManager.default.createSymbolicLink(at: kept, withDestinationURL: aside)
    try Self.spoilWorkflowKeepingItsStamp(folder)
    #expect(try folder.run().status != 0)
    // A FIFO in its place is not waited on.
    try folder.write("w.yaml", Self.chain)
    try? FileManager.default.removeItem(at: kept)
    try #require(mkfifo(kept.path, 0o600) == 0)
    let run = try folder.run()
    #expect(run.status == 0, "\(run.stderr)")
    #expect(Folder.ran(run.outcomes).isEmpty)
  }

  @Test func aFailedRunRemovesWhatWasKept() throws {
    let folder = try Self.chainFolder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    #expect(FileManager.default.fileExists(atPath: Self.kept(folder).path))
    try FileManager.default.removeItem(at: folder.url.appendingPathComponent("in/b.txt"))
    #expect(try folder.run().status != 0)
    #expect(!FileManager.default.fileExists(atPath: Self.kept(folder).path))
  }

  @Test func nothingIsKeptForAGlobInputOrAForcedStage() throws {
    let diamond = try Folder()
    defer { diamond.folder.remove() }
    #expect(try diamond.run().status == 0)
    #expect(!FileManager.default.fileExists(atPath: Self.kept(diamond).path))
    let folder = try Self.chainFolder()
    defer { folder.folder.remove() }
    #expect(try folder.run(["--rerun", "A"]).status == 0)
    #expect(!FileManager.default.fileExists(atPath: Self.kept(folder).path))
  }
}
