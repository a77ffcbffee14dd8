import Foundation

/// Runs a reference implementation (node-semver, python semantic_version) on generated cases.
public enum OracleProcess {
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  public static var differentialFolder: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("differential/resolve")
  }

  /// Feeds `{"versions": …, "specs": …}` to the program and returns its output lines.
  public static func run(
    _ arguments: [String], environment: [String: String] = [:], versions: [String],
    specs: [String]
  ) throws -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    for (key, value) in environment { merged[key] = value }
    process.environment = merged
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let document = try JSONSerialization.data(withJSONObject: [
      "versions": versions, "specs": specs,
    ])
    let writer = Thread {
      input.fileHandleForWriting.write(document)
      try? input.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(
      decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(
        description: "\(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): "
          + errorText)
    }
    return String(decoding: data, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false
    )
    .dropLast().map(String.init)
  }
}
