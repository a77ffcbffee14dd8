import Foundation
import Testing

/// Every number option refuses what it cannot mean (nan, infinities, negatives where a
/// negative means nothing, absurdly large values) as a usage error (64) naming the option,
/// before anything runs: `--grace nan` once gave a run that never ended, `--gpus` with a
/// huge count a crash.
@Suite struct NumberOptionCLITests {
  let document = #"{"flow": 1, "source": "/w.yaml", "stages": []}"#

  @Test(arguments: [
    (["--grace", "nan"], "--grace"), (["--grace", "inf"], "--grace"),
    (["--grace=-1"], "--grace"), (["--grace", "1e9"], "--grace"),
    (["-j", "0"], "-j"), (["-j", "99999999"], "-j"), (["--jobs=-3"], "-j"),
  ])
  func flowExecRefusesANumberItCannotMean(arguments: [String], option: String) throws {
    let run = try ToolRun.run("flow-exec", arguments, stdin: document)
    #expect(run.status == 64)
    #expect(run.stderr.hasPrefix("flow-exec: \(option) takes a "), "\(run.stderr)")
  }

  @Test(arguments: [
    (["--cpus", "nan"], "--cpus"), (["--cpus", "inf"], "--cpus"),
    (["--cpus", "1e300"], "--cpus"), (["--cpus=-2"], "--cpus"),
    (["--gpus", "99999999999"], "--gpus"), (["--gpus=-1"], "--gpus"),
    (["--memory", "nan"], "--memory"), (["--memory", "inf"], "--memory"),
    (["--memory", "1e30"], "--memory"), (["--memory=-5"], "--memory"),
    (["--resource", "licence=-1"], "--resource"), (["--resource", "licence=nan"], "--resource"),
  ])
  func capacityOptionsRefuseANumberTheyCannotMean(arguments: [String], option: String) throws {
    for tool in ["flow-sched", "flow-exec"] {
      let run = try ToolRun.run(tool, arguments, stdin: document)
      #expect(run.status == 64, "\(tool)")
      #expect(run.stderr.hasPrefix("\(tool): \(option)"), "\(tool): \(run.stderr)")
    }
  }

  /// The bounds themselves are fine.
  @Test func theLimitsThemselvesAreAccepted() throws {
    let run = try ToolRun.run(
      "flow-exec", ["--grace", "0", "-j", "1000000", "--cpus", "1048576", "--gpus", "0"],
      stdin: document)
    #expect(run.status == 0, "\(run.stderr)")
  }
}
