/// The pipe document written straight to text, byte for byte what `JSONCodec.encode(document)`
/// writes: each stage is written as soon as it is built rather than after the whole tree,
/// and each distinct resolution (most stages share a few) is written once and copied.
extension Workflow {
  /// The document's text, compact or indented by two, ending with a newline. With
  /// `expectedSize`, room for that many bytes is made at once: a large document grown by
  /// doubling first touches about twice its size in memory, copying as it goes.
  public func documentText(pretty: Bool = false, expectedSize: Int = 0) -> [UInt8] {
    var writer = JSONWriter(pretty: pretty, capacity: expectedSize)
    let stages = self.stages
    writer.write(members(stages: .null), depth: 0) { key, writer, depth in
      guard key == "stages" else { return false }
      let split = stages.count >= Self.stagesWrittenInTwoParts ? stages.count / 2 : nil
      writer.writeArray(count: stages.count, depth: depth, secondPartFrom: split) {
        // Each part keeps its own texts of the resolutions it met.
        var resolutions: [StageResolution: [UInt8]] = [:]
        return { index, writer, depth in
          let writeResolution = { (resolution: StageResolution, writer: inout JSONWriter) in
            if resolutions[resolution] == nil {
              // Every resolution sits at the same depth, so its text is the same everywhere.
              var text = JSONWriter(pretty: pretty)
              resolution.write(into: &text, depth: depth + 1)
              resolutions[resolution] = text.output
            }
            writer.append(written: resolutions[resolution]!)
          }
          // The stage is read in place: taken from the list whole, it is a copy.
          guard stages[index].annotations.isEmpty else {
            let stage = stages[index]
            // Annotations may stand among the members: the tree places them.
            writer.write(stage.members { _ in .null }, depth: depth) { key, writer, _ in
              guard key == "resolution", let resolution = stage.resolution else { return false }
              writeResolution(resolution, &writer)
              return true
            }
            return
          }
          stages[index].write(into: &writer, depth: depth, resolution: writeResolution)
        }
      }
      return true
    }
    return writer.finish()
  }

  /// A document with this many stages or more has its stages' second half written on a
  /// thread of its own while the first is written (about 2.5 ms of work for a thousand
  /// stages; starting a thread, a twentieth of a millisecond).
  static let stagesWrittenInTwoParts = 1024
}

/// A stage without annotations written member by member, in the order `Stage.members` gives
/// them, without building its tree: on large documents the trees cost more than the text.
extension Stage {
  fileprivate func write(
    into writer: inout JSONWriter, depth: Int,
    resolution writeResolution: (StageResolution, inout JSONWriter) -> Void
  ) {
    let inner = depth + 1
    writer.openObject()
    writer.member("name", first: true, depth: inner)
    writer.write(.string(name), depth: inner)
    writer.member("type", depth: inner)
    writer.write(type.map(JSONValue.string) ?? .null, depth: inner)
    writer.member("args", depth: inner)
    writer.write(.array(args), depth: inner)
    writer.member("kwargs", depth: inner)
    writer.write(.object(kwargs), depth: inner)
    writer.member("needs", depth: inner)
    writer.writeArray(count: needs.count, depth: inner) { index, writer, _ in
      writer.write(.string(needs[index]), depth: 0)
    }
    writer.member("environment", depth: inner)
    environment.write(into: &writer, depth: inner)
    writer.member("duration", depth: inner)
    writer.write(duration.map(JSONValue.init(seconds:)) ?? .null, depth: inner)
    writer.member("timeout", depth: inner)
    writer.write(timeout.map(JSONValue.init(seconds:)) ?? .null, depth: inner)
    writer.member("at", depth: inner)
    writePosition(position, into: &writer, depth: inner)
    if !inputs.isEmpty {
      writer.member("inputs", depth: inner)
      writer.write(.array(inputs.map(JSONValue.string)), depth: inner)
    }
    if !outputs.isEmpty {
      writer.member("outputs", depth: inner)
      writer.write(.array(outputs.map(JSONValue.string)), depth: inner)
    }
    if let retry {
      writer.member("retry", depth: inner)
      writer.write(retry.document, depth: inner)
    }
    if let resolution {
      writer.member("resolution", depth: inner)
      writeResolution(resolution, &writer)
    }
    if let plan {
      writer.member("plan", depth: inner)
      writer.write(plan.document, depth: inner)
    }
    writer.closeObject(depth: depth)
  }
}

extension Environment {
  /// Writes `document`'s text; member by member when no annotations stand among them.
  fileprivate func write(into writer: inout JSONWriter, depth: Int) {
    guard annotations.isEmpty, variableAnnotations.isEmpty, mergedVariables == nil else {
      writer.write(document, depth: depth)
      return
    }
    let inner = depth + 1
    writer.openObject()
    writer.member("image", first: true, depth: inner)
    writer.write(image.map(JSONValue.string) ?? .null, depth: inner)
    writer.member("variables", depth: inner)
    writer.openObject()
    writer.member("sources", first: true, depth: inner + 1)
    writer.writeArray(count: variables.count, depth: inner + 1) { index, writer, depth in
      variables[index].write(into: &writer, depth: depth)
    }
    writer.closeObject(depth: inner)
    writer.member("executor", depth: inner)
    writer.write(.string((executor ?? .local).rawValue), depth: inner)
    writer.member("resources", depth: inner)
    resources.completed.write(into: &writer, depth: inner)
    writer.member("requirements", depth: inner)
    writer.writeArray(count: requirements.count, depth: inner) { index, writer, depth in
      let requirement = requirements[index]
      writer.openObject()
      writer.member("package", first: true, depth: depth + 1)
      writer.write(.string(requirement.package), depth: depth + 1)
      writer.member("spec", depth: depth + 1)
      writer.write(.string(requirement.spec), depth: depth + 1)
      writer.member("at", depth: depth + 1)
      writePosition(requirement.position, into: &writer, depth: depth + 1)
      writer.closeObject(depth: depth)
    }
    writer.member("extra_data", depth: inner)
    writer.write(extraData ?? .null, depth: inner)
    writer.closeObject(depth: depth)
  }
}

extension Resources {
  /// Writes the members `Environment.document` gives completed resources.
  fileprivate func write(into writer: inout JSONWriter, depth: Int) {
    let inner = depth + 1
    writer.openObject()
    writer.member("memory", first: true, depth: inner)
    writer.write(.integer(memory ?? 0), depth: inner)
    writer.member("cpu", depth: inner)
    writer.write(JSONValue(seconds: cpu ?? 1), depth: inner)
    writer.member("gpu", depth: inner)
    writer.write(gpuDocument, depth: inner)
    writer.member("process_on", depth: inner)
    writer.write(.string((processOn ?? .cpu).rawValue), depth: inner)
    writer.member("counters", depth: inner)
    if counters.isEmpty {
      writer.write(.object(JSONObject()), depth: inner)
    } else {
      var counters = JSONObject()
      for counter in self.counters { counters[counter.name] = .integer(counter.amount) }
      writer.write(.object(counters), depth: inner)
    }
    for (key, value) in gpuMemoryDocument {
      writer.member(text: key, depth: inner)
      writer.write(value, depth: inner)
    }
    writer.closeObject(depth: depth)
  }
}

extension VariableSource {
  /// Writes `document`'s text.
  fileprivate func write(into writer: inout JSONWriter, depth: Int) {
    let inner = depth + 1
    writer.openObject()
    switch content {
    case .file(let path):
      writer.member("file", first: true, depth: inner)
      writer.write(.string(path), depth: inner)
      if isOptional {
        writer.member("optional", depth: inner)
        writer.write(.bool(true), depth: inner)
      }
    case .values(let values):
      writer.member("values", first: true, depth: inner)
      if Self.namesDiffer(values) {
        writer.writeObject(count: values.count, depth: inner) { index, writer, depth in
          writer.member(name: values[index].name, first: index == 0, depth: depth)
          writer.write(.string(values[index].value), depth: depth)
        }
      } else {
        // Built as an object, so that a name given twice is written once, as the tree has it.
        var map = JSONObject()
        for value in values { map[value.name] = .string(value.value) }
        writer.write(.object(map), depth: inner)
      }
    }
    writer.member("origin", depth: inner)
    writer.write(.string(origin.rawValue), depth: inner)
    writer.member("at", depth: inner)
    writePosition(position, into: &writer, depth: inner)
    writer.closeObject(depth: depth)
  }
}

extension VariableSource {
  /// Whether no two of `values` share a name (by their bytes, as `JSONObject` tells keys
  /// apart); a stage's few variables are compared pairwise.
  fileprivate static func namesDiffer(_ values: [NameValue]) -> Bool {
    guard values.count > 1 else { return true }
    guard values.count <= 16 else { return false }
    for second in 1..<values.count {
      for first in 0..<second where ExactString.sameBytes(values[first].name, values[second].name) {
        return false
      }
    }
    return true
  }
}

/// Writes `SourcePosition.document`'s text, or null.
private func writePosition(_ position: SourcePosition?, into writer: inout JSONWriter, depth: Int) {
  guard let position else {
    writer.write(.null, depth: depth)
    return
  }
  writer.openObject()
  writer.member("line", first: true, depth: depth + 1)
  writer.write(.integer(Int64(position.line)), depth: depth + 1)
  writer.member("column", depth: depth + 1)
  writer.write(.integer(Int64(position.column)), depth: depth + 1)
  writer.closeObject(depth: depth)
}

/// A resolution written member by member, byte for byte what its `document` writes: its
/// actions (six per package on a rez repository, and the packages' own) are most of a
/// resolve's output, and their trees cost more than their text.
extension StageResolution {
  /// The resolution's text alone, as `JSONCodec.encode(document, pretty:)` writes it.
  public func text(pretty: Bool = false) -> [UInt8] {
    var writer = JSONWriter(pretty: pretty, capacity: 256 * (packages.count + actions.count))
    write(into: &writer, depth: 0)
    return writer.finish()
  }

  func write(into writer: inout JSONWriter, depth: Int) {
    let inner = depth + 1
    writer.openObject()
    writer.member("requirements", first: true, depth: inner)
    writer.writeArray(count: requirements.count, depth: inner) { index, writer, _ in
      writer.write(.string(requirements[index]), depth: 0)
    }
    writer.member("packages", depth: inner)
    writer.writeArray(count: packages.count, depth: inner) { index, writer, depth in
      writer.write(packages[index].document, depth: depth)
    }
    if !ephemerals.isEmpty {
      writer.member("ephemerals", depth: inner)
      writer.writeArray(count: ephemerals.count, depth: inner) { index, writer, _ in
        writer.write(.string(ephemerals[index]), depth: 0)
      }
    }
    writer.member("actions", depth: inner)
    writer.writeArray(count: actions.count, depth: inner) { index, writer, depth in
      let action = actions[index]
      let member = depth + 1
      writer.openObject()
      writer.member("action", first: true, depth: member)
      writer.write(.string(action.kind.rawValue), depth: member)
      writer.member("variable", depth: member)
      writer.write(.string(action.variable), depth: member)
      writer.member("value", depth: member)
      writer.write(.string(action.value), depth: member)
      writer.member("package", depth: member)
      writer.write(.string(action.package), depth: member)
      if let test = action.when {
        writer.member("when", depth: member)
        writer.write(.string(test.text), depth: member)
      }
      writer.closeObject(depth: depth)
    }
    writer.closeObject(depth: depth)
  }
}
