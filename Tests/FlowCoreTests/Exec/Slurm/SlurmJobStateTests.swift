import Testing

@testable import FlowCore

@Suite struct SlurmJobStateTests {
  @Test func readsScontrol() {
    let output = """
      JobId=7 JobName=fit
         UserId=root(0) GroupId=root(0) MCS_label=N/A
         JobState=FAILED Reason=NonZeroExitCode Dependency=(null)
         Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0
      """
    let state = SlurmJobState(scontrol: output)
    #expect(state == SlurmJobState(state: "FAILED", exitCode: 3, reason: "NonZeroExitCode"))
    #expect(state?.result(seconds: 1, timeLimit: nil).status == 3)
  }

  @Test func readsSacct() {
    #expect(
      SlurmJobState(sacct: "CANCELLED by 0|0:15\n") == SlurmJobState(state: "CANCELLED", signal: 15)
    )
    #expect(SlurmJobState(sacct: "COMPLETED|0:0") == SlurmJobState(state: "COMPLETED"))
    #expect(SlurmJobState(sacct: "") == nil)
  }

  @Test func mapsStatesToStatuses() {
    #expect(
      SlurmJobState(state: "COMPLETED").result(seconds: 2, timeLimit: nil).outcome == .succeeded)
    let timeout = SlurmJobState(state: "TIMEOUT", signal: 15).result(seconds: 60, timeLimit: 60)
    #expect(timeout.status == 124 && timeout.timedOut)
    let killed = SlurmJobState(state: "FAILED", signal: 9).result(seconds: 1, timeLimit: nil)
    #expect(killed.status == 137 && killed.signal == 9)
    let launch = SlurmJobState(state: "FAILED", exitCode: 0, signal: 53, reason: "JobLaunchFailure")
    #expect(
      launch.result(seconds: 0, timeLimit: nil).message == "slurm job failed (JobLaunchFailure)")
    let node = SlurmJobState(state: "NODE_FAIL").result(seconds: 0, timeLimit: nil)
    #expect(node.status == 125 && node.message == "slurm job node_fail")
    #expect(
      !SlurmJobState(state: "PENDING").isFinal && SlurmJobState(state: "OUT_OF_MEMORY").isFinal)
  }
}
