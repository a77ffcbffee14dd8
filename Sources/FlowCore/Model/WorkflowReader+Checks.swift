extension WorkflowReader {
  /// Checks across stages, the same as the pipe document reader's (unique names, known
  /// `needs`, no cycles), and fasthep-flow's own: two stages with one task name
  /// (`Stage.taskName`) are one task to it, so a workflow file may not have them. A pipe
  /// document names stages exactly and files them by `SafeName`, so it may.
  mutating func check(_ workflow: inout Workflow) {
    let stages = workflow.stages
    for problem in workflow.stageProblems(place: { stages[$0].position.map { "\($0)" } }) {
      report(at: stages[problem.stage].position, problem.message)
    }
    // Where every name is its own task name (nothing in it becomes '_'), two stages share
    // a task name only when they share a name, which is reported above.
    guard stages.indices.contains(where: { stages[$0].taskName != stages[$0].name }) else {
      return
    }
    // Indices rather than stages: a stage copied into the table costs a retain of each field.
    var firstTask: [String: Int] = [:]
    firstTask.reserveCapacity(stages.count)
    for index in stages.indices {
      let taskName = stages[index].taskName
      guard let earlierIndex = firstTask[taskName] else {
        firstTask[taskName] = index
        continue
      }
      let (earlier, stage) = (stages[earlierIndex], stages[index])
      // One name written twice is reported above as a duplicate.
      if earlier.name == stage.name { continue }
      let at = earlier.position.map { " (first at \($0))" } ?? ""
      report(
        at: stage.position,
        "stage names '\(earlier.name)'\(at) and '\(stage.name)' are one task name"
          + " '\(taskName)' (spaces and punctuation become '_')")
    }
  }
}
