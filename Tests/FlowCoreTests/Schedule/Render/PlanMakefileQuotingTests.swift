import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// What a Makefile carries from data stays data under GNU make and the shell: a document
/// path and stage names with `$(…)`, backquotes, spaces, `#`, `%`, `:`, `;` and quotes.
@Suite struct PlanMakefileQuotingTests {
  static let names = [
    "$(touch made-by-name)", "`touch made-by-backquote`", "a b", "#hash", "50%", "c:d", "e;f",
    "-x", "it's", "back\\slash#",
  ]
  static let document = "plan $(touch made-by-path) `touch x` #c %p :q ;r 'sq' \\#.json"

  /// `flow-sched --format make` left the document path unquoted, so `$(…)` in it ran in
  /// every recipe.
  @Test func hostilePathsAndNamesReachTheCommandAsTheyAre() throws {
    let names = Self.names
    let scratch = try TemporaryFolder()
    let recorder = try scratch.write(
      "recorder",
      """
      #!/bin/sh
      # one line per run, the arguments each in brackets, written at once: make runs
      # recipes in parallel and the lines must not interleave
      line=
      for word in "$@"; do line="$line[$word]"; done
      printf '%s\n' "$line" >> calls.txt
      """)
    #expect(chmod(recorder, 0o755) == 0)
    try scratch.write(Self.document, "{}")
    let stages = names.map { PlanStage(name: $0, duration: 1) }
    let plan = try Planner.plan(stages, capacity: PlanCapacity(cpu: 2, memory: 0))
    let makefile = try PlanMakefileRenderer(command: recorder, document: Self.document)
      .render(plan)
    try scratch.write("Makefile", makefile)

    #expect(try make(in: scratch.path) == 0)
    let calls = try String(contentsOfFile: scratch.path + "/calls.txt", encoding: .utf8)
      .split(separator: "\n").map(String.init)
    #expect(Set(calls) == Set(names.map { "[--stage=\($0)][--][\(Self.document)]" }))
    #expect(calls.count == names.count)
    let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
    #expect(!left.contains { $0.hasPrefix("made-by") || $0 == "x" })
  }

  /// The stamp targets hold no character make or the shell reads: the safe names.
  @Test func stampsAreSafeNames() throws {
    let plan = try Planner.plan(
      Self.names.map { PlanStage(name: $0, duration: 1) }, capacity: PlanCapacity(cpu: 1, memory: 0)
    )
    let makefile = try PlanMakefileRenderer().render(plan)
    for (index, name) in plan.stages.map(\.name).enumerated() {
      #expect(makefile.contains("$(STAMPS)/\(index + 1)-\(SafeName.of(name)).done:"))
    }
  }

  @Test func assignmentsEscapeDollarsAndHashes() {
    #expect(PlanMakefileRenderer.assignable("a$b#c") == "a$$b\\#c")
    #expect(PlanMakefileRenderer.assignable("a\\#") == "a\\\\\\#")
    #expect(PlanMakefileRenderer.assignable("a\\b") == "a\\b")
  }

  @Test func aCommandWithAFinalBackslashIsRefused() {
    let plan = try! Planner.plan(
      [PlanStage(name: "a", duration: 1)], capacity: PlanCapacity(cpu: 1, memory: 0))
    #expect(throws: PlanMakefileRenderer.RenderError.unwritableSetting("x\\")) {
      try PlanMakefileRenderer(command: "x\\").render(plan)
    }
  }

  private func make(in folder: String) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/make")
    process.arguments = ["-s", "-j2", "-C", folder]
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }
}
