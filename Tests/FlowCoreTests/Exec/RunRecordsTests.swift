import FlowTestSupport
import Glibc
import Testing

@testable import FlowCore

@Suite struct RunRecordsTests {
  /// A record whose process is gone (here: this PID with another start time, as after a
  /// reboot or a reused PID) is stale: what carries its run's mark is killed and the
  /// record forgotten. A record of a live run is left alone.
  @Test func aStaleRunsProcessesAreStoppedAndALiveRunIsLeftAlone() throws {
    let folder = try TemporaryFolder()
    let records = RunRecords(folder: folder.path + "/runs")
    let own = getpid()
    let live = "\(own)-\(ProcessTable.startTime(of: own)!)-1"
    let stale = "\(own)-1-\(UInt64(MonotonicClock.now() * 1e9))"
    #expect(records.add(live) && records.add(stale))
    var status = stat()
    #expect(stat(records.folder, &status) == 0 && status.st_mode & 0o777 == 0o700)

    var left = ChildProcess(
      ["sleep", "300"], environment: ["PATH": "/usr/bin:/bin", "FLOW_RUN_TOKEN": stale + "/0"])
    left.diesWithParent = true
    let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
    defer { close(null) }
    let pid = try left.start(output: null)
    for _ in 0..<200
    where ProcessTable.processes(withEnvironmentEntry: "FLOW_RUN_TOKEN=" + stale).isEmpty {
      usleep(20_000)
    }
    let notes = records.sweepStale()
    #expect(
      notes == [
        "stopped 1 process left running by an earlier run whose flow-exec (PID \(own)) is gone"
      ])
    #expect(ChildProcess.wait(for: pid) == .signalled(SIGKILL))
    #expect(DirectoryListing.names(in: records.folder) == [live])
    records.remove(live)
  }

  /// A folder others may enter is made private before a run is recorded in it.
  @Test func theFolderIsMadePrivate() throws {
    let folder = try TemporaryFolder()
    let records = RunRecords(folder: folder.path + "/runs")
    mkdir(records.folder, 0o777)
    chmod(records.folder, 0o777)
    #expect(records.add("1-2-3"))
    var status = stat()
    #expect(stat(records.folder, &status) == 0 && status.st_mode & 0o777 == 0o700)
  }

  @Test func theFolderFollowsTheRuntimeOrCacheFolder() {
    #expect(
      RunRecords(environment: ["XDG_RUNTIME_DIR": "/run/user/7"]).folder == "/run/user/7/flow/runs")
    #expect(RunRecords(environment: ["HOME": "/home/u"]).folder == "/home/u/.cache/flow/runs")
  }

  /// A record holds the removal argv of each container; only an engine's own `rm` is
  /// read back from it, never another command.
  @Test func onlyAnEnginesRemovalIsReadBack() throws {
    let folder = try TemporaryFolder()
    let records = RunRecords(folder: folder.path + "/runs")
    #expect(records.add("1-2-3"))
    records.add(containerRemoval: ["podman", "rm", "-f", "-t", "0", "flow-1-a"], to: "1-2-3")
    records.add(containerRemoval: ["sh", "-c", "rm -rf ~"], to: "1-2-3")
    records.add(containerRemoval: ["docker", "run", "x"], to: "1-2-3")
    records.add(containerRemoval: ["docker", "rm", "-f", "flow-1-b"], to: "1-2-3")
    #expect(
      records.containerRemovals(of: "1-2-3") == [
        ["podman", "rm", "-f", "-t", "0", "flow-1-a"], ["docker", "rm", "-f", "flow-1-b"],
      ])
    #expect(records.containerRemovals(of: "no-such-run") == [])
  }

  /// A record holds the run's Slurm jobs beside its containers; only digit ids with names
  /// flow gives jobs are read back, since both go into scancel's argv.
  @Test func slurmJobsAreRecordedAndOnlySafeOnesReadBack() throws {
    let folder = try TemporaryFolder()
    let records = RunRecords(folder: folder.path + "/runs")
    #expect(records.add("1-2-3"))
    records.add(slurmJob: "41", name: "train", to: "1-2-3")
    records.add(containerRemoval: ["podman", "rm", "-f", "flow-1-a"], to: "1-2-3")
    records.add(slurmJob: "42;cluster", name: "score", to: "1-2-3")
    records.add(slurmJob: "43", name: "--user=root", to: "1-2-3")
    records.add(slurmJob: "44", name: "a b", to: "1-2-3")
    records.add(slurmJob: "45", name: "plot", to: "1-2-3")
    #expect(
      records.slurmJobs(of: "1-2-3").map { "\($0.id) \($0.name)" } == ["41 train", "45 plot"])
    #expect(records.containerRemovals(of: "1-2-3") == [["podman", "rm", "-f", "flow-1-a"]])
    // Without Slurm's commands nothing is cancelled, and the sweep still forgets the run.
    #expect(records.cancelSlurmJobs(of: "1-2-3") == 0)
  }
}
