import FlowCore

import Glibc

/// On a terminal, one status line on standard error: the stages running and how many
/// are done, redrawn at each event; bold names unless `NO_COLOR` is set. Everything
/// written to standard error during the run goes through one queue, in order, so that a
/// terminal held by Ctrl-S never stops the run's timers and signals.
final class StatusLine {
  let errors = OutputQueue(descriptor: STDERR_FILENO)
  private let console: Console
  private let enabled: Bool
  private let colour: Bool
  private let stages: [StageLaunch]
  private var running: [String] = []
  private var done = 0
  private var failed = 0

  init(enabled: Bool, stages: [StageLaunch], console: Console) {
    self.enabled = enabled
    self.console = console
    colour = enabled && (getenv("NO_COLOR").map { String(cString: $0).isEmpty } ?? true)
    self.stages = stages
  }

  /// Redraws for `event`.
  func show(_ event: RunEvent) {
    switch event {
    case .started(let index, _, _, _): started(stages[index].name)
    case .ended(let index, let result, _):
      ended(stages[index].name, failed: result.outcome == .failed)
    case .output(let index, let line, _): output(stages[index].name, line)
    // A stage being tried again is started again: it leaves the running ones meanwhile.
    case .retrying(let index, _, _, _): running.removeAll { $0 == stages[index].name }
    case .stopping, .cancelling, .submitted: break
    }
  }

  func started(_ name: String) {
    running.append(name)
    draw()
  }

  func ended(_ name: String, failed: Bool) {
    running.removeAll { $0 == name }
    done += 1
    if failed { self.failed += 1 }
    draw()
  }

  /// A stage's line, prefixed with its name as `docker compose` does, above the status.
  func output(_ name: String, _ line: String) {
    guard enabled else { return }
    let prefix = colour ? "\u{1b}[36m\(name) |\u{1b}[0m" : "\(name) |"
    emit("\r\u{1b}[K\(prefix) \(line)\n")
    draw()
  }

  func clear() { emit("\r\u{1b}[K") }

  /// A note for the person running, as the console writes it, below the status line.
  func report(_ note: String) {
    clear()
    errors.write(Array("\(console.tool): \(note)\n".utf8))
  }

  /// Clears the line and waits until everything queued is written.
  func finish() {
    clear()
    errors.finish()
  }

  private func draw() {
    // Off the terminal nothing is drawn: nothing is built for each of a run's events.
    guard enabled else { return }
    let names = running.map { colour ? "\u{1b}[1m\($0)\u{1b}[0m" : $0 }.joined(separator: ", ")
    let failures = failed > 0 ? ", \(failed) failed" : ""
    emit("\r\u{1b}[K[\(done)/\(stages.count)\(failures)] running: \(names)")
  }

  private func emit(_ text: String) {
    guard enabled else { return }
    errors.write(Array(text.utf8))
  }
}
