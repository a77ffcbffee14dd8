/// Runs one of Slurm's commands (`sbatch`, `squeue`, `scontrol`, `sacct`, `scancel`) to
/// its end and returns its status and what it wrote (standard output and error together).
/// It finds the cluster through the environment it is given (`SLURM_CONF`).
public struct SlurmCommand: Sendable {
  public var environment: EnvironmentMap

  public init(environment: EnvironmentMap) {
    self.environment = environment
  }

  public struct Outcome: Sendable, Equatable {
    public var status: Int32
    public var output: String

    /// The output's lines without blank ones and without surrounding white space.
    public var lines: [String] {
      output.split(separator: "\n").map { $0.trimmedString }.filter { !$0.isEmpty }
    }
  }

  /// - Parameters:
  ///   - wake: a descriptor watched while the command runs (a signal relay's); when it
  ///     becomes readable, `onWake` is called and the command is still waited for.
  public func run(_ argv: [String], wake: Int32? = nil, onWake: () -> Void = {}) -> Outcome {
    do throws(ChildProcess.Failure) {
      let finished = try ChildProcess(argv, environment: environment).run(
        wake: wake, onWake: { _ in onWake() })
      return Outcome(status: finished.status?.shellStatus ?? 0, output: finished.text)
    } catch {
      return Outcome(status: error.status.rawValue, output: error.message)
    }
  }
}
