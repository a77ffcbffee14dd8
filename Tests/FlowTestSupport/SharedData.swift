import Foundation

/// Inputs that other projects wrote: real workflow files and catalogues (`realworld/`) and
/// upstream test suites turned into case tables (`conformance/`). They live outside the
/// repository, in `FLOW_SHARED_DATA` or else `../shared/data` beside the checkout, and are
/// read where they lie, never copied in.
public enum SharedData {
  /// The data folder, or nil where this machine has none.
  public static let folder: String? = {
    let fileManager = FileManager.default
    var candidates: [String] = []
    if let named = ProcessInfo.processInfo.environment["FLOW_SHARED_DATA"], !named.isEmpty {
      candidates.append(named)
    }
    let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(
      checkout.deletingLastPathComponent().appendingPathComponent("shared/data").path)
    return candidates.first {
      fileManager.fileExists(atPath: $0 + "/conformance")
        || fileManager.fileExists(atPath: $0 + "/realworld")
    }
  }()

  /// Whether the data is here; tests over it are enabled only then, and say so when not.
  public static var isPresent: Bool { folder != nil }

  /// The full path of `relative` inside the data folder, or nil where there is none.
  public static func path(_ relative: String) -> String? {
    guard let folder else { return nil }
    let full = folder + "/" + relative
    return FileManager.default.fileExists(atPath: full) ? full : nil
  }

  /// The bytes of `relative`, or nil where the data is absent.
  public static func contents(_ relative: String) throws -> Data? {
    guard let full = path(relative) else { return nil }
    return try Data(contentsOf: URL(fileURLWithPath: full))
  }
}
