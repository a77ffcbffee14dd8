import FlowTestSupport
import Foundation
import Testing

/// `provides` through the built flow-resolve: the provided version in the output with
/// `provided_by` and no actions, and a request only a real package satisfies explained.
@Suite struct FlowResolveProvidesCLITests {
  static let text = """
    [packages.houdini."20.0.547"]
    provides = ["python ==3.10.10"]
    env.PATH.prepend = "/opt/hfs20.0/bin"

    [packages.python."3.10.13"]
    env.PATH.prepend = "/opt/python3.10/bin"
    [packages.python."3.11.7"]
    env.PATH.prepend = "/opt/python3.11/bin"
    """

  static func resolve(_ arguments: [String]) throws -> ToolRun {
    let folder = try TemporaryFolder()
    let catalogue = try folder.write("catalogue.toml", text)
    return try withExtendedLifetime(folder) {
      try ToolRun.run(
        "flow-resolve",
        ["--catalog", catalogue, "--index", folder.path + "/catalogue.index"] + arguments)
    }
  }

  @Test func theProvidedPythonIsListedWithItsProviderAndNoActions() throws {
    let run = try Self.resolve(["houdini ~=20.0", "python ~=3.10"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains(#""provided_by":"houdini 20.0.547""#))
    #expect(!run.stdout.contains("/opt/python3.10/bin"))
    let sh = try Self.resolve(["--format", "sh", "houdini ~=20.0", "python ~=3.10"])
    #expect(sh.stdout.hasPrefix("export PATH='/opt/hfs20.0/bin:"))
    #expect(!sh.stdout.contains("python"))
  }

  @Test func aRealPythonBesideItsProviderIsRefusedWithTheReason() throws {
    let run = try Self.resolve(["houdini", "python ==3.11.7"])
    #expect(run.status == 65)
    #expect(
      run.stderr.contains(
        "houdini 20.0.547 provides python 3.10.10, and no other python can be selected with it"))
    #expect(try Self.resolve(["python ~=3.10.0"]).stdout.contains("/opt/python3.10/bin"))
  }
}
