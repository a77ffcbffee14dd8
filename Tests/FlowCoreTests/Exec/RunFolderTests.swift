import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

@Suite struct RunFolderTests {
  @Test func theIdIsTheUTCTimeAndTheProcess() {
    // 2026-12-02 14:04:24 UTC.
    let folder = RunFolder(base: "/work/w/", now: 1_796_220_264, pid: 4711)
    #expect(folder.id == "20261202-140424.000000-4711")
    #expect(folder.path == "/work/w/.flow/runs/20261202-140424.000000-4711")
    #expect(folder.logs == folder.path + "/logs")
    #expect(RunFolder.isRunID(folder.id))
    #expect(
      !RunFolder.isRunID("latest") && !RunFolder.isRunID("2026-12-02") && !RunFolder.isRunID("../x")
    )
    // Ids written before they had microseconds are still runs to prune.
    #expect(RunFolder.isRunID("20261202-140424-4711"))
    #expect(!RunFolder.isRunID("20261202-140424.12-4711"))
  }

  /// Two runs begun in the same second sort in the order they began, whatever their process
  /// ids (991 sorts after 1000 as text), so pruning removes the older one.
  @Test func runsBegunInTheSameSecondSortInTheOrderTheyBegan() {
    let earlier = RunFolder(
      base: "/w", now: timespec(tv_sec: 1_796_220_264, tv_nsec: 5_000), pid: 1000)
    let later = RunFolder(
      base: "/w", now: timespec(tv_sec: 1_796_220_264, tv_nsec: 900_000_000), pid: 991)
    #expect(earlier.id == "20261202-140424.000005-1000")
    #expect(later.id == "20261202-140424.900000-991")
    #expect(earlier.id < later.id)
  }

  @Test func latestNamesTheNewestRun() throws {
    let scratch = try TemporaryFolder()
    let first = RunFolder(base: scratch.path, now: 1_796_220_264, pid: 1)
    let second = RunFolder(base: scratch.path, now: 1_796_220_265, pid: 2)
    for folder in [first, second] {
      #expect(folder.make())
      #expect(folder.markLatest() == nil)
    }
    let target = try FileManager.default.destinationOfSymbolicLink(
      atPath: scratch.path + "/.flow/runs/latest")
    #expect(target == second.id)
  }

  @Test func pruningKeepsTheNewestRunsAndTouchesNothingElse() throws {
    let scratch = try TemporaryFolder()
    let outside = try scratch.write("outside/keep.txt", "kept")
    // No process has this id (it is above Linux's largest), so none of these runs is alive.
    let runs = (0..<4).map {
      RunFolder(base: scratch.path, now: 1_796_220_264 + time_t($0), pid: 99_999_999)
    }
    for run in runs {
      #expect(run.make())
      try scratch.write(".flow/runs/\(run.id)/logs/a.log", "log")
    }
    // A link inside an old run is removed, never followed.
    try FileManager.default.createSymbolicLink(
      atPath: runs[0].logs + "/escape", withDestinationPath: scratch.path + "/outside")
    try scratch.write(".flow/runs/notes.txt", "not a run")
    #expect(runs[3].prune(keeping: 2) == [])
    let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/.flow/runs")
    #expect(Set(left) == [runs[2].id, runs[3].id, "notes.txt"])
    #expect(FileManager.default.fileExists(atPath: outside))
  }

  @Test func aRunStillGoingIsNeverPruned() throws {
    let scratch = try TemporaryFolder()
    let going = RunFolder(base: scratch.path, now: 1_796_220_264, pid: getpid())
    let done = RunFolder(base: scratch.path, now: 1_796_220_265, pid: 99_999_999)
    let newest = RunFolder(base: scratch.path, now: 1_796_220_266, pid: 99_999_998)
    for run in [going, done, newest] { #expect(run.make()) }
    #expect(newest.prune(keeping: 1) == [])
    let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/.flow/runs")
    #expect(Set(left) == [going.id, newest.id])
  }
}
