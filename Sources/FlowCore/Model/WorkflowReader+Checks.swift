extension WorkflowReader {
  /// Checks across stages, the same as the pipe document reader's: unique names, known
  /// `needs`, no cycles.
  mutating func check(_ workflow: inout Workflow) {
    let stages = workflow.stages
    for problem in workflow.stageProblems(place: { stages[$0].position.map { "\($0)" } }) {
      report(at: stages[problem.stage].position, problem.message)
    }
  }
}
