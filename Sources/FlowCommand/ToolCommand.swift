import ArgumentParser
import FlowCore

/// What every flow command shares: how it starts, reports mistakes and ends.
///
/// A command conforms and gets a `main()` that writes help and version text with write
/// errors checked (`--help > /dev/full` fails with 74), reports usage mistakes as
/// `tool: message` with exit 64, and passes other exits on.
public protocol ToolCommand: ParsableCommand {}

extension ToolCommand {
  public static func main() {
    let name = configuration.commandName ?? "flow"
    let console = Console(tool: name)
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let status = exitCode(for: error)
      let message = fullMessage(for: error)
      if status == .success {
        if !message.isEmpty { console.emit(Array((message + "\n").utf8)) }
        exit(withError: nil)
      }
      if let exit = error as? ExitCode {
        Self.exit(withError: exit)
      }
      if status == .validationFailure {
        let firstLine = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let text = firstLine.hasPrefix("Error: ") ? String(firstLine.dropFirst(7)) : firstLine
        console.report(lowercasedFirst(text) + " (see '\(name) --help')")
        Self.exit(withError: ExitCode(ExitStatus.usage.rawValue))
      }
      if !message.isEmpty { console.report(message) }
      Self.exit(
        withError: ExitCode(status.rawValue == 1 ? ExitStatus.software.rawValue : status.rawValue))
    }
    exit(withError: nil)
  }
}

private func lowercasedFirst(_ text: String) -> String {
  guard let first = text.first, first.isUppercase, !(text.dropFirst().first?.isUppercase ?? false)
  else { return text }
  return first.lowercased() + text.dropFirst()
}
