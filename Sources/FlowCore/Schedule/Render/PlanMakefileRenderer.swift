/// The plan as a Makefile for `make -jN`: one target per stage, a stamp file under
/// `.flow-stamps/` made when the stage succeeds, and a recipe that runs that one stage
/// (`$(FLOW_EXEC) --stage='NAME' -- $(FLOW_DOCUMENT)`); each stamp depends on the stamps of
/// the stages it needs. Whether a stage reruns is the stage cache's to say, by its key,
/// not the stamps' times: every recipe runs (each stamp also depends on `FORCE`), and
/// flow-exec skips a stage whose key has a record.
///
/// Nothing from the data is ever make syntax or shell code: stamp names are the stage's
/// number and `SafeName`, so a target holds no space, `%`, `:` or `$`; the stage name
/// reaches the shell as one single-quoted word with `$` doubled for make; the document
/// path is one single-quoted word too, held in `FLOW_DOCUMENT` with `$` doubled and `#`
/// escaped for a make assignment (`make FLOW_DOCUMENT=…` replaces it with shell text). A
/// name or setting with a line end or another control character cannot be written and is
/// refused.
public struct PlanMakefileRenderer {
  /// The default command of the recipe, shell text (`make FLOW_EXEC=…` also overrides it).
  public var command = "flow-exec"
  /// The default plan document the recipe hands to the command, a path.
  public var document = "plan.json"

  public init(command: String = "flow-exec", document: String = "plan.json") {
    self.command = command
    self.document = document
  }

  public enum RenderError: ToolFailure, Equatable {
    case unwritableName(String)
    case unwritableSetting(String)

    public var exitStatus: ExitStatus { .dataError }

    public var description: String {
      switch self {
      case .unwritableName(let name):
        return
          "stage name \(name.debugDescription) has a control character and cannot go in a makefile"
      case .unwritableSetting(let value):
        return
          "\(value.debugDescription) has a control character or a final backslash and cannot go"
          + " in a makefile"
      }
    }
  }

  public func render(_ plan: Plan) throws(RenderError) -> String {
    for setting in [command, document] where setting.unicodeScalars.contains(where: \.isControl) {
      throw .unwritableSetting(setting)
    }
    // A final backslash would join the next line of the Makefile to the command.
    if command.hasSuffix("\\") { throw .unwritableSetting(command) }
    let stamps = plan.stages.enumerated().map { index, stage in Self.stamp(index, stage.name) }
    var output = "# Made by flow-sched: one target per stage; run with make -jN.\n"
    output += "FLOW_EXEC ?= \(Self.assignable(command))\n"
    output += "FLOW_DOCUMENT ?= \(Self.assignable(ShellWord.quote(document)))\n"
    output += "STAMPS := .flow-stamps\n\n"
    output += ".PHONY: all FORCE\n.DELETE_ON_ERROR:\n\n"
    let byOrder = plan.stages.indices.sorted { plan.stages[$0].order < plan.stages[$1].order }
    output += "all:" + byOrder.map { " " + stamps[$0] }.joined() + "\n\nFORCE:\n\n"
    for index in byOrder {
      let stage = plan.stages[index]
      guard !stage.name.unicodeScalars.contains(where: \.isControl) else {
        throw .unwritableName(stage.name)
      }
      output +=
        "\(stamps[index]):" + plan.needs[index].map { " " + stamps[$0] }.joined() + " FORCE\n"
      output +=
        "\t$(FLOW_EXEC) --stage=\(Self.makeSafe(ShellWord.quote(stage.name))) -- $(FLOW_DOCUMENT)\n"
      output += "\t@mkdir -p $(STAMPS) && touch $@\n\n"
    }
    return output
  }

  /// The stamp target of a stage: only letters, digits, `.`, `_` and `-` after the folder.
  static func stamp(_ index: Int, _ name: String) -> String {
    "$(STAMPS)/\(index + 1)-\(SafeName.of(name)).done"
  }

  /// `$` doubled, so make passes recipe text through unchanged.
  static func makeSafe(_ text: String) -> String { text.replacing("$", with: "$$") }

  /// `text` as the value of a make assignment: `$` doubled, and each `#` (which would
  /// start a comment) escaped with a backslash, the backslashes right before it doubled
  /// (make halves a run of backslashes before `#`).
  static func assignable(_ text: String) -> String {
    var output = ""
    var backslashes = 0
    for character in makeSafe(text) {
      if character == "#" {
        output += String(repeating: "\\", count: backslashes) + "\\#"
      } else {
        output.append(character)
      }
      backslashes = character == "\\" ? backslashes + 1 : 0
    }
    return output
  }
}
