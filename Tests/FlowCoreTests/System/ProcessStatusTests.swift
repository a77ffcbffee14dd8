import Testing

@testable import FlowCore

@Suite struct ProcessStatusTests {
  @Test func decodesAnExitAndASignalAsAShellWould() {
    let exited = ProcessStatus(waitStatus: 3 << 8)
    #expect(exited == .exited(3))
    #expect(exited.shellStatus == 3)
    #expect(exited.signal == nil)
    let killed = ProcessStatus(waitStatus: 9)
    #expect(killed == .signalled(9))
    #expect(killed.shellStatus == 137)
    #expect(killed.signal == 9)
    // A core dump sets bit 7; the signal is still the low seven bits.
    #expect(ProcessStatus(waitStatus: 0x80 | 11) == .signalled(11))
    #expect(ProcessStatus(waitStatus: 0).succeeded)
  }
}
