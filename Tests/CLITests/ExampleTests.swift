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

  /// The per-stage targets flow-sched writes run each stage once, after what it needs.
  /// The recipe's command is replaced by `echo ran`, so this checks make's side only.
  @Test func theMakefileRunsEveryStageInOrderOnce() throws {
    let folder = try makefileFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let first = try make("-s FLOW_EXEC='echo ran'", in: folder)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(
      first.stdout.split(separator: "\n") == [
        "ran --stage A plan.json", "ran --stage B plan.json", "ran --stage C plan.json",
        "ran --stage D plan.json", "ran --stage Y plan.json",
      ])
    let again = try make("-s FLOW_EXEC='echo ran'", in: folder)
    #expect(again.status == 0)
    #expect(again.stdout == "")
  }

  /// flow-exec is not built yet: its recipe is checked with `make -n` only.
  @Test func theRerunRecipeCallsFlowExecForOneStage() throws {
    let folder = try makefileFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try make("-n rerun-Y", in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasSuffix("flow-exec --stage Y plan.json\n"))
  }
}
