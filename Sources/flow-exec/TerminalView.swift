import Dispatch
import FlowCore
import Glibc

/// The run for a person (`--format text`, the default when standard output is a
/// terminal): each stage's lines prefixed with its name, a line per stage that ends, a
/// `FAILED:` block for each failure (its status, command and log), and at the end a
/// table of every stage. On a terminal a live block stays below the output, redrawn each
/// second: the stages running (executor, GPU ids, elapsed, time left by the plan), the
/// stages waiting and why, and after a first stop signal that a second one kills.
final class TerminalView {
  private let output: OutputQueue
  private let live: Bool
  private let colour: Bool
  private let tool: String
  private let capacity: PlanCapacity
  private var timeline: RunTimeline
  private let began: Double
  private var stopping = false
  private var blockLines = 0
  private var timer: DispatchSourceTimer?
  /// Every change goes through this queue: events come from the run's thread, redraws
  /// from the timer.
  private let queue = DispatchQueue(label: "flow-exec.terminal-view")

  init(
    output: OutputQueue, live: Bool, colour: Bool, tool: String, stages: [StageLaunch],
    capacity: PlanCapacity, began: Double
  ) {
    self.output = output
    self.live = live
    self.colour = colour
    self.tool = tool
    self.capacity = capacity
    self.began = began
    timeline = RunTimeline(stages: stages, began: began)
  }

  /// Starts redrawing the live block each second.
  func start() {
    guard live else { return }
    let timer = DispatchSource.makeTimerSource(queue: queue)
    timer.schedule(deadline: .now() + 1, repeating: 1)
    timer.setEventHandler { [weak self] in self?.redraw(above: "") }
    timer.resume()
    self.timer = timer
    queue.sync { redraw(above: "") }
  }

  func show(_ event: RunEvent) {
    queue.sync {
      timeline.record(event)
      redraw(above: text(for: event))
    }
  }

  /// A note for the person running, between the output lines.
  func note(_ text: String) {
    queue.sync { redraw(above: "\(tool): \(text)\n") }
  }

  /// Clears the block and writes the summary table.
  func finish(status: Int32) {
    timer?.cancel()
    queue.sync {
      let table = RunSummaryTable.render(timeline, status: status, colour: colour)
      write(erase() + "\n" + table)
      blockLines = 0
    }
  }

  /// The timeline recorded so far.
  var recorded: RunTimeline { queue.sync { timeline } }

  private func text(for event: RunEvent) -> String {
    switch event {
    case .output(let index, let line, _):
      let name = visible(timeline.stages[index].name) + " |"
      return (colour ? "\u{1b}[36m\(name)\u{1b}[0m" : name) + " " + visible(line) + "\n"
    case .ended(let index, let result, _):
      return ended(index, result)
    case .stopping(let signal, _):
      stopping = true
      return live ? "" : "\(tool): \(SignalName.of(signal)) received: stopping… (again to kill)\n"
    case .cancelling(let jobs, _):
      return "\(tool): cancelling slurm jobs \(jobs.joined(separator: ", "))\n"
    case .submitted(let index, let job, _):
      return "\(visible(timeline.stages[index].name)): submitted as job \(job)\n"
    case .started(let index, _, _, _):
      return live ? "" : "\(visible(timeline.stages[index].name)): started\n"
    case .retrying(let index, let failed, let next, _):
      return "\(visible(timeline.stages[index].name)): \(failed.failure.rawValue), exit status "
        + "\(failed.status); trying again (attempt \(next.attempt))\n"
    }
  }

  /// A line for a stage that ended; for one that ended badly, ninja's `FAILED:` block.
  private func ended(_ index: Int, _ result: StageResult) -> String {
    let stage = timeline.stages[index]
    let verdict = timeline.verdict(index)
    let painted = colour ? TerminalStyle.paint(verdict, for: verdict) : verdict
    let name = visible(stage.name)
    guard timeline.endedBadly(index) else {
      let took = result.outcome == .skipped ? "" : " in \(seconds(result.seconds))"
      let why = result.outcome == .skipped ? result.message.map { " (\($0))" } ?? "" : ""
      return "\(name): \(painted)\(took)\(why)\n"
    }
    let failed =
      colour ? TerminalStyle.bold(TerminalStyle.paint("FAILED:", for: "failed")) : "FAILED:"
    var text =
      "\(failed) \(name) (\(verdict), exit status \(result.status), \(seconds(result.seconds)))\n"
    if !stage.stageArgv.isEmpty {
      text += "  " + visible(stage.stageArgv.map(ShellWord.quotedIfNeeded).joined(separator: " "))
      text += "\n"
    }
    if let message = result.message { text += "  \(visible(message))\n" }
    return text + "  log: \(visible(stage.logPath))\n"
  }

  private func redraw(above text: String) {
    var bytes = erase() + text
    let block = live ? blockText() : []
    blockLines = block.count
    bytes += block.map { $0 + "\n" }.joined()
    write(bytes)
  }

  /// Moves back to the first line of the block and clears it.
  private func erase() -> String {
    guard blockLines > 0 else { return "" }
    return "\r\u{1b}[\(blockLines)A\u{1b}[J"
  }

  /// The live block's lines, each cut to the terminal's width so that none wraps.
  private func blockText() -> [String] {
    let now = MonotonicClock.now() - began
    let stages = timeline.stages
    let entries = timeline.entries
    let done = entries.filter { $0.result != nil }.count
    let bad = stages.indices.filter { timeline.endedBadly($0) }.count
    var lines: [String] = []
    var head = "[\(done)/\(stages.count) done"
    if bad > 0 { head += ", \(bad) failed" }
    head += ", \(seconds(now))]"
    lines.append(colour ? TerminalStyle.bold(head) : head)
    let running = stages.indices.filter { entries[$0].start != nil && entries[$0].result == nil }
    for index in running.prefix(10) {
      let stage = stages[index]
      let elapsed = now - (entries[index].start ?? now)
      var line = "  running  \(visible(stage.name))  \(DryRunTable.shortName(stage.executor))"
      if !entries[index].gpus.isEmpty {
        line += "  GPU \(entries[index].gpus.joined(separator: ","))"
      }
      line += "  \(seconds(elapsed))"
      if let expected = stage.expectedSeconds, expected > 0 {
        let left = expected - elapsed
        line +=
          left > 0 ? "  about \(seconds(left)) left" : "  over the expected \(seconds(expected))"
      }
      lines.append(line)
    }
    if running.count > 10 { lines.append("  … and \(running.count - 10) more running") }
    let waiting = stages.indices.filter { entries[$0].start == nil && entries[$0].result == nil }
    for index in waiting.prefix(5) {
      lines.append(
        "  waiting  \(visible(stages[index].name))  \(visible(timeline.waitReason(index, capacity: capacity)))"
      )
    }
    if waiting.count > 5 { lines.append("  … and \(waiting.count - 5) more waiting") }
    if stopping {
      let line = "stopping… (Ctrl-C again to kill)"
      lines.append(colour ? TerminalStyle.paint(line, for: "stopped") : line)
    }
    let width = Self.terminalWidth()
    return lines.map { Self.cut($0, to: width) }
  }

  private func write(_ text: String) {
    if !text.isEmpty { output.write(Array(text.utf8)) }
  }

  private func visible(_ text: String) -> String { DryRunTable.visible(text) }

  /// Seconds for a person: a tenth below ten seconds, whole seconds below a minute,
  /// then minutes and seconds.
  private func seconds(_ value: Double) -> String {
    if value < 10 { return "\((value * 10).rounded(.down) / 10) s" }
    return value < 60 ? "\(Int(value)) s" : "\(Int(value / 60)) min \(Int(value) % 60) s"
  }

  static func terminalWidth() -> Int {
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
    return Int(size.ws_col)
  }

  /// `line` cut to `width` visible characters (escape sequences do not count).
  static func cut(_ line: String, to width: Int) -> String {
    var shown = 0
    var result = ""
    var inEscape = false
    for character in line {
      if character == "\u{1b}" { inEscape = true }
      if inEscape {
        result.append(character)
        if character.isLetter { inEscape = false }
        continue
      }
      if shown >= width - 1 { continue }
      result.append(character)
      shown += 1
    }
    return result
  }
}
