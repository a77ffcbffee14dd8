/// A workflow: stages with their environments, global defaults already applied.
public struct Workflow: Sendable, Hashable {
  /// The version of the pipe document this library reads and writes.
  public static let documentVersion: Int64 = 1

  /// The absolute path of the workflow file, or `<stdin>`.
  public var source: String
  /// The workflow's own `version`, passed through.
  public var version: JSONValue?
  public var stages: [Stage]
  /// The `global` block as written, for reference (its defaults are already applied).
  public var global: JSONValue?
  public var metadata: JSONValue?
  public var plugins: JSONValue?
  /// Top-level fields other tools added and `x-` keys, kept in order.
  public var annotations: JSONObject
  /// flow-sched's summary of the plan (method, makespan, bounds, capacity), as
  /// flow-json(5) describes it; nil until then.
  public var schedule: JSONObject?

  public init(
    source: String, version: JSONValue? = nil, stages: [Stage] = [], global: JSONValue? = nil,
    metadata: JSONValue? = nil, plugins: JSONValue? = nil, annotations: JSONObject = JSONObject()
  ) {
    self.source = source
    self.version = version
    self.stages = stages
    self.global = global
    self.metadata = metadata
    self.plugins = plugins
    self.annotations = annotations
  }

  /// The stage with this name, if any.
  public func stage(named name: String) -> Stage? {
    stages.first { $0.name == name }
  }
}
