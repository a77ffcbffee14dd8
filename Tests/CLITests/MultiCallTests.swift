import Foundation
import Testing

/// `flow`, the one binary installed under every tool's name: run by a tool's name it is
/// that tool, exactly; run as `flow TOOL` it runs TOOL; anything else is a usage error.
@Suite struct MultiCallTests {
  /// A folder of links named after the tools, all to `flow`, as `make install` makes.
  func linkFolder() throws -> URL {
    let folder = try ToolRun.temporaryFolder()
    for tool in ToolList.names {
      try FileManager.default.createSymbolicLink(
        atPath: folder.appendingPathComponent(tool).path,
        withDestinationPath: ToolRun.binaries.appendingPathComponent("flow").path)
    }
    return folder
  }

  @Test func eachNameRunsItsToolExactly() throws {
    let links = try linkFolder()
    defer { try? FileManager.default.removeItem(at: links) }
    for tool in ToolList.names {
      for arguments in [["--help"], ["--version"], ["--no-such-option"]] {
        let own = try ToolRun.run(tool, arguments)
        let linked = try ToolRun.run(links.appendingPathComponent(tool).path, arguments)
        #expect(linked.status == own.status, "\(tool) \(arguments)")
        #expect(linked.stdout == own.stdout, "\(tool) \(arguments)")
        #expect(linked.stderr == own.stderr, "\(tool) \(arguments)")
      }
    }
    try InstallTests.pipelineRuns(from: links.path)
  }

  @Test func flowToolRunsTheTool() throws {
    let workflow = ToolRun.root.appendingPathComponent("examples/diamond/workflow.yaml").path
    let own = try ToolRun.run("flow-parse", [workflow])
    for word in ["parse", "flow-parse"] {
      let run = try ToolRun.run("flow", [word, workflow])
      #expect(run.status == 0, "\(run.stderr)")
      #expect(run.stdout == own.stdout)
    }
  }

  @Test func anUnknownToolIsAUsageErrorWithASuggestion() throws {
    let run = try ToolRun.run("flow", ["pasre"])
    #expect(run.status == 64)
    #expect(run.stderr.hasPrefix("flow: 'pasre' is not a flow tool (did you mean 'parse'?)"))
    let none = try ToolRun.run("flow", [])
    #expect(none.status == 64)
    #expect(none.stderr.contains("usage: flow TOOL"))
    let help = try ToolRun.run("flow", ["--help"])
    #expect(help.status == 0)
    #expect(help.stdout.contains("tools: parse, envfile, resolve, sched, exec"))
  }
}
