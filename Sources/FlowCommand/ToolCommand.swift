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
  public static func main() { main(arguments: nil) }

  /// Runs the command on `arguments` (the process's own, after its name, when nil).
  public static func main(arguments: [String]?) {
    // `--version` alone is answered as the argument parser answers it, without building
    // its model of the command first, which costs several times the answer.
    if (arguments ?? Array(CommandLine.arguments.dropFirst())) == ["--version"],
      !configuration.version.isEmpty
    {
      let name = configuration.commandName ?? "flow"
      writeOrEnd(Console(tool: name), Array((configuration.version + "\n").utf8))
      exit(withError: nil)
    }
    end {
      var command = try parseAsRoot(arguments)
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
  /// work. Only for the top of an executable, where nothing is left to do. Buffered
  /// standard streams are flushed, then the process ends without the C library's exit
  /// handlers, which for a static binary run the runtime's teardown: a tenth of a
  /// millisecond that changes nothing the process leaves behind.
  public static func endNow(_ status: Int32) -> Never {
    fflush(nil)
    Glibc._exit(status)
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

/// The one check of the number options: a value that is not a number (nan), infinite,
/// outside what the option means or absurdly large is a usage mistake (64) that names
/// the option, never a run that cannot end or a capacity that cannot be allocated.
public enum NumberOption {
  /// `-j`: more stages at once than any machine runs.
  public static let mostJobs = 1_000_000
  /// `--grace`: a day.
  public static let longestGrace = 86_400.0
  /// `--cpus`.
  public static let mostCPUs = 1_048_576.0
  /// `--gpus` as a count.
  public static let mostGPUs = 65_536

  /// What is wrong with `value` for `option`, which takes `lowest...highest` (or above
  /// `lowest`, not `lowest` itself, when `lowestExcluded`); nil when it is fine.
  public static func problem(
    _ value: Double, _ option: String, from lowest: Double, upTo highest: Double,
    lowestExcluded: Bool = false
  ) -> String? {
    let low = lowestExcluded ? value > lowest : value >= lowest
    guard !value.isFinite || !low || value > highest else { return nil }
    let range = lowestExcluded ? "above \(number(lowest)) and up to" : "from \(number(lowest)) to"
    return "\(option) takes a number \(range) \(number(highest)), got \(number(value))"
  }

  /// `problem` for a whole number.
  public static func problem(_ value: Int, _ option: String, in range: ClosedRange<Int>)
    -> String?
  {
    guard !range.contains(value) else { return nil }
    return
      "\(option) takes a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)"
  }

  private static func number(_ value: Double) -> String {
    value.isFinite && value == value.rounded() && abs(value) < 1e15
      ? String(Int64(value)) : "\(value)"
  }
}
