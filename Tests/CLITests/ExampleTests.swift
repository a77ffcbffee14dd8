import Foundation
import Testing

/// The examples that no other suite runs: the GPU-if-available workflow and the
/// Makefile that embeds flow.
@Suite struct ExampleTests {
  func plan(_ workflow: String, _ options: String) throws -> ToolRun {
    try ShellRun.run(
      "flow-parse examples/\(workflow)/workflow.yaml | flow-sched \(options)"
        + " | jq -c '.stages[] | [.name, .plan.device, .plan.gpu_ids]'")
  }

  @Test func trainingTakesAGPUWhenThereIsOne() throws {
    let run = try plan("gpu", "--cpus 8 --memory 16Gi --gpus 1")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "[\"prepare\",\"cpu\",[]]\n[\"train\",\"gpu\",[\"0\"]]\n")
  }

  @Test func trainingRunsOnTheCPUsWithoutAGPU() throws {
    let run = try plan("gpu", "--cpus 8 --memory 16Gi --gpus 0")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "[\"prepare\",\"cpu\",[]]\n[\"train\",\"cpu\",[]]\n")
    #expect(
      run.stderr
        == "flow-sched: note: stage 'train' runs on the cpu: no gpu is available (gpu_if_available)\n"
    )
  }

  /// Runs GNU make on a copy of examples/makefile/Makefile with the diamond workflow.
  func make(_ arguments: String, in folder: URL) throws -> ToolRun {
    let workflow = ToolRun.root.appendingPathComponent("examples/diamond/workflow.yaml").path
    return try ToolRun.run(
      "/bin/sh", ["-c", "make --no-print-directory WORKFLOW='\(workflow)' \(arguments)"],
      in: folder, environment: ["PATH": ToolRun.binaries.path + ":/usr/bin:/bin"])
  }

  func makefileFolder() throws -> URL {
    let folder = try ToolRun.temporaryFolder()
    try FileManager.default.copyItem(
      at: ToolRun.root.appendingPathComponent("examples/makefile/Makefile"),
      to: folder.appendingPathComponent("Makefile"))
    return folder
  }

  /// The per-stage targets flow-sched writes run each stage once, after what it needs, on
  /// every make: whether the stage itself reruns is flow-exec's stage cache's to say.
  /// The recipe's command is replaced by `echo ran`, so this checks make's side only.
  @Test func theMakefileRunsEveryStageInOrderOnce() throws {
    let folder = try makefileFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let first = try make("-s FLOW_EXEC='echo ran'", in: folder)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(
      first.stdout.split(separator: "\n") == [
        "ran --stage=A -- plan.json", "ran --stage=B -- plan.json",
        "ran --stage=C -- plan.json", "ran --stage=D -- plan.json",
        "ran --stage=Y -- plan.json",
      ])
    let again = try make("-s FLOW_EXEC='echo ran'", in: folder)
    #expect(again.status == 0)
    #expect(again.stdout == first.stdout)
  }

  /// The Makefile for real: GNU make runs every stage through flow-exec, in order, and
  /// `rerun-Y` runs one stage again.
  @Test func theMakefileRunsTheWorkflowThroughFlowExec() throws {
    let folder = try makefileFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.copyItem(
      at: ToolRun.root.appendingPathComponent("examples/diamond/workflow.yaml"),
      to: folder.appendingPathComponent("workflow.yaml"))
    let local = "WORKFLOW=workflow.yaml"
    let run = try ToolRun.run(
      "/bin/sh", ["-c", "make -s -j2 --no-print-directory \(local) > make.out"], in: folder,
      environment: ["PATH": ToolRun.binaries.path + ":/usr/bin:/bin"])
    #expect(run.status == 0, "\(run.stderr)")
    let result = try String(contentsOf: folder.appendingPathComponent("y.txt"), encoding: .utf8)
    #expect(result == "A\nB\nA\nB\n")
    try FileManager.default.removeItem(at: folder.appendingPathComponent("y.txt"))
    let rerun = try ToolRun.run(
      "/bin/sh", ["-c", "make -s --no-print-directory \(local) rerun-Y > rerun.out"], in: folder,
      environment: ["PATH": ToolRun.binaries.path + ":/usr/bin:/bin"])
    #expect(rerun.status == 0, "\(rerun.stderr)")
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("y.txt").path))
  }

  /// The rerun recipe is the plain flow-exec command.
  @Test func theRerunRecipeCallsFlowExecForOneStage() throws {
    let folder = try makefileFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try make("-n rerun-Y", in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasSuffix("flow-exec --stage Y --rerun Y plan.json\n"))
  }
}
