import Glibc

/// Where the Dask bridge and the Python that runs it are: `FLOW_DASK_BRIDGE`, else
/// `share/flow/flow-dask-bridge.py` beside the installed tools (`bin/../share/flow`) or in
/// the source tree the tools were built in (`.build/<triple>/debug/../../../share/flow`).
public enum DaskBridge {
  static let fileName = "flow-dask-bridge.py"
  static let installHint = "install python3, then: python3 -m pip install 'dask[distributed]'"

  public static func locate(environment: EnvironmentMap) throws(ExecError) -> (
    python: String, bridge: String
  ) {
    let python: String
    do throws(ChildProcess.Failure) {
      python = try ChildProcess.locate("python3", environment: environment)
    } catch {
      throw .clusterUnavailable(
        "the Dask executor needs python3 (\(error.message)): \(installHint)")
    }
    var candidates: [String] = []
    // Absolute, so python never reads the script's path as one of its options.
    if let chosen = environment["FLOW_DASK_BRIDGE"], !chosen.isEmpty {
      candidates.append(PathText.absolute(chosen, relativeTo: PathText.currentDirectory))
    }
    if let folder = executableFolder() {
      candidates += ["/../share/flow/", "/../../../share/flow/"].map { folder + $0 + fileName }
    }
    guard let bridge = candidates.first(where: { access($0, R_OK) == 0 }) else {
      throw .clusterUnavailable(
        "the Dask bridge \(fileName) is not installed (looked in: "
          + candidates.joined(separator: ", ") + "); set FLOW_DASK_BRIDGE to its path")
    }
    return (python, bridge)
  }

  private static func executableFolder() -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    let path = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard let slash = path.lastIndex(of: "/") else { return nil }
    return String(path[..<slash])
  }
}
