import Testing

@testable import FlowCore

@Suite struct DryRunTableTests {
  func launch(_ name: String, needs: [Int] = [], priority: Int, argv: [String]) -> StageLaunch {
    var launch = StageLaunch(
      name: name, needs: needs, priority: priority, logPath: name + ".log",
      command: { _ in (argv, [:]) })
    launch.stageArgv = argv
    launch.addedEnvironment = { _ in ["FLOW_STAGE": name] }
    return launch
  }

  @Test func rowsComeInStartOrderWithWhatFlowSets() {
    var first = launch("fit", needs: [1], priority: 1, argv: ["bash", "-c", "--", "make fit"])
    first.image = "localhost/fit:1"
    first.plannedGPUs = ["0", "1"]
    let second = launch("prepare", priority: 0, argv: ["bash", "-c", "--", "true"])
    #expect(
      DryRunTable.render([first, second]) == """
        STAGE    EXECUTOR  IMAGE            GPUS  AFTER    COMMAND
        prepare  local     -                -     -        bash -c -- true
            FLOW_STAGE=prepare
        fit      local     localhost/fit:1  0,1   prepare  bash -c -- 'make fit'
            FLOW_STAGE=fit

        """)
  }

  /// A command or value never writes control characters to the terminal.
  @Test func controlCharactersAreShownAsEscapes() {
    #expect(DryRunTable.visible("a\nb\t\u{1b}[2J") == #"a\nb\t\u{1b}[2J"#)
    #expect(DryRunTable.visible("café") == "café")
  }
}
