/// The pipe document written straight to text, byte for byte what `JSONCodec.encode(document)`
/// writes: each stage is written as soon as it is built rather than after the whole tree,
/// and each distinct resolution (most stages share a few) is written once and copied.
extension Workflow {
  /// The document's text, compact or indented by two, ending with a newline.
  public func documentText(pretty: Bool = false) -> [UInt8] {
    var writer = JSONWriter(pretty: pretty)
    var resolutions: [StageResolution: [UInt8]] = [:]
    writer.write(members(stages: .null), depth: 0) { key, writer, depth in
      guard key == "stages" else { return false }
      writer.writeArray(count: stages.count, depth: depth) { index, writer, depth in
        let stage = stages[index]
        writer.write(stage.members { _ in .null }, depth: depth) { key, writer, depth in
          guard key == "resolution", let resolution = stage.resolution else { return false }
          if resolutions[resolution] == nil {
            // Every resolution sits at the same depth, so its text is the same everywhere.
            var text = JSONWriter(pretty: pretty)
            text.write(resolution.document, depth: depth)
            resolutions[resolution] = text.output
          }
          writer.append(written: resolutions[resolution]!)
          return true
        }
      }
      return true
    }
    return writer.finish()
  }
}
