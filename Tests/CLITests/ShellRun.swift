import Foundation

/// Runs a documented command line as a reader would: bash with `pipefail`, the built
/// tools first on PATH, in a scratch folder where `examples` is the repository's
/// examples, with HOME there too, so nothing is written into the repository or the
/// real home folder. `FLOW_ROOT` names the repository.
enum ShellRun {
  /// A new scratch folder holding an `examples` link.
  static func scratchFolder() throws -> URL {
    let scratch = try ToolRun.temporaryFolder()
    try FileManager.default.createSymbolicLink(
      at: scratch.appendingPathComponent("examples"),
      withDestinationURL: ToolRun.root.appendingPathComponent("examples"))
    return scratch
  }

  /// Runs one command in a new scratch folder.
  static func run(_ command: String) throws -> ToolRun {
    let scratch = try scratchFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    return try run(command, in: scratch)
  }

  static func run(_ command: String, in scratch: URL) throws -> ToolRun {
    try ToolRun.run(
      "/bin/bash", ["-c", "set -o pipefail\n" + command], in: scratch,
      environment: [
        "PATH": ToolRun.binaries.path + ":/usr/local/bin:/usr/bin:/bin",
        "HOME": scratch.path, "LC_ALL": "C.UTF-8", "FLOW_ROOT": ToolRun.root.path,
      ])
  }
}
