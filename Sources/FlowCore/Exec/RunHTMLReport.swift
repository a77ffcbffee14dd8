/// A run as one self-contained HTML page (no network, no files beside it): a Gantt chart
/// in SVG with a row per stage (its wait for room shaded, its run coloured by outcome,
/// outlined by executor, the plan's bar beneath), the real makespan beside the plan's,
/// and a table per stage: outcome, status, executor, duration, wait, CPU time, peak
/// memory, GPU ids and a link to its log. Stages the cache skipped are counted, not drawn:
/// a rerun of 10,000 stages that runs one writes a page of one row.
public enum RunHTMLReport {
  public static func render(_ timeline: RunTimeline, status: Int32, title: String) -> String {
    var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    html += "<title>\(escaped(title))</title>\n<style>\n\(style)</style>\n</head>\n<body>\n"
    html += "<h1>\(escaped(title))</h1>\n"
    html +=
      "<p class=\"verdict\">\(escaped(RunSummaryTable.countsLine(timeline, status: status)))</p>\n"
    html += "<p class=\"makespan\">real makespan \(Seconds.describe(rounded(timeline.span))) s"
    if let planned = timeline.plannedMakespan {
      html += " · planned makespan \(Seconds.describe(rounded(planned))) s"
    }
    html += "</p>\n"
    let shown = timeline.stages.indices.filter { timeline.verdict($0) != "cached" }
    html += gantt(timeline, rows: shown)
    html += table(timeline, rows: shown)
    let cached = timeline.stages.count - shown.count
    if cached > 0 {
      html += "<p class=\"cached\">\(cached) stage\(cached == 1 ? "" : "s") cached,"
      html += " not drawn: an earlier run did \(cached == 1 ? "it" : "them")</p>\n"
    }
    // Counts the chart's rows once the page is read, so a browser can be asked what it drew.
    html += "<script>document.body.dataset.rows = "
    html += "document.querySelectorAll('svg g.stage').length;</script>\n"
    return html + "</body>\n</html>\n"
  }

  static let outcomeFills: [(String, String)] = [
    ("succeeded", "#93c47d"), ("cached", "#b4d7f0"), ("failed", "#e06666"),
    ("timed out", "#f6b26b"), ("stopped", "#c27ba0"), ("skipped", "#d9d9d9"),
  ]
  static let executorStrokes: [(String, String)] = [
    ("local", "#333333"), ("slurm", "#1155cc"), ("dask", "#b45f06"),
  ]

  private static let style = """
    body { font-family: sans-serif; margin: 1.5em; color: #111; }
    h1 { font-size: 1.3em; }
    table { border-collapse: collapse; margin-top: 1em; }
    th, td { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: left; }
    td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .bad { color: #b00; font-weight: bold; }

    """

  private static func gantt(_ timeline: RunTimeline, rows shown: [Int]) -> String {
    let stages = shown.map { timeline.stages[$0] }
    let rowHeight = 20.0
    let top = 56.0
    let chartWidth = 900.0
    let labelWidth = min(260, 16 + 7 * Double(stages.map(\.name.count).max() ?? 4))
    let width = labelWidth + chartWidth + 24
    let height = top + rowHeight * Double(max(stages.count, 1)) + 40
    // The chart spans the real run: a plan's bars past its end are cut there (a plan
    // made from assumed durations can be many times longer than the run).
    let span = max(timeline.span, 1e-3)
    func x(_ time: Double) -> String { number(labelWidth + time / span * chartWidth) }
    func length(_ seconds: Double) -> String { number(max(1, seconds / span * chartWidth)) }

    var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" "
    svg += "height=\"\(number(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    var legendX = 8.0
    for (name, fill) in outcomeFills {
      svg += "<rect x=\"\(number(legendX))\" y=\"10\" width=\"14\" height=\"12\" fill=\"\(fill)\"/>"
      svg += "<text x=\"\(number(legendX + 18))\" y=\"20\">\(name)</text>\n"
      legendX += 28 + 7 * Double(name.count)
    }
    for (name, stroke) in executorStrokes {
      svg += "<rect x=\"\(number(legendX))\" y=\"10\" width=\"14\" height=\"12\" fill=\"white\" "
      svg += "stroke=\"\(stroke)\" stroke-width=\"2\"/>"
      svg += "<text x=\"\(number(legendX + 18))\" y=\"20\">\(name)</text>\n"
      legendX += 28 + 7 * Double(name.count)
    }
    svg += "<rect x=\"\(number(legendX))\" y=\"10\" width=\"14\" height=\"12\" fill=\"#eeeeee\" "
    svg += "stroke=\"#999\" stroke-dasharray=\"2 2\"/><text x=\"\(number(legendX + 18))\" y=\"20\">"
    svg += "waiting for room</text>\n"
    legendX += 140
    svg += "<line x1=\"\(number(legendX))\" y1=\"16\" x2=\"\(number(legendX + 14))\" y2=\"16\" "
    svg += "stroke=\"#555\" stroke-width=\"3\"/><text x=\"\(number(legendX + 18))\" y=\"20\">"
    svg += "planned</text>\n"
    svg += PlanSVGRenderer.timeAxis(
      span: span, left: labelWidth, width: chartWidth, top: top - 6, axis: height - 28)
    for (offset, (row, stage)) in zip(shown, stages).enumerated() {
      let entry = timeline.entries[row]
      let y = top + Double(offset) * rowHeight
      let verdict = timeline.verdict(row)
      svg += "<g class=\"stage\" data-stage=\"\(escaped(stage.name))\">"
      svg += "<text x=\"\(number(labelWidth - 6))\" y=\"\(number(y + 14))\" text-anchor=\"end\">"
      svg += "\(escaped(stage.name))</text>"
      if let planned = stage.planned, planned.start < span {
        let shown = min(planned.seconds, span - planned.start)
        svg += "<rect x=\"\(x(planned.start))\" y=\"\(number(y + 16))\" "
        svg += "width=\"\(length(shown))\" height=\"3\" fill=\"#555\">"
        svg += "<title>planned \(Seconds.describe(rounded(planned.start)))–"
        svg += "\(Seconds.describe(rounded(planned.start + planned.seconds))) s</title></rect>"
      }
      if let start = entry.start {
        let ready = timeline.ready(row)
        if start - ready > 0.05 {
          svg +=
            "<rect x=\"\(x(ready))\" y=\"\(number(y + 3))\" width=\"\(length(start - ready))\" "
          svg += "height=\"12\" fill=\"#eeeeee\" stroke=\"#999\" stroke-dasharray=\"2 2\">"
          svg +=
            "<title>\(escaped(stage.name)) waited \(Seconds.describe(rounded(start - ready))) s "
          svg += "for room</title></rect>"
        }
        let end = entry.end ?? timeline.span
        let fill = outcomeFills.first { $0.0 == verdict }?.1 ?? "#cccccc"
        let stroke =
          executorStrokes.first { $0.0 == DryRunTable.shortName(stage.executor) }?.1 ?? "#333333"
        svg += "<rect x=\"\(x(start))\" y=\"\(number(y + 1))\" width=\"\(length(end - start))\" "
        svg += "height=\"15\" rx=\"2\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\">"
        var tip = "\(stage.name): \(verdict), \(Seconds.describe(rounded(start)))–"
        tip += "\(Seconds.describe(rounded(end))) s on \(DryRunTable.shortName(stage.executor))"
        if !entry.gpus.isEmpty { tip += ", GPU \(entry.gpus.joined(separator: ","))" }
        svg += "<title>\(escaped(tip))</title></rect>"
      }
      svg += "</g>\n"
    }
    return svg + "</svg>\n"
  }

  private static func table(_ timeline: RunTimeline, rows shown: [Int]) -> String {
    var html = "<table>\n<tr><th>stage</th><th>outcome</th><th>status</th><th>executor</th>"
    html += "<th>start</th><th>duration</th><th>waited</th><th>CPU time</th>"
    html += "<th>peak memory</th><th>GPUs</th><th>log</th></tr>\n"
    for index in shown {
      let stage = timeline.stages[index]
      let entry = timeline.entries[index]
      let result = entry.result
      let ran = entry.start != nil
      let verdict = timeline.verdict(index)
      func seconds(_ value: Double?) -> String {
        value.map { Seconds.describe(rounded($0)) + " s" } ?? "-"
      }
      let cells = [
        "<td>\(escaped(stage.name))</td>",
        "<td\(timeline.endedBadly(index) ? " class=\"bad\"" : "")>\(verdict)</td>",
        "<td class=\"number\">\(ran ? result.map { String($0.status) } ?? "-" : "-")</td>",
        "<td>\(DryRunTable.shortName(stage.executor))</td>",
        "<td class=\"number\">\(seconds(entry.start))</td>",
        "<td class=\"number\">\(seconds(ran ? result?.seconds : nil))</td>",
        "<td class=\"number\">\(seconds(entry.start.map { $0 - timeline.ready(index) }))</td>",
        "<td class=\"number\">\(seconds(ran && (result?.cpuSeconds ?? 0) > 0 ? result?.cpuSeconds : nil))</td>",
        "<td class=\"number\">\((result?.peakMemory ?? 0) > 0 ? ByteCount.describe(result!.peakMemory) : "-")</td>",
        "<td>\(entry.gpus.isEmpty ? "-" : escaped(entry.gpus.joined(separator: ",")))</td>",
        ran
          ? "<td><a href=\"\(escaped(fileLink(stage.logPath)))\" title=\"\(escaped(stage.logPath))\">"
            + "\(escaped(logName(stage.logPath)))</a></td>"
          : "<td>-</td>",
      ]
      html += "<tr>" + cells.joined() + "</tr>\n"
    }
    return html + "</table>\n"
  }

  /// A `file:` link to `path`, its bytes outside the unreserved set percent-encoded.
  static func fileLink(_ path: String) -> String {
    let path = RunnerSettings.absolute(path)
    let hex = Array("0123456789ABCDEF".utf8)
    var link = Array("file://".utf8)
    link.reserveCapacity(link.count + path.utf8.count)
    for byte in path.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
        link.append(byte)
      default:
        link += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
      }
    }
    return String(decoding: link, as: UTF8.self)
  }

  /// A log's file name, the link's text (the whole path is its title).
  private static func logName(_ path: String) -> String {
    // After the last slash: one search, not the path split at every slash, for each row.
    if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")),
      path.utf8.index(after: slash) != path.utf8.endIndex
    {
      return String(path[path.utf8.index(after: slash)...])
    }
    return path.split(separator: "/").last.map(String.init) ?? path
  }

  /// Most names and paths hold nothing to escape: those are not copied character by
  /// character, for each row of a report of thousands of stages.
  private static func escaped(_ text: String) -> String {
    let special = text.utf8.contains {
      $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
        || $0 == UInt8(ascii: "\"")
    }
    return special ? PlanSVGRenderer.escaped(text) : text
  }

  private static func rounded(_ seconds: Double) -> Double { (seconds * 100).rounded() / 100 }

  private static func number(_ value: Double) -> String {
    Seconds.describe((value * 10).rounded() / 10)
  }
}
