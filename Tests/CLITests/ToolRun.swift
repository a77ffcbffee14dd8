import Foundation

/// Runs a built flow binary and captures what it did, for end-to-end tests.
struct ToolRun {
  var status: Int32
  var stdout: String
  var stderr: String

  /// The folder holding the built binaries: `FLOW_BIN`, else beside the test bundle.
  static var binaries: URL {
    if let folder = ProcessInfo.processInfo.environment["FLOW_BIN"] {
      return URL(fileURLWithPath: folder)
    }
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/"
      && !FileManager.default.fileExists(atPath: url.appendingPathComponent("flow-parse").path)
    {
      url.deleteLastPathComponent()
    }
    return url
  }

  /// The repository's root folder.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func run(
    _ tool: String, _ arguments: [String], stdin: String? = nil, in directory: URL? = nil,
    environment: [String: String]? = nil
  ) throws -> ToolRun {
    let process = Process()
    process.executableURL =
      tool.hasPrefix("/") ? URL(fileURLWithPath: tool) : binaries.appendingPathComponent(tool)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if var environment {
      // Sanitizer settings reach the tool even when a test gives it its own environment.
      for name in ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"] {
        environment[name] = ProcessInfo.processInfo.environment[name]
      }
      process.environment = environment
    }
    // Files rather than pipes: a large output can never block the child.
    let scratch = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)
    // Standard input from a file too: a tool that exits before reading it (a usage error)
    // would otherwise end the test process with SIGPIPE as its input is written.
    let inURL = scratch.appendingPathComponent("stdin")
    _ = FileManager.default.createFile(atPath: inURL.path, contents: Data((stdin ?? "").utf8))
    let inHandle = try FileHandle(forReadingFrom: inURL)
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = inHandle
    try process.run()
    process.waitUntilExit()
    try inHandle.close()
    try outHandle.close()
    try errHandle.close()
    let outData = try Data(contentsOf: outURL)
    let errData = try Data(contentsOf: errURL)
    return ToolRun(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// A new empty folder under the system's temporary folder.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "flow-cli-" + UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
