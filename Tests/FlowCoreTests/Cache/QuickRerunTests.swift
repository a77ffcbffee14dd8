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
        timeout: 2.5, planned: .init(start: 0, seconds: 60), files: [0, 1]),
      QuickRerun.Stage(
        name: "B", needs: [0], priority: -3, demand: StageDemand(), timeout: nil, planned: nil,
        files: [2, 0]),
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

  @Test func theKeptStagesLeaveGPUsImagesAndGlobsToTheFullWay() {
    func launch(_ change: (inout StageLaunch) -> Void) -> StageLaunch {
      var launch = StageLaunch(
        name: "A", directory: "/w", logPath: "/w/A.log", command: { _ in ([], [:]) })
      var stage = Stage(name: "A")
      stage.inputs = ["in/a.txt"]
      launch.cacheEntry = StageCacheEntry(stage: stage, executor: .local, device: "cpu")
      change(&launch)
      return launch
    }
    let recorded: [[(path: String, content: FileDigests.Content)]?] = [
      [("in/a.txt", .missing)]
    ]
    #expect(QuickRerun.stages(of: [launch { _ in }], folder: "/w", recorded: recorded) != nil)
    let others: [(inout StageLaunch) -> Void] = [
      { $0.demand.gpu = 1 }, { $0.image = "alpine" }, { $0.executor = .slurm },
      { $0.cacheEntry = nil }, { $0.directory = "/elsewhere" },
      { $0.cacheEntry?.inputs = ["in/*.txt"] },
    ]
    for change in others {
      #expect(QuickRerun.stages(of: [launch(change)], folder: "/w", recorded: recorded) == nil)
    }
    #expect(QuickRerun.stages(of: [launch { _ in }], folder: "/w", recorded: [nil]) == nil)
    #expect(
      QuickRerun.stages(
        of: [launch { _ in }], folder: "/w", recorded: [[("in/a.txt", .unreadable)]]) == nil)
  }
}
