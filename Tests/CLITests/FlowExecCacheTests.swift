import Foundation
import Testing

@testable import FlowCore

/// The stage cache end to end: flow-exec run twice on a workflow file in a scratch
/// folder, with its inputs, outputs and variable files changed between runs.
@Suite struct FlowExecCacheTests {
  /// A diamond whose stages declare what they read and write: A and B read `in/`, C and D
  /// read A's and B's outputs, Y reads C's and D's.
  static let diamond = """
    stages:
      - name: A
        type: BashOperator
        kwargs: {bash_command: "cat in/a.txt > a.out"}
        inputs: in/a.txt
        outputs: a.out
      - name: B
        type: BashOperator
        kwargs: {bash_command: "cat in/b.txt > b.out"}
        inputs: [in/b.txt]
        outputs: [b.out]
      - name: C
        type: BashOperator
        kwargs: {bash_command: "cat a.out b.out > c.out"}
        needs: [A, B]
        inputs: [a.out, b.out]
        outputs: [c.out]
      - name: D
        type: BashOperator
        kwargs: {bash_command: "cat b.out > d.out"}
        needs: [B]
        inputs: [b.out]
        outputs: [d.out]
      - name: Y
        type: BashOperator
        kwargs: {bash_command: "cat c.out d.out > y.out"}
        needs: [C, D]
        inputs: ["*.out"]
        outputs: [y.out]

    """

  struct Folder {
    let folder: ExecFolder
    var url: URL { folder.url }

    init(workflow: String = FlowExecCacheTests.diamond) throws {
      folder = try ExecFolder()
      try FileManager.default.createDirectory(
        at: url.appendingPathComponent("in"), withIntermediateDirectories: true)
      try write("in/a.txt", "alpha\n")
      try write("in/b.txt", "beta\n")
      try write("w.yaml", workflow)
    }

    func write(_ name: String, _ text: String) throws {
      try text.write(to: url.appendingPathComponent(name), atomically: false, encoding: .utf8)
    }

    /// Runs flow-exec on the workflow; the outcome of each stage and why it ran.
    func run(_ options: [String] = []) throws -> (
      status: Int32, outcomes: [String: String], reasons: [String: String], stderr: String
    ) {
      let run = try ToolRun.run("flow-exec", options + ["w.yaml"], in: url)
      var reasons: [String: String] = [:]
      for event in ExecFolder.events(run.stdout) where event["type"] as? String == "stage-start" {
        let data = event["data"] as! [String: Any]
        reasons[data["stage"] as! String] = data["reason"] as? String
      }
      let outcomes = ExecFolder.ends(run.stdout).mapValues { $0["outcome"] as! String }
      return (run.status, outcomes, reasons, run.stderr)
    }

    /// What `--why` says per stage.
    func why() throws -> [String: String] {
      let run = try ToolRun.run("flow-exec", ["--why", "w.yaml"], in: url)
      #expect(run.status == 0, "\(run.stderr)")
      var reasons: [String: String] = [:]
      for line in run.stdout.split(separator: "\n").dropFirst() {
        let parts = line.split(separator: " ", maxSplits: 1)
        reasons[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces)
      }
      return reasons
    }

    /// This user's cache log.
    var log: URL {
      url.appendingPathComponent(".flow/cache/" + CacheLog.name(user: geteuid()))
    }

    /// The payload of each record in the cache log, in order.
    func records() throws -> [[UInt8]] {
      let bytes = try [UInt8](Data(contentsOf: log))
      var records: [[UInt8]] = []
      var offset = CacheLog.header.count
      while let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) {
        let fields = bytes[offset..<newline].split(separator: UInt8(ascii: "\t"))
        let length = Int(String(decoding: fields[1], as: UTF8.self))!
        records.append(Array(bytes[(newline + 1)..<(newline + 1 + length)]))
        offset = newline + 1 + length
      }
      return records
    }

    /// Replaces the text of every cache record with what `change` makes of it, each
    /// framed as a whole record is (its length and checksum those of the new text).
    func rewriteRecords(_ change: (String) -> String) throws {
      var bytes = CacheLog.header
      for record in try records() {
        bytes += CacheLog.frame(Array(change(String(decoding: record, as: UTF8.self)).utf8))
      }
      try Data(bytes).write(to: log)
    }

    /// The stages that ran (were not cached).
    static func ran(_ outcomes: [String: String]) -> Set<String> {
      Set(outcomes.filter { $0.value != "cached" }.keys)
    }
  }

  @Test func diamondTwiceRunsNothingTheSecondTime() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    let first = try folder.run()
    #expect(first.status == 0, "\(first.stderr)")
    #expect(
      first.reasons == [
        "A": "no record", "B": "no record", "C": "no record", "D": "no record", "Y": "no record",
      ])
    let second = try folder.run()
    #expect(second.status == 0, "\(second.stderr)")
    #expect(
      second.outcomes == [
        "A": "cached", "B": "cached", "C": "cached", "D": "cached", "Y": "cached",
      ])
    #expect(second.reasons.isEmpty)
    #expect(try folder.why().values.allSatisfy { $0 == "cached" })
  }

  @Test func touchingAnInputRerunsNothing() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    var later = Date().addingTimeInterval(5)
    for name in ["in/a.txt", "in/b.txt", "a.out", "b.out", "c.out"] {
      try FileManager.default.setAttributes(
        [.modificationDate: later], ofItemAtPath: folder.url.appendingPathComponent(name).path)
      later = later.addingTimeInterval(1)
    }
    let second = try folder.run()
    #expect(Folder.ran(second.outcomes).isEmpty, "\(second.outcomes)")
  }

  @Test func aHitOnTouchedFilesRecordsTheirNewStampsOnceAndWhyRecordsNothing() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    let written = try folder.records().count
    let later = Date().addingTimeInterval(5)
    try FileManager.default.setAttributes(
      [.modificationDate: later], ofItemAtPath: folder.url.appendingPathComponent("in/a.txt").path)
    _ = try folder.why()
    #expect(try folder.records().count == written)
    // A reads in/a.txt; C, D and Y read nothing touched.
    #expect(Folder.ran(try folder.run().outcomes).isEmpty)
    let records = try folder.records().map { String(decoding: $0, as: UTF8.self) }
    #expect(records.count == written + 1)
    let seconds = String(Int(later.timeIntervalSince1970))
    #expect(records.last!.contains("\nstage\tA\n"))
    #expect(records.last!.contains("\tin/a.txt\t") && records.last!.contains("\t\(seconds)\t"))
    // Found unchanged with its stamp now: nothing is recorded again.
    #expect(Folder.ran(try folder.run().outcomes).isEmpty)
    #expect(try folder.records().count == written + 1)
  }

  @Test func oneByteChangedRerunsExactlyWhatIsDownstreamAndWhySaysSo() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    try folder.write("in/a.txt", "alphA\n")
    let why = try folder.why()
    #expect(why["A"] == "input in/a.txt changed")
    #expect(why["B"] == "cached" && why["D"] == "cached")
    #expect(why["C"] == "needs A, which would rerun")
    let second = try folder.run()
    #expect(Folder.ran(second.outcomes) == ["A", "C", "Y"], "\(second.outcomes)")
    #expect(second.reasons["A"] == "input in/a.txt changed")
    #expect(second.reasons["C"] == "input a.out changed")
    // Y reads *.out, a.out among them.
    #expect(second.reasons["Y"] == "input a.out changed")
  }

  @Test func sameOutputAfterARerunStopsTheRerunsThere() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    let forced = try folder.run(["--rerun", "B"])
    #expect(Folder.ran(forced.outcomes) == ["B"], "\(forced.outcomes)")
    #expect(forced.reasons["B"] == "forced")
    let all = try folder.run(["--no-cache"])
    #expect(Folder.ran(all.outcomes).count == 5)
  }

  @Test func aChangedOrMissingOutputRerunsItsStage() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    try FileManager.default.removeItem(at: folder.url.appendingPathComponent("d.out"))
    let second = try folder.run()
    #expect(second.reasons["D"] == "output d.out is missing")
    #expect(Folder.ran(second.outcomes) == ["D"], "\(second.outcomes)")
  }

  @Test func aVariableUsedByOneStageRerunsItAndItsDependants() throws {
    let workflow = """
      stages:
        - name: first
          type: BashOperator
          kwargs: {bash_command: "echo $NEVENTS > n.out"}
          environment: {variables: .env}
          outputs: n.out
        - name: other
          type: BashOperator
          kwargs: {bash_command: "echo other > o.out"}
        - name: after
          type: BashOperator
          kwargs: {bash_command: "cat n.out > after.out"}
          needs: [first]
          inputs: n.out

      """
    let folder = try Folder(workflow: workflow)
    defer { folder.folder.remove() }
    try folder.write(".env", "NEVENTS=1000\n")
    #expect(try folder.run().status == 0)
    try folder.write(".env", "NEVENTS=2000\n")
    let second = try folder.run()
    #expect(Folder.ran(second.outcomes) == ["first", "after"], "\(second.outcomes)")
    #expect(second.reasons["first"] == "variable NEVENTS changed 1000 → 2000")
    #expect(second.reasons["after"] == "input n.out changed")
  }

  @Test func aChangedCommandRerunsWithItsReason() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    try folder.write(
      "w.yaml", Self.diamond.replacing("cat b.out > d.out", with: "cat b.out b.out > d.out"))
    let second = try folder.run()
    #expect(second.reasons["D"] == "its type, args or kwargs changed")
    #expect(Folder.ran(second.outcomes) == ["D", "Y"], "\(second.outcomes)")
  }

  /// Two stages, one resolving houdini; FlowLockTests runs it too.
  static let houdini = """
    stages:
      - name: render
        type: BashOperator
        kwargs: {bash_command: "echo $HFS > render.out"}
        environment: {requirements: ["houdini ~=20.0"]}
        needs: []
      - name: other
        type: BashOperator
        kwargs: {bash_command: "true"}
        needs: []

    """

  /// A catalogue entry of houdini `version`.
  static func entry(_ version: String) -> String {
    "[packages.\"houdini\".\"\(version)\"]\nenv.HFS = \"/opt/hfs\(version)\"\n"
  }

  /// flow-exec on `folder`'s workflow, resolved against its catalogue.toml.
  static func runWithCatalogue(_ folder: Folder, _ options: [String] = []) throws -> ToolRun {
    let environment = [
      "PATH": "/usr/bin:/bin", "FLOW_CATALOG": folder.url.path + "/catalogue.toml",
      "XDG_CACHE_HOME": folder.url.path + "/xdg",
    ]
    return try ToolRun.run(
      "flow-exec", options + ["w.yaml"], in: folder.url, environment: environment)
  }

  @Test func aNewerCatalogueVersionRerunsTheStagesThatResolveIt() throws {
    let folder = try Folder(workflow: Self.houdini)
    defer { folder.folder.remove() }
    let entry = Self.entry
    try folder.write("catalogue.toml", entry("20.0.547"))
    let first = try Self.runWithCatalogue(folder)
    #expect(first.status == 0, "\(first.stderr)")
    try folder.write("catalogue.toml", entry("20.0.547") + entry("20.0.590"))
    let second = try Self.runWithCatalogue(folder)
    #expect(second.status == 0, "\(second.stderr)")
    let outcomes = ExecFolder.ends(second.stdout).mapValues { $0["outcome"] as! String }
    #expect(outcomes == ["render": "succeeded", "other": "cached"])
    let start = ExecFolder.events(second.stdout).first { $0["type"] as? String == "stage-start" }
    #expect(
      (start?["data"] as? [String: Any])?["reason"] as? String == "houdini 20.0.547 → 20.0.590")
    #expect(folder.folder.read("render.out") == "/opt/hfs20.0.590\n")
  }

  @Test func anEntryEditedUnderTheSameVersionRerunsItsStageAndWhyNamesThePackage() throws {
    let folder = try Folder(workflow: Self.houdini)
    defer { folder.folder.remove() }
    try folder.write("catalogue.toml", Self.entry("20.0.547"))
    let first = try Self.runWithCatalogue(folder)
    #expect(first.status == 0, "\(first.stderr)")
    try folder.write(
      "catalogue.toml", Self.entry("20.0.547").replacing("/opt/hfs", with: "/srv/hfs"))
    let why = try Self.runWithCatalogue(folder, ["--why"])
    #expect(why.status == 0, "\(why.stderr)")
    #expect(
      why.stdout == "STAGE   WHY\nrender  houdini 20.0.547: its catalogue entry changed\n"
        + "other   cached\n", "\(why.stdout)")
    let second = try Self.runWithCatalogue(folder)
    #expect(second.status == 0, "\(second.stderr)")
    let outcomes = ExecFolder.ends(second.stdout).mapValues { $0["outcome"] as! String }
    #expect(outcomes == ["render": "succeeded", "other": "cached"])
    #expect(folder.folder.read("render.out") == "/srv/hfs20.0.547\n")
  }

  /// What an action's test decides is in the stage's key: a folder made that a package's
  /// commands test (rez's `os.path.isdir()`) changes the stage's environment, and the next
  /// run reruns it, saying why; the quick rerun is not kept for such a stage, since the
  /// folder is no file the run stamps.
  @Test func aFolderAPackageTestsRerunsTheStageOnceItIsMade() throws {
    let folder = try Folder(
      workflow: """
        stages:
          - name: render
            type: BashOperator
            kwargs: {bash_command: "echo $TOOL_BIN > render.out"}
            environment: {requirements: ["tool"]}

        """)
    defer { folder.folder.remove() }
    let installed = folder.url.path + "/opt/tool"
    try FileManager.default.createDirectory(
      at: folder.url.appendingPathComponent("repo/tool/1.0"), withIntermediateDirectories: true)
    try folder.write(
      "repo/tool/1.0/package.py",
      """
      name = 'tool'
      version = '1.0'
      def commands():
          import os
          if os.path.isdir('\(installed)'):
              env.TOOL_BIN = '\(installed)/bin'

      """)
    let environment = [
      "PATH": "/usr/bin:/bin", "FLOW_CATALOG": folder.url.path + "/repo",
      "XDG_CACHE_HOME": folder.url.path + "/xdg",
    ]
    func run() throws -> (outcome: String?, reason: String?) {
      let run = try ToolRun.run("flow-exec", ["w.yaml"], in: folder.url, environment: environment)
      #expect(run.status == 0, "\(run.stderr)")
      let start = ExecFolder.events(run.stdout).first { $0["type"] as? String == "stage-start" }
      return (
        ExecFolder.ends(run.stdout)["render"]?["outcome"] as? String,
        (start?["data"] as? [String: Any])?["reason"] as? String
      )
    }
    #expect(try run().outcome == "succeeded")
    #expect(folder.folder.read("render.out") == "\n")
    #expect(try run().outcome == "cached")
    try FileManager.default.createDirectory(atPath: installed, withIntermediateDirectories: true)
    let after = try run()
    #expect(after.outcome == "succeeded")
    #expect(after.reason == "its software environment changed")
    #expect(folder.folder.read("render.out") == installed + "/bin\n")
    #expect(try run().outcome == "cached")
  }

  @Test func anEntryOnlyMovedInItsCatalogueRerunsNothing() throws {
    let folder = try Folder(workflow: Self.houdini)
    defer { folder.folder.remove() }
    try folder.write("catalogue.toml", Self.entry("20.0.547"))
    let first = try Self.runWithCatalogue(folder)
    #expect(first.status == 0, "\(first.stderr)")
    // The entry now starts on another line: its place changed, not its content.
    try folder.write("catalogue.toml", "# render farm builds\n\n" + Self.entry("20.0.547"))
    let second = try Self.runWithCatalogue(folder)
    #expect(second.status == 0, "\(second.stderr)")
    let outcomes = ExecFolder.ends(second.stdout).mapValues { $0["outcome"] as! String }
    #expect(outcomes == ["render": "cached", "other": "cached"])
  }

  @Test func aRecordOfAnEarlierOrLaterFormatRerunsItsStageWithoutAWarning() throws {
    // Format 3 kept a file per record and one per stage's newest; 2 was JSON.
    let earlier = [
      ("records/k.json", "flow-cache\t3\nkey\tk\nstage\tA\nworkflow\tw.yaml\nparts\t2\n{}\n"),
      ("stages/s.json", "{\"flow_cache\":2,\"key\":\"0\"}\n{}\n"),
    ]
    let otherFormats: [(Folder) throws -> Void] = [
      { folder in
        try FileManager.default.removeItem(at: folder.log)
        for (path, text) in earlier {
          let file = folder.url.appendingPathComponent(".flow/cache/" + path)
          try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
          try folder.write(".flow/cache/" + path, text)
        }
      },
      // A later flow's records.
      { try $0.rewriteRecords { $0.replacing("flow-cache\t4\n", with: "flow-cache\t5\n") } },
    ]
    for otherFormat in otherFormats {
      let folder = try Folder()
      defer { folder.folder.remove() }
      #expect(try folder.run().status == 0)
      try otherFormat(folder)
      let second = try folder.run()
      #expect(second.status == 0)
      #expect(Set(second.reasons.values) == ["no record"], "\(second.reasons)")
      #expect(second.stderr == "", "\(second.stderr)")
    }
  }

  @Test func aCorruptRecordIsIgnoredWithAWarning() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    // Torn as a write cut short would leave them, were they not written whole.
    try folder.rewriteRecords { String($0.prefix($0.count / 2)) }
    let second = try folder.run()
    #expect(second.status == 0)
    #expect(Folder.ran(second.outcomes).count == 5)
    #expect(second.stderr.contains("ignoring cache record"), "\(second.stderr)")
    #expect(Folder.ran(try folder.run().outcomes).isEmpty)
  }

  @Test func aTornTailIsIgnoredWithAWarningAndOnlyItsStageReruns() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    // Y ends last: its record, the log's last, cut as a kill -9 during its write leaves it.
    let bytes = try Data(contentsOf: folder.log)
    try bytes.prefix(bytes.count - 30).write(to: folder.log)
    try Self.expectRerun(of: "Y", warning: "it is cut short; its stage runs again", in: folder)
  }

  /// The next run reruns only `stage` and warns; the one after finds the log whole (the
  /// damage compacted away) and reruns nothing.
  static func expectRerun(of stage: String, warning: String, in folder: Folder) throws {
    let second = try folder.run()
    #expect(second.status == 0)
    #expect(Folder.ran(second.outcomes) == [stage], "\(second.outcomes)")
    #expect(second.stderr.contains(warning), "\(second.stderr)")
    let third = try folder.run()
    #expect(Folder.ran(third.outcomes).isEmpty && third.stderr == "", "\(third.stderr)")
  }

  @Test func aDamagedRecordInTheMiddleIsSkippedAndTheRecordsAfterItRead() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    let records = try folder.records()
    let damaged = records.firstIndex {
      String(decoding: $0, as: UTF8.self).contains("\nstage\tB\n")
    }!
    #expect(damaged < records.count - 1)
    // One byte of B's record changed where it lies: its checksum no longer matches.
    var bytes = try [UInt8](Data(contentsOf: folder.log))
    let at = bytes.indices.first { bytes[$0...].starts(with: records[damaged]) }!
    bytes[at + records[damaged].count / 2] ^= 1
    try Data(bytes).write(to: folder.log)
    // B runs again and writes what it wrote before: C and D stay cached.
    try Self.expectRerun(of: "B", warning: "it is damaged", in: folder)
  }

  @Test func twoRunsAppendingToOneSharedCacheAtOnceKeepEveryRecord() throws {
    // Two workflows of 40 stages each, run at the same time with one FLOW_CACHE.
    let chain = (0..<40).map { index in
      """
        - name: s\(index)
          type: BashOperator
          kwargs: {bash_command: "echo \(index) > s\(index).out"}
          outputs: s\(index).out
      """
    }.joined(separator: "\n")
    let folders = try (0..<2).map { _ in try Folder(workflow: "stages:\n" + chain + "\n") }
    let shared = try ExecFolder()
    defer {
      for folder in folders { folder.folder.remove() }
      shared.remove()
    }
    let environment = ProcessInfo.processInfo.environment.merging(
      ["FLOW_CACHE": shared.url.path]) { $1 }
    let processes = folders.map { folder in
      let process = Process()
      process.executableURL = ToolRun.binaries.appendingPathComponent("flow-exec")
      process.arguments = ["-j", "4", "w.yaml"]
      process.currentDirectoryURL = folder.url
      process.environment = environment
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      return process
    }
    for process in processes { try process.run() }
    for process in processes { process.waitUntilExit() }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 })
    for folder in folders {
      let again = try ToolRun.run(
        "flow-exec", ["w.yaml"], in: folder.url, environment: environment)
      let outcomes = ExecFolder.ends(again.stdout).mapValues { $0["outcome"] as! String }
      #expect(outcomes.count == 40 && Folder.ran(outcomes).isEmpty, "\(outcomes)")
      #expect(again.stderr == "", "\(again.stderr)")
    }
  }

  @Test func aRecordWhosePartsAreNotTheStagesNeverSkipsIt() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    try folder.rewriteRecords { $0.replacing("\"device\":\"cpu\"", with: "\"device\":\"gpu\"") }
    let second = try folder.run()
    #expect(Folder.ran(second.outcomes).count == 5, "\(second.outcomes)")
    #expect(second.reasons["A"] == "device gpu → cpu")
  }

  @Test func aHitOnARecordWhoseKeyWasEditedNamesThatKeyAndItsDependantsRun() throws {
    let folder = try Folder()
    defer { folder.folder.remove() }
    #expect(try folder.run().status == 0)
    // A's record keeps its parts under another key: A is done as its parts say, but the
    // stages that need it hold A's true key in their records, so they run.
    let records = try folder.records().map { String(decoding: $0, as: UTF8.self) }
    let recordOfA = try #require(records.first { $0.contains("\nstage\tA\n") })
    let keyOfA = try #require(
      recordOfA.split(separator: "\n").first { $0.hasPrefix("key\t") }?.dropFirst(4))
    try folder.rewriteRecords {
      $0.replacing("key\t" + keyOfA, with: "key\t" + String(repeating: "0", count: 64))
    }
    let second = try folder.run()
    #expect(second.outcomes["A"] == "cached" && second.outcomes["B"] == "cached")
    #expect(Folder.ran(second.outcomes) == ["C", "Y"], "\(second.outcomes)")
    #expect(second.reasons["C"] == "needs A, which changed", "\(second.reasons)")
  }

  @Test func killedMidRunKeepsTheStagesThatFinished() throws {
    let workflow = """
      stages:
        - name: quick
          type: BashOperator
          kwargs: {bash_command: "echo q > q.out"}
          outputs: q.out
        - name: slow
          type: BashOperator
          kwargs: {bash_command: "test -e started || { touch started; sleep 30; }; echo s > s.out"}
          needs: [quick]
          outputs: s.out

      """
    let folder = try Folder(workflow: workflow)
    defer { folder.folder.remove() }
    let process = Process()
    process.executableURL = ToolRun.binaries.appendingPathComponent("flow-exec")
    process.arguments = ["w.yaml"]
    process.currentDirectoryURL = folder.url
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let started = folder.url.appendingPathComponent("started").path
    for _ in 0..<600 where !FileManager.default.fileExists(atPath: started) {
      usleep(50_000)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let second = try folder.run()
    #expect(second.outcomes["quick"] == "cached", "\(second.outcomes) \(second.stderr)")
    #expect(second.outcomes["slow"] == "succeeded" || second.status != 0)
    #expect(!second.stderr.contains("ignoring cache record"))
  }

  @Test func inputsAndOutputsOutsideTheFolderAreRefused() throws {
    let workflow = """
      stages:
        - name: a
          inputs: [/etc/passwd]
          outputs: ../up.txt

      """
    let run = try ToolRun.run("flow-parse", ["--check", "-"], stdin: workflow)
    #expect(run.status == 65)
    #expect(
      run.stderr.contains(":3:14: 'inputs' entry '/etc/passwd' must be relative"), "\(run.stderr)")
    #expect(
      run.stderr.contains(":4:14: 'outputs' entry '../up.txt' must stay inside"), "\(run.stderr)")
  }
}
