import FlowTestSupport
import Foundation
import Testing

/// `flow-resolve` with variants and the machine's facts, from probe fixture trees, as
/// arguments and in a pipe document.
@Suite struct FlowResolveVariantsCLITests {
  /// The variants as inline tables, each with its requirements and environment.
  static let catalogue = """
    [packages.renderer."2.0.0"]
    env.RENDERER = "/opt/renderer"
    variants = [
      { requires = ["gpu 1", "cuda_driver >=12.1"], env = { RENDERER_MODE = "gpu" } },
      { env = { RENDERER_MODE = "cpu" } },
    ]
    """

  static func resolve(_ arguments: [String], tree: String, stdin: String? = nil) throws
    -> ToolRun
  {
    let folder = try TemporaryFolder()
    let catalogue = try folder.write("catalogue.toml", Self.catalogue)
    return try withExtendedLifetime(folder) {
      try ToolRun.run(
        "flow-resolve",
        ["--catalog", catalogue, "--index", folder.path + "/catalogue.index"] + arguments,
        stdin: stdin,
        environment: [
          "PATH": "/usr/bin:/bin",
          "FLOW_PROBE_ROOT": ToolRun.root.path + "/Tests/Fixtures/probe/" + tree,
        ])
    }
  }

  @Test func implicitsChooseTheGPUVariantOnAGPUMachineOnly() throws {
    let gpu = try Self.resolve(["--implicits", "--format", "sh", "renderer"], tree: "nvidia-one")
    #expect(gpu.status == 0)
    #expect(gpu.stdout.contains("RENDERER_MODE='gpu'"))
    let cpu = try Self.resolve(
      ["--implicits", "--explain", "--format", "sh", "renderer"], tree: "no-gpu")
    #expect(cpu.stdout.contains("RENDERER_MODE='cpu'"))
    #expect(
      cpu.stderr.contains(
        "variant 0 not chosen: it requires gpu 1, which the request ~gpu ==0 rules out"))
    // Without --implicits, requirements given as arguments see no facts: gpu is unknown.
    let plain = try Self.resolve(["renderer"], tree: "nvidia-one")
    #expect(plain.stdout.contains("\"variant\":1"))
  }

  @Test func aPipeDocumentGetsTheFactsByDefault() throws {
    let document = """
      {"flow": 1, "source": "w.yaml", "stages": [
        {"name": "render", "environment": {"requirements": [{"package": "renderer", "spec": ""}]}}
      ]}
      """
    let run = try Self.resolve([], tree: "nvidia-one", stdin: document)
    #expect(run.status == 0)
    #expect(run.stdout.contains("\"variant\":0"))
    #expect(run.stdout.contains("\"requirements\":[\"renderer\"]"))
    let off = try Self.resolve(["--no-implicits"], tree: "nvidia-one", stdin: document)
    #expect(off.stdout.contains("\"variant\":1"))
  }

  /// flow-exec resolving a workflow itself gives the machine's facts as flow-resolve does in
  /// a pipe: the GPU variant on a GPU machine, the CPU variant elsewhere.
  @Test(arguments: [("nvidia-one", "gpu"), ("no-gpu", "cpu")])
  func flowExecResolvingItselfSeesTheMachinesFacts(tree: String, mode: String) throws {
    let folder = try TemporaryFolder()
    let catalogue = try folder.write("catalogue.toml", Self.catalogue)
    let workflow = try folder.write(
      "w.yaml",
      """
      stages:
        - name: render
          type: BashOperator
          kwargs: {bash_command: 'echo "$RENDERER_MODE" > mode'}
          environment: {requirements: {renderer: ""}}

      """)
    let run = try withExtendedLifetime(folder) {
      try ToolRun.run(
        "flow-exec", ["--no-cache", workflow],
        environment: [
          "PATH": "/usr/bin:/bin", "FLOW_CATALOG": catalogue,
          "XDG_CACHE_HOME": folder.path + "/cache",
          "FLOW_PROBE_ROOT": ToolRun.root.path + "/Tests/Fixtures/probe/" + tree,
        ])
    }
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try String(contentsOfFile: folder.path + "/mode", encoding: .utf8) == mode + "\n")
  }
}
