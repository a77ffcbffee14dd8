/// The table a person reads at the end of a run: every stage with how it ended, its
/// status, duration and peak memory, and the log of each that ended badly; then one line
/// of counts, the run's time and its exit status.
public enum RunSummaryTable {
  public static func render(_ timeline: RunTimeline, status: Int32, colour: Bool) -> String {
    let header = ["STAGE", "OUTCOME", "STATUS", "DURATION", "PEAK MEMORY", "LOG"]
    var rows: [[String]] = []
    for index in timeline.stages.indices {
      let entry = timeline.entries[index]
      let verdict = timeline.verdict(index)
      let ran = entry.start != nil && entry.result != nil
      rows.append([
        timeline.stages[index].name, verdict,
        entry.result.map { ran ? String($0.status) : "-" } ?? "-",
        ran ? Seconds.describe((entry.result!.seconds * 100).rounded() / 100) + " s" : "-",
        ran && entry.result!.peakMemory > 0 ? ByteCount.describe(entry.result!.peakMemory) : "-",
        timeline.endedBadly(index) ? timeline.stages[index].logPath : "",
      ])
    }
    var widths = header.map(\.count)
    for row in rows {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    func line(_ cells: [String], paint: (Int, String) -> String) -> String {
      var text = ""
      for (column, cell) in cells.enumerated() {
        let last = column == cells.count - 1
        let padded = last ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
        text += paint(column, padded) + (last ? "" : "  ")
      }
      while text.hasSuffix(" ") { text.removeLast() }
      return text + "\n"
    }
    var text = line(header) { _, cell in colour ? TerminalStyle.bold(cell) : cell }
    for (index, row) in rows.enumerated() {
      text += line(row) { column, cell in
        column == 1 && colour ? TerminalStyle.paint(cell, for: timeline.verdict(index)) : cell
      }
    }
    for index in timeline.stages.indices {
      if let note = timeline.entries[index].result?.gpuUse?.note(stage: timeline.stages[index].name)
      {
        text += "note: " + DryRunTable.visible(note) + "\n"
      }
    }
    return text + countsLine(timeline, status: status) + "\n"
  }

  /// `5 stages: 3 succeeded, 1 failed, 1 timed out · 12.5 s · exit status 1`.
  public static func countsLine(_ timeline: RunTimeline, status: Int32) -> String {
    var counts: [(String, Int)] = []
    for index in timeline.stages.indices {
      let verdict = timeline.verdict(index)
      if let at = counts.firstIndex(where: { $0.0 == verdict }) {
        counts[at].1 += 1
      } else {
        counts.append((verdict, 1))
      }
    }
    let order = ["succeeded", "cached", "failed", "timed out", "stopped", "skipped"]
    counts.sort {
      (order.firstIndex(of: $0.0) ?? order.count) < (order.firstIndex(of: $1.0) ?? order.count)
    }
    let stages = timeline.stages.count == 1 ? "1 stage" : "\(timeline.stages.count) stages"
    let parts = counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
    return
      "\(stages): \(parts) · \(Seconds.describe((timeline.span * 10).rounded() / 10)) s · exit status \(status)"
  }
}

/// ANSI styles for a terminal that takes colour (see `NO_COLOR`).
public enum TerminalStyle {
  public static func bold(_ text: String) -> String { "\u{1b}[1m\(text)\u{1b}[0m" }
  public static func dim(_ text: String) -> String { "\u{1b}[2m\(text)\u{1b}[0m" }

  /// `text` in the colour of a stage's verdict: green succeeded or cached, red failed,
  /// timed out or stopped, yellow skipped.
  public static func paint(_ text: String, for verdict: String) -> String {
    let code: String
    switch verdict {
    case "succeeded", "cached": code = "32"
    case "failed", "timed out", "stopped": code = "31"
    case "skipped": code = "33"
    default: return text
    }
    return "\u{1b}[\(code)m\(text)\u{1b}[0m"
  }

  /// Whether colour is wanted on a terminal: `NO_COLOR` unset or empty.
  public static func colourWanted(_ environment: EnvironmentMap) -> Bool {
    environment["NO_COLOR"].map(\.isEmpty) ?? true
  }
}
