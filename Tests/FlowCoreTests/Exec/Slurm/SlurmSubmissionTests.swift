import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

@Suite struct SlurmSubmissionTests {
  func launch(
    demand: StageDemand = StageDemand(), timeout: Double? = nil,
    environment: EnvironmentMap = ["A": "1"], argv: [String] = ["bash", "-c", "make all"]
  ) -> StageLaunch {
    StageLaunch(
      name: "fit", demand: demand, directory: "/work/w", logPath: "/work/w/.flow/logs/fit.log",
      timeout: timeout, command: { _ in (argv, environment) })
  }

  @Test func argvCarriesResourcesLimitsAndDependencies() {
    let submission = SlurmSubmission(
      stage: launch(
        demand: StageDemand(cpu: 1.5, memory: 3 * 1_048_576 + 1, gpu: 2), timeout: 61),
      scriptPath: "/logs/fit.sbatch", dependencies: ["12", "13"],
      placement: SlurmSubmission.Placement(partition: "gpu", account: "phys", qos: "short"))
    #expect(
      submission.argv == [
        "sbatch", "--parsable", "--job-name=fit", "--output=/work/w/.flow/logs/fit.log",
        "--error=/work/w/.flow/logs/fit.log", "--open-mode=truncate", "--cpus-per-task=2",
        "--mem=4M", "--gres=gpu:2", "--time=2", "--dependency=afterok:12:13",
        "--chdir=/work/w", "--partition=gpu", "--account=phys", "--qos=short",
        "/logs/fit.sbatch",
      ])
  }

  @Test func noMemoryGpuLimitOrNeedsLeavesThoseOptionsOut() {
    let submission = SlurmSubmission(
      stage: launch(), scriptPath: "s", dependencies: [], placement: .init())
    #expect(
      submission.argv == [
        "sbatch", "--parsable", "--job-name=fit", "--output=/work/w/.flow/logs/fit.log",
        "--error=/work/w/.flow/logs/fit.log", "--open-mode=truncate", "--cpus-per-task=1",
        "--chdir=/work/w", "s",
      ])
  }

  @Test func scriptQuotesEveryValueAndWordAndLeavesSlurmVariablesAlone() {
    let submission = SlurmSubmission(
      stage: launch(
        environment: [
          "B": "it's $(rm -rf /)", "A": "x\ny", "SLURM_JOB_ID": "1", "CUDA_VISIBLE_DEVICES": "0",
          "BAD NAME": "v", "PATH": "/bin",
        ],
        argv: ["bash", "-c", "echo '$HOME'; exit 3"]),
      scriptPath: "s", dependencies: [], placement: .init())
    #expect(
      submission.script == """
        #!/bin/sh
        # flow-exec: stage 'fit'
        export A='x
        y'
        export B='it'\\''s $(rm -rf /)'
        export PATH='/bin'
        exec 'bash' '-c' 'echo '\\''$HOME'\\''; exit 3'

        """)
  }

  @Test func placementOptionsOverExtraData() {
    let extra: JSONValue = .object(
      JSONObject([
        ("slurm", .object(JSONObject([("partition", .string("long")), ("qos", .string("low"))])))
      ]))
    let placement = SlurmSubmission.Placement(qos: "high").over(extraData: extra)
    #expect(placement == SlurmSubmission.Placement(partition: "long", account: nil, qos: "high"))
  }

  @Test func unitsRoundUp() {
    #expect(SlurmSubmission.mebibytes(1) == 1)
    #expect(SlurmSubmission.mebibytes(8 * 1_073_741_824) == 8192)
    #expect(SlurmSubmission.minutes(1) == 1)
    #expect(SlurmSubmission.minutes(900) == 15)
    #expect(SlurmSubmission.cpus(0.25) == 1)
  }

  /// The dry run's submissions: in the plan's order, job ids not known yet shown by name.
  @Test func plannedSubmissionsFollowThePlanAndNameTheJobsTheyWaitFor() {
    var first = launch()
    first.name = "prepare"
    first.priority = 1
    var second = launch()
    second.needs = [0]
    second.priority = 0
    let planned = SlurmSubmission.planned(
      stages: [first, second], placement: .init(partition: "short"), scriptDirectory: "/logs")
    #expect(planned.map(\.stage) == [1, 0])
    #expect(planned[0].submission.argv.contains("--dependency=afterok:<prepare>"))
    #expect(planned[0].submission.argv.contains("--partition=short"))
    #expect(planned[0].submission.argv.last == "/logs/fit.sbatch")
    #expect(planned[1].submission.argv.last == "/logs/prepare.sbatch")
    #expect(!planned[1].submission.argv.contains { $0.hasPrefix("--dependency") })
  }
}

@Suite struct SlurmNodeEnvironmentTests {
  /// With node assignments, the job starts from the node's environment (`--export=NONE`)
  /// and the script sets only what flow adds.
  @Test func aStageWithNodeAssignmentsExportsNothingFromTheSubmittingShell() {
    var stage = StageLaunch(
      name: "fit", directory: "/w", logPath: "/w/fit.log",
      command: { _ in (["env"], ["POLLUTED": "yes", "PATH": "/login/bin"]) })
    stage.nodeAssignments = [
      NodeAssignment(name: "FLOW_STAGE", parts: [.text("fit")])
    ]
    let submission = SlurmSubmission(
      stage: stage, scriptPath: "/w/fit.sbatch", dependencies: [], placement: .init())
    #expect(submission.argv.contains("--export=NONE"))
    #expect(
      submission.script == """
        #!/bin/sh
        # flow-exec: stage 'fit'
        export FLOW_STAGE='fit'
        exec 'env'

        """)
  }
}

@Suite struct SlurmShellFunctionTests {
  /// A package's aliases (rez's `alias()`) reach the job's bash as exported functions
  /// through `env`, since sh cannot export their variables: one under a test of the node's
  /// environment only where it holds, and the command text never run by the script itself.
  @Test func aliasesReachTheCommandThroughEnv() throws {
    let actions = EnvironmentActions(actions: [
      .init(kind: .alias, variable: "tool", value: "echo tool", package: "t"),
      .init(
        kind: .alias, variable: "odd", value: #"echo "it's"; echo '}' done"#, package: "t",
        when: .isSet("LEVEL")),
      .init(kind: .alias, variable: "tool", value: "echo tool again", package: "t"),
    ])
    let environment = StageEnvironment(actions: actions)
    var stage = StageLaunch(
      name: "fit", directory: "/w", logPath: "/w/fit.log",
      command: { _ in
        (["bash", "-c", "tool 1 'a b'; if type odd >/dev/null 2>&1; then odd x; fi"], [:])
      })
    stage.nodeAssignments = environment.nodeAssignments(stage: "fit", workflow: "w")
    let script = SlurmSubmission(
      stage: stage, scriptPath: "/w/fit.sbatch", dependencies: [], placement: .init()
    ).script
    #expect(
      script.contains(
        #"exec env ${flow_function_1+"$flow_function_1"} ${flow_function_2+"$flow_function_2"}"#
          + #" ${flow_function_3+"$flow_function_3"} 'bash' '-c'"#))
    for base in [["PATH": "/usr/bin:/bin"], ["PATH": "/usr/bin:/bin", "LEVEL": "1"]] {
      let run = try ChildProcess(["/bin/sh", "-c", script], environment: EnvironmentMap(base))
        .run()
      let odd = base["LEVEL"] == nil ? "" : "it's\n} done x\n"
      #expect(run.text == "tool again 1 a b\n" + odd, "\(base)")
    }
  }
}

@Suite struct SlurmStopTests {
  /// A package's stop under a test of the node (rez's `stop()` under `os.path.exists`)
  /// ends the job's script there before the command, its message on standard error, where
  /// the test holds; the message is data, never code.
  @Test func aStopEndsTheJobWhereItsTestHolds() throws {
    let folder = try TemporaryFolder()
    let missing = folder.path + "/opt/nuke"
    let message = #"Not installed: "$(touch "# + folder.path + #"/x)" 'q'"#
    let actions = EnvironmentActions(actions: [
      .init(kind: .set, variable: "NUKE_LOCATION", value: missing, package: "nuke"),
      .init(
        kind: .stop, variable: "", value: message, package: "nuke",
        when: .not(.path(missing, .exists))),
    ])
    var stage = StageLaunch(
      name: "fit", directory: folder.path, logPath: folder.path + "/fit.log",
      command: { _ in (["sh", "-c", "echo ran"], [:]) })
    stage.nodeAssignments = StageEnvironment(actions: actions).nodeAssignments(
      stage: "fit", workflow: "w")
    let script = SlurmSubmission(
      stage: stage, scriptPath: folder.path + "/fit.sbatch", dependencies: [],
      placement: .init()
    ).script
    let environment = EnvironmentMap(["PATH": "/usr/bin:/bin"])
    let stopped = try ChildProcess(["/bin/sh", "-c", script], environment: environment).run()
    #expect(stopped.status == ProcessStatus.exited(NodeAssignment.stopStatus))
    #expect(stopped.text == "package nuke stops: " + message + "\n")
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/x"))
    try FileManager.default.createDirectory(atPath: missing, withIntermediateDirectories: true)
    let ran = try ChildProcess(["/bin/sh", "-c", script], environment: environment).run()
    #expect(ran.text == "ran\n")
  }
}

@Suite struct SlurmContainerGPUTests {
  func script(engine: ContainerEngine) -> String {
    var container = ContainerInvocation(
      engine: engine, image: "img:1", name: "flow-1-fit", folder: "/w")
    container.gpusFromScheduler = true
    let argv = container.argv(command: ["nvidia-smi"], environment: [:])
    var stage = StageLaunch(
      name: "fit", demand: StageDemand(gpu: 1), logPath: "/w/fit.log",
      command: { _ in (argv, [:]) })
    stage.nodeAssignments = []
    return SlurmSubmission(stage: stage, scriptPath: "s", dependencies: [], placement: .init())
      .script
  }

  /// A container stage on Slurm gets the GPUs Slurm gave the job, named on the node.
  @Test func podmanGetsACDIDeviceForEachGPUOfTheJob() {
    #expect(
      script(engine: .podman) == """
        #!/bin/sh
        # flow-exec: stage 'fit'
        set -f --
        IFS=,
        for id in ${CUDA_VISIBLE_DEVICES-}; do set -- "$@" --device "nvidia.com/gpu=$id"; done
        unset IFS; set +f
        exec 'podman' 'run' '--rm' '--init' '--name=flow-1-fit' '--mount=type=bind,"source=/w","destination=/w"' '--workdir=/w' "$@" '--' 'img:1' 'nvidia-smi'

        """)
  }

  @Test func dockerGetsTheJobsGPUsAsOneDeviceList() {
    let text = script(engine: .docker)
    #expect(
      text.contains(
        #"if [ -n "${CUDA_VISIBLE_DEVICES-}" ]; then set -- --gpus "\"device=$CUDA_VISIBLE_DEVICES\""; fi"#
      ))
    #expect(text.contains(#"'--workdir=/w' "$@" '--' 'img:1'"#))
  }

  /// The local runner names its GPUs itself: no placeholder reaches an engine there.
  @Test func localContainersNameTheirGPUs() {
    let container = ContainerInvocation(
      engine: .podman, image: "img:1", name: "n", folder: "/w",
      gpus: [GPUDevice(vendor: .nvidia, id: "0", hardwareIndex: 0, sources: [])])
    let argv = container.argv(command: ["true"], environment: [:])
    #expect(!argv.contains(ContainerInvocation.schedulerGPUFlags))
    #expect(argv.contains("nvidia.com/gpu=0"))
  }
}
