import Testing

@testable import FlowCore

/// What sbatch gets from a stage's name and paths: every value after `=`, the job name
/// and script the stage's safe name, `%` in a path doubled (sbatch reads `%j` and the like).
@Suite struct SlurmSubmissionNamingTests {
  func submission(name: String, logPath: String) -> SlurmSubmission {
    let stage = StageLaunch(
      name: name, directory: "/w", logPath: logPath, command: { _ in (["true"], [:]) })
    return SlurmSubmission(
      stage: stage, scriptPath: SlurmSubmission.scriptPath(stage: stage, directory: "/logs"),
      dependencies: [], placement: SlurmSubmission.Placement(partition: "-p"))
  }

  @Test func theJobAndItsScriptAreNamedByTheSafeName() {
    let argv = submission(name: "-x --wrap=id", logPath: "/l/a.log").argv
    let safe = SafeName.of("-x --wrap=id")
    #expect(argv.contains("--job-name=\(safe)"))
    #expect(argv.last == "/logs/\(safe).sbatch")
    #expect(argv.contains("--partition=-p"))
    #expect(argv.dropFirst().allSatisfy { $0.hasPrefix("--") || $0 == argv.last })
  }

  @Test func percentSignsInPathsAreNotPatterns() {
    let argv = submission(name: "a", logPath: "/data/100%j/a.log").argv
    #expect(argv.contains("--output=/data/100%%j/a.log"))
    #expect(argv.contains("--error=/data/100%%j/a.log"))
  }

  /// `.hidden` and `_.hidden` must not share a script either.
  @Test func scriptsOfDifferentNamesDiffer() {
    let paths = [".hidden", "_.hidden"].map {
      SlurmSubmission.scriptPath(
        stage: StageLaunch(name: $0, logPath: "/l", command: { _ in ([], [:]) }), directory: "/s")
    }
    #expect(paths[0] != paths[1])
  }

  /// Slurm drops a backslash from an output path (and then does no replacements): such a
  /// log path is refused before anything is submitted.
  @Test func aLogPathWithABackslashIsRefused() throws {
    let stage = StageLaunch(
      name: "a", logPath: "/w/back\\slash/a.log", command: { _ in (["true"], [:]) })
    #expect(SlurmSubmission.logPathProblem(stage)?.contains("has a backslash") == true)
    let runner = SlurmRunner(
      stages: [stage], options: SlurmRunner.Options(scriptDirectory: "/nonexistent"),
      environment: [:], report: { _ in })
    #expect(throws: ExecError.self) { try runner.run() }
    #expect(
      SlurmSubmission.logPathProblem(
        StageLaunch(name: "a", logPath: "/w/100%/a.log", command: { _ in ([], [:]) })) == nil)
  }
}
