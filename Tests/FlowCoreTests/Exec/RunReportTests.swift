import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

@Suite struct RunReportTests {
  let stages = ["fit", "plot"].map { name in
    StageLaunch(name: name, logPath: "/logs/\(name).log", command: { _ in (["true"], [:]) })
  }

  func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

  @Test func everyEventHasItsLine() {
    var report = RunReport(stages: stages, began: 100, writesOutput: true)
    let lines = [
      RunEvent.started(stage: 0, pid: 7, gpus: ["1"], at: 101),
      .output(stage: 0, line: "hello", at: 102),
      .submitted(stage: 1, job: "42", at: 103),
      .stopping(signal: 15, at: 104),
      .cancelling(jobs: ["42", "43"], at: 105),
      .ended(stage: 0, result: StageResult(outcome: .failed, status: 3, seconds: 4), at: 105),
    ].map { text(report.record($0)) }
    #expect(
      lines[0]?.hasPrefix(
        #"{"type":"stage-start","data":{"stage":"fit","time":1.0,"pid":7,"gpus":["1"]"#) == true)
    #expect(
      lines[1] == #"{"type":"stage-output","data":{"stage":"fit","time":2.0,"line":"hello"}}"#
        + "\n")
    #expect(
      lines[2] == #"{"type":"stage-submit","data":{"stage":"plot","time":3.0,"job":"42"}}"# + "\n")
    #expect(lines[3] == #"{"type":"stop","data":{"signal":15,"time":4.0}}"# + "\n")
    #expect(lines[4] == #"{"type":"cancel","data":{"jobs":["42","43"],"time":5.0}}"# + "\n")
    #expect(
      lines[5]?.hasPrefix(
        #"{"type":"stage-end","data":{"stage":"fit","time":5.0,"outcome":"failed","status":3"#)
        == true)
  }

  @Test func cachedStageEndLineIsTheGeneralLineByteForByte() {
    for time in [0, 1, 0.5, 0.535928720986703, 12.000_000_4, 3600.25, 123_456.000_001] {
      let rounded = RunEventLine.eventTime(time)
      let cached = StageResult(outcome: .cached, status: 0)
      let direct = RunEventLine.cachedEnd(stage: "fit", result: cached, time: rounded)
      var general = RunEventLine.line(
        "stage-end",
        JSONObject([
          ("stage", .string("fit")), ("time", .number(rounded)),
          ("outcome", .string("cached")), ("status", .integer(0)),
        ]))
      #expect(text(direct) == text(general), "time \(time)")
      #expect(
        text(RunEventLine.end(stage: stages[0], result: cached, time: rounded)) == text(general))
      general = RunEventLine.event(
        .ended(stage: 0, result: cached, at: 100 + time), stages: stages, began: 100)
      #expect(text(general)?.contains(#""outcome":"cached""#) == true)
    }
  }

  @Test func eventTimesAreWrittenToTheMicrosecond() {
    var report = RunReport(stages: stages, began: 100, writesOutput: true)
    let line = text(report.record(.output(stage: 0, line: "x", at: 100.535928720986703)))
    #expect(
      line == #"{"type":"stage-output","data":{"stage":"fit","time":0.535929,"line":"x"}}"# + "\n")
    let ended = text(
      report.record(.ended(stage: 1, result: StageResult(outcome: .cached, status: 0), at: 102.25)))
    #expect(
      ended
        == #"{"type":"stage-end","data":{"stage":"plot","time":2.25,"outcome":"cached","status":0}}"#
        + "\n")
  }

  @Test func outputLinesOnlyWhenAskedFor() {
    var report = RunReport(stages: stages, began: 0)
    #expect(report.record(.output(stage: 0, line: "x", at: 1)) == nil)
  }

  @Test func statusIsTheSignalThenTheFirstFailure() {
    var report = RunReport(stages: stages, began: 0)
    #expect(report.status(stopSignal: nil) == 0)
    _ = report.record(.ended(stage: 1, result: StageResult(outcome: .failed, status: 3), at: 1))
    _ = report.record(.ended(stage: 0, result: StageResult(outcome: .failed, status: 9), at: 2))
    #expect(report.firstFailure == 3)
    #expect(report.status(stopSignal: nil) == 3)
    #expect(report.status(stopSignal: 2) == 130)
  }

  @Test func notesForPeople() {
    #expect(RunReport.note(for: .stopping(signal: 2, at: 0)) == "SIGINT received: stopping the run")
    #expect(
      RunReport.note(for: .cancelling(jobs: ["1", "2"], at: 0)) == "cancelling slurm jobs 1, 2")
    #expect(RunReport.note(for: .submitted(stage: 0, job: "1", at: 0)) == nil)
  }

  @Test func historyKeepsOnlyWhatSucceeded() {
    let report = RunReport(stages: stages, began: 0)
    let results = [
      StageResult(outcome: .succeeded, status: 0, seconds: 2.5),
      StageResult(outcome: .failed, status: 1, seconds: 9),
    ]
    let updated = report.history(results, over: DurationHistory(seconds: ["plot": 1, "old": 4]))
    #expect(updated.seconds == ["fit": 2.5, "plot": 1, "old": 4])
  }

  @Test func savesHistoryAndTraceAndFailsWhenTheTraceCannotBeWritten() throws {
    let folder = try TemporaryFolder()
    var report = RunReport(stages: stages, began: 0)
    _ = report.record(.started(stage: 0, pid: 1, gpus: [], at: 0))
    let result = StageResult(outcome: .succeeded, status: 0, seconds: 1)
    _ = report.record(.ended(stage: 0, result: result, at: 1))
    let history = folder.path + "/history.json"
    let trace = folder.path + "/trace.json"
    let saved = report.save([result], status: 0, historyPath: history, tracePath: trace)
    #expect(saved.status == 0 && saved.problems.isEmpty)
    #expect(DurationHistory.readIfPresent(history).0.seconds == ["fit": 1])
    let written = try JSONCodec.decode(InputFile.read(trace))
    #expect(written["traceEvents"]?.arrayValue?.count == 1)

    let unwritable = folder.path + "/no/such/folder/trace.json"
    let failed = report.save([result], status: 0, historyPath: nil, tracePath: unwritable)
    #expect(failed.status == 125 && failed.problems.count == 1)
    #expect(report.save([result], status: 3, historyPath: nil, tracePath: unwritable).status == 3)
  }

  @Test func aFileThatIsNotAHistoryIsIgnoredWithANote() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("history.json", "[1]")
    let (history, note) = DurationHistory.readIfPresent(path)
    #expect(history.seconds.isEmpty)
    #expect(note == "\(path): not a duration history; not used, and left as it is")
    #expect(DurationHistory.readIfPresent(folder.path + "/none").note == nil)
  }
}
