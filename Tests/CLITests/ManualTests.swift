import Foundation
import Testing

/// The manual pages: every tool has one, each has the sections a reader looks for in
/// the usual order, renders with man(1), and its examples run, so they cannot drift
/// from what the tools do.
@Suite struct ManualTests {
  static let folder = ToolRun.root.appendingPathComponent("man")

  static var pages: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  }

  static func text(_ name: String) throws -> String {
    try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
  }

  /// Section headings, in order, from mdoc (`.Sh`) or man (`.SH`) macros.
  static func headings(_ text: String) -> [String] {
    text.components(separatedBy: "\n").compactMap { line in
      guard line.hasPrefix(".Sh ") || line.hasPrefix(".SH ") else { return nil }
      return String(line.dropFirst(4)).replacingOccurrences(of: "\"", with: "")
    }
  }

  /// The command lines of the EXAMPLES section: `.Dl` lines (mdoc) or the lines between
  /// `.EX` and `.EE` (man), with roff escapes turned back into what a shell sees.
  static func exampleCommands(_ text: String) -> [String] {
    let lines = text.components(separatedBy: "\n")
    guard let start = lines.firstIndex(where: { $0 == ".Sh EXAMPLES" || $0 == ".SH EXAMPLES" })
    else { return [] }
    var commands: [String] = []
    var inExample = false
    var script: [String]?
    for line in lines[(start + 1)...] {
      if line.hasPrefix(".Sh ") || line.hasPrefix(".SH ") { break }
      // A literal block is one script, run as a whole; a block that starts with a
      // `$ ` prompt is a transcript, checked by its own test.
      if line.hasPrefix(".Bd -literal") {
        script = []
      } else if line == ".Ed", let lines = script {
        if let first = lines.first, !first.hasPrefix("$ ") {
          commands.append(lines.map(unescaped).joined(separator: "\n"))
        }
        script = nil
      } else if script != nil {
        script!.append(line)
      } else if line == ".EX" {
        inExample = true
      } else if line == ".EE" {
        inExample = false
      } else if inExample {
        commands.append(unescaped(line))
      } else if line.hasPrefix(".Dl ") {
        commands.append(unescaped(String(line.dropFirst(4))))
      }
    }
    return commands
  }

  static func unescaped(_ line: String) -> String {
    line.replacingOccurrences(of: "\\-", with: "-").replacingOccurrences(of: "\\(dq", with: "\"")
      .replacingOccurrences(of: "\\e", with: "\\").replacingOccurrences(of: "\\&", with: "")
  }

  @Test func everyToolHasAPage() {
    #expect(!ToolList.names.isEmpty)
    for tool in ToolList.names {
      #expect(Self.pages.contains(tool + ".1"), "man/\(tool).1 is missing")
    }
    #expect(Self.pages.contains("flow.7"))
    #expect(Self.pages.contains("flow-json.5"))
  }

  @Test(arguments: pages)
  func hasTheSectionsInOrder(page: String) throws {
    let required =
      page.hasSuffix(".1")
      ? [
        "NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT", "FILES", "EXIT STATUS",
        "EXAMPLES", "SEE ALSO",
      ]
      : page.hasSuffix(".7")
        ? ["NAME", "DESCRIPTION", "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"]
        : ["NAME", "DESCRIPTION", "EXAMPLES", "SEE ALSO"]
    let found = Self.headings(try Self.text(page)).filter(required.contains)
    #expect(found == required, "\(page): sections \(found)")
  }

  @Test(arguments: pages)
  func rendersWithMan(page: String) throws {
    let run = try ToolRun.run(
      "/usr/bin/man", ["-l", Self.folder.appendingPathComponent(page).path],
      environment: ["PATH": "/usr/bin:/bin", "MANPAGER": "cat", "MANWIDTH": "80"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr == "")
    #expect(run.stdout.contains("NAME"))
    #expect(run.stdout.contains("SEE ALSO"))
  }

  /// The page as man(1) renders it for a reader, `width` columns wide.
  static func rendered(_ page: String, width: Int) throws -> String {
    try ToolRun.run(
      "/usr/bin/man", ["-l", folder.appendingPathComponent(page).path],
      environment: [
        "PATH": "/usr/bin:/bin", "MANPAGER": "cat", "MANWIDTH": String(width), "LANG": "C.UTF-8",
      ]
    ).stdout
  }

  /// A quote macro given a second one on its line encloses it (`‘8Gi, ‘16G’’`), and a
  /// lone `.` given as a word sticks to the word before it (`workflow.yaml. &&`): the
  /// rendered page has no quote opened inside another, and each example command reads
  /// as written, every space where it was.
  @Test(arguments: pages)
  func rendersWithoutStrayQuotesOrEatenSpaces(page: String) throws {
    let text = try Self.rendered(page, width: 400)
    var open = 0
    for character in text {
      if character == "‘" { open += 1 }
      if character == "’" { open -= 1 }
      #expect(open == 0 || open == 1, "\(page): a quote inside a quote or closed twice")
      if open < 0 || open > 1 { break }
    }
    #expect(open == 0, "\(page): a quote left open")
    func collapsed(_ text: String) -> String {
      text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }
    let shown = collapsed(text)
    for command in Self.exampleCommands(try Self.text(page)) where !command.contains("\n") {
      let asWritten = shown.contains(collapsed(command))
      #expect(asWritten, "\(page) shows \(command) otherwise")
    }
  }

  @Test(arguments: pages)
  func passesMandocLint(page: String) throws {
    let run = try ToolRun.run(
      "/usr/bin/mandoc", ["-Tlint", "-Wwarning", Self.folder.appendingPathComponent(page).path])
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
  }

  @Test(arguments: pages)
  func examplesRun(page: String) throws {
    let commands = Self.exampleCommands(try Self.text(page))
    #expect(!commands.isEmpty, "\(page) has no examples")
    for command in commands {
      let run = try ShellRun.run(command)
      #expect(run.status == 0, "\(page): \(command): \(run.stderr)")
    }
  }

  @Test func theDocumentExampleIsWhatFlowParsePrints() throws {
    let text = try Self.text("flow-json.5")
    let block = try #require(
      text.components(separatedBy: ".Bd -literal -offset indent\n$ printf").last?
        .components(separatedBy: "\n.Ed").first)
    var lines = ("$ printf" + block).components(separatedBy: "\n")
    let command = lines.removeFirst()
    #expect(command == #"$ printf 'stages:\en  - name: hello\en' | flow-parse --pretty"#)
    let run = try ToolRun.run("flow-parse", ["--pretty"], stdin: "stages:\n  - name: hello\n")
    #expect(run.stdout == lines.joined(separator: "\n") + "\n")
  }
}
