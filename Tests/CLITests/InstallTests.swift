import Foundation
import Testing

/// `make install` into a temporary prefix, from the binaries this test run uses
/// (`BUILD_DIR`), then each piece used from there as a user's shell and man would.
@Suite struct InstallTests {
  @Test func installsIntoAPrefix() throws {
    let prefix = try ToolRun.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: prefix) }
    let install = try ToolRun.run(
      "/usr/bin/make",
      [
        "-s", "-C", ToolRun.root.path, "install", "PREFIX=" + prefix.path,
        "BUILD_DIR=" + ToolRun.binaries.path,
      ],
      environment: ["PATH": "/usr/bin:/bin"])
    #expect(install.status == 0, "\(install.stderr)")
    // One binary under every tool's name, and the size said.
    #expect(install.stdout.contains("flow: installed "), "\(install.stdout)")
    for tool in ToolList.names {
      let link = try? FileManager.default.destinationOfSymbolicLink(
        atPath: prefix.appendingPathComponent("bin/" + tool).path)
      #expect(link == "flow", "bin/\(tool) is not a link to flow")
    }
    try binariesRun(prefix)
    try manFindsThePages(prefix)
    try bashLoadsTheCompletions(prefix)
    for tool in ToolList.names {
      for path in [
        "share/zsh/site-functions/_" + tool, "share/fish/vendor_completions.d/\(tool).fish",
      ] {
        #expect(
          FileManager.default.fileExists(atPath: prefix.appendingPathComponent(path).path),
          "\(path) missing")
      }
    }
  }

  func binariesRun(_ prefix: URL) throws {
    for tool in ToolList.names {
      let run = try ToolRun.run(prefix.appendingPathComponent("bin/" + tool).path, ["--version"])
      #expect(run.status == 0, "\(tool): \(run.stderr)")
    }
    try Self.pipelineRuns(from: prefix.path + "/bin")
  }

  /// The example's pipeline runs with the tools found in `folder` first on the PATH.
  static func pipelineRuns(from folder: String) throws {
    let run = try ToolRun.run(
      "/bin/bash",
      [
        "-c",
        "set -o pipefail; flow-parse examples/diamond/workflow.yaml | flow-envfile"
          + " | flow-sched --cpus 2 --memory 1Gi --gpus 0 --format text",
      ],
      in: ToolRun.root, environment: ["PATH": folder + ":/usr/bin:/bin"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(!run.stdout.isEmpty)
  }

  func manFindsThePages(_ prefix: URL) throws {
    for page in ["flow", "flow-json"] + ToolList.names {
      let run = try ToolRun.run(
        "/usr/bin/man", ["-M", prefix.path + "/share/man", page],
        environment: ["PATH": "/usr/bin:/bin", "MANPAGER": "cat", "MANWIDTH": "80"])
      #expect(run.status == 0, "man \(page): \(run.stderr)")
      #expect(run.stdout.contains("NAME"))
    }
  }

  func bashLoadsTheCompletions(_ prefix: URL) throws {
    let folder = prefix.path + "/share/bash-completion/completions"
    let script = ToolList.names.map { "source \(folder)/\($0) && complete -p \($0)" }
      .joined(separator: " && ")
    let run = try ToolRun.run("/bin/bash", ["--norc", "-c", script])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.split(separator: "\n").count == ToolList.names.count)
  }
}
