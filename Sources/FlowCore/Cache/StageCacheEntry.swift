/// The parts of a stage's cache key known before anything runs (`StageCacheKey`), and
/// what the rest is taken from when the stage is ready: its declared inputs and outputs
/// and the names of the stages it needs.
public struct StageCacheEntry: Sendable {
  /// The key's parts other than `inputs` and `needs`.
  public var fixedParts: JSONObject
  public var inputs: [String]
  public var outputs: [String]
  /// Every stage it needs, by name, also those not run now (`--stage`).
  public var needs: [String]

  /// The entry of `stage` run by `executor` on `device` (`cpu` or `gpu`).
  public init(stage: Stage, executor: Executor, device: String) {
    var command = SHA256()
    command.add(stage.type ?? "")
    command.add([0])
    command.add(JSONCodec.encode(.array(stage.args)))
    command.add([0])
    command.add(JSONCodec.encode(.object(stage.kwargs)))
    var packages = JSONObject()
    for package in stage.resolution?.packages ?? [] {
      // The entry's digest, as flow.lock holds it: an entry edited under the same version
      // reruns the stage, an entry only moved in its file does not.
      packages[package.name] = .string(
        package.version + " " + (package.entry ?? PackageLock.machineEntry))
    }
    var software = SHA256()
    for action in stage.resolution?.actions ?? [] {
      for text in [action.kind.rawValue, action.variable, action.value, action.package] {
        software.add(text)
        software.add([0])
      }
    }
    var variables = JSONObject()
    for variable in stage.environment.mergedVariables ?? [] {
      variables[variable.name] = variable.value.map(JSONValue.string) ?? .null
    }
    fixedParts = JSONObject([
      // flow gives each stage its name (FLOW_STAGE): two stages alike but for it differ.
      ("name", .string(stage.name)), ("command", .string(command.finish())),
      ("packages", .object(packages)),
      ("software", .string(software.finish())), ("variables", .object(variables)),
      ("image", stage.environment.image.map(JSONValue.string) ?? .null),
      ("executor", .string(executor.rawValue)), ("device", .string(device)),
      ("outputs", .string(stage.outputs.joined(separator: "\n"))),
    ])
    inputs = stage.inputs
    outputs = stage.outputs
    needs = stage.needs
  }
}
