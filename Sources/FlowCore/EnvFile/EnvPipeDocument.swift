/// Loads every stage's variables into a pipe document: for each stage, its
/// `environment.variables.sources` (global first, then its files in order, then its
/// map, as flow-parse wrote them) are merged and the result kept as the stage's merged
/// variables (with `--provenance`, each with where it comes from and what it overrides).
/// Everything else in the workflow is kept as it is.
public struct EnvPipeDocument {
  public var options: EnvMergeOptions
  public var provenance: Bool
  public private(set) var warnings: [Diagnostic] = []
  public private(set) var errors: [EnvFileError] = []
  private var loader: EnvFileLoader

  public init(options: EnvMergeOptions, provenance: Bool = false) {
    self.options = options
    self.provenance = provenance
    loader = EnvFileLoader(dialect: options.dialect)
  }

  /// Merges the variables of every stage (of the stages at `selected` when given);
  /// problems are collected in `warnings` and `errors`.
  public mutating func load(_ workflow: inout Workflow, selected: [Int]? = nil) {
    for index in selected ?? Array(workflow.stages.indices) {
      load(stage: &workflow.stages[index], workflow: workflow.source)
    }
  }

  private mutating func load(stage: inout Stage, workflow: String) {
    var layers: [EnvLayer] = []
    for source in stage.environment.variables {
      switch source.content {
      case .file(let path):
        guard let parsed = loader.load(path, optional: source.isOptional) else { continue }
        // A missing file is told where the workflow names it.
        errors += parsed.errors.map { error in
          guard case .missingFile(let file, let reason) = error else { return error }
          return .missingVariablesFile(
            workflow: workflow, at: source.position, file: file, reason: reason)
        }
        layers.append(.parsed(parsed))
      case .values(let values):
        let label =
          source.origin == .global ? "global variables" : "variables of stage '\(stage.name)'"
        layers.append(.map(name: label, pairs: values.map { ($0.name, $0.value) }))
      }
    }
    let result = EnvMerge.merge(layers, options: options)
    warnings += result.warnings
    errors += result.errors
    var merged: [MergedVariable] = []
    merged.reserveCapacity(result.variables.count)
    for variable in result.variables {
      // The next tool reads the document with flow-parse's rules: a name or value they
      // refuse is refused here, at the file that wrote it.
      let problem =
        WorkflowRules.problemWithVariableName(variable.key)
        ?? variable.value.flatMap { WorkflowRules.problemWithVariableValue($0, name: variable.key) }
      if let problem {
        errors.append(.cannotWrite(format: "the pipe document", key: variable.key, reason: problem))
        continue
      }
      merged.append(
        MergedVariable(
          name: variable.key, value: variable.value,
          provenance: provenance ? EnvOutput.provenance(variable) : nil))
    }
    stage.environment.mergedVariables = merged
  }
}
