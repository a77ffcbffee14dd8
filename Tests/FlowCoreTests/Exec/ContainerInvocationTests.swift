import Testing

@testable import FlowCore

@Suite struct ContainerInvocationTests {
  let command = ["bash", "-c", "make all"]
  let environment: EnvironmentMap = ["B": "2", "A": "1 two"]

  func invocation(_ engine: ContainerEngine, gpus: [GPUDevice] = []) -> ContainerInvocation {
    ContainerInvocation(
      engine: engine, image: "docker.io/library/root:6", name: "flow-7-fit", folder: "/work/w",
      memory: 2_147_483_648, cpu: 1.5, gpus: gpus)
  }

  @Test func podmanPassesEnvironmentLimitsAndFolder() {
    #expect(
      invocation(.podman).argv(command: command, environment: environment) == [
        "podman", "run", "--rm", "--init", "--name=flow-7-fit", "--env=A=1 two", "--env=B=2",
        "--memory=2147483648", "--cpus=1.5",
        #"--mount=type=bind,"source=/work/w","destination=/work/w""#, "--workdir=/work/w", "--",
        "docker.io/library/root:6", "bash", "-c", "make all",
      ])
    #expect(invocation(.podman).removal == ["podman", "rm", "-f", "-t", "0", "--", "flow-7-fit"])
    #expect(invocation(.docker).removal == ["docker", "rm", "-f", "--", "flow-7-fit"])
  }

  @Test func apptainerUsesItsOwnFlags() {
    #expect(
      invocation(.apptainer).argv(command: command, environment: environment) == [
        "apptainer", "exec", "--cleanenv", "--no-eval", "--memory=2147483648", "--cpus=1.5",
        #"--mount=type=bind,"source=/work/w","destination=/work/w""#, "--pwd=/work/w",
        "docker.io/library/root:6", "bash", "-c", "make all",
      ])
    #expect(invocation(.apptainer).removal == nil)
  }

  @Test func apptainerGetsTheEnvironmentThroughItsClientNotItsEnvOption() {
    let host: EnvironmentMap = [
      "PATH": "/bin", "APPTAINERENV_X": "host", "SINGULARITYENV_Y": "host",
    ]
    // An alias's exported function is not carried (`ShellFunction`).
    let values: EnvironmentMap = [
      "A": "1,two=2", "B": "\"quoted\"",
      ShellFunction.variable(named: "tool"): ShellFunction.exported("tool2"),
    ]
    #expect(
      invocation(.apptainer).clientEnvironment(host: host, stage: values) == [
        "PATH": "/bin", "APPTAINERENV_A": "1,two=2", "APPTAINERENV_B": "\"quoted\"",
      ])
    #expect(invocation(.podman).clientEnvironment(host: host, stage: values) == host)
    #expect(
      !invocation(.apptainer).argv(command: [], environment: values).contains {
        $0.contains("two=2")
      })
  }

  @Test func nvidiaGPUsFromTheProbeTreePerEngine() {
    let gpus = Array(ProbeFixture.probe("nvidia-four").gpus.prefix(2))
    #expect(gpus.map(\.vendor) == [.nvidia, .nvidia])
    let ids = gpus.map(\.id)
    let docker = invocation(.docker, gpus: gpus).argv(command: [], environment: [:])
    #expect(docker.contains("--gpus"))
    #expect(
      docker[docker.firstIndex(of: "--gpus")! + 1] == "\"device=\(ids.joined(separator: ","))\"")
    let podman = invocation(.podman, gpus: gpus).argv(command: [], environment: [:])
    #expect(podman.filter { $0.hasPrefix("nvidia.com/gpu=") } == ids.map { "nvidia.com/gpu=\($0)" })
    let apptainer = invocation(.apptainer, gpus: gpus).argv(command: [], environment: [:])
    #expect(apptainer.contains("--nv") && !apptainer.contains("--rocm"))
  }

  @Test func amdGPUsFromTheProbeTreePassKernelDevices() {
    let gpus = Array(ProbeFixture.probe("amd-mi300x").gpus.prefix(1))
    #expect(gpus.first?.vendor == .amd)
    let podman = invocation(.podman, gpus: gpus).argv(command: [], environment: [:])
    #expect(podman.contains("/dev/kfd"))
    let render = gpus[0].minor.map { "/dev/dri/renderD\($0)" } ?? "/dev/dri"
    #expect(podman.contains(render))
    #expect(!podman.contains { $0.hasPrefix("nvidia.com") })
    let apptainer = invocation(.apptainer, gpus: gpus).argv(command: [], environment: [:])
    #expect(apptainer.contains("--rocm") && !apptainer.contains("--nv"))
  }

  /// A variable name with `=` would set another variable inside (`A=B=x` sets `A`).
  @Test func namesThatNoEnvironmentCanHoldAreLeftOut() {
    let values: EnvironmentMap = ["A=B": "x", "": "y", "C": "z=1"]
    #expect(
      invocation(.podman).argv(command: [], environment: values).filter {
        $0.hasPrefix("--env=")
      } == ["--env=C=z=1"])
    #expect(
      invocation(.apptainer).clientEnvironment(host: [:], stage: values) == [
        "APPTAINERENV_C": "z=1"
      ])
  }
}
