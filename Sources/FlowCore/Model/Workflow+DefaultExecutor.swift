extension Workflow {
  /// Gives `executor` to the stages that name none, neither themselves nor through
  /// `global.executor`. A pipe document names every stage's executor (flow-parse writes
  /// `LocalExecutor` for those that named none), so this changes only workflow files.
  public mutating func setDefaultExecutor(_ executor: Executor) {
    for index in stages.indices where stages[index].environment.executor == nil {
      stages[index].environment.executor = executor
    }
  }
}
