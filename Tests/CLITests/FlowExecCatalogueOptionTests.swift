import FlowTestSupport
import Foundation
import Testing

/// flow-exec resolves a workflow's requirements itself from the catalogues `--catalog`
/// names, as flow-resolve does, and plans a stage that asks more CPUs than the machine has
/// on all of them.
@Suite struct FlowExecCatalogueOptionTests {
  static let catalogue = """
    [packages.tool."1.4.0"]
    env.TOOL_VERSION = "1.4.0"
    [packages.tool."2.1.0"]
    env.TOOL_VERSION = "2.1.0"

    """

  static let workflow = """
    stages:
      - name: use
        type: BashOperator
        kwargs: {bash_command: 'echo "$TOOL_VERSION" > version'}
        environment:
          requirements: {tool: "<2"}
          resources: {cpu: 512}

    """

  @Test func catalogOptionNamesWhereRequirementsAreResolvedFrom() throws {
    let folder = try TemporaryFolder()
    let catalogue = try folder.write("catalogue.toml", Self.catalogue)
    let workflow = try folder.write("w.yaml", Self.workflow)
    let run = try withExtendedLifetime(folder) {
      try ToolRun.run(
        "flow-exec",
        ["--no-cache", "--catalog", catalogue, "--index", folder.path + "/index", workflow],
        environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path])
    }
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try String(contentsOfFile: folder.path + "/version", encoding: .utf8) == "1.4.0\n")
    #expect(FileManager.default.fileExists(atPath: folder.path + "/index"))
    #expect(run.stderr.contains("stage 'use' asks 512 cpu but only"))
  }

  @Test func withoutACatalogueTheMessageNamesTheOption() throws {
    let folder = try TemporaryFolder()
    let workflow = try folder.write("w.yaml", Self.workflow)
    let run = try withExtendedLifetime(folder) {
      try ToolRun.run(
        "flow-exec", ["--no-cache", workflow],
        environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path])
    }
    #expect(run.status != 0)
    #expect(run.stderr.contains("no catalogue was found: give --catalog FILE"), "\(run.stderr)")
  }
}
