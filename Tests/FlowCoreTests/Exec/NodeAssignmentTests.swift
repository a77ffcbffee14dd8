import FlowTestSupport
import Testing

@testable import FlowCore

@Suite struct NodeAssignmentTests {
  let actions = EnvironmentActions(actions: [
    .init(kind: .set, variable: "HFS", value: "/opt/hfs20", package: "houdini"),
    .init(kind: .prepend, variable: "PATH", value: "$HFS/bin", package: "houdini"),
    .init(kind: .append, variable: "LD_LIBRARY_PATH", value: "${HFS}/lib", package: "houdini"),
    .init(kind: .set, variable: "ODD", value: "it's $ÄRGER $5", package: "x"),
    .init(kind: .unset, variable: "OLD", value: "", package: "x"),
  ])

  /// Packages build on the node's own variables there; values never become shell code.
  @Test func actionsJoinTheNodesOwnValuesInTheScript() {
    let environment = StageEnvironment(actions: actions, variables: [NameValue("MODE", "$(fast)")])
    let lines = environment.nodeAssignments(
      stage: "fit", workflow: "/w/w.yaml", command: [("FLOW_PYTHON_CALL", "{}")],
      skipping: SlurmSubmission.isSlurmOwned
    ).map(\.shell)
    #expect(
      lines == [
        "export HFS='/opt/hfs20'",
        #"export PATH="${HFS}"'/bin'${PATH+:}"${PATH}""#,
        #"export LD_LIBRARY_PATH="${LD_LIBRARY_PATH}"${LD_LIBRARY_PATH+:}"${HFS}"'/lib'"#,
        #"export ODD='it'\''s '' '"#,
        "unset OLD",
        "export MODE='$(fast)'",
        "export FLOW_STAGE='fit'",
        "export FLOW_WORKFLOW='/w/w.yaml'",
        "export FLOW_PYTHON_CALL='{}'",
      ])
  }

  /// The script's assignments give what `applied(to:)` gives over the same base.
  @Test func theShellBuildsWhatFlowBuildsLocally() throws {
    let environment = StageEnvironment(actions: actions)
    let script =
      environment.nodeAssignments(stage: "s", workflow: "w").map(\.shell).joined(separator: "\n")
      + "\nprintf '%s\\n' \"$HFS\" \"$PATH\" \"$LD_LIBRARY_PATH\" \"$ODD\" \"${OLD-gone}\"\n"
    let bases: [EnvironmentMap] = [
      ["PATH": "/usr/bin:/bin"], ["PATH": "/bin", "LD_LIBRARY_PATH": "", "OLD": "x"],
    ]
    for base in bases {
      let built = environment.build(base: base, stage: "s", workflow: "w", gpus: nil)
      let run = try ChildProcess(["/bin/sh", "-c", script], environment: base).run()
      #expect(
        run.text
          == [
            built["HFS"]!, built["PATH"]!, built["LD_LIBRARY_PATH"]!, built["ODD"]!,
            built["OLD"] ?? "gone",
          ]
          .map { $0 + "\n" }.joined())
    }
  }

  /// Actions under a test of the environment (a rez package's `defined()`) test the node's
  /// own environment as it was before any assignment, in sh as `applied(to:)` does.
  @Test func testsOfTheEnvironmentReadTheNodesOwnBeforeAnyAssignment() throws {
    let unset = EnvironmentTest.isSet("MODULES").negated
    let tested = EnvironmentActions(actions: [
      .init(kind: .set, variable: "MODULES", value: "/a", package: "a", when: unset),
      .init(
        kind: .append, variable: "MODULES", value: "/b", package: "a",
        when: EnvironmentTest.isSet("MODULES").and(.isSet("LEVEL")).negated),
      .init(
        kind: .set, variable: "ODD", value: "1", package: "a",
        when: EnvironmentTest.isSet("NOT-A-NAME").or(.isSet("LEVEL"))),
      .init(kind: .unset, variable: "LEVEL", value: "", package: "a", when: .isSet("LEVEL")),
    ])
    let environment = StageEnvironment(actions: tested)
    let assignments = environment.nodeAssignments(stage: "s", workflow: "w")
    #expect(
      assignments.first?.shell
        == #"if ! [ -n "${flow_base_set_MODULES-}" ]; then export MODULES='/a'; fi"#)
    let script =
      NodeAssignment.script(assignments).joined(separator: "\n")
      + "\nprintf '%s\\n' \"${MODULES-none}\" \"${ODD-none}\" \"${LEVEL-none}\""
      + " \"${flow_base_set_MODULES-none}\"\n"
    let bases: [EnvironmentMap] = [[:], ["MODULES": "/m"], ["MODULES": "/m", "LEVEL": "1"]]
    for base in bases {
      let built = environment.build(base: base, stage: "s", workflow: "w", gpus: nil)
      let run = try ChildProcess(["/bin/sh", "-c", script], environment: base).run()
      #expect(
        run.text
          == [built["MODULES"] ?? "none", built["ODD"] ?? "none", built["LEVEL"] ?? "none", "none"]
          .map { $0 + "\n" }.joined(), "\(base)")
    }
    #expect(
      DaskRunner.document(assignments[1])
        == .object(
          JSONObject([
            ("name", .string("MODULES")),
            (
              "parts",
              .array([
                .array([.string("variable"), .string("MODULES")]),
                .array([.string("separator_if_set"), .string("MODULES")]),
                .array([.string("text"), .string("/b")]),
              ])
            ),
            (
              "when",
              .array([
                .string("not"),
                .array([
                  .string("all"),
                  .array([
                    .array([.string("set"), .string("MODULES")]),
                    .array([.string("set"), .string("LEVEL")]),
                  ]),
                ]),
              ])
            ),
          ])))
  }

  @Test func piecesKeepTextAndNames() {
    #expect(
      EnvironmentActions.pieces("a$B/${C}d$ ${E")
        == [.text("a"), .variable("B"), .text("/"), .variable("C"), .text("d$ ${E")])
    #expect(EnvironmentActions.pieces("") == [])
  }

  /// A test of a path (rez's `os.path.exists()`, `isdir()`, `isfile()`) reads the node's
  /// files, in sh as `applied(to:)` reads this machine's; the bridge gets it as `["isdir",
  /// PATH]`.
  @Test func testsOfAPathReadTheNodesFiles() throws {
    let folder = try TemporaryFolder()
    try folder.write("it's here/file", "x")
    let tested = EnvironmentActions(actions: [
      .init(
        kind: .set, variable: "A", value: "dir", package: "a",
        when: .path(folder.path + "/it's here", .isdir)),
      .init(
        kind: .set, variable: "B", value: "file", package: "a",
        when: .path(folder.path + "/it's here/file", .isfile)),
      .init(
        kind: .set, variable: "C", value: "missing", package: "a",
        when: EnvironmentTest.path(folder.path + "/none", .exists).negated),
      .init(
        kind: .set, variable: "D", value: "odd", package: "a",
        when: .path(folder.path + "/it's here", .isfile)),
    ])
    let environment = StageEnvironment(actions: tested)
    let assignments = environment.nodeAssignments(stage: "s", workflow: "w")
    let script =
      NodeAssignment.script(assignments).joined(separator: "\n")
      + "\nprintf '%s\\n' \"${A-none}\" \"${B-none}\" \"${C-none}\" \"${D-none}\"\n"
    let built = environment.build(base: [:], stage: "s", workflow: "w", gpus: nil)
    #expect(
      [built["A"], built["B"], built["C"], built["D"]] == ["dir", "file", "missing", String?.none])
    let run = try ChildProcess(["/bin/sh", "-c", script], environment: [:]).run()
    #expect(run.text == "dir\nfile\nmissing\nnone\n")
    #expect(
      DaskRunner.document(assignments[0])
        == .object(
          JSONObject([
            ("name", .string("A")), ("parts", .array([.array([.string("text"), .string("dir")])])),
            ("when", .array([.string("isdir"), .string(folder.path + "/it's here")])),
          ])))
  }

  /// A stop (rez's `stop()`) is no assignment: the sh script ends with its message where
  /// its test holds, and the bridge gets it as `stop` with its test.
  @Test func aStopEndsTheScriptWhereItsTestHolds() throws {
    let stops = EnvironmentActions(actions: [
      .init(kind: .set, variable: "A", value: "1", package: "a"),
      .init(
        kind: .stop, variable: "", value: "needs B", package: "a", when: .isSet("B").negated),
    ])
    let assignments = StageEnvironment(actions: stops).nodeAssignments(stage: "s", workflow: "w")
    #expect(assignments.map(\.stop) == [nil, "package a stops: needs B", nil, nil])
    let script = NodeAssignment.script(assignments).joined(separator: "\n") + "\necho ran\n"
    let stopped = try ChildProcess(["/bin/sh", "-c", script], environment: [:]).run()
    #expect(stopped.status == .exited(NodeAssignment.stopStatus))
    #expect(stopped.text == "package a stops: needs B\n")
    let ran = try ChildProcess(["/bin/sh", "-c", script], environment: ["B": "1"]).run()
    #expect(ran.text == "ran\n")
    #expect(
      DaskRunner.document(assignments[1])
        == .object(
          JSONObject([
            ("name", .string("")), ("parts", .null),
            ("when", .array([.string("not"), .array([.string("set"), .string("B")])])),
            ("stop", .string("package a stops: needs B")),
          ])))
    #expect(stops.stop(appliedTo: [:])?.value == "needs B")
    #expect(stops.stop(appliedTo: ["B": ""]) == nil)
    #expect(stops.applied(to: [:]) == ["A": "1"])
  }
}

extension NodeAssignmentTests {
  /// A test of a variable's value (`os.environ.get('NAME')`: set and not empty) reads the
  /// node's own environment before any assignment, in sh as `applied(to:)` does; the bridge
  /// gets it as `["filled", NAME]`.
  @Test func aTestOfAVariablesValueReadsTheNodesOwnBeforeAnyAssignment() throws {
    let filled = try #require(EnvironmentTest(parsing: "os.environ.get('TOOL_HOME')"))
    #expect(filled == .filled("TOOL_HOME") && filled.text == "os.environ.get('TOOL_HOME')")
    let either = try #require(
      EnvironmentTest(parsing: "(os.environ.get('TOOL_HOME') or not ('TOOL_HOME' in os.environ))"))
    #expect(either.presenceNames == ["TOOL_HOME"] && either.filledNames == ["TOOL_HOME"])
    // A test of a value alone marks no presence.
    #expect(filled.presenceNames.isEmpty)
    let alone = StageEnvironment(
      actions: EnvironmentActions(actions: [
        .init(kind: .set, variable: "SEEN", value: "1", package: "a", when: filled)
      ]))
    let marks = NodeAssignment.script(alone.nodeAssignments(stage: "s", workflow: "w"))
    #expect(
      !marks.joined().contains("flow_base_set_") && marks.joined().contains("flow_base_filled_"))
    #expect(EnvironmentTest(parsing: "os.environ.get('A B')") == nil)
    let tested = EnvironmentActions(actions: [
      .init(kind: .set, variable: "TOOL_HOME", value: "/opt/tool", package: "a", when: either),
      .init(kind: .set, variable: "SEEN", value: "1", package: "a", when: filled),
    ])
    let environment = StageEnvironment(actions: tested)
    let assignments = environment.nodeAssignments(stage: "s", workflow: "w")
    let script =
      NodeAssignment.script(assignments).joined(separator: "\n")
      + "\nprintf '%s\\n' \"${TOOL_HOME-none}\" \"${SEEN-none}\""
      + " \"${flow_base_filled_TOOL_HOME-none}\"\n"
    let bases: [EnvironmentMap] = [[:], ["TOOL_HOME": ""], ["TOOL_HOME": "/mine"]]
    var seen: [String] = []
    for base in bases {
      let built = environment.build(base: base, stage: "s", workflow: "w", gpus: nil)
      let run = try ChildProcess(["/bin/sh", "-c", script], environment: base).run()
      #expect(
        run.text
          == [built["TOOL_HOME"] ?? "none", built["SEEN"] ?? "none", "none"]
          .map { $0 + "\n" }.joined(), "\(base)")
      seen.append((built["TOOL_HOME"] ?? "none") + " " + (built["SEEN"] ?? "none"))
    }
    #expect(seen == ["/opt/tool none", " none", "/opt/tool 1"])
    #expect(
      DaskRunner.test(filled) == .array([.string("filled"), .string("TOOL_HOME")]))
  }
}

extension NodeAssignmentTests {
  /// A comparison of a variable with a text (`(os.environ.get('NAME') == 'TEXT')`) reads
  /// the node's own value before any assignment, in sh as `applied(to:)` does, for texts sh
  /// would read as its own (`-n`, quotes, `!`, an empty one); the bridge gets it as
  /// `["equals", NAME, TEXT]`.
  @Test func aComparisonWithATextReadsTheNodesOwnValueBeforeAnyAssignment() throws {
    let texts = ["-n", "it's", "!", "", "a b"]
    for text in texts {
      let compared = EnvironmentTest.equals("SITE", text)
      #expect(EnvironmentTest(parsing: compared.text) == compared, "\(text)")
      let either = compared.or(EnvironmentTest.isSet("SITE").negated)
      #expect(EnvironmentTest(parsing: either.text) == either)
      #expect(either.presenceNames == ["SITE"] && either.comparedNames == ["SITE"])
      let tested = EnvironmentActions(actions: [
        .init(kind: .set, variable: "SITE", value: "changed", package: "a", when: compared),
        .init(kind: .set, variable: "SEEN", value: "1", package: "a", when: either.negated),
      ])
      let environment = StageEnvironment(actions: tested)
      let assignments = environment.nodeAssignments(stage: "s", workflow: "w")
      let script =
        NodeAssignment.script(assignments).joined(separator: "\n")
        + "\nprintf '%s\\n' \"${SITE-none}\" \"${SEEN-none}\" \"${flow_base_value_SITE-none}\"\n"
      let bases: [EnvironmentMap] = [[:], ["SITE": text], ["SITE": text + "x"], ["SITE": ""]]
      for base in bases {
        let built = environment.build(base: base, stage: "s", workflow: "w", gpus: nil)
        let run = try ChildProcess(["/bin/sh", "-c", script], environment: base).run()
        #expect(
          run.text
            == [built["SITE"] ?? "none", built["SEEN"] ?? "none", "none"]
            .map { $0 + "\n" }.joined(), "\(text) \(base)")
        #expect((built["SITE"] == "changed") == (base["SITE"] == text), "\(text) \(base)")
      }
    }
    #expect(
      DaskRunner.test(.equals("SITE", "x"))
        == .array([.string("equals"), .string("SITE"), .string("x")]))
  }
}
