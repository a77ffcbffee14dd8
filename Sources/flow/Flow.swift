import FlowCore
import FlowEnvfileTool
import FlowExecTool
import FlowParseTool
import FlowResolveTool
import FlowSchedTool
import Glibc

/// flow as one binary, the way busybox and git are built: installed under each tool's
/// name, it runs the tool that name says, so `flow-parse` is exactly flow-parse; called as
/// `flow TOOL [ARGUMENTS]` it runs TOOL (`parse` or `flow-parse`). One binary instead of
/// five keeps the install a fifth of the size, since each tool would carry its own copy
/// of the Swift runtime and the core.
@main
enum Flow {
  typealias Tool = (name: String, main: @Sendable ([String]) -> Void)

  static let tools: [Tool] = [
    ("flow-parse", { FlowParseMain.main(arguments: $0) }),
    ("flow-envfile", { FlowEnvfileMain.main(arguments: $0) }),
    ("flow-resolve", { FlowResolveMain.main(arguments: $0) }),
    ("flow-sched", { FlowSchedMain.main(arguments: $0) }),
    ("flow-exec", { FlowExecMain.main(arguments: $0) }),
  ]

  static let console = Console(tool: "flow")

  static var usage: String {
    """
    usage: flow TOOL [ARGUMENTS]   (or run the tool by its own name, e.g. flow-parse)
    tools: \(tools.map { String($0.name.dropFirst(5)) }.joined(separator: ", ")); \
    see flow(7) and each tool's --help
    """
  }

  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    let calledAs = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") }
    if let calledAs, calledAs.hasPrefix("flow-"), let chosen = tool(named: calledAs) {
      chosen.main(arguments)
      exit(ExitStatus.success.rawValue)
    }
    switch arguments.first {
    case nil:
      console.report("no tool given\n" + usage)
      exit(ExitStatus.usage.rawValue)
    case "-h", "--help", "help":
      printOrEnd(usage + "\n")
    case "--version":
      printOrEnd(FlowVersion.current + "\n")
    case let word?:
      guard let chosen = tool(named: word) else {
        let names = tools.map(\.name) + tools.map { String($0.name.dropFirst(5)) }
        console.report(
          "'\(word)' is not a flow tool\(Suggestion.hint(for: word, among: names))\n" + usage)
        exit(ExitStatus.usage.rawValue)
      }
      chosen.main(Array(arguments.dropFirst()))
      exit(ExitStatus.success.rawValue)
    }
  }

  /// The tool called `word`: its full name, or the name without `flow-`.
  static func tool(named word: String) -> Tool? {
    tools.first { $0.name == word || $0.name == "flow-" + word }
  }

  /// Writes `text` to standard output; a write error ends with 74, as a tool's help does.
  static func printOrEnd(_ text: String) -> Never {
    do throws(IOError) {
      try console.emit(Array(text.utf8))
    } catch {
      console.report("\(error)")
      exit(ExitStatus.ioError.rawValue)
    }
    exit(ExitStatus.success.rawValue)
  }
}
