import Foundation
import Testing

/// The manual's examples are run, so they cannot drift from what the tools do.
@Suite struct ManualTests {
  func page(_ name: String) throws -> String {
    try String(contentsOf: ToolRun.root.appendingPathComponent("man/" + name), encoding: .utf8)
  }

  @Test func theDocumentExampleIsWhatFlowParsePrints() throws {
    let text = try page("flow-json.5")
    let block = try #require(
      text.components(separatedBy: ".Bd -literal -offset indent\n").last?
        .components(separatedBy: "\n.Ed").first)
    var lines = block.components(separatedBy: "\n")
    let command = lines.removeFirst()
    #expect(command == #"$ printf 'stages:\en  - name: hello\en' | flow-parse --pretty"#)
    let run = try ToolRun.run("flow-parse", ["--pretty"], stdin: "stages:\n  - name: hello\n")
    #expect(run.stdout == lines.joined(separator: "\n") + "\n")
  }

  @Test func flowParseExamplesRun() throws {
    let text = try page("flow-parse.1")
    let commands = text.components(separatedBy: "\n").filter { $0.hasPrefix(".Dl flow-parse ") }
    #expect(commands.count == 3)
    for line in commands {
      let command = String(line.dropFirst(4))
      let run = try ToolRun.run(
        "/bin/sh", ["-c", command], in: ToolRun.root,
        environment: ["PATH": ToolRun.binaries.path + ":/usr/bin:/bin"])
      #expect(run.status == 0, "\(command): \(run.stderr)")
    }
  }
}
