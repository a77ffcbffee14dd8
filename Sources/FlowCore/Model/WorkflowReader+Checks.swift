extension WorkflowReader {
  /// Checks across stages: unique names, known `needs`, no cycles.
  mutating func check(_ workflow: inout Workflow) {
    var firstPosition: [String: SourcePosition?] = [:]
    for stage in workflow.stages {
      if let first = firstPosition[stage.name] {
        let place = first.map { " (first at \($0))" } ?? ""
        report(at: stage.position, "duplicate stage name '\(stage.name)'\(place)")
      } else {
        firstPosition[stage.name] = stage.position
      }
    }
    let names = workflow.stages.map(\.name)
    for stage in workflow.stages {
      for need in stage.needs {
        if need == stage.name {
          report(at: stage.position, "stage '\(stage.name)' needs itself")
        } else if firstPosition[need] == nil {
          let hint = Suggestion.hint(for: need, among: names)
          report(at: stage.position, "stage '\(stage.name)' needs unknown stage '\(need)'\(hint)")
        }
      }
    }
    if let cycle = workflow.dependencyCycle() {
      let stage = workflow.stage(named: cycle[0])
      report(
        at: stage?.position,
        "stages depend on each other in a cycle: " + cycle.joined(separator: " -> "))
    }
  }
}
