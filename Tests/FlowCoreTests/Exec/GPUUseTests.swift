import Foundation
import Testing

@testable import FlowCore

/// What the runner says of a stage given GPUs: whether its processes held a GPU's device
/// file open.
@Suite struct GPUUseTests {
  @Test func aProcessHoldingTheDeviceFileOpenUsesTheGPU() throws {
    let node = ProbeFixture.folder + "/nvidia-535/dev/nvidia0"
    let run = "gpu-use-test-\(getpid())"
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/bin/sh")
    holder.arguments = ["-c", #"exec 3<"$0"; exec sleep 30"#, node]
    holder.environment = [RunProcesses.variable: "\(run)/4", "PATH": "/usr/bin:/bin"]
    try holder.run()
    defer {
      // SIGKILL: the test process's blocked signals may be the child's too.
      kill(holder.processIdentifier, SIGKILL)
      holder.waitUntilExit()
    }
    let watch = GPUUseWatch()
    watch.begin(stage: 4, leader: -1, gpus: ["0"], nodes: [node], unknown: nil)
    var now = 0.0
    // The shell opens the file soon after it starts; it is looked at until then.
    for _ in 0..<200 where watch.isWatching {
      watch.look(now: now, run: run)
      now += GPUUseWatch.interval
      usleep(20_000)
    }
    let use = try #require(watch.end(stage: 4))
    #expect(use.state == .used)
    #expect(use.opened == [node])
    #expect(use.gpus == ["0"])
    #expect(use.note(stage: "s") == nil)
  }

  @Test func aStageNeverLookedAtOrInAContainerIsUnknown() throws {
    let watch = GPUUseWatch()
    watch.begin(stage: 0, leader: -1, gpus: ["0"], nodes: ["/dev/nvidia0"], unknown: nil)
    watch.begin(
      stage: 1, leader: -1, gpus: ["1"], nodes: ["/dev/nvidia1"],
      unknown: "unknown: the container's processes run under podman, out of flow-exec's sight")
    watch.begin(stage: 2, leader: -1, gpus: ["2"], nodes: [], unknown: nil)
    #expect(
      watch.end(stage: 0)?.reason
        == "unknown: the stage ended before its processes were looked at")
    #expect(watch.end(stage: 1)?.state == .unknown)
    #expect(watch.end(stage: 2)?.reason == "unknown: the probe named no device file")
    #expect(watch.end(stage: 3) == nil)
  }

  @Test func aStageLookedAtThatOpenedNothingLeftItsGPUUnused() throws {
    let watch = GPUUseWatch()
    watch.begin(stage: 0, leader: -1, gpus: ["0"], nodes: ["/dev/nvidia0"], unknown: nil)
    watch.look(now: 0, run: "no-such-run")
    watch.look(now: 0.1, run: "no-such-run")
    let use = try #require(watch.end(stage: 0))
    #expect(use == GPUUse(state: .unused, looks: 1, gpus: ["0"]))
    #expect(
      use.note(stage: "fit")
        == "stage 'fit' was granted gpu 0 but never opened it (looked once): it ran without the gpu"
    )
    #expect(
      use.json
        == .object(
          JSONObject([("state", .string("unused")), ("opened", .array([])), ("looks", .integer(1))])
        )
    )
  }

  @Test func theProbeNamesEachGPUsDeviceFile() {
    let machine = ProbeFixture.probe("nvidia-four")
    let root = ProbeFixture.folder + "/nvidia-four"
    #expect(machine.gpus.map(\.deviceNodes).allSatisfy { $0.count == 1 })
    #expect(
      Set(machine.gpus.flatMap(\.deviceNodes))
        == Set((0..<4).map { "\(root)/dev/nvidia\($0)" }))
    let mig = ProbeFixture.probe("nvidia-mig")
    #expect(mig.gpus.count > 1)
    #expect(Set(mig.gpus.flatMap(\.deviceNodes)).count == 1)
  }
}
