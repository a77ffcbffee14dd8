import Foundation
import Testing

/// `flow-sched --format make` run by GNU make with the real flow-exec: a document path and
/// stage names that are shell and make syntax run as the names and path they are.
@Suite struct MakefileExportCLITests {
  static let names = ["$(touch by-name)", "`touch by-backquote`", "a b", "#h", "50%", "c:d", "-x"]

  @Test func hostileNamesAndPathRunThroughMakeAndFlowExec() throws {
    let folder = try ExecFolder()
    defer { folder.remove() }
    let documentName = "plan $(touch by-path) `touch x` #c %p :q ;r 'sq'.json"
    let stages = Self.names.map { ExecFolder.bash($0, "printf '%s\\n' \"$FLOW_STAGE\" >> ran") }
    let document = try folder.document(stages)
    try document.write(
      toFile: folder.path + "/" + documentName, atomically: true, encoding: .utf8)
    let sched = try ToolRun.run(
      "flow-sched",
      [
        "--cpus", "1", "--memory", "1Gi", "--gpus", "0", "--format", "make", "-o", "Makefile",
        documentName,
      ],
      in: folder.url)
    #expect(sched.status == 0, "\(sched.stderr)")
    let flowExec = ToolRun.binaries.appendingPathComponent("flow-exec").path
    let make = try ToolRun.run(
      "/usr/bin/make", ["-s", "-C", folder.path, "FLOW_EXEC=" + flowExec], in: folder.url)
    #expect(make.status == 0, "\(make.stderr)")
    let ran = (folder.read("ran") ?? "").split(separator: "\n").map(String.init)
    #expect(ran.sorted() == Self.names.sorted())
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(!left.contains { $0.hasPrefix("by-") || $0 == "x" }, "\(left)")
  }
}
