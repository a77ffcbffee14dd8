/// Why a stage's attempt failed, the same on every executor, so that a retry policy can
/// say which failures are worth another attempt.
public enum FailureClass: String, Sendable, Hashable, CaseIterable {
  /// Killed for using more memory than it was given: a container engine's or the kernel's
  /// OOM killer, Slurm's `OUT_OF_MEMORY`.
  case oom
  /// Stopped at its time limit: flow's own `timeout` or Slurm's `TIMEOUT`.
  case timeout
  /// The machine it ran on went away: Slurm's `NODE_FAIL`, `PREEMPTED` or `BOOT_FAIL`, a
  /// Dask worker lost.
  case lost
  /// The stage's own non-zero status, or anything else.
  case failed
}
