/// The plan as a Makefile for `make -jN`: one target per stage, a stamp file under
/// `.flow-stamps/` made when the stage succeeds, and a recipe that runs that one stage
/// (`$(FLOW_EXEC) --stage 'NAME' $(FLOW_DOCUMENT)`); each stamp depends on the stamps of
/// the stages it needs. Stamp names are the stage's number and its name with anything
/// but letters, digits, `.`, `_` and `-` replaced, so make never sees odd characters;
/// names reach the shell single-quoted, with `$` doubled for make. A name with a line
/// end or another control character cannot be written and is refused.
public struct PlanMakefileRenderer {
  /// The default command of the recipe (`make FLOW_EXEC=…` also overrides it).
  public var command = "flow-exec"
  /// The default plan document the recipe hands to the command.
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
        return "\(value.debugDescription) has a control character and cannot go in a makefile"
      }
    }
  }

  public func render(_ plan: Plan) throws(RenderError) -> String {
    for setting in [command, document] where setting.unicodeScalars.contains(where: Self.isControl)
    {
      throw .unwritableSetting(setting)
    }
    let stamps = plan.stages.enumerated().map { index, stage in Self.stamp(index, stage.name) }
    var output = "# Made by flow-sched: one target per stage; run with make -jN.\n"
    output += "FLOW_EXEC ?= \(Self.makeSafe(command))\n"
    output += "FLOW_DOCUMENT ?= \(Self.makeSafe(document))\n"
    output += "STAMPS := .flow-stamps\n\n"
    output += ".PHONY: all\n.DELETE_ON_ERROR:\n\n"
    let byOrder = plan.stages.indices.sorted { plan.stages[$0].order < plan.stages[$1].order }
    output += "all:" + byOrder.map { " " + stamps[$0] }.joined() + "\n\n"
    for index in byOrder {
      let stage = plan.stages[index]
      guard !stage.name.unicodeScalars.contains(where: Self.isControl) else {
        throw .unwritableName(stage.name)
      }
      output += "\(stamps[index]):" + plan.needs[index].map { " " + stamps[$0] }.joined() + "\n"
      output +=
        "\t$(FLOW_EXEC) --stage \(Self.makeSafe(ShellWord.quote(stage.name))) $(FLOW_DOCUMENT)\n"
      output += "\t@mkdir -p $(STAMPS) && touch $@\n\n"
    }
    return output
  }

  static func stamp(_ index: Int, _ name: String) -> String {
    let safe = name.unicodeScalars.map { scalar -> String in
      let allowed =
        scalar.isASCII
        && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
          || "._-".unicodeScalars.contains(scalar))
      return allowed ? String(scalar) : "_"
    }.joined()
    return "$(STAMPS)/\(index + 1)-\(safe.prefix(80)).done"
  }

  /// `$` doubled, so make passes the text through unchanged.
  static func makeSafe(_ text: String) -> String { text.replacing("$", with: "$$") }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || scalar.value == 0x7f
  }
}
