import Glibc
import Testing

@testable import FlowCore

@Suite struct ThreadCPUClockTests {
  /// The search's cap is counted in this clock, so a thread that is not running (as on a
  /// busy machine) must not bring it closer.
  @Test func threadCPUClockStandsStillWhileTheThreadSleeps() {
    let before = ThreadCPUClock.now()
    usleep(300_000)
    let after = ThreadCPUClock.now()
    #expect(after >= before)
    #expect(after - before < 0.15)
  }

  @Test func threadCPUClockAdvancesWhileTheThreadWorks() {
    let before = ThreadCPUClock.now()
    var sum = 0.0
    var step = 0
    while ThreadCPUClock.now() == before && step < 100_000_000 {
      sum += Double(step).squareRoot()
      step += 1
    }
    #expect(sum >= 0)
    #expect(ThreadCPUClock.now() > before)
  }
}
