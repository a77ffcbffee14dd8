import Testing

@testable import FlowCore

@Suite struct ContainerImageEnvironmentTests {
  @Test func readsTheImagesEnvFromInspect() {
    let output = #"["PATH=/usr/local/bin:/usr/bin:/bin","LANG=C.UTF-8","EMPTY=","EQ=a=b"]"#
    #expect(
      ContainerImageEnvironment.parse(output + "\n")
        == ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "EMPTY": "", "EQ": "a=b"])
    #expect(ContainerImageEnvironment.parse("null\n") == [:])
    #expect(ContainerImageEnvironment.parse("Error: no such image\n") == nil)
    #expect(ContainerImageEnvironment.parse(#"["=x"]"#) == nil)
  }

  @Test func asksTheEngineForTheImagesConfiguration() {
    #expect(
      ContainerImageEnvironment.query(engine: .podman, image: "localhost/x:1")
        == ["podman", "image", "inspect", "--format", "{{json .Config.Env}}", "localhost/x:1"])
    #expect(ContainerImageEnvironment.query(engine: .apptainer, image: "/x.sif") == nil)
  }

  /// Resolved actions prepend to the image's PATH, so the image's own programs are found.
  @Test func packagesPrependToTheImagesPath() {
    let actions = EnvironmentActions(actions: [
      .init(kind: .prepend, variable: "PATH", value: "/opt/hfs20/bin", package: "houdini")
    ])
    let environment = StageEnvironment(actions: actions).build(
      base: ["PATH": "/usr/bin:/bin"], stage: "s", workflow: "w", gpus: nil)
    #expect(environment["PATH"] == "/opt/hfs20/bin:/usr/bin:/bin")
  }
}
