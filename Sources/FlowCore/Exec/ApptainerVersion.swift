/// The version `apptainer --version` prints (`apptainer version 1.5.0-1.el9`), which
/// decides how NVIDIA GPUs reach a container: CDI `--device` from 1.5 on, which passes
/// only the named GPUs, and `--nv` before it, which binds every GPU of the machine.
public struct ApptainerVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
  public var major: Int
  public var minor: Int
  public var patch: Int

  public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
    self.major = major
    self.minor = minor
    self.patch = patch
  }

  /// The first `N.N[.N]` word of the output, or nil when there is none.
  public init?(output: String) {
    let words = output.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
    for word in words {
      let release = word.prefix { $0.isASCIIDigit || $0 == "." }
      let numbers = release.split(separator: ".", omittingEmptySubsequences: false)
      guard numbers.count >= 2, numbers.count <= 3,
        let major = Int(numbers[0]), let minor = Int(numbers[1])
      else { continue }
      let patch = numbers.count == 3 ? Int(numbers[2]) : 0
      guard let patch else { continue }
      self.init(major, minor, patch)
      return
    }
    return nil
  }

  /// The first release whose `--device` takes CDI device names.
  public static let firstWithCDIDevices = ApptainerVersion(1, 5)

  public var takesCDIDevices: Bool { self >= Self.firstWithCDIDevices }

  public var description: String { "\(major).\(minor).\(patch)" }

  public static func < (left: ApptainerVersion, right: ApptainerVersion) -> Bool {
    (left.major, left.minor, left.patch) < (right.major, right.minor, right.patch)
  }

  /// The installed apptainer's version, or nil when it cannot be told in time.
  public static func installed(environment: EnvironmentMap, timeout: Double = 5)
    -> ApptainerVersion?
  {
    let runner = ToolRunner(environment: environment, timeout: timeout)
    guard case .finished(0, let output) = runner.run("apptainer", arguments: ["--version"]) else {
      return nil
    }
    return ApptainerVersion(output: output)
  }
}
