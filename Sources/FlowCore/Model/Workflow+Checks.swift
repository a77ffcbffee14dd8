/// A problem among the stages as a whole: the stage it is told at, the field (`name` or
/// `needs`) and what.
public struct StageProblem: Sendable, Equatable {
  public var stage: Int
  public var field: String
  public var message: String
}

extension Workflow {
  /// The checks across stages every reader makes: unique names, known `needs`, no stage
  /// needing itself, no cycle. Names that are canonically equivalent (`café` written with
  /// U+00E9 and with `e` + U+0301) are duplicates: they look the same to people and to
  /// Swift's `String`, yet name different files. `place` tells where a stage is written,
  /// for "first at". At most `limit` problems are found: a reader that stops at the first
  /// asks for one, so a document of many bad stages costs no more than a good one.
  public func stageProblems(limit: Int = .max, place: (Int) -> String?) -> [StageProblem] {
    var problems: [StageProblem] = []
    var first: [String: Int] = [:]
    first.reserveCapacity(stages.count)
    // Each stage's fields are read in place: a stage taken whole from the list is a copy.
    for index in stages.indices {
      let name = stages[index].name
      guard let earlier = first[name] else {
        first[name] = index
        continue
      }
      if problems.count == limit { return problems }
      let at = place(earlier).map { " (first at \($0))" } ?? ""
      let form =
        ExactString.sameBytes(stages[earlier].name, name)
        ? "" : ", the same name in another Unicode form"
      problems.append(
        StageProblem(
          stage: index, field: "name", message: "duplicate stage name '\(name)'\(at)\(form)"))
    }
    lazy var names = stages.map(\.name)
    for index in stages.indices {
      let name = stages[index].name
      for need in stages[index].needs where need == name || first[need] == nil {
        if problems.count == limit { return problems }
        if need == name {
          problems.append(
            StageProblem(
              stage: index, field: "needs", message: "stage '\(name)' needs itself"))
        } else {
          // Each hint compares with every name: only the first few get one.
          let hint = problems.count < 20 ? Suggestion.hint(for: need, among: names) : ""
          problems.append(
            StageProblem(
              stage: index, field: "needs",
              message: "stage '\(name)' needs unknown stage '\(need)'\(hint)"))
        }
      }
    }
    if problems.count < limit, let cycle = dependencyCycle(firstIndex: first),
      let start = first[cycle[0]]
    {
      problems.append(
        StageProblem(
          stage: start, field: "needs",
          message: "stages depend on each other in a cycle: " + Self.describe(cycle)))
    }
    return problems
  }

  /// A cycle as `a -> b -> a`; a long one with its middle left out, so that a message
  /// stays a line.
  static func describe(_ cycle: [String]) -> String {
    guard cycle.count > 21 else { return cycle.joined(separator: " -> ") }
    return (cycle.prefix(10) + ["... \(cycle.count - 20) more ..."] + cycle.suffix(10))
      .joined(separator: " -> ")
  }
}
