/// The plan as a Graphviz graph: one node per stage with its times and device, one
/// edge per dependency; GPU stages are shaded.
public enum PlanDotRenderer {
  public static func render(_ plan: Plan) -> String {
    var output = "digraph plan {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n"
    output +=
      "  label=\(quoted(PlanTextRenderer.summary(plan).split(separator: "\n").prefix(3).joined(separator: "; ")));\n"
    for (index, stage) in plan.stages.enumerated() {
      var label = "\(stage.name)\n#\(stage.order)  \(Seconds.describe(stage.start))–"
      label += "\(Seconds.describe(stage.finish)) s  \(stage.device)"
      if !stage.gpuIDs.isEmpty { label += " " + stage.gpuIDs.joined(separator: ",") }
      let style = stage.device == "gpu" ? ", style=\"rounded,filled\", fillcolor=\"#d9ead3\"" : ""
      output += "  s\(index) [label=\(quoted(label))\(style)];\n"
    }
    for (index, needs) in plan.needs.enumerated() {
      for need in needs { output += "  s\(need) -> s\(index);\n" }
    }
    return output + "}\n"
  }

  /// A double-quoted dot string; line ends become `\n`.
  static func quoted(_ text: String) -> String {
    var result = "\""
    for character in text {
      switch character {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": break
      default: result.append(character)
      }
    }
    return result + "\""
  }
}
