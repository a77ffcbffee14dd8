import Glibc
import Testing

@testable import FlowCore

@Suite struct DaskBridgePathTests {
  /// A relative `FLOW_DASK_BRIDGE` is made absolute, so python never reads a script named
  /// like `-x.py` as one of its options.
  @Test func aRelativeBridgePathIsMadeAbsolute() throws {
    let relative = "share/flow/flow-dask-bridge.py"
    let environment: EnvironmentMap = ["PATH": "/usr/bin:/bin", "FLOW_DASK_BRIDGE": relative]
    let located = try DaskBridge.locate(environment: environment)
    #expect(located.bridge.hasPrefix("/"))
    if access(relative, R_OK) == 0 {
      #expect(located.bridge == PathText.currentDirectory + "/" + relative)
    }
  }
}
