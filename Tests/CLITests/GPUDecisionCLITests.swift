import Foundation
import Testing

/// `flow-sched --explain` on the fake machine trees of `Tests/Fixtures/probe/`: each
/// case's decision records and exit status against `Tests/Fixtures/golden/gpu/`.
@Suite struct GPUDecisionCLITests {
  static let fixtures = ToolRun.root.appendingPathComponent("Tests/Fixtures/probe").path
  static let gib20 = 20 << 30

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var tree: String
    var stages: [String]
    var environment: [String: String] = [:]
    var testDescription: String { name }
  }

  static func stage(
    _ name: String, _ resources: String, image: String? = nil, duration: Int = 10
  ) -> String {
    let imageMember = image.map { #""image": "\#($0)", "# } ?? ""
    return
      #"{"name": "\#(name)", "duration": \#(duration), "environment": {\#(imageMember)"resources": {\#(resources)}}}"#
  }

  static let cases: [Case] = [
    Case(
      name: "no-gpu-required", tree: "no-gpu", stages: [stage("train", #""process_on": "gpu""#)]),
    Case(
      name: "no-gpu-if-available", tree: "no-gpu",
      stages: [stage("train", #""process_on": "gpu_if_available""#)]),
    Case(
      name: "stale-cdi-refused", tree: "nvidia-stale-cdi",
      stages: [stage("train", #""process_on": "gpu""#, image: "localhost/app:1")]),
    Case(
      name: "stale-cdi-falls-back", tree: "nvidia-stale-cdi",
      stages: [stage("train", #""process_on": "gpu_if_available""#, image: "localhost/app:1")]),
    Case(
      name: "driver-535-image-cuda-12.6", tree: "nvidia-535",
      stages: [stage("train", #""process_on": "gpu""#, image: "localhost/cuda-app:12.6")]),
    Case(
      name: "driver-535-image-not-local", tree: "nvidia-535",
      stages: [stage("train", #""process_on": "gpu""#, image: "localhost/other:1")]),
    Case(
      name: "a100-80gb-five-stages-of-20gi", tree: "nvidia-80gb",
      stages: (1...5).map { stage("train\($0)", #""process_on": "gpu", "gpu_memory": \#(gib20)"#) }),
    Case(
      name: "mig-instances", tree: "nvidia-mig",
      stages: [
        stage("a", #""process_on": "gpu""#), stage("b", #""process_on": "gpu""#),
      ]),
    Case(
      name: "slurm-job-gpus-3", tree: "nvidia-four", stages: [stage("train", #""gpu": 1"#)],
      environment: ["SLURM_JOB_GPUS": "3"]),
  ]

  static func run(_ test: Case, _ arguments: [String]) throws -> ToolRun {
    var environment = [
      "PATH": "\(fixtures)/image-bin:\(fixtures)/bin:/usr/bin:/bin",
      "FLOW_PROBE_ROOT": "\(fixtures)/\(test.tree)",
    ]
    for (name, value) in test.environment { environment[name] = value }
    let document =
      #"{"flow": 1, "source": "w.yaml", "stages": ["# + test.stages.joined(separator: ", ") + "]}"
    return try ToolRun.run(
      "flow-sched", arguments + ["--cpus", "8", "--memory", "16Gi"], stdin: document,
      environment: environment)
  }

  @Test(arguments: cases)
  func decisionRecordsAndExitStatusMatchTheGoldenFiles(_ test: Case) throws {
    let run = try Self.run(test, ["--explain"])
    try Golden.expect(
      "exit: \(run.status)\n--- stdout\n\(run.stdout)--- stderr\n\(run.stderr)",
      "gpu/\(test.name).txt")
  }

  /// The 80 GB GPU takes four stages of 20 GiB at once on id 0; the fifth starts when one
  /// of them ends, on id 0 too.
  @Test func fourStagesOfTwentyGibibytesRunTogetherOnIDZeroAndAFifthWaits() throws {
    let test = Self.cases.first { $0.name == "a100-80gb-five-stages-of-20gi" }!
    let run = try Self.run(test, [])
    #expect(run.status == 0, "\(run.stderr)")
    let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    let plans = (document["stages"] as! [[String: Any]]).map { $0["plan"] as! [String: Any] }
    #expect(plans.map { $0["gpu_ids"] as? [String] } == Array(repeating: ["0"], count: 5))
    #expect(plans.map { $0["start"] as? Double ?? -1 }.sorted() == [0, 0, 0, 0, 10])
    let decision = plans[0]["gpu_decision"] as? [String: Any]
    #expect(decision?["outcome"] as? String == "gpu")
  }
}
