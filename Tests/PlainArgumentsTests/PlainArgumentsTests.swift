import ArgumentParser
import FlowCommand
import Testing

@testable import FlowEnvfileTool
@testable import FlowExecTool
@testable import FlowParseTool
@testable import FlowResolveTool
@testable import FlowSchedTool

/// A tool's plain reading either leaves a command line to the argument parser or reads
/// it exactly as the argument parser does: for every option of the plain form, alone,
/// together, repeated, misspelt and around the words, the two give the same run.
@Suite struct PlainArgumentsTests {
  /// Command lines built from a plain form: each option alone and all together, before
  /// and after the words, with each of its sample values; then the ways out of the plain
  /// form (help, `--name=value`, `--`, joined short options, missing or dash values,
  /// repeats) around the first option.
  static func commandLines(
    _ form: PlainArguments.Form, samples: [String: [String]], words: [[String]]
  ) -> [[String]] {
    var pieces: [[String]] = form.flags.sorted().map { [$0] }
    for option in Set(form.options + form.aliases.map(\.name)).sorted() {
      let name = form.name(of: option)
      for value in samples[name] ?? ["value"] { pieces.append([option, value]) }
    }
    var lines: [[String]] = [[]]
    for piece in pieces {
      lines.append(piece)
      lines.append(piece + piece)
      lines.append(Array(piece.dropLast()))
      lines.append([piece[0] + "=" + (piece.last ?? "")])
      lines.append(piece.count == 2 ? [piece[0], "-" + piece[1]] : [piece[0], "-"])
    }
    lines.append(pieces.flatMap { $0 })
    lines.append(pieces.reversed().flatMap { $0 })
    var all: [[String]] = []
    for line in lines {
      for group in words {
        all.append(line + group)
        all.append(group + line)
        if let first = group.first { all.append([first] + line + group.dropFirst()) }
      }
    }
    for odd in [
      ["--help"], ["-h"], ["--version"], ["--"], ["--", "-x"], ["-oout.json"], ["--no-such"],
      ["-"], ["-", "-"], ["help"],
    ] {
      all.append(odd)
      all.append(odd + (words.last ?? []))
    }
    return all
  }

  /// Checks that, for every command line, the plain reading is nil or the argument
  /// parser's; returns how many lines the plain reading read.
  static func agree<Run: Equatable>(
    lines: [[String]], plain: ([String]) -> Run?, parsed: ([String]) throws -> Run?
  ) -> Int {
    var read = 0
    for line in lines {
      guard let quick = plain(line) else { continue }
      read += 1
      let full: Run?
      do {
        full = try parsed(line)
      } catch {
        Issue.record("\(line): read plainly, refused by the argument parser: \(error)")
        continue
      }
      #expect(full == quick, "\(line)")
    }
    return read
  }

  @Test func flowParseReadsPlainLinesAsTheArgumentParserDoes() {
    let lines = Self.commandLines(
      ParseRun.plainForm,
      samples: [
        "--default-executor": ["slurm", "Dask", "nowhere"], "--output": ["out.json", "-"],
      ],
      words: [[], ["w.yaml"], ["-"], ["a.yaml", "b.yaml"]])
    let read = Self.agree(lines: lines, plain: ParseRun.init(plain:)) {
      (try FlowParse.parseAsRoot($0) as? FlowParse)?.plainRun
    }
    #expect(read >= 50, "only \(read) of \(lines.count) lines read plainly")
  }

  @Test func flowEnvfileReadsPlainLinesAsTheArgumentParserDoes() {
    let lines = Self.commandLines(
      EnvfileRun.plainForm,
      samples: [
        "--dialect": ["python", "docker", "ruby"], "--format": ["sh", "null", "yaml"],
        "--set": ["A=1", "=x"], "--output": ["out"],
      ],
      words: [[], [".env"], ["a.env", "b.env?", "-"]])
    let read = Self.agree(lines: lines, plain: EnvfileRun.init(plain:)) {
      (try FlowEnvfile.parseAsRoot($0) as? FlowEnvfile)?.plainRun
    }
    #expect(read >= 50, "only \(read) of \(lines.count) lines read plainly")
  }

  @Test func flowResolveReadsPlainLinesAsTheArgumentParserDoes() {
    let lines = Self.commandLines(
      ResolveRun.plainForm,
      samples: [
        "--format": ["sh", "yaml"], "--syntax": ["node", "semver", "cobol"],
        "--catalog": ["c.toml"], "--exclude": ["houdini <20"], "--time": ["2024-05-01"],
      ],
      words: [["houdini"], ["houdini ~=20.0", "python"], ["resolve", "x"], ["scan"]])
    let read = Self.agree(lines: lines, plain: ResolveRun.init(plain:)) {
      (try FlowResolve.parseAsRoot($0) as? ResolveCommand)?.plainRun
    }
    #expect(read >= 50, "only \(read) of \(lines.count) lines read plainly")
  }

  /// A command's every property as text, for commands that are not `Equatable`.
  static func described(_ command: some ParsableCommand) -> String {
    var text = ""
    dump(command, to: &text)
    return text
  }

  @Test func flowSchedReadsPlainLinesAsTheArgumentParserDoes() {
    let lines = Self.commandLines(
      FlowSched.plainForm,
      samples: [
        "--cpus": ["2", "0.5", "two"], "--memory": ["1Gi"], "--gpus": ["0", "a,b"],
        "--resource": ["lic=1"], "--plan-time": ["0.1", "x"], "--format": ["text", "pdf"],
      ],
      words: [[], ["plan.json"], ["-"]])
    let read = Self.agree(lines: lines, plain: { FlowSched(plain: $0).map(Self.described) }) {
      (try FlowSched.parseAsRoot($0) as? FlowSched).map(Self.described)
    }
    #expect(read >= 50, "only \(read) of \(lines.count) lines read plainly")
  }

  /// `--version` alone is answered by `ToolCommand` with the configuration's version,
  /// which is what the argument parser prints for it.
  @Test func versionIsWhatTheArgumentParserPrints() {
    let commands: [any ToolCommand.Type] = [
      FlowParse.self, FlowEnvfile.self, FlowResolve.self, FlowSched.self, FlowExec.self,
    ]
    for command in commands {
      #expect(!command.configuration.version.isEmpty)
      do {
        _ = try command.parseAsRoot(["--version"])
        Issue.record("\(command): --version parsed as a run")
      } catch {
        #expect(command.fullMessage(for: error) == command.configuration.version)
        #expect(command.exitCode(for: error) == .success)
      }
    }
  }

  @Test func theUsualCommandLinesAreReadPlainly() {
    #expect(ParseRun(plain: ["w.yaml"]) == ParseRun(file: "w.yaml"))
    #expect(ParseRun(plain: []) == ParseRun())
    #expect(
      ParseRun(plain: ["--check", "w.yaml", "-o", "p.json"])
        == ParseRun(file: "w.yaml", output: "p.json", check: true))
    #expect(EnvfileRun(plain: [".env"]) == EnvfileRun(files: [".env"]))
    #expect(EnvfileRun(plain: []) == EnvfileRun())
    let sched = FlowSched(plain: ["--cpus", "2", "--memory", "1Gi", "--gpus", "0", "plan.json"])
    #expect(sched?.capacityOptions.cpus == 2)
    #expect(sched?.file == "plan.json")
    #expect(Self.described(sched!).contains("1Gi"))
  }

  @Test func everythingElseIsLeftToTheArgumentParser() {
    for line in [
      ["--help"], ["--version"], ["--schema"], ["--pretty", "--pretty"], ["--output=x", "w.yaml"],
      ["-ox"], ["--", "w.yaml"], ["--default-executor", "nowhere"], ["a", "b"], ["-o"],
      ["-o", "--pretty"],
    ] {
      #expect(ParseRun(plain: line) == nil, "\(line)")
    }
    for line in [["--lint"], ["--lock", "f"], ["--dialect", "ruby"], ["--format"]] {
      #expect(EnvfileRun(plain: line) == nil, "\(line)")
    }
  }
}
