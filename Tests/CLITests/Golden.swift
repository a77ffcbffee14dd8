import Foundation
import Testing

/// Golden files under `Tests/Fixtures/golden/`: text compared with what was recorded,
/// with the repository path written as `$ROOT`. `FLOW_RECORD=1` records instead.
enum Golden {
  static let folder = ToolRun.root.appendingPathComponent("Tests/Fixtures/golden")

  static func expect(
    _ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let normalized = text.replacingOccurrences(of: ToolRun.root.path, with: "$ROOT")
    let golden = folder.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["FLOW_RECORD"] == "1" {
      try FileManager.default.createDirectory(
        at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
      try normalized.write(to: golden, atomically: true, encoding: .utf8)
    }
    let recorded = try String(contentsOf: golden, encoding: .utf8)
    #expect(
      normalized == recorded,
      "\(name) differs from the golden file; re-record with FLOW_RECORD=1 swift test",
      sourceLocation: sourceLocation)
  }
}
