/// One stage as a Slurm batch job: the `sbatch` argv and the batch script's text. The
/// script sets the stage's environment explicitly, each value single-quoted, and then
/// execs the stage's argv, each word single-quoted: no data is ever shell code. Every
/// option carries its value after `=`, the job name is the stage's `SafeName`, and the
/// script path (absolute) is the last word.
public struct SlurmSubmission: Sendable, Equatable {
  /// Where the job goes: partition, account and QoS, when chosen.
  public struct Placement: Sendable, Equatable {
    public var partition: String?
    public var account: String?
    public var qos: String?

    public init(partition: String? = nil, account: String? = nil, qos: String? = nil) {
      self.partition = partition
      self.account = account
      self.qos = qos
    }

    /// These options over `extra_data.slurm` (`partition`, `account`, `qos`).
    public func over(extraData: JSONValue?) -> Placement {
      let slurm = extraData?["slurm"]
      return Placement(
        partition: partition ?? slurm?["partition"]?.stringValue,
        account: account ?? slurm?["account"]?.stringValue,
        qos: qos ?? slurm?["qos"]?.stringValue)
    }
  }

  /// Variables Slurm sets in the job itself; the script never overrides them.
  static func isSlurmOwned(_ name: String) -> Bool {
    name.hasPrefix("SLURM_") || name.hasPrefix("SBATCH_")
      || ["CUDA_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL", "ROCR_VISIBLE_DEVICES", "PWD", "OLDPWD"]
        .contains(name)
      || name == "SHLVL" || name == "_"
  }

  public var argv: [String]
  public var script: String

  /// - Parameters:
  ///   - scriptPath: where the script is written; the last word of the argv.
  ///   - dependencies: the job ids of the stages this one needs.
  public init(
    stage: StageLaunch, scriptPath: String, dependencies: [String], placement: Placement
  ) {
    let (command, environment) = stage.command([])
    var argv = [
      "sbatch", "--parsable", "--job-name=\(SafeName.of(stage.name))",
      "--output=\(Self.filePattern(stage.logPath))", "--error=\(Self.filePattern(stage.logPath))",
      "--open-mode=truncate",
      "--cpus-per-task=\(Self.cpus(stage.demand.cpu))",
    ]
    // The node's own environment is the base, never a copy of the submitting shell's.
    if stage.nodeAssignments != nil { argv.append("--export=NONE") }
    if stage.demand.memory > 0 { argv.append("--mem=\(Self.mebibytes(stage.demand.memory))M") }
    if stage.demand.wholeGPUs > 0 { argv.append("--gres=gpu:\(stage.demand.wholeGPUs)") }
    if let timeout = stage.timeout { argv.append("--time=\(Self.minutes(timeout))") }
    if !dependencies.isEmpty {
      argv.append("--dependency=afterok:" + dependencies.joined(separator: ":"))
    }
    if let directory = stage.directory { argv.append("--chdir=\(directory)") }
    if let partition = placement.partition { argv.append("--partition=\(partition)") }
    if let account = placement.account { argv.append("--account=\(account)") }
    if let qos = placement.qos { argv.append("--qos=\(qos)") }
    argv.append(scriptPath)
    self.argv = argv

    var lines = [
      "#!/bin/sh", "# flow-exec: stage \(ShellWord.quote(stage.name).replacing("\n", with: " "))",
    ]
    // Without node assignments, the whole environment is set, each variable as one; names
    // sh cannot spell are left out, but for exported shell functions (`ShellFunction`),
    // which reach the command through `env` (`NodeAssignment.functionWords`).
    let assignments =
      stage.nodeAssignments
      ?? environment.filter {
        (ShellWord.isName($0.key) || ShellFunction.isVariable($0.key))
          && !Self.isSlurmOwned($0.key)
      }.map { NodeAssignment(name: $0.key, parts: [.text($0.value)]) }
    lines += NodeAssignment.script(assignments)
    let functions = NodeAssignment.functionWords(assignments)
    var words = command.map(ShellWord.quote)
    if let slot = command.firstIndex(of: ContainerInvocation.schedulerGPUFlags) {
      lines += Self.gpuFlagLines(engine: command.first ?? "")
      words[slot] = #""$@""#
    }
    if !functions.isEmpty { words = ["env"] + functions + words }
    lines.append("exec " + words.joined(separator: " "))
    script = lines.joined(separator: "\n") + "\n"
  }

  /// Sets the positional parameters to the container engine's flags for the GPUs Slurm
  /// gave the job (`CUDA_VISIBLE_DEVICES`, as the local runner passes the ones it gives):
  /// podman's CDI `--device nvidia.com/gpu=ID` each, docker's `--gpus "device=IDS"`. Each
  /// id stays inside its word: split on commas only, with no pathname expansion.
  static func gpuFlagLines(engine: String) -> [String] {
    if engine == ContainerEngine.docker.rawValue {
      return [
        "set --",
        #"if [ -n "${CUDA_VISIBLE_DEVICES-}" ]; then set -- --gpus "\"device=$CUDA_VISIBLE_DEVICES\""; fi"#,
      ]
    }
    return [
      "set -f --", "IFS=,",
      #"for id in ${CUDA_VISIBLE_DEVICES-}; do set -- "$@" --device "nvidia.com/gpu=$id"; done"#,
      "unset IFS; set +f",
    ]
  }

  /// What a run would submit, in the order it would: each stage's submission, the job ids
  /// of the Slurm stages it needs shown as `<NAME>` (Slurm gives the ids only when
  /// submitting). A stage it needs on another executor is no dependency: the job is
  /// submitted only after that stage succeeded.
  public static func planned(
    stages: [StageLaunch], placement: Placement, scriptDirectory: String
  ) -> [(stage: Int, submission: SlurmSubmission)] {
    let order = stages.indices.sorted { (stages[$0].priority, $0) < (stages[$1].priority, $1) }
    return order.map { index in
      let stage = stages[index]
      let submission = SlurmSubmission(
        stage: stage, scriptPath: scriptPath(stage: stage, directory: scriptDirectory),
        dependencies: stage.needs.filter { stages[$0].executor == stage.executor }.map {
          "<\(stages[$0].name)>"
        },
        placement: placement.over(extraData: stage.extraData))
      return (index, submission)
    }
  }

  /// Where a stage's batch script is written: `SAFENAME.sbatch` in `directory`.
  public static func scriptPath(stage: StageLaunch, directory: String) -> String {
    directory + "/" + SafeName.of(stage.name) + ".sbatch"
  }

  /// A path as sbatch's `--output` reads it: `%` starts a replacement (`%j`, the job id),
  /// so each is doubled.
  static func filePattern(_ path: String) -> String { path.replacing("%", with: "%%") }

  /// Why sbatch cannot be given the stage's log path, or nil: Slurm reads a backslash in
  /// it as "no replacements" and drops it, so the job's output would go elsewhere.
  public static func logPathProblem(_ stage: StageLaunch) -> String? {
    guard stage.logPath.contains("\\") else { return nil }
    return "its log path \(stage.logPath.debugDescription) has a backslash, which Slurm"
      + " does not keep; choose another --log-dir"
  }

  /// Whole CPUs: Slurm allocates no fractions.
  static func cpus(_ cpu: Double) -> Int { max(1, Int(cpu.rounded(.up))) }

  /// Bytes in MiB, rounded up: Slurm's `--mem` unit.
  static func mebibytes(_ bytes: Int64) -> Int64 { (bytes + 1_048_575) / 1_048_576 }

  /// Seconds in whole minutes, rounded up: Slurm's time limits count minutes.
  static func minutes(_ seconds: Double) -> Int { max(1, Int((seconds / 60).rounded(.up))) }
}
