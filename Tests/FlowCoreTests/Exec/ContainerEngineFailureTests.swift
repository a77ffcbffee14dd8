import Foundation
import Testing

@testable import FlowCore

@Suite struct ContainerEngineFailureTests {
  func failure(
    _ engine: ContainerEngine = .podman, status: Int32, signal: Int32? = nil,
    stopped: Bool = false, lastLine: String? = nil
  ) -> ContainerEngineFailure? {
    ContainerEngineFailure(
      engine: engine, container: "flow-7-fit", status: status, signal: signal,
      stoppedByRunner: stopped, lastLine: lastLine)
  }

  /// A client killed by a signal flow-exec did not send is the engine's failure, 125.
  @Test func aKilledClientIsAnEngineFailureNamingTheSignal() {
    let killed = failure(status: 137, signal: SIGKILL)
    #expect(killed?.status == 125)
    #expect(
      killed?.message
        == "container engine podman was killed by SIGKILL while container flow-7-fit ran")
    #expect(failure(status: 137, signal: SIGKILL, stopped: true) == nil)
  }

  @Test(arguments: [
    (Int32(125), "container engine podman failed (status 125): Error: image not known"),
    (
      126,
      "container engine podman could not run the stage's command in the image (status 126): Error: image not known"
    ),
    (
      127,
      "container engine podman found no such command in the image (status 127): Error: image not known"
    ),
  ])
  func engineStatusesWithTheEnginesErrorLineAreTheEngines(status: Int32, message: String) {
    let found = failure(status: status, lastLine: "Error: image not known")
    #expect(found?.status == status)
    #expect(found?.message == message)
  }

  /// The same statuses without the engine's error line are the stage's own.
  @Test func theStagesOwnStatusesStayTheStages() {
    #expect(failure(status: 125, lastLine: "done") == nil)
    #expect(failure(status: 127, lastLine: "bash: line 1: nope: command not found") == nil)
    #expect(failure(status: 125) == nil)
    #expect(failure(status: 3, lastLine: "Error: something") == nil)
    #expect(failure(.apptainer, status: 125, lastLine: "Error: x") == nil)
  }

  @Test func dockersErrorLinesAreRecognised() {
    let line = "docker: Error response from daemon: pull access denied."
    #expect(failure(.docker, status: 125, lastLine: line)?.status == 125)
    #expect(failure(.podman, status: 125, lastLine: line) == nil)
  }

  @Test func theLastLineSkipsBlankOnesAndReadsOnlyTheEnd() throws {
    let path = NSTemporaryDirectory() + "flow-engine-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: path) }
    let text = String(repeating: "x", count: 10_000) + "\nfirst\nError: last one\n\n  \n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    #expect(ContainerEngineFailure.lastLine(of: path) == "Error: last one")
    #expect(ContainerEngineFailure.lastLine(of: path + ".missing") == nil)
  }

  @Test func signalsAreNamedAsPeopleWriteThem() {
    #expect(SignalName.of(SIGKILL) == "SIGKILL")
    #expect(SignalName.of(SIGINT) == "SIGINT")
    #expect(SignalName.of(200) == "signal 200")
  }
}
