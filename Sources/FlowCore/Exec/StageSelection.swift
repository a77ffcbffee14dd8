/// Which stages of a workflow to run: all, one (`--stage`, its needs taken as done),
/// some (`--only`), or one and everything after it (`--from`).
public struct StageSelection: Sendable, Equatable {
  public var stage: String?
  public var only: [String]
  public var from: [String]

  public init(stage: String? = nil, only: [String] = [], from: [String] = []) {
    self.stage = stage
    self.only = only
    self.from = from
  }

  /// The indexes of the chosen stages, in workflow order. A stage is named as written,
  /// or by its fasthep-flow task name (`touch__tmp_date_txt` for `touch /tmp/date.txt`)
  /// when that names one stage.
  public func select(_ workflow: Workflow) throws(ExecError) -> [Int] {
    let names = workflow.stages.map(\.name)
    func index(_ name: String) throws(ExecError) -> Int {
      if let found = names.firstIndex(of: name) { return found }
      let task = Stage.taskName(name)
      let byTask = workflow.stages.indices.filter { workflow.stages[$0].taskName == task }
      guard byTask.count == 1 else {
        throw .unknownStage(name, suggestion: Suggestion.closest(to: name, among: names))
      }
      return byTask[0]
    }
    var chosen = Set<Int>()
    if let stage { chosen.insert(try index(stage)) }
    for name in only { chosen.insert(try index(name)) }
    if !from.isEmpty {
      var queue: [Int] = []
      for name in from { queue.append(try index(name)) }
      while let next = queue.popLast() {
        chosen.insert(next)
        for (position, stage) in workflow.stages.enumerated()
        where stage.needs.contains(names[next]) && !chosen.contains(position) {
          queue.append(position)
        }
      }
    }
    if stage == nil && only.isEmpty && from.isEmpty { return Array(names.indices) }
    return chosen.sorted()
  }
}
