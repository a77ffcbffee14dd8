/// A stage's environment, built in the order DESIGN.md gives: the base (the host's, or
/// none with `--clean-env`), the resolved package actions, the merged variables (global
/// first, then the stage's own), then what the runner sets itself: `FLOW_STAGE`,
/// `FLOW_WORKFLOW`, the GPU visibility variable and the command's own variables.
public struct StageEnvironment: Sendable, Equatable {
  public var actions: EnvironmentActions
  /// Names and values in the order they apply.
  public var variables: [NameValue]

  public init(
    actions: EnvironmentActions = EnvironmentActions(actions: []), variables: [NameValue] = []
  ) {
    self.actions = actions
    self.variables = variables
  }

  /// A stage's resolved package actions and merged variables (those with a value).
  public init(stage: Stage) {
    let variables = (stage.environment.mergedVariables ?? []).compactMap { variable in
      variable.value.map { NameValue(variable.name, $0) }
    }
    self.init(
      actions: EnvironmentActions(actions: stage.resolution?.actions ?? []), variables: variables)
  }

  /// The complete environment of a stage; the actions' tests read `tested` where given
  /// (`EnvironmentActions.applied(to:tested:)`).
  public func build(
    base: EnvironmentMap, tested: EnvironmentMap? = nil, stage: String, workflow: String,
    gpus: GPUVisibility?, command: [(name: String, value: String)] = []
  ) -> EnvironmentMap {
    var environment = actions.applied(to: base, tested: tested)
    for variable in variables { environment[variable.name] = variable.value }
    environment["FLOW_STAGE"] = stage
    environment["FLOW_WORKFLOW"] = workflow
    if let gpus { environment[gpus.variable] = gpus.ids.joined(separator: ",") }
    for entry in command { environment[entry.name] = entry.value }
    return environment
  }
}

/// The GPUs a stage was given, as its processes see them.
public struct GPUVisibility: Sendable, Equatable {
  public var vendor: GPUVendor
  public var ids: [String]

  public init(vendor: GPUVendor, ids: [String]) {
    self.vendor = vendor
    self.ids = ids
  }

  public var variable: String { vendor.visibilityVariable }
}
