import ArgumentParser
import FlowCore

import Glibc

/// What every flow command shares: how it starts, reports mistakes and ends.
///
/// A command conforms and gets a `main()`, the one place its process ends:
/// - help and version text are written with write errors checked (`--help > /dev/full`
///   fails with 74);
/// - usage mistakes are reported as `tool: message` with exit 64;
/// - a `ToolFailure` thrown from `run()` is reported as `tool: message` and ends with
///   its `exitStatus`;
/// - a status without a message (lint findings, a stage's status) is thrown as
///   argument-parser's `ExitCode`.
public protocol ToolCommand: ParsableCommand {}

extension ToolCommand {
  public static func main() {
    end {
      var command = try parseAsRoot()
      try command.run()
    }
  }

  /// Runs `body` and ends the process as `main()` does: the exit path for an executable
  /// that runs a command without parsing its arguments first.
  public static func end(running body: () throws -> Void) -> Never {
    let name = configuration.commandName ?? "flow"
    let console = Console(tool: name)
    do {
      try body()
    } catch let error as IOError where error.kind == .readerGone {
      endByBrokenPipe()
    } catch let failure as any ToolFailure {
      console.report(failure.description)
      endNow(failure.exitStatus.rawValue)
    } catch {
      let status = exitCode(for: error)
      let message = fullMessage(for: error)
      if status == .success {
        if !message.isEmpty { writeOrEnd(console, Array((message + "\n").utf8)) }
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

  /// Ends the process now with `status`, without returning through `run()`: the values
  /// it built are not freed one by one, which for a large document costs more than the
  /// work. Only for the top of an executable, where nothing is left to do.
  public static func endNow(_ status: Int32) -> Never {
    Glibc.exit(status)
  }

  /// Ends the process the way a Unix filter ends when its reader goes away: by SIGPIPE.
  static func endByBrokenPipe() -> Never {
    signal(SIGPIPE, SIG_DFL)
    raise(SIGPIPE)
    endNow(ExitStatus.signalled(SIGPIPE))
  }

  /// Writes help or version text, ending with the write error's status when it fails.
  private static func writeOrEnd(_ console: Console, _ bytes: [UInt8]) {
    do throws(IOError) {
      try OutputFile.write(bytes, to: nil)
    } catch {
      if error.kind == .readerGone { endByBrokenPipe() }
      console.report(error.description)
      endNow(ExitStatus.ioError.rawValue)
    }
  }
}

private func lowercasedFirst(_ text: String) -> String {
  guard let first = text.first, first.isUppercase, !(text.dropFirst().first?.isUppercase ?? false)
  else { return text }
  return first.lowercased() + text.dropFirst()
}
