import Foundation
import Testing

@testable import FlowCore

@Suite struct QuickRerunTests {
  static let sample = QuickRerun(
    context: String(repeating: "ab", count: 32), watched: ["/w/flow.yaml", "/w/.env", "/w/é"],
    notes: ["a note"],
    files: [
      QuickRerun.File(
        path: "in/a.txt",
        look: .file(
          FileStamp(
            device: 2049, inode: UInt64.max, size: 6, modifiedSeconds: -5,
            modifiedNanoseconds: 999_999_999))),
      QuickRerun.File(path: "gone", look: .missing),
      QuickRerun.File(path: "data", look: .folder),
    ],
    stages: [
      QuickRerun.Stage(
        name: "A", needs: [], priority: 0,
        demand: StageDemand(cpu: 0.5, memory: 1 << 40, counters: ["licence": 2, "db": -1]),
        timeout: 2.5, planned: .init(start: 0, seconds: 60), files: [0, 1],
        key: String(repeating: "0f", count: 32)),
      QuickRerun.Stage(
        name: "B", needs: [0], priority: -3, demand: StageDemand(), timeout: nil, planned: nil,
        files: [2, 0], key: "a key édited by hand"),
    ])

  @Test func readsBackWhatItWrites() throws {
    let decoded = try #require(QuickRerun(decoding: Self.sample.encoded()))
    #expect(decoded.context == Self.sample.context)
    #expect(decoded.watched == Self.sample.watched)
    #expect(decoded.notes == Self.sample.notes)
    #expect(decoded.files == Self.sample.files)
    #expect(decoded.stages == Self.sample.stages)
  }

  @Test func anyByteChangedOrCutOffIsRefused() {
    let bytes = Self.sample.encoded()
    for length in 0..<bytes.count {
      #expect(QuickRerun(decoding: Array(bytes[..<length])) == nil, "cut at \(length)")
    }
    for index in bytes.indices {
      var changed = bytes
      changed[index] ^= 0x01
      #expect(QuickRerun(decoding: changed) == nil, "byte \(index) changed")
    }
  }

  @Test func theKeptStagesLeaveGPUsImagesGlobsAndTestsOfFilesToTheFullWay() {
    func launch(_ change: (inout StageLaunch) -> Void) -> StageLaunch {
      var launch = StageLaunch(
        name: "A", directory: "/w", logPath: "/w/A.log", command: { _ in ([], [:]) })
      var stage = Stage(name: "A")
      stage.inputs = ["in/a.txt"]
      launch.cacheEntry = StageCacheEntry(stage: stage, executor: .local, device: "cpu")
      change(&launch)
      return launch
    }
    let recorded: [[(path: String, look: FileDigests.Look)]?] = [[("in/a.txt", .missing)]]
    func stages(_ launch: StageLaunch, _ recorded: [[(path: String, look: FileDigests.Look)]?])
      -> (files: [QuickRerun.File], stages: [QuickRerun.Stage])?
    {
      QuickRerun.stages(of: [launch], folder: "/w", recorded: recorded, keys: ["k"])
    }
    #expect(stages(launch { _ in }, recorded) != nil)
    let others: [(inout StageLaunch) -> Void] = [
      { $0.demand.gpu = 1 }, { $0.image = "alpine" }, { $0.executor = .slurm },
      { $0.cacheEntry = nil }, { $0.directory = "/elsewhere" },
      { $0.cacheEntry?.inputs = ["in/*.txt"] },
      // An action under a test of a folder: no file the run stamps tells it changed.
      { $0.cacheEntry?.testsFiles = true },
    ]
    for change in others {
      #expect(stages(launch(change), recorded) == nil)
    }
    var tested = Stage(name: "A")
    tested.resolution = StageResolution(
      requirements: [], packages: [],
      actions: [
        .init(
          kind: .set, variable: "B", value: "1", package: "p", when: .path("/opt/b", .isdir))
      ])
    #expect(StageCacheEntry(stage: tested, executor: .local, device: "cpu").testsFiles)
    #expect(stages(launch { _ in }, [nil]) == nil)
    #expect(stages(launch { _ in }, [[("in/a.txt", .unreadable)]]) == nil)
    #expect(
      QuickRerun.stages(of: [launch { _ in }], folder: "/w", recorded: recorded, keys: [nil])
        == nil)
  }

  @Test func whatIsFoundUnchangedHoldsOnlyForTheKeptStagesReadFromTheFilesFound() {
    let stamp = FileStamp(
      device: 1, inode: 2, size: 3, modifiedSeconds: 4, modifiedNanoseconds: 5)
    let found = Self.sample.unchanged(
      folder: "/nowhere", watched: [("/w/flow.yaml", stamp), ("/w/.env", nil)])
    func launch(_ name: String, needs: [Int]) -> StageLaunch {
      StageLaunch(
        name: name, needs: needs, directory: "/w", logPath: "/w/\(name).log",
        command: { _ in ([], [:]) })
    }
    let launches = [launch("A", needs: []), launch("B", needs: [0])]
    #expect(found.fits(launches, read: [("/w/flow.yaml", stamp), ("/w/.env", nil)]))
    #expect(found.fits(launches, read: []))
    // A file read that changed, appeared or was not watched; other stages or needs.
    var later = stamp
    later.modifiedNanoseconds += 1
    #expect(!found.fits(launches, read: [("/w/flow.yaml", later)]))
    #expect(!found.fits(launches, read: [("/w/.env", stamp)]))
    #expect(!found.fits(launches, read: [("/w/other.env", nil)]))
    #expect(!found.fits([launch("A", needs: []), launch("C", needs: [0])], read: []))
    #expect(!found.fits([launch("A", needs: []), launch("B", needs: [])], read: []))
    #expect(!found.fits([launch("A", needs: [])], read: []))
  }

  @Test func aStageIsUnchangedWhenItsFilesAndEveryStageItNeedsAre() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "flow-quick-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("a.txt").path
    try "alpha\n".write(toFile: path, atomically: false, encoding: .utf8)
    let look = FileDigests.look(at: path)
    func stage(_ name: String, needs: [Int], files: [Int]) -> QuickRerun.Stage {
      QuickRerun.Stage(
        name: name, needs: needs, priority: 0, demand: StageDemand(), timeout: nil,
        planned: nil, files: files, key: name)
    }
    // Listed before the stages they need, as a pipe document may list them.
    let run = QuickRerun(
      context: "", watched: [], notes: [],
      files: [
        QuickRerun.File(path: "a.txt", look: look), QuickRerun.File(path: "b.txt", look: .missing),
      ],
      stages: [
        stage("D", needs: [1], files: []), stage("C", needs: [2], files: []),
        stage("A", needs: [], files: [0]), stage("B", needs: [], files: [1]),
        stage("E", needs: [3], files: [0]),
      ])
    let before = run.unchanged(folder: folder.path, watched: [])
    #expect(before.all && before.stages == [true, true, true, true, true])
    try "alpha, changed\n".write(toFile: path, atomically: false, encoding: .utf8)
    let after = run.unchanged(folder: folder.path, watched: [])
    #expect(!after.all)
    #expect(after.stages == [false, false, false, true, false])
  }
}
