import Foundation
import Testing

@Suite struct FlowEnvfileCLITests {
  /// A folder with the given files, removed after `body`.
  func withFiles(_ files: [String: String], _ body: (URL) throws -> Void) throws {
    let folder = try ToolRun.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (name, text) in files {
      try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }
    try body(folder)
  }

  let environment = ["PATH": "/usr/bin:/bin", "HOST_VAR": "from-host"]

  @Test func mergesFilesThenAssignmentsLaterWinning() throws {
    try withFiles(["base.env": "A=1\nB=${A}-b\nINHERIT\n", "site.env": "A=2\nC=\"x y\"\n"]) {
      folder in
      let run = try ToolRun.run(
        "flow-envfile", ["base.env", "site.env", "--set", "STATS_METHOD=CLs", "--set", "C=z=z"],
        in: folder, environment: environment + ["INHERIT": "i"])
      #expect(run.status == 0)
      #expect(run.stderr == "")
      #expect(
        run.stdout == #"{"A":"2","B":"1-b","INHERIT":"i","C":"z=z","STATS_METHOD":"CLs"}"# + "\n")
    }
  }

  @Test func provenanceNamesWinnerAndOverridden() throws {
    try withFiles(["a.env": "K=1\n", "b.env": "\n\nK=2\n"]) { folder in
      let run = try ToolRun.run(
        "flow-envfile", ["--provenance", "a.env", "b.env"], in: folder, environment: environment)
      #expect(
        run.stdout
          == #"{"K":{"value":"2","from":{"file":"b.env","line":3,"column":1},"overrides":[{"file":"a.env","line":1,"column":1,"value":"1"}]}}"#
          + "\n")
    }
  }

  @Test func optionalFilesAndMissingFiles() throws {
    try withFiles(["a.env": "A=1\n"]) { folder in
      let optional = try ToolRun.run(
        "flow-envfile", ["a.env", "absent.env?"], in: folder, environment: environment)
      #expect(optional.status == 0)
      #expect(optional.stdout == #"{"A":"1"}"# + "\n")
      let missing = try ToolRun.run(
        "flow-envfile", ["a.env", "absent.env"], in: folder, environment: environment)
      #expect(missing.status == 66)
      #expect(missing.stdout == "")
      #expect(missing.stderr == "flow-envfile: absent.env: no such file or directory\n")
    }
  }

  @Test func badInputExits65WithPositions() throws {
    try withFiles(["q.env": "A=1\nB=\"open\nC=3\n", "k.env": "GOOD=1\nBAD KEY=2\n"]) { folder in
      let quote = try ToolRun.run("flow-envfile", ["q.env"], in: folder, environment: environment)
      #expect(quote.status == 65)
      #expect(
        quote.stderr == "flow-envfile: q.env:2:3: unterminated \"…\" value (the quote opens here)\n"
      )
      let key = try ToolRun.run("flow-envfile", ["k.env"], in: folder, environment: environment)
      #expect(key.status == 65)
      #expect(key.stderr == "flow-envfile: k.env:2:5: invalid key: unexpected 'K' in key 'BAD'\n")
    }
  }

  @Test func nulByteFromStandardInput() throws {
    let nul = try ToolRun.run("flow-envfile", ["-"], stdin: "A=1\nB=\0\n", environment: environment)
    #expect(nul.status == 65)
    #expect(nul.stderr == "flow-envfile: <stdin>:2:3: NUL byte\n")
  }

  @Test func hostEnvironmentAndNoEnv() throws {
    try withFiles(["a.env": "HOST_VAR\nB=${HOST_VAR:-none}\n"]) { folder in
      let host = try ToolRun.run("flow-envfile", ["a.env"], in: folder, environment: environment)
      #expect(host.stdout == #"{"HOST_VAR":"from-host","B":"from-host"}"# + "\n")
      let clean = try ToolRun.run(
        "flow-envfile", ["--no-env", "a.env"], in: folder, environment: environment)
      #expect(clean.stdout == #"{"B":"none"}"# + "\n")
      let literal = try ToolRun.run(
        "flow-envfile", ["--no-expand", "--no-env", "a.env"], in: folder, environment: environment)
      #expect(literal.stdout == #"{"B":"${HOST_VAR:-none}"}"# + "\n")
    }
  }

  @Test func forwardReferenceWarnsOnStandardError() throws {
    let run = try ToolRun.run(
      "flow-envfile", ["--no-env", "-"], stdin: "A=${B}\nB=1\n", environment: environment)
    #expect(run.status == 0)
    #expect(run.stdout == #"{"A":"","B":"1"}"# + "\n")
    #expect(
      run.stderr
        == "flow-envfile: warning: <stdin>:1:1: 'A' refers to 'B', which is defined only later (<stdin>:2:1)\n"
    )
  }

  @Test func formatsAndRefusals() throws {
    let sh = try ToolRun.run(
      "flow-envfile", ["--no-env", "--format", "sh", "-"], stdin: "A=\"it's\"\n",
      environment: environment)
    #expect(sh.stdout == "export A='it'\\''s'\n")
    let docker = try ToolRun.run(
      "flow-envfile", ["--no-env", "--format", "docker", "-"], stdin: "A=\"a\\nb\"\n",
      environment: environment)
    #expect(docker.status == 65)
    #expect(
      docker.stderr
        == "flow-envfile: docker output cannot carry 'A': docker --env-file values cannot hold newlines\n"
    )
    let make = try ToolRun.run(
      "flow-envfile", ["--no-env", "--format", "make", "-"], stdin: "A=$$x #c\n",
      environment: environment)
    #expect(make.stdout == "export A := $$x\n")
  }

  @Test func dialects() throws {
    let text = "A='${B:-d}'\nC=$A\n"
    let python = try ToolRun.run(
      "flow-envfile", ["--no-env", "--dialect", "python", "-"], stdin: text,
      environment: environment)
    #expect(python.stdout == #"{"A":"d","C":"$A"}"# + "\n")
    let compose = try ToolRun.run(
      "flow-envfile", ["--no-env", "-"], stdin: text, environment: environment)
    #expect(compose.stdout == #"{"A":"${B:-d}","C":"${B:-d}"}"# + "\n")
    let docker = try ToolRun.run(
      "flow-envfile", ["--no-env", "--dialect", "docker", "-"], stdin: text,
      environment: environment)
    #expect(docker.stdout == #"{"A":"'${B:-d}'","C":"$A"}"# + "\n")
  }

  @Test func lintReportsAndExits1() throws {
    try withFiles(["l.env": "b=1\nA =2\n"]) { folder in
      let text = try ToolRun.run(
        "flow-envfile", ["--lint", "l.env"], in: folder, environment: environment)
      #expect(text.status == 1)
      #expect(
        text.stdout == """
          l.env:1 LowercaseKey: The b key should be in uppercase
          l.env:2 SpaceCharacter: The line has spaces around equal sign
          l.env:2 UnorderedKey: The A  key should go before the b key
          Found 3 problems

          """)
      let json = try ToolRun.run(
        "flow-envfile", ["--lint", "--lint-format", "json", "l.env"], in: folder,
        environment: environment)
      #expect(json.status == 1)
      #expect(
        json.stdout.hasPrefix(#"[{"check":"LowercaseKey","file":"l.env","line":1,"message":"#))
      try Data("A=1\n".utf8).write(to: folder.appendingPathComponent("clean.env"))
      let clean = try ToolRun.run(
        "flow-envfile", ["--lint", "clean.env"], in: folder, environment: environment)
      #expect(clean.status == 0)
      #expect(clean.stdout == "")
    }
  }

  @Test func pipeModeLoadsEachStagesVariables() throws {
    let parsed = try ToolRun.run(
      "flow-parse", ["examples/root-stats/workflow.yaml"], in: ToolRun.root)
    #expect(parsed.status == 0)
    let run = try ToolRun.run(
      "flow-envfile", ["--no-env"], stdin: parsed.stdout, environment: environment)
    #expect(run.status == 0)
    #expect(run.stderr == "")
    let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    let stages = document["stages"] as! [[String: Any]]
    func merged(_ index: Int) -> [String: String] {
      let environment = stages[index]["environment"] as! [String: Any]
      let variables = environment["variables"] as! [String: Any]
      #expect(variables["sources"] != nil)
      return variables["merged"] as! [String: String]
    }
    let dotenv = try String(
      contentsOf: ToolRun.root.appendingPathComponent("examples/root-stats/.env"), encoding: .utf8)
    let expected = try ToolRun.run(
      "flow-envfile", ["--no-env", "-"], stdin: dotenv, environment: environment)
    let expectedMap =
      try JSONSerialization.jsonObject(with: Data(expected.stdout.utf8)) as! [String: String]
    #expect(!expectedMap.isEmpty)
    #expect(merged(0) == expectedMap)
    #expect(merged(1) == ["STATS_METHOD": "CLs", "STATS_INPUT": "output/histograms.root"])
    #expect(document["flow"] as? Int == 1)
  }

  @Test func badAssignmentIsAUsageError() throws {
    let run = try ToolRun.run("flow-envfile", ["--set", "NOEQUALS"], environment: environment)
    #expect(run.status == 64)
    #expect(run.stderr == "flow-envfile: --set: 'NOEQUALS' is not of the form KEY=VALUE\n")
  }

  @Test func pipeModeStaysJSON() throws {
    let run = try ToolRun.run(
      "flow-envfile", ["--format", "sh"], stdin: "{}", environment: environment)
    #expect(run.status == 64)
    #expect(run.stderr == "flow-envfile: --format sh needs files: a pipe document stays JSON\n")
  }

  @Test func pipeModeMissingFileExits66AtTheWorkflowsMention() throws {
    let document =
      #"{"flow":1,"source":"w.yaml","stages":[{"name":"s","environment":{"variables":{"sources":[{"file":"/nonexistent/x.env","origin":"stage","at":{"line":7,"column":9}}]}}}]}"#
    let run = try ToolRun.run("flow-envfile", [], stdin: document, environment: environment)
    #expect(run.status == 66)
    #expect(
      run.stderr
        == "flow-envfile: w.yaml:7:9: variables file '/nonexistent/x.env': no such file or directory\n"
    )
  }

  @Test func pipeModeWithProvenance() throws {
    try withFiles(["g.env": "K=file\nL=$K\n"]) { folder in
      let document =
        #"{"flow":1,"source":"w.yaml","stages":[{"name":"s","environment":{"variables":{"sources":[{"file":"g.env","origin":"global"},{"values":{"K":"map"},"origin":"stage"}]}}}]}"#
      let run = try ToolRun.run(
        "flow-envfile", ["--no-env", "--provenance"], stdin: document, in: folder,
        environment: environment)
      #expect(run.status == 0)
      #expect(
        run.stdout.contains(
          #""merged":{"K":{"value":"map","from":{"map":"variables of stage 's'"},"overrides":[{"file":"g.env","line":1,"column":1,"value":"file"}]},"L":{"value":"file","from":{"file":"g.env","line":2,"column":1},"overrides":[]}}"#
        ))
    }
  }
}

extension Dictionary where Key == String, Value == String {
  static func + (left: Self, right: Self) -> Self { left.merging(right) { $1 } }
}
