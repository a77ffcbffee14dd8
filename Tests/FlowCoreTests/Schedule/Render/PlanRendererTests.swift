import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct PlanRendererTests {
  let stages = [
    PlanStage(name: "fetch data", duration: 2),
    PlanStage(name: "it's", needs: ["fetch data"], duration: 3, demand: StageDemand(cpu: 2)),
    PlanStage(name: "$HOME;x", needs: ["fetch data"], duration: 1, processOn: .gpu),
    PlanStage(name: "100% <done> & \"#\"", needs: ["it's", "$HOME;x"], duration: 1),
  ]
  let capacity = PlanCapacity(cpu: 4, memory: 1 << 30, gpuIDs: ["0"])

  func plan(waves: Bool = false) throws -> Plan {
    try Planner.plan(stages, capacity: capacity, options: PlanOptions(waves: waves))
  }

  @Test func textTableListsStagesInOrderWithSummary() throws {
    let text = PlanTextRenderer.render(try plan())
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[0] == "order  stage              start  finish  device  gpus  duration from")
    #expect(lines[1] == "    1  fetch data             0       2  cpu     -     estimate")
    #expect(lines[2] == "    2  it's                   2       5  cpu     -     estimate")
    #expect(lines[3] == "    3  $HOME;x                2       3  gpu     0     estimate")
    #expect(text.contains("makespan: 6 s (list)\n"))
    #expect(text.contains("lower bound: 6 s (critical path)\ngap: 0%\n"))
  }

  @Test func textForWavesReportsIdleCapacity() throws {
    let text = PlanTextRenderer.render(try plan(waves: true))
    #expect(text.contains("makespan: 6 s (waves)"))
    #expect(text.contains("layers: 3; list scheduling would take 6 s"))
    #expect(text.contains("idle cpu: "))
  }

  @Test func dotHasANodePerStageAndAnEdgePerNeed() throws {
    let dot = PlanDotRenderer.render(try plan())
    #expect(dot.hasPrefix("digraph plan {\n"))
    #expect(dot.contains("s0 -> s1;") && dot.contains("s0 -> s2;"))
    #expect(dot.contains("s1 -> s3;") && dot.contains("s2 -> s3;"))
    #expect(dot.contains("s3 [label=\"100% <done> & \\\"#\\\"\\n#4  5–6 s  cpu\"];"))
    #expect(dot.contains("s2 [label=\"$HOME;x\\n#3  2–3 s  gpu 0\", style=\"rounded,filled\""))
  }

  @Test func svgIsWellFormedWithABarPerStage() throws {
    let svg = PlanSVGRenderer.render(try plan())
    let parser = XMLParser(data: Data(svg.utf8))
    #expect(parser.parse())
    #expect(svg.components(separatedBy: "<title>").count - 1 == 4)
    #expect(svg.contains("100% &lt;done&gt; &amp; &quot;#&quot;"))
    #expect(svg.contains("makespan 6 s · lower bound 6 s (critical path) · gap 0% · list"))
  }

  @Test func svgPacksLargePlansIntoLanes() throws {
    let many = (0..<30).map { PlanStage(name: "s\($0)", duration: 1) }
    let plan = try Planner.plan(many, capacity: PlanCapacity(cpu: 3, memory: 0))
    let svg = PlanSVGRenderer.render(plan, rowLimit: 10)
    #expect(svg.contains(">lane 3</text>"))
    #expect(!svg.contains(">lane 4</text>"))
    #expect(XMLParser(data: Data(svg.utf8)).parse())
  }

  @Test func ticksAreRound() {
    #expect(PlanSVGRenderer.ticks(upTo: 6) == [0, 1, 2, 3, 4, 5, 6])
    #expect(PlanSVGRenderer.ticks(upTo: 95) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
    #expect(PlanSVGRenderer.ticks(upTo: 1200) == [0, 200, 400, 600, 800, 1000, 1200])
  }

  @Test func makefileRunsForRealWithGNUMake() throws {
    let scratch = try TemporaryFolder()
    let folder = scratch.url
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
    let fake = folder.appendingPathComponent("fake-exec")
    try """
    #!/bin/sh
    # called as: fake-exec --stage=NAME -- DOCUMENT
    case $1 in --stage=*) name=${1#--stage=} ;; *) exit 3 ;; esac
    [ "$2" = -- ] && [ "$3" = plan.json ] && [ $# = 3 ] || exit 3
    printf '%s\\n' "$name" >> log.txt
    : > "out/$name"
    """.write(to: fake, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
    let makefile = try PlanMakefileRenderer(command: fake.path).render(try plan())
    try makefile.write(
      to: folder.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)

    #expect(try make(in: folder) == 0)
    let made = try FileManager.default.contentsOfDirectory(
      atPath: folder.appendingPathComponent("out").path)
    #expect(Set(made) == Set(stages.map(\.name)))
    let log = try String(contentsOf: folder.appendingPathComponent("log.txt"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    #expect(log.count == 4)
    #expect(log.first == "fetch data")
    #expect(log.last == "100% <done> & \"#\"")

    // Every make asks the executor again: the stage cache, not the stamps, says what reruns.
    #expect(try make(in: folder) == 0)
    let again = try String(contentsOf: folder.appendingPathComponent("log.txt"), encoding: .utf8)
    #expect(again.split(separator: "\n").count == 8)
  }

  @Test func makefileRefusesNamesWithControlCharacters() throws {
    let plan = try Planner.plan(
      [PlanStage(name: "two\nlines", duration: 1)], capacity: PlanCapacity(cpu: 1, memory: 0))
    #expect(throws: PlanMakefileRenderer.RenderError.unwritableName("two\nlines")) {
      try PlanMakefileRenderer().render(plan)
    }
  }

  @Test func makefileQuotesNamesAndSanitisesStamps() throws {
    let makefile = try PlanMakefileRenderer().render(try plan())
    #expect(makefile.contains("\t$(FLOW_EXEC) --stage='$$HOME;x' -- $(FLOW_DOCUMENT)\n"))
    #expect(makefile.contains("\t$(FLOW_EXEC) --stage='it'\\''s' -- $(FLOW_DOCUMENT)\n"))
    let (done, its, home) = (
      SafeName.of("100% <done> & \"#\""), SafeName.of("it's"), SafeName.of("$HOME;x")
    )
    #expect(done.hasPrefix("100___done_______-") && its.hasPrefix("it_s-"))
    #expect(
      makefile.contains(
        "$(STAMPS)/4-\(done).done: $(STAMPS)/2-\(its).done $(STAMPS)/3-\(home).done FORCE\n"))
    #expect(makefile.contains("FLOW_EXEC ?= flow-exec\n"))
  }

  private func make(in folder: URL) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["make", "-s", "-j3", "-C", folder.path]
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }
}
