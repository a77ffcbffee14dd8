import FlowTestSupport
import Foundation
import Testing

@testable import FlowCore

/// A large workflow's stage list is read in two parts at once. Cut at any line, the two
/// parts give the workflow read in one part, or the text is read again in one part.
@Suite struct StageListSplitTests {
  let fixture: WorkflowFixture

  init() throws {
    fixture = try WorkflowFixture()
  }

  /// The workflow read in one part, and for every cut `StageListSplit` finds from each
  /// line on, what reading in two parts gave: nil where the text is to be read again.
  func readings(_ text: String, folder: String? = nil) -> (
    whole: Workflow?, cuts: [(split: StageListSplit, parts: Workflow?)]
  ) {
    let folder = folder ?? fixture.folder
    let bytes = Array(text.utf8)
    let whole = WorkflowEventReader.read(
      bytes, file: "w.yaml", source: folder + "/w.yaml", baseDirectory: folder,
      splitFrom: .max)
    var offsets = Set<Int>()
    var cuts: [(split: StageListSplit, parts: Workflow?)] = []
    for offset in [1] + bytes.indices.filter({ bytes[$0] == UInt8(ascii: "\n") }) {
      guard let split = StageListSplit(bytes, from: offset), offsets.insert(split.offset).inserted
      else { continue }
      let parts = WorkflowEventReader.readInTwoParts(
        bytes, split: split, file: "w.yaml", source: folder + "/w.yaml", baseDirectory: folder)
      cuts.append((split, parts))
    }
    return (whole, cuts)
  }

  /// `count` stages in the shapes of a usual workflow, items' `-` at `indent`.
  static func workflow(stages count: Int, indent: Int = 2) -> String {
    let pad = String(repeating: " ", count: indent)
    var text = "# a workflow\nglobal:\n  resources: {memory: 2Gi, cpu: 1}\n"
    text += "  requirements: {python: \">=3.9\"}\nstages:  # the stages\n"
    for index in 0..<count {
      text += "\(pad)- name: s\(index)\n"
      switch index % 4 {
      case 0:
        text += "\(pad)  type: fasthep_flow.operators.BashOperator\n"
        text += "\(pad)  kwargs:\n\(pad)    bash_command: |\n\(pad)      echo \(index)\n"
        text += "\(pad)      - not an item\n\n\(pad)    retries: \(index % 3)\n"
      case 1:
        text += "\(pad)  needs: [s\(index - 1)]\n\(pad)  duration: \(index)m\n"
        text += "\n# between stages\n"
      case 2:
        text += "\(pad)  needs:\n\(pad)  - s\(index - 1)\n\(pad)  - s\(index - 2)\n"
        text += "\(pad)  environment:\n\(pad)    variables:\n"
        text += "\(pad)      PART: \"\(index)\"\n\(pad)      NOTE: 'a\n\(pad)        b'\n"
        text += "\(pad)    resources:\n\(pad)      memory: 1Gi\n\(pad)      cpu: 2\n"
      default:
        text += "\(pad)  environment:\n\(pad)    image: registry.example.org/root:6.30\n"
        text += "\(pad)    requirements:\n\(pad)      root: \"~=6.30\"\n"
        text += "\(pad)  kwargs: {list: [1, 2.5, true, null], nested: {a: \"q\"}}\n"
      }
    }
    return text
  }

  @Test(arguments: [0, 2, 4])
  func everyStageOfAUsualWorkflowIsACut(indent: Int) throws {
    let text = Self.workflow(stages: 12, indent: indent)
    let (whole, cuts) = readings(text)
    let expected = try #require(whole)
    #expect(expected.stages.count == 12)
    // Every stage but the first starts a cut, and each cut reads as the whole.
    #expect(cuts.count == 11)
    for cut in cuts {
      #expect(cut.parts == expected, "cut at line \(cut.split.line)")
      #expect(cut.split.column == indent + 1)
    }
  }

  @Test func aCutsPositionsAreTheWholeTextsPositions() throws {
    let text = Self.workflow(stages: 8).replacingOccurrences(of: "\n", with: "\r\n")
    let (whole, cuts) = readings(text)
    let expected = try #require(whole)
    #expect(cuts.count == 7)
    for cut in cuts { #expect(cut.parts == expected) }
    #expect(expected.stages.last?.position?.line == cuts.last?.split.line)
  }

  /// Texts where the first line that looks like an item is not one, or the parts are not
  /// what the whole is: read again in one part.
  static let textsNotCut = [
    // The list is not the last key.
    "stages:\n  - name: a\n  - name: b\nglobal: {}\n",
    "stages:\n- name: a\n- name: b\nversion: 1\n",
    "stages:\n  - name: a\nother:\n  - name: b\n",
    // An item's text in a quoted scalar and a flow list that go on past the line.
    "stages:\n  - name: a\n    kwargs: {x: \"one\n  - name: b\"}\n  - name: c\n",
    "stages:\n  - name: a\n    needs: [\n  - b]\n",
    // The document ends, or the text has a second document.
    "stages:\n  - name: a\n...\n  - name: b\n",
    "stages:\n  - name: a\n  - name: b\n---\nstages: []\n",
    // An alias in the second part names an anchor in the first.
    "stages:\n  - name: &n a\n  - name: b\n    needs: [*n]\n",
    // A second part that is not the rest of the list.
    "stages:\n  - name: a\n    kwargs:\n      x: 1\n  - y\n",
    "stages:\n  - name: a\n  - name: b\n - name: c\n",
    // Lines counted otherwise than by their newlines.
    "stages:\n  - name: \"a\u{85}b\"\n  - name: b\n",
    "stages:\r  - name: a\r  - name: b\r",
    // Tags of the document's own.
    "%TAG ! tag:example.com,2000:\n---\nstages:\n  - name: a\n  - name: b\n    kwargs: {x: !t 1}\n",
    // Problems in either part.
    "stages:\n  - name: a\n  - type: b\n",
    "stages:\n  - name: a\n    neds: []\n  - name: b\n",
    "stages:\n  - name: a\n  - name: b\n    needs: [c]\n",
  ]

  @Test(arguments: textsNotCut)
  func textsThatAreNotTheirPartsAreReadInOnePart(text: String) throws {
    let (whole, cuts) = readings(text)
    // The line that looks like an item is refused; a cut at a later item may hold.
    if let first = cuts.first { #expect(first.parts == nil, "cut at line \(first.split.line)") }
    for cut in cuts {
      #expect(cut.parts == nil || cut.parts == whole, "cut at line \(cut.split.line)")
    }
    // Read the usual way, the text is what it is in one part.
    let bytes = Array(text.utf8)
    let read = WorkflowEventReader.read(
      bytes, file: "w.yaml", source: fixture.folder + "/w.yaml",
      baseDirectory: fixture.folder, splitFrom: 0)
    #expect(read == whole)
  }

  /// Nesting counts from the workflow's mapping in either part: a stage nested as deep
  /// as the tree reader allows, or one level deeper, reads in two parts as in one.
  @Test(arguments: [196, 197, 198, 199])
  func nestingCountsFromTheWholeText(depth: Int) throws {
    let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    let text = "stages:\n  - name: a\n  - name: b\n    kwargs: {x: \(nested)}\n"
    let (whole, cuts) = readings(text)
    #expect(cuts.count == 1)
    for cut in cuts { #expect(cut.parts == whole) }
  }

  @Test func realWorldAndExampleWorkflowsReadInTwoPartsAsInOne() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var folders = [root.appendingPathComponent("examples").path]
    if let realworld = SharedData.path("realworld/fasthep-flow") { folders.append(realworld) }
    var files = 0
    var cutsRead = 0
    for folder in folders {
      let enumerator = FileManager.default.enumerator(atPath: folder)
      while let name = enumerator?.nextObject() as? String {
        guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { continue }
        let path = folder + "/" + name
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
        let directory = (path as NSString).deletingLastPathComponent
        let (whole, cuts) = readings(text, folder: directory)
        for cut in cuts where cut.parts != nil {
          #expect(cut.parts == whole, "\(name), cut at line \(cut.split.line)")
          cutsRead += 1
        }
        files += 1
      }
    }
    #expect(files >= 5)
    #expect(cutsRead > 0)
  }

  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state ^ (state >> 29)
    }
  }

  /// Workflows changed at random (a line taken out, doubled, moved, indented further or
  /// less, a character that means something to YAML put in): cut at any line, each reads
  /// in two parts as it reads in one, or is read again in one part.
  @Test func changedWorkflowsReadInTwoPartsAsInOne() {
    var generator = Generator(state: 21)
    let lines = Self.workflow(stages: 6).split(separator: "\n", omittingEmptySubsequences: false)
      .map(String.init)
    let marks = [
      ":", "-", "- ", "\"", "'", "[", "]", "{", "}", "#", " #", "&a ", "*a", "!t ", "|", ">",
      "\t", " ", "\n", "\r", "\u{85}", "...", "---", "%TAG ! x:", "? ", ",",
    ]
    var cutsRead = 0
    for _ in 0..<300 {
      var changed = lines
      for _ in 0..<Int.random(in: 1...3, using: &generator) {
        let line = Int.random(in: 0..<changed.count, using: &generator)
        switch Int.random(in: 0..<6, using: &generator) {
        case 0: changed.remove(at: line)
        case 1: changed.insert(changed[line], at: line)
        case 2: changed.swapAt(line, Int.random(in: 0..<changed.count, using: &generator))
        case 3: changed[line] = "  " + changed[line]
        case 4:
          let spaces = changed[line].prefix { $0 == " " }.count
          changed[line] = String(changed[line].dropFirst(min(2, spaces)))
        default:
          var text = Array(changed[line])
          let mark = marks.randomElement(using: &generator)!
          text.insert(contentsOf: mark, at: Int.random(in: 0...text.count, using: &generator))
          changed[line] = String(text)
        }
        if changed.isEmpty { changed = lines }
      }
      let text = changed.joined(separator: "\n")
      let (whole, cuts) = readings(text)
      for cut in cuts {
        #expect(cut.parts == nil || cut.parts == whole, "\(text)\ncut at line \(cut.split.line)")
        if cut.parts != nil { cutsRead += 1 }
      }
    }
    // Most changes leave most cuts as they were.
    #expect(cutsRead > 120)
  }

  /// Large enough to be cut, a workflow reads as it does in one part, through the path
  /// every tool takes.
  @Test func aLargeWorkflowIsReadInTwoParts() throws {
    let text = Self.workflow(stages: 1500)
    let bytes = Array(text.utf8)
    #expect(bytes.count >= WorkflowEventReader.splitFrom)
    let split = try #require(StageListSplit(bytes))
    let parts = WorkflowEventReader.readInTwoParts(
      bytes, split: split, file: "w.yaml", source: fixture.folder + "/w.yaml",
      baseDirectory: fixture.folder)
    let whole = try #require(
      WorkflowEventReader.read(
        bytes, file: "w.yaml", source: fixture.folder + "/w.yaml",
        baseDirectory: fixture.folder, splitFrom: .max))
    #expect(parts == whole)
    #expect(try fixture.read(text) == whole)
    #expect(whole.stages.count == 1500)
  }
}
