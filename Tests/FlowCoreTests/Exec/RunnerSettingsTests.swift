import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

@Suite struct RunnerSettingsTests {
  func launch(_ executor: Executor, log: String = "logs/a.log") -> StageLaunch {
    var launch = StageLaunch(name: "a", logPath: log, command: { _ in (["true"], [:]) })
    launch.executor = executor
    return launch
  }

  func settings(environment: EnvironmentMap = [:]) -> RunnerSettings {
    RunnerSettings(
      capacity: PlanCapacity(cpu: 1, memory: 0), logDirectory: "logs", environment: environment)
  }

  @Test func theFirstStagesExecutorChoosesTheRunner() throws {
    #expect(try settings().makeRunner(for: [launch(.local)]) { _ in } is LocalRunner)
    #expect(try settings().makeRunner(for: []) { _ in } is LocalRunner)
    #expect(try settings().makeRunner(for: [launch(.slurm)]) { _ in } is SlurmRunner)
  }

  @Test func stagesOnDifferentExecutorsGoThroughTheCoordinator() throws {
    let runner = try settings().makeRunner(for: [launch(.local), launch(.slurm)]) { _ in }
    #expect(runner is ExecutorCoordinator)
  }

  @Test func daskWithoutASchedulerStartsALocalClusterSizedFromTheCapacity() throws {
    let folder = try TemporaryFolder()
    let bridge = try folder.write("bridge.py", "")
    var chosen = settings(environment: [
      "PATH": "/usr/local/bin:/usr/bin:/bin", "FLOW_DASK_BRIDGE": bridge,
    ])
    chosen.capacity = PlanCapacity(cpu: 3.5, memory: 1000, gpuIDs: ["0"], counters: ["licence": 2])
    let runner = try #require(try chosen.makeRunner(for: [launch(.dask)]) { _ in } as? DaskRunner)
    let request = runner.request()
    #expect(request["scheduler"] == .null)
    #expect(request["local_cluster"]?["threads"] == .integer(3))
    #expect(
      request["local_cluster"]?["resources"]
        == .object(
          JSONObject([("MEMORY", .integer(1000)), ("GPU", .integer(1)), ("licence", .integer(2))])))
    chosen.daskScheduler = "tcp://127.0.0.1:1"
    let given = try #require(try chosen.makeRunner(for: [launch(.dask)]) { _ in } as? DaskRunner)
    #expect(given.request()["scheduler"] == .string("tcp://127.0.0.1:1"))
    chosen.daskScheduler = nil
    chosen.environment["DASK_SCHEDULER_ADDRESS"] = "tcp://127.0.0.1:2"
    #expect(chosen.daskAddress == "tcp://127.0.0.1:2")
    #expect(ExecError.clusterUnavailable("x").exitStatus == .unavailable)
    #expect(ExecError.cluster("x").exitStatus == .toolFailed)
  }

  @Test func aDaskStageTheLocalClusterCouldNeverRunIsRefusedBeforeAnythingStarts() throws {
    let folder = try TemporaryFolder()
    let bridge = try folder.write("bridge.py", "")
    var chosen = settings(environment: ["PATH": "/usr/bin:/bin", "FLOW_DASK_BRIDGE": bridge])
    chosen.capacity = PlanCapacity(cpu: 2, memory: 1000)
    var gpuStage = launch(.dask)
    gpuStage.demand = StageDemand(cpu: 1, memory: 500, gpu: 1)
    #expect(
      throws: ExecError.refused(
        stage: "a",
        reason: "it needs GPU 1 but the local Dask cluster's worker has MEMORY 1000"
          + " (name a scheduler with --dask-scheduler)")
    ) { try chosen.makeRunner(for: [launch(.local), gpuStage]) { _ in } }
    gpuStage.gpuIfAvailable = true
    #expect(try chosen.makeRunner(for: [launch(.local), gpuStage]) { _ in } is ExecutorCoordinator)
    gpuStage.gpuIfAvailable = false
    chosen.daskScheduler = "tcp://127.0.0.1:1"
    #expect(try chosen.makeRunner(for: [gpuStage]) { _ in } is DaskRunner)
  }

  @Test func dryRunOfAMixShowsSbatchOnlyForSlurmStagesAndNoDependencyOnOthers() {
    var slurm = launch(.slurm)
    slurm.name = "b"
    slurm.needs = [0]
    let lines = settings().dryRunLines([launch(.local), slurm]).map {
      String(decoding: $0, as: UTF8.self)
    }
    #expect(lines.count == 2)
    #expect(!lines[0].contains("sbatch"))
    #expect(lines[1].contains("sbatch"))
    #expect(!lines[1].contains("--dependency"))
  }

  @Test func clusterPathsAreAbsoluteAsWritten() {
    let folder = PathText.currentDirectory
    #expect(RunnerSettings.absolute("./logs") == folder + "/./logs")
    #expect(RunnerSettings.absolute("/logs") == "/logs")
    #expect(RunnerSettings.clusterLaunches([launch(.slurm)])[0].logPath == folder + "/logs/a.log")
  }

  @Test func dryRunLinesForEachStage() {
    let local = settings().dryRunLines([launch(.local), launch(.local)])
    #expect(local.count == 2)
    #expect(String(decoding: local[0], as: UTF8.self).contains(#""argv":["true"]"#))
    let slurm = settings().dryRunLines([launch(.slurm)])
    #expect(String(decoding: slurm[0], as: UTF8.self).contains(#""executor":"slurm""#))
  }

  @Test func makesTheLogFolderAndTheFoldersAboveIt() throws {
    let folder = try TemporaryFolder()
    var made = settings()
    made.logDirectory = folder.path + "/a/b/c"
    #expect(made.makeLogDirectory())
    #expect(made.makeLogDirectory())
    var isFolder: ObjCBool = false
    #expect(FileManager.default.fileExists(atPath: made.logDirectory, isDirectory: &isFolder))
    #expect(isFolder.boolValue)
    let file = try folder.write("file", "x")
    made.logDirectory = file + "/below"
    #expect(!made.makeLogDirectory())
  }
}
