/// What a pipe document still lacks before it can run, and the variables step done here
/// when it was skipped, with flow-envfile's own core code and defaults.
public enum DocumentCompletion {
  /// A step of the pipeline a document skipped.
  public struct Gap: Sendable, Equatable {
    public var stage: String
    public var step: String
    public var tool: String

    public var error: ExecError { .skippedStep(stage: stage, step: step, tool: tool) }
  }

  /// The skipped steps, first stage first: variable files not loaded, requirements not
  /// resolved, no plan.
  public static func gaps(_ workflow: Workflow, selected: [Int]? = nil) -> [Gap] {
    var gaps: [Gap] = []
    // A set: looking each stage up in the selection's array costs its length per stage.
    let chosen = selected.map(Set.init)
    for (index, stage) in workflow.stages.enumerated() where chosen?.contains(index) ?? true {
      let environment = stage.environment
      if lacksMergedVariables(stage) {
        gaps.append(Gap(stage: stage.name, step: "variable files not loaded", tool: "flow-envfile"))
      }
      if !environment.requirements.isEmpty, stage.resolution == nil {
        gaps.append(Gap(stage: stage.name, step: "requirements not resolved", tool: "flow-resolve"))
      }
      if stage.plan == nil {
        gaps.append(Gap(stage: stage.name, step: "no plan", tool: "flow-sched"))
      }
    }
    return gaps
  }

  /// Whether the stage names variable sources that no step has merged yet.
  private static func lacksMergedVariables(_ stage: Stage) -> Bool {
    !stage.environment.variables.isEmpty && stage.environment.mergedVariables == nil
  }

  /// Loads the variables of every stage that has sources but no merged variables, as
  /// `flow-envfile` with no options would (compose dialect, expansion against `base`).
  public static func loadVariables(_ workflow: inout Workflow, base: EnvironmentMap)
    throws(ExecError)
  {
    let missing = workflow.stages.indices.filter { lacksMergedVariables(workflow.stages[$0]) }
    if missing.isEmpty { return }
    var pipe = EnvPipeDocument(
      options: EnvMergeOptions(dialect: .compose, expand: true, baseEnvironment: base))
    pipe.load(&workflow, selected: missing)
    if let first = pipe.errors.first { throw .variables(first.description) }
  }
}
