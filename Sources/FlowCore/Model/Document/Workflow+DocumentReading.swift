extension Workflow {
  /// Reads a pipe document from its JSON text. The version field is checked before
  /// anything else; fields this library does not know are kept as annotations.
  public init(documentBytes bytes: [UInt8], file: String) throws(DocumentError) {
    let json: JSONValue
    do throws(JSONSyntaxError) {
      json = try JSONCodec.decode(bytes)
    } catch {
      throw DocumentError(file: file, path: "", message: error.message, position: error.position)
    }
    let locator = DocumentLocator(bytes: bytes)
    var reader = DocumentReader(file: file, locator: locator)
    do throws(DocumentError) {
      self = try reader.workflow(json)
    } catch {
      // A problem in a stage is told where the stage starts in the text too.
      var located = error
      located.position = reader.stageIndex(in: error.path).flatMap(locator.stage)
      throw located
    }
  }

  public init(document: JSONValue, file: String) throws(DocumentError) {
    var reader = DocumentReader(file: file)
    self = try reader.workflow(document)
  }
}

/// Reads the document's fields, naming the path of the first bad one. Paths are built only
/// when a field is bad: building them for every field cost more than reading the document.
struct DocumentReader {
  let file: String
  /// Finds stages in the text, when the document was read from text.
  var locator: DocumentLocator? = nil

  /// Where a stage is written, for messages: its path, and its line and column when the
  /// document was read from text.
  func place(ofStage index: Int) -> String {
    let position = locator?.stage(index).map { "\($0), " } ?? ""
    return "\(position)stages[\(index)]"
  }

  /// N of a path that starts `stages[N]`.
  func stageIndex(in path: String) -> Int? {
    guard path.hasPrefix("stages["), let close = path.firstIndex(of: "]") else { return nil }
    return Int(path[path.index(path.startIndex, offsetBy: 7)..<close])
  }

  func fail(_ path: String, _ message: String) -> DocumentError {
    DocumentError(file: file, path: path, message: message)
  }

  func fail(_ path: () -> String, _ message: String) -> DocumentError {
    fail(path(), message)
  }

  func object(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(DocumentError)
    -> JSONObject
  {
    guard let object = value?.objectValue else { throw fail(path, "expected an object") }
    return object
  }

  func string(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(DocumentError)
    -> String
  {
    guard let text = value?.stringValue else { throw fail(path, "expected a string") }
    return text
  }

  func optionalString(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(DocumentError)
    -> String?
  {
    if value == nil || value == .null { return nil }
    return try string(value, path())
  }

  func optionalNumber(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(DocumentError)
    -> Double?
  {
    if value == nil || value == .null { return nil }
    guard let number = value?.doubleValue else { throw fail(path, "expected a number") }
    return number
  }

  func array(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(DocumentError)
    -> [JSONValue]
  {
    if value == nil { return [] }
    guard let items = value?.arrayValue else { throw fail(path, "expected an array") }
    return items
  }

  func position(_ value: JSONValue?) -> SourcePosition? { SourcePosition(document: value) }

  /// The fields this library reads; others are kept as annotations.
  static let workflowFields: Set = [
    "flow", "source", "version", "global", "metadata", "plugins", "stages", "schedule",
  ]
  static let stageFields: Set = [
    "name", "type", "args", "kwargs", "needs", "environment", "duration", "timeout", "at",
    "resolution", "plan", "inputs", "outputs", "retry",
  ]
  static let environmentFields: Set = [
    "image", "variables", "executor", "resources", "requirements", "extra_data",
  ]

  mutating func workflow(_ document: JSONValue) throws(DocumentError) -> Workflow {
    guard let root = document.objectValue else {
      throw fail("", "not a flow document: expected a JSON object")
    }
    guard let version = root["flow"] else {
      throw fail("", "not a flow document: it has no 'flow' version field")
    }
    guard let number = version.integerValue, number >= 1 else {
      throw fail("flow", "the document version must be a positive integer")
    }
    if number > Workflow.documentVersion {
      throw fail(
        "flow",
        "document version \(number) is newer than this tool reads (\(Workflow.documentVersion)): update flow"
      )
    }
    var workflow = Workflow(source: try string(root["source"], "source"))
    workflow.version = root["version"]
    workflow.global = root["global"]
    workflow.metadata = root["metadata"]
    workflow.plugins = root["plugins"]
    if let schedule = root["schedule"] { workflow.schedule = try object(schedule, "schedule") }
    for (key, value) in root where !Self.workflowFields.contains(key) {
      workflow.annotations[key] = value
    }
    workflow.stages = try stages(try array(root["stages"], "stages"))
    // The same checks across stages as flow-parse's, so that a hand-edited document
    // cannot carry a duplicate name, an unknown need or a cycle past this point.
    if let problem = workflow.stageProblems(limit: 1, place: place(ofStage:)).first {
      throw fail("stages[\(problem.stage)].\(problem.field)", problem.message)
    }
    return workflow
  }

  /// A document with this many stages or more has its second half read on a thread of its
  /// own while this one reads the first.
  static let stagesReadInTwoParts = 1024

  /// The stages of `items`, in two halves at once where there are many; the problem
  /// named is the first in the list's order, as when they are read one by one.
  func stages(_ items: [JSONValue]) throws(DocumentError) -> [Stage] {
    guard items.count >= Self.stagesReadInTwoParts, ProcessMemory.allowsAllocatingOnTwoThreads
    else {
      var stages: [Stage] = []
      stages.reserveCapacity(items.count)
      for (index, item) in items.enumerated() {
        stages.append(try stage(item, "stages[\(index)]"))
      }
      return stages
    }
    return try makeInTwoHalves(count: items.count) { (index) throws(DocumentError) in
      try stage(items[index], "stages[\(index)]")
    }
  }

  /// Throws the problem the rule found, if any.
  func check(_ problem: String?, _ path: @autoclosure () -> String) throws(DocumentError) {
    if let problem { throw fail(path, problem) }
  }

  /// Seconds within `QuantityLimit.seconds`, or nil when absent.
  func seconds(_ value: JSONValue?, _ path: @autoclosure () -> String, field: String)
    throws(DocumentError) -> Double?
  {
    guard let seconds = try optionalNumber(value, path()) else { return nil }
    try check(QuantityLimit.seconds.problem(with: seconds, field: field), path())
    return seconds
  }

  func stage(_ value: JSONValue, _ path: String) throws(DocumentError) -> Stage {
    let object = try object(value, path)
    var stage = Stage(name: try string(object["name"], path + ".name"))
    try check(WorkflowRules.problemWithStageName(stage.name), path + ".name")
    stage.type = try optionalString(object["type"], path + ".type")
    stage.args = try array(object["args"], path + ".args")
    if let kwargs = object["kwargs"], kwargs != .null {
      stage.kwargs = try self.object(kwargs, path + ".kwargs")
    }
    stage.needs = try array(object["needs"], path + ".needs").enumerated().map {
      (index, item) throws(DocumentError) in try string(item, path + ".needs[\(index)]")
    }
    if let environment = object["environment"] {
      stage.environment = try self.environment(environment, path + ".environment")
    }
    stage.duration = try seconds(object["duration"], path + ".duration", field: "duration")
    stage.timeout = try seconds(object["timeout"], path + ".timeout", field: "timeout")
    stage.position = position(object["at"])
    stage.inputs = try stagePaths(object["inputs"], path + ".inputs", key: "inputs")
    stage.outputs = try stagePaths(object["outputs"], path + ".outputs", key: "outputs")
    if let retry = object["retry"], retry != .null {
      stage.retry = try self.retry(retry, path + ".retry")
    }
    if let resolution = object["resolution"] {
      stage.resolution = try self.resolution(resolution, path + ".resolution")
    }
    if let plan = object["plan"] { stage.plan = try self.plan(plan, path + ".plan") }
    for (key, value) in object where !Self.stageFields.contains(key) {
      stage.annotations[key] = value
    }
    return stage
  }

  /// A stage's `inputs` or `outputs`: absent, or a list of paths flow-parse would accept.
  func stagePaths(_ value: JSONValue?, _ path: String, key: String) throws(DocumentError)
    -> [String]
  {
    guard let value, value != .null else { return [] }
    return try array(value, path).enumerated().map { (index, item) throws(DocumentError) in
      let text = try string(item, path + "[\(index)]")
      try check(WorkflowRules.problemWithStagePath(text, key: key), path + "[\(index)]")
      return text
    }
  }

  func environment(_ value: JSONValue, _ path: String) throws(DocumentError) -> Environment {
    let object = try object(value, path)
    var environment = Environment()
    environment.image = try optionalString(object["image"], path + ".image")
    if let image = environment.image {
      try check(WorkflowRules.problemWithImage(image), path + ".image")
    }
    if let executor = try optionalString(object["executor"], path + ".executor") {
      guard let known = Executor(name: executor) else {
        throw fail(path + ".executor", "unknown executor '\(executor)'")
      }
      environment.executor = known
    }
    if let resources = object["resources"] {
      environment.resources = try self.resources(resources, path + ".resources")
    }
    if let variables = object["variables"], variables != .null {
      let variablesObject = try self.object(variables, path + ".variables")
      let sources = variablesObject["sources"]
      if let merged = variablesObject["merged"] {
        environment.mergedVariables = try mergedVariables(merged, path + ".variables.merged")
      }
      for (key, value) in variablesObject where key != "sources" && key != "merged" {
        environment.variableAnnotations[key] = value
      }
      for (index, item) in try array(sources, path + ".variables.sources").enumerated() {
        environment.variables.append(
          try variableSource(item, path + ".variables.sources[\(index)]"))
      }
    }
    for (index, item) in try array(object["requirements"], path + ".requirements").enumerated() {
      let itemPath = path + ".requirements[\(index)]"
      let requirement = try self.object(item, itemPath)
      let package = try string(requirement["package"], itemPath + ".package")
      try check(WorkflowRules.problemWithPackageName(package), itemPath + ".package")
      if let first = environment.requirements.firstIndex(where: { $0.package == package }) {
        throw fail(
          itemPath + ".package",
          "package '\(package)' is required twice (first at \(path).requirements[\(first)])")
      }
      environment.requirements.append(
        Requirement(
          package: package,
          spec: try optionalString(requirement["spec"], itemPath + ".spec") ?? "",
          position: position(requirement["at"])))
    }
    if let extra = object["extra_data"], extra != .null { environment.extraData = extra }
    for (key, value) in object where !Self.environmentFields.contains(key) {
      environment.annotations[key] = value
    }
    return environment
  }

  func resources(_ value: JSONValue, _ path: String) throws(DocumentError) -> Resources {
    let object = try object(value, path)
    var resources = Resources()
    if let memory = object["memory"], memory != .null {
      guard let bytes = memory.integerValue, bytes >= 0 else {
        throw fail(path + ".memory", "expected a whole number of bytes")
      }
      try check(QuantityLimit.memory.problem(with: bytes, field: "memory"), path + ".memory")
      resources.memory = bytes
    }
    resources.cpu = try optionalNumber(object["cpu"], path + ".cpu")
    if let cpu = resources.cpu {
      try check(QuantityLimit.cpu.problem(with: cpu, field: "cpu"), path + ".cpu")
    }
    if let gpu = object["gpu"], gpu != .null {
      if let count = gpu.integerValue, count >= 0 {
        try check(QuantityLimit.gpu.problem(with: count, field: "gpu"), path + ".gpu")
        resources.gpu = Int(count)
      } else if let share = gpu.doubleValue, share > 0, share < 1 {
        resources.gpuFraction = share
      } else {
        throw fail(path + ".gpu", "expected a whole number of GPUs or a share of one below 1")
      }
    }
    if let memory = object["gpu_memory"], memory != .null {
      guard let bytes = memory.integerValue, bytes > 0 else {
        throw fail(path + ".gpu_memory", "expected a whole number of bytes above 0")
      }
      try check(
        QuantityLimit.memory.problem(with: bytes, field: "gpu_memory"), path + ".gpu_memory")
      resources.gpuMemory = bytes
    }
    if let placement = try optionalString(object["process_on"], path + ".process_on") {
      guard let known = ProcessOn(rawValue: placement) else {
        throw fail(path + ".process_on", "expected cpu, gpu or gpu_if_available")
      }
      resources.processOn = known
    }
    if let counters = object["counters"], counters != .null {
      for (name, amount) in try self.object(counters, path + ".counters") {
        let counterPath = path + ".counters.\(name)"
        try check(WorkflowRules.problemWithCounterName(name), counterPath)
        guard let whole = amount.integerValue, whole >= 0 else {
          throw fail(counterPath, "expected a whole number")
        }
        try check(
          QuantityLimit.counter.problem(with: whole, field: "counter '\(name)'"), counterPath)
        // Counters are site names people type: two that look the same are one counter.
        if resources.counters.contains(where: { $0.name == name }) {
          throw fail(counterPath, "counter '\(name)' is given twice in another Unicode form")
        }
        resources.counters.append((name, whole))
      }
    }
    return resources
  }

  func variableSource(_ value: JSONValue, _ path: String) throws(DocumentError) -> VariableSource {
    let object = try object(value, path)
    let origin = VariableSource.Origin(rawValue: object["origin"]?.stringValue ?? "") ?? .stage
    let at = position(object["at"])
    if let file = object["file"] {
      var isOptional = false
      if let optional = object["optional"] {
        guard let flag = optional.boolValue else {
          throw fail(path + ".optional", "expected true or false")
        }
        isOptional = flag
      }
      return VariableSource(
        .file(try string(file, path + ".file")), origin: origin, position: at,
        isOptional: isOptional)
    }
    var values: [NameValue] = []
    for (name, text) in try self.object(object["values"], path + ".values") {
      let value = try string(text, path + ".values.\(name)")
      try checkVariable(name, value, path + ".values.\(name)")
      values.append(NameValue(name, value))
    }
    return VariableSource(.values(values), origin: origin, position: at)
  }

  /// A variable's name and value, held to the same rules as the workflow's.
  func checkVariable(_ name: String, _ value: String?, _ path: @autoclosure () -> String)
    throws(DocumentError)
  {
    try check(WorkflowRules.problemWithVariableName(name), path())
    if let value { try check(WorkflowRules.problemWithVariableValue(value, name: name), path()) }
  }
}
