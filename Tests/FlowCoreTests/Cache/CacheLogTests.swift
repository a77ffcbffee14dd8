import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// The cache log: records appended by stores that share a folder, each store as a run
/// holds it (its own descriptor, so its locks are apart from the others' as another
/// process's are), and the log compacted when it has grown.
@Suite struct CacheLogTests {
  private static func record(_ stage: String, key: String) -> CacheRecord {
    CacheRecord(
      key: key, stage: stage, workflow: "/w/w.yaml", partsText: Array("{\"k\":\"\(key)\"}".utf8),
      inputs: [("in.txt", .missing)], outputs: [("out.txt", .missing)], seconds: 1)
  }

  private func frames(in folder: String) throws -> Int {
    let text = try String(
      contentsOfFile: folder + "/" + CacheLog.name(user: geteuid()), encoding: .utf8)
    return text.split(separator: "\n").filter { $0.hasPrefix("record\t") }.count
  }

  /// A store that made the cache folder and wrote fit's record under `key` `count` times.
  private static func store(
    in folder: TemporaryFolder, writingFitUnder key: String, times count: Int
  ) throws -> CacheStore {
    let store = CacheStore(folder: folder.path)
    #expect(store.makeFolders() == nil)
    for _ in 0..<count { try store.write(Self.record("fit", key: key)) }
    return store
  }

  @Test func compactionKeepsTheNewestRecordOfEachStageAndEachKey() throws {
    let folder = try TemporaryFolder()
    do {
      // fit ran under key k1 five times (--rerun), then under k2; skim once.
      let first = try Self.store(in: folder, writingFitUnder: "k1", times: 5)
      try first.write(Self.record("fit", key: "k2"))
      try first.write(Self.record("skim", key: "k3"))
      #expect(try frames(in: folder.path) == 7)
      // While a run holds the log, another does not compact it.
      #expect(CacheStore(folder: folder.path).open().isEmpty)
      let framesWhileHeld = try frames(in: folder.path)
      withExtendedLifetime(first) {}
      #expect(framesWhileHeld == 7)
    }
    try checkCompaction(in: folder)
  }

  @Test func compactionRemovesWhatAKilledCompactionLeftBehind() throws {
    let folder = try TemporaryFolder()
    _ = try Self.store(in: folder, writingFitUnder: "k1", times: 5)
    // A compaction killed before its rename, an hour ago, and one of a run at work now.
    let stale = folder.path + "/." + CacheLog.name(user: geteuid()) + ".Ab12Cd"
    let young = folder.path + "/." + CacheLog.name(user: geteuid()) + ".Ef34Gh"
    for path in [stale, young] {
      #expect(FileManager.default.createFile(atPath: path, contents: Data()))
    }
    let hourAgo = Date().addingTimeInterval(-3600)
    try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: stale)
    let second = CacheStore(folder: folder.path)
    #expect(second.open().isEmpty)
    #expect(try frames(in: folder.path) == 1)
    #expect(!FileManager.default.fileExists(atPath: stale))
    #expect(FileManager.default.fileExists(atPath: young))
  }

  private func checkCompaction(in folder: TemporaryFolder) throws {
    // Alone, a run compacts it: the newest record of each key and each stage is left. A
    // child process another test starts at that moment shares the log's descriptor, and so
    // its lock, until it runs its program: the next run alone compacts it then.
    var third = CacheStore(folder: folder.path)
    #expect(third.open().isEmpty)
    var tries = 0
    while try frames(in: folder.path) != 3 && tries < 50 {
      tries += 1
      usleep(100_000)
      third = CacheStore(folder: folder.path)
      _ = third.open()
    }
    #expect(try frames(in: folder.path) == 3)
    guard case .record(let latest) = third.latest(workflow: "/w/w.yaml", stage: "fit"),
      case .record = third.record(key: "k1"), case .record = third.record(key: "k3")
    else {
      Issue.record("a live record was dropped")
      return
    }
    #expect(latest.key == "k2")
    // What it appends after compacting lands in the new file.
    try withExtendedLifetime(third) { try third.write(Self.record("skim", key: "k4")) }
    let fourth = CacheStore(folder: folder.path)
    guard case .record(let skim) = fourth.latest(workflow: "/w/w.yaml", stage: "skim") else {
      Issue.record("the record appended after compaction was lost")
      return
    }
    #expect(skim.key == "k4")
  }

  @Test func storesAppendingAtOnceLoseNoRecord() async throws {
    let folder = try TemporaryFolder()
    #expect(CacheStore(folder: folder.path).makeFolders() == nil)
    let path = folder.path
    await withTaskGroup(of: Void.self) { group in
      for writer in 0..<4 {
        group.addTask {
          // Each writer a run of its own that opens the log, perhaps compacting it.
          for round in 0..<5 {
            let store = CacheStore(folder: path)
            _ = store.open()
            for index in 0..<50 {
              do {
                try store.write(
                  Self.record("w\(writer)-\(index)", key: "k\(writer)-\(round)-\(index)"))
              } catch {
                Issue.record("a record was not written: \(error)")
              }
            }
          }
        }
      }
    }
    let reader = CacheStore(folder: path)
    #expect(reader.open().isEmpty)
    for writer in 0..<4 {
      for index in 0..<50 {
        guard
          case .record(let newest) = reader.latest(
            workflow: "/w/w.yaml", stage: "w\(writer)-\(index)")
        else {
          Issue.record("the record of w\(writer)-\(index) was lost")
          return
        }
        #expect(newest.key == "k\(writer)-4-\(index)")
      }
    }
  }
}
