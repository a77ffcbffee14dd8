/// The plan as a Gantt chart in SVG: time runs left to right, one row per stage (or,
/// past `rowLimit` stages, stages packed into lanes), CPU stages blue, GPU stages green,
/// with a time axis, the summary as a title, and layer boundaries for waves.
public enum PlanSVGRenderer {
  public static func render(_ plan: Plan, rowLimit: Int = 200) -> String {
    let chartWidth = 960.0
    let rowHeight = 20.0
    let top = 56.0
    let ordered = plan.stages.indices.sorted { plan.stages[$0].order < plan.stages[$1].order }
    let (rowOf, rowLabels) = rows(plan, ordered: ordered, rowLimit: rowLimit)
    let labelWidth = min(260, 16 + 7 * Double(rowLabels.map(\.count).max() ?? 4))
    let width = labelWidth + chartWidth + 24
    let height = top + rowHeight * Double(max(rowLabels.count, 1)) + 40
    let span = plan.makespan > 0 ? plan.makespan : 1
    let scale = chartWidth / span
    func x(_ time: Double) -> Double { labelWidth + time * scale }

    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" "
    svg += "height=\"\(number(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    var title = "makespan \(Seconds.describe(plan.makespan)) s · lower bound "
    title += "\(Seconds.describe(plan.lowerBound.value)) s (\(plan.lowerBound.binding)) · gap "
    title += "\(Seconds.percent(plan.gap)) · \(plan.method)"
    svg += "<text x=\"8\" y=\"20\" font-size=\"14\" font-weight=\"bold\">\(escaped(title))</text>\n"

    for (offset, (name, fill)) in [("cpu", "#6fa8dc"), ("gpu", "#93c47d")].enumerated() {
      let left = width - 130 + Double(offset) * 60
      svg += "<rect x=\"\(number(left))\" y=\"30\" width=\"14\" height=\"12\" rx=\"2\" "
      svg += "fill=\"\(fill)\" stroke=\"#333\" stroke-width=\"0.5\"/>\n"
      svg += "<text x=\"\(number(left + 18))\" y=\"40\">\(name)</text>\n"
    }
    let axisY = height - 28
    svg += timeAxis(span: span, left: labelWidth, width: chartWidth, top: top - 6, axis: axisY)
    for (row, label) in rowLabels.enumerated() {
      let y = top + Double(row) * rowHeight
      svg += "<text x=\"\(number(labelWidth - 6))\" y=\"\(number(y + 14))\" text-anchor=\"end\">"
      svg += "\(escaped(label))</text>\n"
    }
    if let waves = plan.waves {
      for layer in waves.layers.dropFirst() {
        guard let first = layer.first else { continue }
        let boundary = x(plan.stages[first].start)
        svg +=
          "<line x1=\"\(number(boundary))\" y1=\"\(number(top - 6))\" x2=\"\(number(boundary))\" "
        svg += "y2=\"\(number(axisY))\" stroke=\"#cc0000\" stroke-dasharray=\"4 3\"/>\n"
      }
    }
    for index in ordered {
      let stage = plan.stages[index]
      let y = top + Double(rowOf[index]) * rowHeight + 2
      let barWidth = max(1, stage.duration * scale)
      let fill = stage.device == "gpu" ? "#93c47d" : "#6fa8dc"
      var tip =
        "\(stage.name): \(Seconds.describe(stage.start))–\(Seconds.describe(stage.finish)) s, "
      tip += stage.device + (stage.gpuIDs.isEmpty ? "" : " " + stage.gpuIDs.joined(separator: ","))
      svg +=
        "<rect x=\"\(number(x(stage.start)))\" y=\"\(number(y))\" width=\"\(number(barWidth))\" "
      svg += "height=\"\(number(rowHeight - 4))\" rx=\"3\" fill=\"\(fill)\" stroke=\"#333\" "
      svg += "stroke-width=\"0.5\"><title>\(escaped(tip))</title></rect>\n"
      let inside =
        stage.gpuIDs.isEmpty ? stage.name : "\(stage.name) [\(stage.gpuIDs.joined(separator: ","))]"
      if barWidth > 7 * Double(inside.count) + 8 {
        svg += "<text x=\"\(number(x(stage.start) + 4))\" y=\"\(number(y + 12))\" fill=\"#111\">"
        svg += "\(escaped(inside))</text>\n"
      }
    }
    return svg + "</svg>\n"
  }

  /// A row per stage, or lanes: each stage in the first lane free at its start.
  private static func rows(
    _ plan: Plan, ordered: [Int], rowLimit: Int
  ) -> (rowOf: [Int], labels: [String]) {
    var rowOf = [Int](repeating: 0, count: plan.stages.count)
    guard plan.stages.count > rowLimit else {
      for (row, index) in ordered.enumerated() { rowOf[index] = row }
      return (rowOf, ordered.map { plan.stages[$0].name })
    }
    var laneFree: [Double] = []
    for index in ordered {
      let stage = plan.stages[index]
      if let lane = laneFree.firstIndex(where: { $0 <= stage.start }) {
        laneFree[lane] = stage.finish
        rowOf[index] = lane
      } else {
        rowOf[index] = laneFree.count
        laneFree.append(stage.finish)
      }
    }
    return (rowOf, laneFree.indices.map { "lane \($0 + 1)" })
  }

  /// The time axis at `axis` from `left`, `width` wide for `span` seconds, with a grid
  /// line from `top` at each round tick, labelled in seconds.
  static func timeAxis(span: Double, left: Double, width: Double, top: Double, axis: Double)
    -> String
  {
    var svg = ""
    for tick in ticks(upTo: span) {
      let x = number(left + tick * (width / span))
      svg += "<line x1=\"\(x)\" y1=\"\(number(top))\" x2=\"\(x)\" "
      svg += "y2=\"\(number(axis))\" stroke=\"#e0e0e0\"/>\n"
      svg += "<text x=\"\(x)\" y=\"\(number(axis + 16))\" text-anchor=\"middle\" "
      svg += "fill=\"#444\">\(Seconds.describe(tick)) s</text>\n"
    }
    svg += "<line x1=\"\(number(left))\" y1=\"\(number(axis))\" "
    svg += "x2=\"\(number(left + width))\" y2=\"\(number(axis))\" stroke=\"#444\"/>\n"
    return svg
  }

  /// About ten round tick marks: steps of 1, 2 or 5 times a power of ten.
  static func ticks(upTo span: Double) -> [Double] {
    var step = 1.0
    while span / step > 10 { step *= 10 }
    while span / step < 4 && step > 1e-3 { step /= 10 }
    for factor in [1.0, 2.0, 5.0] where span / (step * factor) <= 10 {
      step *= factor
      break
    }
    return stride(from: 0, through: span + step * 1e-9, by: step).map { $0 }
  }

  private static func number(_ value: Double) -> String {
    Seconds.describe((value * 10).rounded() / 10)
  }

  static func escaped(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      default: result.append(character)
      }
    }
    return result
  }
}
