import Foundation
import Testing

/// The committed completion scripts are what the argument parsers generate, and the
/// bash ones complete options in a real bash.
@Suite struct CompletionTests {
  static let folder = ToolRun.root.appendingPathComponent("completions")

  /// Where each shell's script for a tool lives, as `make install` copies them.
  static func script(_ shell: String, _ tool: String) -> String {
    switch shell {
    case "zsh": return "zsh/_" + tool
    case "fish": return "fish/\(tool).fish"
    default: return "bash/" + tool
    }
  }

  static let cases = ToolList.names.flatMap { tool in
    ["bash", "zsh", "fish"].map { (tool, $0) }
  }

  @Test(arguments: cases)
  func matchesTheArgumentParser(tool: String, shell: String) throws {
    let run = try ToolRun.run(tool, ["--generate-completion-script", shell])
    #expect(run.status == 0)
    let path = Self.script(shell, tool)
    let committed = try? String(
      contentsOf: Self.folder.appendingPathComponent(path), encoding: .utf8)
    #expect(
      committed == run.stdout,
      "completions/\(path) differs from what \(tool) generates: run 'make completions'")
  }

  /// What bash offers for the words of a command line, the last one being completed.
  static func bashCompletions(_ tool: String, _ words: [String]) throws -> [String] {
    let quoted = words.map { "'" + $0 + "'" }.joined(separator: " ")
    let program = """
      source "$1"
      COMP_WORDS=(\(quoted)); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
      COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
      complete -p \(tool) >/dev/null || exit 3
      function=$(complete -p \(tool) | sed -n 's/.* -F \\([^ ]*\\) .*/\\1/p')
      "$function" \(tool) "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
      printf '%s\\n' "${COMPREPLY[@]}"
      """
    let path = folder.appendingPathComponent(Self.script("bash", tool)).path
    let run = try ToolRun.run(
      "/bin/bash", ["--norc", "-c", program, "bash", path],
      environment: ["PATH": ToolRun.binaries.path + ":/usr/bin:/bin"])
    #expect(run.status == 0, "\(run.stderr)")
    return run.stdout.split(separator: "\n").map(String.init)
  }

  @Test func bashCompletesOptionNames() throws {
    #expect(try Self.bashCompletions("flow-sched", ["flow-sched", "--for"]) == ["--format"])
    #expect(
      try Self.bashCompletions("flow-sched", ["flow-sched", "--pro"]) == [
        "--probe", "--probe-root",
      ])
    #expect(try Self.bashCompletions("flow-parse", ["flow-parse", "--pre"]) == ["--pretty"])
  }

  @Test func bashCompletesOptionValues() throws {
    #expect(
      try Self.bashCompletions("flow-sched", ["flow-sched", "--format", ""]) == [
        "json", "text", "dot", "svg", "make",
      ])
    #expect(
      try Self.bashCompletions("flow-envfile", ["flow-envfile", "--dialect", "p"]) == ["python"])
  }

  @Test func bashCompletesSubcommands() throws {
    #expect(try Self.bashCompletions("flow-resolve", ["flow-resolve", "sc"]) == ["scan"])
  }
}
