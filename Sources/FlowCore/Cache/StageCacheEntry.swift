/// The parts of a stage's cache key known before anything runs (`StageCacheKey`), and
/// what the rest is taken from when the stage is ready: its declared inputs and outputs
/// and the names of the stages it needs.
public struct StageCacheEntry: Sendable {
  /// The key's parts other than `inputs` and `needs`, as `StageCacheKey.text(of:)` writes
  /// them but for the closing brace, which `StageCacheKey.text(fixed:inputs:needs:)`
  /// writes after the rest: written once here, as every stage's key text starts with it.
  public var fixedText: [UInt8]
  public var inputs: [String]
  public var outputs: [String]
  /// Every stage it needs, by name, also those not run now (`--stage`).
  public var needs: [String]
  /// Whether an action's test reads files (`EnvironmentTest.readsFiles`): what the key
  /// holds of it may change with no file the run reads (`QuickRerun`).
  public var testsFiles = false

  /// The key's parts other than `inputs` and `needs`.
  public var fixedParts: JSONObject {
    (try? JSONCodec.decode(fixedText + [UInt8(ascii: "}")]).objectValue) ?? JSONObject()
  }

  /// The digest of no actions, the software part of most stages.
  private static let noSoftware = SHA256.hex("")

  /// The entry of `stage` run by `executor` on `device` (`cpu` or `gpu`); `tested` is the
  /// environment its actions' tests (`EnvironmentActions.Action.when`) read, where they
  /// are decided here (nil: where the stage runs, a Slurm node or a Dask worker). What a
  /// test decides here is in the key: a variable set, or a folder made, that changes the
  /// stage's environment reruns it.
  public init(stage: Stage, executor: Executor, device: String, tested: EnvironmentMap? = nil) {
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
    let actions = stage.resolution?.actions ?? []
    var software = SHA256()
    for action in actions {
      for text in [action.kind.rawValue, action.variable, action.value, action.package] {
        software.add(text)
        software.add([0])
      }
      // Actions without a test digest as before tests existed.
      if let test = action.when {
        software.add("when " + test.text)
        software.add([0])
        if let tested { software.add(test.holds(in: tested) ? "holds" : "fails") }
        if test.readsFiles { testsFiles = true }
      }
    }
    var variables = JSONObject()
    for variable in stage.environment.mergedVariables ?? [] {
      variables[variable.name] = variable.value.map(JSONValue.string) ?? .null
    }
    // flow gives each stage its name (FLOW_STAGE): two stages alike but for it differ.
    var text: [UInt8] = []
    text.reserveCapacity(400)
    func member(_ name: String, _ value: JSONValue) {
      text.append(UInt8(ascii: text.isEmpty ? "{" : ","))
      JSONWriter.appendString(name, to: &text)
      text.append(UInt8(ascii: ":"))
      switch value {
      case .string(let string): JSONWriter.appendString(string, to: &text)
      case .null: text += Array("null".utf8)
      case .object(let object) where object.isEmpty: text += [UInt8(ascii: "{"), UInt8(ascii: "}")]
      default: text += StageCacheKey.text(of: value)
      }
    }
    member("name", .string(stage.name))
    member("command", .string(command.finish()))
    member("packages", .object(packages))
    member("software", .string(actions.isEmpty ? Self.noSoftware : software.finish()))
    member("variables", .object(variables))
    member("image", stage.environment.image.map(JSONValue.string) ?? .null)
    member("executor", .string(executor.rawValue))
    member("device", .string(device))
    member("outputs", .string(stage.outputs.joined(separator: "\n")))
    fixedText = text
    inputs = stage.inputs
    outputs = stage.outputs
    needs = stage.needs
  }
}
