/// Where and how a stage runs: fasthep-flow's `environment` block (and, with the same
/// keys, the workflow's `global` block).
public struct Environment: Sendable, Hashable {
  /// A container image; the stage runs inside it when set.
  public var image: String?
  public var variables: [VariableSource]
  public var executor: Executor?
  public var resources: Resources
  public var requirements: [Requirement]
  /// The stage said `requirements: {}`: the global requirements do not apply to it.
  public var optsOutOfGlobalRequirements = false
  /// Passed through untouched for executors and plugins.
  public var extraData: JSONValue?
  /// Members other tools added to the environment, kept in order.
  public var annotations = JSONObject()
  /// The variables after flow-envfile merged the sources, in order; nil until then.
  public var mergedVariables: [MergedVariable]?
  /// Members other tools added to `variables` besides `sources` and `merged`, kept in
  /// order.
  public var variableAnnotations = JSONObject()

  public init(
    image: String? = nil, variables: [VariableSource] = [], executor: Executor? = nil,
    resources: Resources = Resources(), requirements: [Requirement] = [],
    extraData: JSONValue? = nil
  ) {
    self.image = image
    self.variables = variables
    self.executor = executor
    self.resources = resources
    self.requirements = requirements
    self.extraData = extraData
  }

  /// This environment with the global defaults applied: the stage's own values win
  /// key by key (resources field by field; requirements by package name); variables of
  /// both are kept, global first.
  public func overlaying(_ global: Environment) -> Environment {
    // Most workflows have no global requirements: the stage's own are kept without a copy.
    var requirements = self.requirements
    if !global.requirements.isEmpty {
      requirements =
        global.requirements.filter { requirement in
          !optsOutOfGlobalRequirements
            && !self.requirements.contains { $0.package == requirement.package }
        } + self.requirements
    }
    return Environment(
      image: image ?? global.image, variables: global.variables + variables,
      executor: executor ?? global.executor, resources: resources.overlaying(global.resources),
      requirements: requirements, extraData: extraData ?? global.extraData)
  }
}
