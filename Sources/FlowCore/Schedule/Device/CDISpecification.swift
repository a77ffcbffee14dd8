/// A CDI specification for NVIDIA GPUs (`nvidia-ctk cdi generate`) in `/etc/cdi` or
/// `/var/run/cdi`, and the driver it was generated for: the version in the names of the
/// driver libraries it mounts (`libcuda.so.535.104.05`). After a driver upgrade those
/// files are gone, and podman (or apptainer's `--device`) starts containers whose GPUs
/// silently do not work.
public struct CDISpecification: Sendable, Equatable {
  public var path: String
  /// The driver version its libraries carry, when it names one.
  public var driverVersion: String?

  static let folders = ["/etc/cdi", "/var/run/cdi"]
  static let libraries = ["libcuda.so.", "libnvidia-ml.so."]

  /// The NVIDIA specifications present, in folder then name order.
  public static func found(files: ProbeFileSystem) -> [CDISpecification] {
    folders.flatMap { folder in
      files.list(folder).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.compactMap {
        name -> CDISpecification? in
        let path = "\(folder)/\(name)"
        guard let text = files.read(path), text.contains("nvidia.com/gpu") else { return nil }
        return CDISpecification(path: path, driverVersion: driverVersion(in: text))
      }
    }
  }

  /// The version after the first `libcuda.so.` or `libnvidia-ml.so.`.
  static func driverVersion(in text: String) -> String? {
    for library in libraries {
      guard let found = text.firstRange(of: library) else { continue }
      let version = text[found.upperBound...].prefix { $0.isASCIIDigit || $0 == "." }
      let trimmed = version.hasSuffix(".") ? version.dropLast() : version
      if trimmed.contains(".") { return String(trimmed) }
    }
    return nil
  }

  /// Why this specification does not fit the loaded driver, or nil when it does (or it
  /// names no version).
  public func staleness(against driver: NvidiaDriver) -> String? {
    guard let driverVersion, driverVersion != driver.version else { return nil }
    return "the CDI specification \(path) was generated for driver \(driverVersion) but driver "
      + "\(driver.version) is loaded (\(NvidiaDriver.versionFile)); generate it again: "
      + "nvidia-ctk cdi generate --output=\(path)"
  }
}
