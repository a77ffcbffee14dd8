import FlowCore

/// What the pipe document harnesses share: the one reader every tool uses, the rules a
/// document it accepts must hold to, and the check that what a tool writes the next tool
/// reads.
enum PipeDocumentFuzzing {
  /// The workflow the bytes give, held to flow-parse's rules; nil when the reader refuses.
  static func read(_ data: UnsafePointer<UInt8>, _ size: Int) -> Workflow? {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let workflow = try? Workflow(documentBytes: bytes, file: "fuzz.json") else { return nil }
    if let problem = workflow.stageProblems(place: { "stages[\($0)]" }).first {
      fatalError("the reader let a problem through: \(problem.message)")
    }
    for stage in workflow.stages {
      if let problem = WorkflowRules.problemWithStageName(stage.name) {
        fatalError("the reader let a bad stage name through: \(problem)")
      }
      let resources = stage.environment.resources
      let numbers: [(QuantityLimit, Double?)] = [
        (.cpu, resources.cpu), (.memory, resources.memory.map(Double.init)),
        (.gpu, resources.gpu.map(Double.init)), (.seconds, stage.timeout),
        (.seconds, stage.duration),
      ]
      for (limit, value) in numbers {
        if let value, let problem = limit.problem(with: value, field: "\(limit)") {
          fatalError("the reader let a number through: \(problem)")
        }
      }
    }
    return workflow
  }

  /// What `tool` would write reads back: the next tool in a pipe can read it.
  static func mustReadBack(_ workflow: Workflow, after tool: String) {
    let text = workflow.documentText()
    do throws(DocumentError) {
      _ = try Workflow(documentBytes: text, file: tool + ".json")
    } catch {
      fatalError("what \(tool) writes does not read back: \(error)")
    }
  }
}
