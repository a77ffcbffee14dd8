import FlowTestSupport
import Foundation
import Testing

/// The fasthep-flow workflows flow ran differently from fasthep-flow, end to end:
/// flow-parse, then flow-exec running real processes.
@Suite struct FasthepFlowCLITests {
  /// Writes `yaml` as `w.yaml` in a scratch folder and runs it; each stage's log text.
  static func run(_ yaml: String, in folder: TemporaryFolder) throws -> (
    parse: ToolRun, check: ToolRun, exec: ToolRun, logs: [String: String]
  ) {
    let workflow = try folder.write("w.yaml", yaml)
    let check = try ToolRun.run("flow-parse", ["--check", workflow])
    let parse = try ToolRun.run("flow-parse", [workflow])
    let exec = try ToolRun.run("flow-exec", [], stdin: parse.stdout, in: folder.url)
    var logs: [String: String] = [:]
    for (stage, end) in ExecFolder.ends(exec.stdout) {
      if let log = end["log"] as? String {
        logs[stage] = try? String(contentsOfFile: log, encoding: .utf8)
      }
    }
    return (parse, check, exec, logs)
  }

  @Test func echoWithArgumentsAPrintsA() throws {
    let folder = try TemporaryFolder()
    let result = try Self.run(
      """
      tasks:
        - name: "A"
          type: "fasthep_flow.operators.BashOperator"
          kwargs:
            bash_command: echo
            arguments: ["A", "two words", "$(touch injected)"]
      """, in: folder)
    #expect(result.exec.status == 0, "\(result.exec.stderr)")
    #expect(result.logs == ["A": "A two words $(touch injected)\n"])
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/injected"))
  }

  @Test func namesWithSlashesAndPkgOperatorTypesRun() throws {
    let folder = try TemporaryFolder()
    let result = try Self.run(
      """
      global:
        output_dir: /path/to/output/dir
      stages:
        - name: touch /tmp/date.txt
          type: airflow::BashOperator
          kwargs: {bash_command: touch, arguments: [date.txt]}
      """, in: folder)
    #expect(result.check.status == 0 && result.check.stderr.isEmpty, "\(result.check.stderr)")
    #expect(result.exec.status == 0, "\(result.exec.stderr)")
    #expect(result.logs == ["touch /tmp/date.txt": ""])
    #expect(FileManager.default.fileExists(atPath: folder.path + "/date.txt"))
    #expect(result.parse.stdout.contains(#""global":{"output_dir":"/path/to/output/dir"}"#))
  }

  @Test func aPythonBuiltinPassesTheCheckAndRuns() throws {
    let folder = try TemporaryFolder()
    let result = try Self.run(
      """
      tasks:
        - name: printPython
          type: fasthep_flow.operators.PythonOperator
          kwargs:
            python_callable: print
            arguments: ["Hello World!"]
      """, in: folder)
    #expect(result.check.status == 0 && result.check.stderr.isEmpty, "\(result.check.stderr)")
    #expect(result.exec.status == 0, "\(result.exec.stderr)")
    #expect(result.logs == ["printPython": "Hello World!\n"])
  }

  /// What flow-exec refuses, `flow-parse --check` refuses, with the same words.
  @Test func theCheckRefusesWhatFlowExecRefuses() throws {
    let folder = try TemporaryFolder()
    let result = try Self.run(
      """
      tasks:
        - name: p
          type: PythonOperator
          kwargs: {python_callable: "os.system; x"}
      """, in: folder)
    let message =
      "stage 'p': python_callable 'os.system; x' is not a builtin such as print or a module.function"
    #expect(result.parse.status == 0)
    #expect(result.check.status == 65)
    #expect(result.check.stderr == "flow-parse: \(folder.path)/w.yaml:2:5: \(message)\n")
    #expect(result.exec.status == 125)
    #expect(result.exec.stderr.contains(message), "\(result.exec.stderr)")
  }

  /// A name made to be another stage's log name is refused by both, at the stage.
  @Test func theCheckRefusesACraftedLogNameClash() throws {
    let folder = try TemporaryFolder()
    let result = try Self.run(
      """
      tasks:
        - {name: .hidden, type: BashOperator, kwargs: {bash_command: touch ran}}
        - {name: _hidden-28280da0cdcb6865, type: BashOperator, kwargs: {bash_command: touch ran}}
      """, in: folder)
    let message =
      "stage '_hidden-28280da0cdcb6865' can never run: its log and container name"
      + " _hidden-28280da0cdcb6865 are those of stage '.hidden'; rename one of them"
    #expect(result.check.status == 65)
    #expect(result.check.stderr == "flow-parse: \(folder.path)/w.yaml:3:5: \(message)\n")
    #expect(result.exec.status == 125)
    #expect(result.exec.stderr.contains(message), "\(result.exec.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/ran"))
  }

  /// Task Dependencies: A and B have no `needs` while the others do, so they start the
  /// graph together rather than B waiting for A.
  @Test func aStageWithoutNeedsIsARootOnceAnyStageHasThem() throws {
    let folder = try TemporaryFolder()
    let result = try Self.run(
      """
      tasks:
        - {name: A, type: BashOperator, kwargs: {bash_command: echo A}}
        - {name: B, type: BashOperator, kwargs: {bash_command: echo B}}
        - {name: C, type: BashOperator, kwargs: {bash_command: echo C}, dependencies: [A]}
      """, in: folder)
    let document = try JSONSerialization.jsonObject(with: Data(result.parse.stdout.utf8))
    let stages = (document as? [String: Any])?["stages"] as? [[String: Any]] ?? []
    #expect(stages.map { $0["needs"] as? [String] ?? ["?"] } == [[], [], ["A"]])
    #expect(result.logs == ["A": "A\n", "B": "B\n", "C": "C\n"])
  }
}
