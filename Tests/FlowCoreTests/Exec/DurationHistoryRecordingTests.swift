import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// `--history` overwrote a file it had just called "not a duration history; ignored".
@Suite struct DurationHistoryRecordingTests {
  let stages = ["fit"].map { name in
    StageLaunch(name: name, logPath: "/logs/\(name).log", command: { _ in (["true"], [:]) })
  }
  let results = [StageResult(outcome: .succeeded, status: 0, seconds: 2)]

  @Test(arguments: ["[1]", "not json at all\n", #"{"stages": {"fit": "slow"}}"#])
  func aFileThatIsNotAHistoryIsNeverOverwritten(text: String) throws {
    let scratch = try TemporaryFolder()
    let path = try scratch.write("notes.json", text)
    let saved = RunReport(stages: stages, began: 0)
      .save(results, status: 0, historyPath: path, tracePath: nil)
    #expect(saved.status == 0)
    #expect(saved.problems == ["\(path): not a duration history; not used, and left as it is"])
    #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
  }

  @Test func aHistoryIsUpdatedAndAnEmptyFileStartsOne() throws {
    let scratch = try TemporaryFolder()
    for (name, text) in [("h.json", #"{"flow_history": 1, "stages": {"old": 1}}"#), ("e", "")] {
      let path = try scratch.write(name, text)
      let saved = RunReport(stages: stages, began: 0)
        .save(results, status: 0, historyPath: path, tracePath: nil)
      #expect(saved.problems.isEmpty)
      let read = DurationHistory.readIfPresent(path)
      #expect(read.note == nil)
      #expect(read.0.seconds["fit"] == 2)
    }
  }

}
