/// The plan as a table for a terminal, then its summary. Porcelain: never parsed.
public enum PlanTextRenderer {
  public static func render(_ plan: Plan) -> String {
    let header = ["order", "stage", "start", "finish", "device", "gpus", "duration from"]
    let rows = plan.stages.sorted { $0.order < $1.order }.map { stage in
      [
        String(stage.order), stage.name, Seconds.describe(stage.start),
        Seconds.describe(stage.finish), stage.device,
        stage.gpuIDs.isEmpty ? "-" : stage.gpuIDs.joined(separator: ","),
        stage.durationSource.rawValue,
      ]
    }
    var widths = header.map(\.count)
    for row in rows {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    let numeric: Set<Int> = [0, 2, 3]
    func line(_ cells: [String]) -> String {
      let padded = cells.enumerated().map { column, cell in
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        return numeric.contains(column) ? padding + cell : cell + padding
      }
      var text = padded.joined(separator: "  ")
      while text.hasSuffix(" ") { text.removeLast() }
      return text + "\n"
    }
    var output = line(header)
    for row in rows { output += line(row) }
    output += "\n" + summary(plan)
    return output
  }

  /// Makespan, bound, gap, method, then notes and the cost of waves.
  public static func summary(_ plan: Plan) -> String {
    var output = "makespan: \(Seconds.describe(plan.makespan)) s (\(plan.method))\n"
    output +=
      "lower bound: \(Seconds.describe(plan.lowerBound.value)) s (\(plan.lowerBound.binding))\n"
    output += "gap: \(Seconds.percent(plan.gap))\n"
    if let waves = plan.waves {
      output += "layers: \(waves.layers.count); list scheduling would take "
      output += "\(Seconds.describe(waves.listMakespan)) s\n"
      for (resource, name) in plan.resourceNames.enumerated() where plan.capacity[resource] > 0 {
        output += "idle \(name): \(Seconds.percent(waves.idleFraction[resource]))\n"
      }
    }
    for note in plan.notes { output += "note: \(note)\n" }
    return output
  }
}
