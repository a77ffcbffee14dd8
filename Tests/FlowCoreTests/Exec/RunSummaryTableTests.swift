import Testing

@testable import FlowCore

@Suite struct RunSummaryTableTests {
  let stages = ["prep", "fit", "slow", "nap", "plot"].map { name in
    StageLaunch(name: name, logPath: "/w/logs/\(name).log", command: { _ in (["true"], [:]) })
  }

  /// A run where prep succeeded, fit failed, slow timed out, nap was ended by the stop
  /// signal and plot never started.
  var timeline: RunTimeline {
    var timeline = RunTimeline(stages: stages, began: 100)
    let events: [RunEvent] = [
      .started(stage: 0, pid: 1, gpus: [], at: 100),
      .started(stage: 2, pid: 2, gpus: ["0"], at: 100),
      .ended(stage: 0, result: StageResult(outcome: .succeeded, status: 0, seconds: 1), at: 101),
      .started(stage: 1, pid: 3, gpus: [], at: 101),
      .started(stage: 3, pid: 4, gpus: [], at: 101),
      .ended(stage: 1, result: StageResult(outcome: .failed, status: 3, seconds: 1), at: 102),
      .ended(
        stage: 2,
        result: StageResult(outcome: .failed, status: 124, signal: 15, timedOut: true, seconds: 3),
        at: 103),
      .stopping(signal: 2, at: 103.5),
      .ended(
        stage: 3, result: StageResult(outcome: .failed, status: 143, signal: 15, seconds: 3),
        at: 104),
      .ended(
        stage: 4, result: StageResult(outcome: .skipped, status: 0, message: "the run was stopped"),
        at: 104),
    ]
    for event in events { timeline.record(event) }
    return timeline
  }

  @Test func everyOutcomeHasItsWord() {
    #expect(
      stages.indices.map(timeline.verdict) == [
        "succeeded", "failed", "timed out", "stopped", "skipped",
      ])
  }

  @Test func theTableNamesTheLogOfEachStageThatEndedBadly() {
    let text = RunSummaryTable.render(timeline, status: 130, colour: false)
    let rows = text.split(separator: "\n").map(String.init)
    #expect(rows[0].hasPrefix("STAGE") && rows[0].hasSuffix("LOG"))
    #expect(rows[1].hasPrefix("prep") && !rows[1].contains(".log"))
    #expect(rows[2].hasPrefix("fit") && rows[2].hasSuffix("/w/logs/fit.log"))
    #expect(rows[3].contains("timed out") && rows[3].hasSuffix("/w/logs/slow.log"))
    #expect(rows[4].contains("stopped") && rows[4].hasSuffix("/w/logs/nap.log"))
    #expect(rows[5].hasPrefix("plot") && rows[5].contains("skipped") && !rows[5].contains(".log"))
    #expect(
      rows[6]
        == "5 stages: 1 succeeded, 1 failed, 1 timed out, 1 stopped, 1 skipped · 4 s · exit status 130"
    )
    #expect(!text.contains("\u{1b}"), "no colour when not asked")
  }

  @Test func aStageWaitsFromTheEndOfWhatItNeeds() {
    var stages = self.stages
    stages[1].needs = [0]
    var timeline = RunTimeline(stages: stages, began: 0)
    timeline.record(.ended(stage: 0, result: StageResult(outcome: .succeeded, status: 0), at: 2))
    #expect(timeline.ready(1) == 2)
    #expect(timeline.ready(0) == 0)
  }

  @Test func theReportHasOneChartRowPerStageAndNeedsNoNetwork() {
    var stages = self.stages
    stages[0].name = "<prep & \"co\">"
    stages[0].planned = (start: 0, seconds: 2)
    var timeline = RunTimeline(stages: stages, began: 100)
    timeline.record(.started(stage: 0, pid: 1, gpus: ["0"], at: 100))
    timeline.record(
      .ended(stage: 0, result: StageResult(outcome: .succeeded, status: 0, seconds: 1), at: 101))
    let html = RunHTMLReport.render(timeline, status: 0, title: "run")
    #expect(html.components(separatedBy: "<g class=\"stage\"").count - 1 == stages.count)
    #expect(html.contains("&lt;prep &amp; &quot;co&quot;&gt;") && !html.contains("<prep"))
    #expect(html.contains("planned makespan 2 s"))
    // Nothing is fetched: no sources, no links but to files (the SVG namespace is a name).
    #expect(!html.contains("src=") && !html.contains("href=\"http") && !html.contains("url("))
  }

  @Test func cachedStagesAreCountedNotDrawnSoARerunsPageGrowsWithWhatRan() {
    var timeline = RunTimeline(stages: stages, began: 0)
    timeline.record(.ended(stage: 0, result: StageResult(outcome: .cached, status: 0), at: 0))
    timeline.record(.started(stage: 1, pid: 1, gpus: [], at: 0))
    timeline.record(
      .ended(stage: 1, result: StageResult(outcome: .succeeded, status: 0, seconds: 1), at: 1))
    let html = RunHTMLReport.render(timeline, status: 0, title: "run")
    #expect(html.components(separatedBy: "<g class=\"stage\"").count - 1 == stages.count - 1)
    #expect(!html.contains("data-stage=\"\(stages[0].name)\""))
    #expect(html.contains("1 stage cached, not drawn"))
  }

  @Test func logLinksArePercentEncoded() {
    #expect(RunHTMLReport.fileLink("/w/a b#c.log") == "file:///w/a%20b%23c.log")
  }

  @Test func aWaitingStageSaysWhatItWaitsFor() {
    let train = StageLaunch(
      name: "train", demand: StageDemand(cpu: 1, gpu: 1), logPath: "/w/train.log",
      command: { _ in (["true"], [:]) })
    var tune = train
    tune.name = "tune"
    var plot = StageLaunch(name: "plot", logPath: "/w/plot.log", command: { _ in (["true"], [:]) })
    plot.needs = [0]
    var big = plot
    (big.name, big.needs, big.demand) = ("big", [], StageDemand(cpu: 4))
    var timeline = RunTimeline(stages: [train, tune, plot, big], began: 0)
    timeline.record(.started(stage: 0, pid: 1, gpus: ["0"], at: 0))
    let capacity = PlanCapacity(cpu: 4, memory: 1 << 30, gpuIDs: ["0"])
    #expect(timeline.waitReason(1, capacity: capacity) == "for GPU 0, held by train")
    #expect(timeline.waitReason(2, capacity: capacity) == "for train")
    #expect(timeline.waitReason(3, capacity: capacity) == "for CPUs")
    let roomy = PlanCapacity(cpu: 8, memory: 1 << 30, gpuIDs: ["0", "1"])
    #expect(timeline.waitReason(1, capacity: roomy) == "for a free slot")
  }

  /// A stage whose need failed is about to be skipped: it waits for no slot.
  @Test func aStageWhoseNeedFailedIsToBeSkipped() {
    let fit = StageLaunch(name: "fit", logPath: "/w/fit.log", command: { _ in (["false"], [:]) })
    var report = fit
    (report.name, report.needs) = ("report", [0])
    var timeline = RunTimeline(stages: [fit, report], began: 0)
    timeline.record(.started(stage: 0, pid: 1, gpus: [], at: 0))
    let capacity = PlanCapacity(cpu: 4, memory: 1 << 30, gpuIDs: [])
    #expect(timeline.waitReason(1, capacity: capacity) == "for fit")
    let failed = StageResult(outcome: .failed, status: 3)
    timeline.record(.ended(stage: 0, result: failed, at: 1))
    #expect(timeline.waitReason(1, capacity: capacity) == "to be skipped: fit did not succeed")
  }

  @Test func theReportShowsAWaitForRoomAndTheExecutor() {
    var timeline = RunTimeline(stages: Array(stages.prefix(2)), began: 0)
    timeline.record(.started(stage: 0, pid: 1, gpus: [], at: 0))
    timeline.record(
      .ended(stage: 0, result: StageResult(outcome: .succeeded, status: 0, seconds: 3), at: 3))
    timeline.record(.started(stage: 1, pid: 2, gpus: ["1"], at: 3))
    timeline.record(
      .ended(stage: 1, result: StageResult(outcome: .failed, status: 2, seconds: 1), at: 4))
    let html = RunHTMLReport.render(timeline, status: 2, title: "run")
    #expect(html.contains("fit waited 3 s for room"))
    #expect(html.contains("fit: failed, 3–4 s on local, GPU 1"))
    #expect(!html.contains("prep waited"))
  }
}
