import Foundation
import Testing

/// `--help` of every tool and subcommand, checked against golden files, and
/// `--version`.
@Suite struct HelpTests {
  /// The subcommands a help text lists, from its SUBCOMMANDS section.
  static func subcommands(in help: String) -> [String] {
    guard let section = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else {
      return []
    }
    return section.components(separatedBy: "\n\n")[0].split(separator: "\n").compactMap {
      let name = $0.split(separator: " ").first.map(String.init)
      return name == "help" ? nil : name
    }
  }

  @Test(arguments: ToolList.names)
  func helpMatchesTheGoldenFile(tool: String) throws {
    let run = try ToolRun.run(tool, ["--help"])
    #expect(run.status == 0)
    #expect(run.stderr == "")
    try Golden.expect(run.stdout, "help/\(tool).txt")
    for subcommand in Self.subcommands(in: run.stdout) {
      let sub = try ToolRun.run(tool, [subcommand, "--help"])
      #expect(sub.status == 0)
      try Golden.expect(sub.stdout, "help/\(tool)-\(subcommand).txt")
    }
  }

  /// argument-parser re-wraps a discussion to the width; a hard line break left inside
  /// a paragraph shows as a line of one or two words.
  @Test(arguments: ToolList.names)
  func helpParagraphsAreNotRagged(tool: String) throws {
    let help = try ToolRun.run(tool, ["--help"]).stdout
    let discussion = help.components(separatedBy: "\nUSAGE:")[0]
    for paragraph in discussion.components(separatedBy: "\n\n").dropFirst() {
      let lines = paragraph.split(separator: "\n")
      for line in lines.dropLast() {
        #expect(line.count > 50, "\(tool) --help: short line inside a paragraph: '\(line)'")
      }
    }
  }

  @Test(arguments: ToolList.names)
  func printsTheVersion(tool: String) throws {
    let run = try ToolRun.run(tool, ["--version"])
    #expect(run.status == 0)
    #expect(run.stdout.first?.isNumber == true, "\(tool) --version: '\(run.stdout)'")
  }
}
