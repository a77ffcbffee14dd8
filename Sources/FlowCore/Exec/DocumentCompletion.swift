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
  public static func gaps(_ document: JSONValue, selected: [Int]? = nil) -> [Gap] {
    let stages = document["stages"]?.arrayValue ?? []
    var gaps: [Gap] = []
    for (index, stage) in stages.enumerated() where selected?.contains(index) ?? true {
      let name = stage["name"]?.stringValue ?? "#\(index + 1)"
      let variables = stage["environment"]?["variables"]
      if !(variables?["sources"]?.arrayValue ?? []).isEmpty, variables?["merged"] == nil {
        gaps.append(Gap(stage: name, step: "variable files not loaded", tool: "flow-envfile"))
      }
      if !(stage["environment"]?["requirements"]?.arrayValue ?? []).isEmpty,
        stage["resolution"] == nil
      {
        gaps.append(Gap(stage: name, step: "requirements not resolved", tool: "flow-resolve"))
      }
      if stage["plan"] == nil {
        gaps.append(Gap(stage: name, step: "no plan", tool: "flow-sched"))
      }
    }
    return gaps
  }

  /// Loads the variables of every stage that has sources but no `merged`, as
  /// `flow-envfile` with no options would (compose dialect, expansion against `base`).
  public static func loadVariables(_ document: JSONValue, base: [String: String]) throws(ExecError)
    -> JSONValue
  {
    guard gaps(document).contains(where: { $0.tool == "flow-envfile" }) else { return document }
    var pipe = EnvPipeDocument(
      options: EnvMergeOptions(dialect: .compose, expand: true, baseEnvironment: base))
    let loaded = pipe.load(document)
    if let first = pipe.errors.first { throw .variables(first.description) }
    return loaded
  }
}
