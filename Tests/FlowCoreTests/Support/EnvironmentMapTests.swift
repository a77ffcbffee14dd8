import Testing

@testable import FlowCore

/// `CAFÉ` spelled two ways: canonically equivalent as Swift strings, two names to the OS.
private let composed = "CAF\u{C9}"
private let decomposed = "CAFE\u{301}"

@Suite struct EnvironmentMapTests {
  @Test func namesThatDifferInBytesAreTwoEntries() {
    var environment: EnvironmentMap = [composed: "nfc", decomposed: "nfd"]
    #expect(environment.count == 2)
    #expect(environment[composed] == "nfc")
    #expect(environment[decomposed] == "nfd")
    environment[decomposed] = nil
    #expect(environment.keys.map { Array($0.utf8) } == [Array(composed.utf8)])
  }

  @Test func iteratesInTheBytesOrderOfTheNames() {
    let environment: EnvironmentMap = ["b": "2", decomposed: "nfd", "A": "1", composed: "nfc"]
    #expect(
      environment.map { Array($0.key.utf8) } == [
        Array("A".utf8), Array(decomposed.utf8), Array(composed.utf8), Array("b".utf8),
      ])
  }

  @Test func parsedEnvironmentKeepsBothSpellings() {
    let environment = ProcessEnvironment.parse(Array("\(composed)=nfc\0\(decomposed)=nfd\0".utf8))
    #expect(environment.count == 2)
    #expect(environment[composed] == "nfc")
    #expect(environment[decomposed] == "nfd")
  }

  @Test func stageEnvironmentKeepsBothSpellingsUpToTheChild() throws {
    let stage = StageEnvironment(variables: [
      NameValue(composed, "nfc"), NameValue(decomposed, "nfd"),
    ])
    let environment = stage.build(
      base: ["PATH": "/usr/bin:/bin"], stage: "s", workflow: "w", gpus: nil)
    #expect(environment[composed] == "nfc")
    #expect(environment[decomposed] == "nfd")
    let finished = try ChildProcess(["env", "-0"], environment: environment).run()
    #expect(finished.status == .exited(0))
    let entries = finished.output.split(separator: 0).map { Array($0) }
    #expect(entries.contains(Array("\(composed)=nfc".utf8)))
    #expect(entries.contains(Array("\(decomposed)=nfd".utf8)))
  }

  @Test func containerArgvAndApptainerClientKeepBothSpellings() {
    let environment: EnvironmentMap = [composed: "nfc", decomposed: "nfd"]
    func invocation(_ engine: ContainerEngine) -> ContainerInvocation {
      ContainerInvocation(
        engine: engine, image: "docker.io/library/root:6", name: "flow-7-fit", folder: "/w",
        memory: 0, cpu: 0, gpus: [])
    }
    let argv = invocation(.podman).argv(command: [], environment: environment)
    #expect(
      argv.filter { $0.hasPrefix("--env=") }.map { Array($0.utf8) } == [
        Array("--env=\(decomposed)=nfd".utf8), Array("--env=\(composed)=nfc".utf8),
      ])
    let client = invocation(.apptainer).clientEnvironment(host: [:], stage: environment)
    #expect(client["APPTAINERENV_" + composed] == "nfc")
    #expect(client["APPTAINERENV_" + decomposed] == "nfd")
  }

  @Test func packageActionsKeepBothSpellings() {
    let append = EnvironmentActions.Action(
      kind: .append, variable: decomposed, value: "more", package: "p")
    let environment = EnvironmentActions(actions: [append]).applied(to: [
      composed: "nfc", decomposed: "nfd",
    ])
    #expect(environment.count == 2)
    #expect(environment[composed] == "nfc")
    #expect(environment[decomposed] == "nfd:more")
  }
}
