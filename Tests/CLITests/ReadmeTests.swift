import Foundation
import Testing

/// Every command in README.md runs: each line of a fenced `sh` block (a trailing `\`
/// joins lines), in one scratch folder per block, and the `#>` lines after a command
/// are its expected standard output. `make` lines run with `make -n` in the repository,
/// since a test cannot run `make check` from inside `make check`.
@Suite struct ReadmeTests {
  struct Command: CustomStringConvertible, Sendable {
    var line: String
    var expected: [String] = []
    var description: String { line }
  }

  static let blocks: [[Command]] = {
    let readme =
      (try? String(
        contentsOf: ToolRun.root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    var blocks: [[Command]] = []
    var current: [Command]? = nil
    var pending = ""
    for line in readme.components(separatedBy: "\n") {
      if current == nil {
        if line == "```sh" { current = [] }
        continue
      }
      if line == "```" {
        blocks.append(current!)
        current = nil
      } else if line.hasPrefix("#> ") || line == "#>" {
        current![current!.count - 1].expected.append(String(line.dropFirst(3)))
      } else if line.hasSuffix("\\") {
        pending += line.dropLast() + " "
      } else if !line.isEmpty && !line.hasPrefix("#") {
        current!.append(Command(line: pending + line))
        pending = ""
      }
    }
    return blocks
  }()

  @Test func theReadmeHasCommands() {
    let lines = Self.blocks.flatMap { $0 }.map(\.line)
    #expect(lines.first?.hasPrefix("make demo") == true)
    #expect(lines.dropFirst().first?.hasPrefix("make check") == true)
    #expect(lines.count > 20)
  }

  @Test(arguments: blocks)
  func blockRuns(commands: [Command]) throws {
    let scratch = try ShellRun.scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    for command in commands {
      let line =
        command.line.hasPrefix("make ")
        ? "make -n -C \"$FLOW_ROOT\" " + command.line.dropFirst(5) : command.line
      let run = try ShellRun.run(line, in: scratch)
      #expect(run.status == 0, "\(command.line): \(run.stderr)")
      if !command.expected.isEmpty {
        #expect(run.stdout == command.expected.map { $0 + "\n" }.joined(), "\(command.line)")
      }
    }
  }
}
