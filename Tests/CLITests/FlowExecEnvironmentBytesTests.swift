import Foundation
import Testing

/// Environment variable names are byte strings: `CAFÉ` with U+00C9 and with `E` + U+0301
/// are two variables of a stage, in a run and in a dry run.
@Suite struct FlowExecEnvironmentBytesTests {
  let composed = "CAF\u{C9}"
  let decomposed = "CAFE\u{301}"

  /// A document whose merged variables hold both spellings (written by hand: a Swift
  /// dictionary would merge them).
  func document(in folder: ExecFolder) throws -> String {
    let stage = ExecFolder.bash(
      "a", "env",
      extra: ["environment": ["variables": ["merged": ["NAME_ONE": "nfc", "NAME_TWO": "nfd"]]]])
    return try folder.document([stage])
      .replacingOccurrences(of: "NAME_ONE", with: composed)
      .replacingOccurrences(of: "NAME_TWO", with: decomposed)
  }

  func lines(_ bytes: [UInt8]) -> [[UInt8]] {
    bytes.split(separator: UInt8(ascii: "\n")).map { Array($0) }
  }

  @Test func stageGetsBothSpellingsOfAName() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try ToolRun.run(
      "flow-exec", ["--clean-env"], stdin: try document(in: folder),
      environment: ["PATH": "/usr/bin:/bin"])
    #expect(run.status == 0, "\(run.stderr)")
    let log = try Data(
      contentsOf: folder.url.appendingPathComponent(".flow/runs/latest/logs/a.log"))
    let logLines = lines(Array(log))
    #expect(logLines.contains(Array("\(composed)=nfc".utf8)))
    #expect(logLines.contains(Array("\(decomposed)=nfd".utf8)))
  }

  @Test func dryRunShowsBothSpellingsOfAName() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let run = try ToolRun.run(
      "flow-exec", ["--dry-run", "--format", "json", "--clean-env"],
      stdin: try document(in: folder),
      environment: ["PATH": "/usr/bin:/bin"])
    #expect(run.status == 0, "\(run.stderr)")
    let output = Array(run.stdout.utf8)
    let both = Array(#""\#(decomposed)":"nfd","\#(composed)":"nfc""#.utf8)
    #expect(output.firstRange(of: both) != nil, "\(run.stdout)")
  }
}
