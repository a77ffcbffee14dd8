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

  @Test func daskWithoutASchedulerIsUnavailable() {
    #expect(
      throws: ExecError.clusterUnavailable(
        "no Dask scheduler: pass --dask-scheduler or set DASK_SCHEDULER_ADDRESS")
    ) { try settings().makeRunner(for: [launch(.dask)]) { _ in } }
    #expect(ExecError.clusterUnavailable("x").exitStatus == .unavailable)
    #expect(ExecError.cluster("x").exitStatus == .toolFailed)
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
