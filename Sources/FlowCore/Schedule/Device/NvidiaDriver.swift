/// The loaded NVIDIA kernel driver, from `/proc/driver/nvidia/version`, and the newest
/// CUDA release it runs: what a CDI specification and an image's CUDA requirement are
/// checked against.
public struct NvidiaDriver: Sendable, Equatable {
  /// `535.104.05`.
  public var version: String
  public static let versionFile = "/proc/driver/nvidia/version"

  public init(version: String) {
    self.version = version
  }

  /// The driver the kernel has loaded, or nil when there is none.
  public init?(files: ProbeFileSystem) {
    guard let text = files.read(Self.versionFile), let version = Self.version(in: text) else {
      return nil
    }
    self.init(version: version)
  }

  /// The version on the `NVRM version:` line: the first word of dotted numbers
  /// (`NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 …`, or the open module's
  /// `… Open Kernel Module for x86_64  550.54.15  Release Build …`).
  static func version(in text: String) -> String? {
    for line in text.split(separator: "\n") where line.hasPrefix("NVRM version:") {
      for word in line.split(separator: " ") {
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) {
          return String(word)
        }
      }
    }
    return nil
  }

  /// The driver's branch: `535` for `535.104.05`.
  public var branch: Int? { version.split(separator: ".").first.flatMap { Int($0) } }

  /// The newest CUDA the driver runs, as `nvidia-smi` prints it, from NVIDIA's table of
  /// minimum driver branches per CUDA release; nil for a branch newer than the table.
  public var highestCUDA: CUDAVersion? {
    guard let branch, let last = Self.cudaByBranch.last, branch <= last.branch + 4 else {
      return nil
    }
    return Self.cudaByBranch.last { $0.branch <= branch }?.cuda
  }

  /// The first driver branch of each CUDA release (Linux).
  static let cudaByBranch: [(branch: Int, cuda: CUDAVersion)] = [
    (418, CUDAVersion(10, 1)), (440, CUDAVersion(10, 2)), (450, CUDAVersion(11, 0)),
    (455, CUDAVersion(11, 1)), (460, CUDAVersion(11, 2)), (465, CUDAVersion(11, 3)),
    (470, CUDAVersion(11, 4)), (495, CUDAVersion(11, 5)), (510, CUDAVersion(11, 6)),
    (515, CUDAVersion(11, 7)), (520, CUDAVersion(11, 8)), (525, CUDAVersion(12, 0)),
    (530, CUDAVersion(12, 1)), (535, CUDAVersion(12, 2)), (545, CUDAVersion(12, 3)),
    (550, CUDAVersion(12, 4)), (555, CUDAVersion(12, 5)), (560, CUDAVersion(12, 6)),
    (565, CUDAVersion(12, 7)), (570, CUDAVersion(12, 8)), (575, CUDAVersion(12, 9)),
    (580, CUDAVersion(13, 0)),
  ]
}

/// A CUDA release, `12.6`.
public struct CUDAVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
  public var major: Int
  public var minor: Int

  public init(_ major: Int, _ minor: Int) {
    self.major = major
    self.minor = minor
  }

  /// `12.6`, `12.6.3` (the patch is not part of what a driver supports), `12`.
  public init?(_ text: some StringProtocol) {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard let first = parts.first, let major = Int(first), parts.count <= 3 else { return nil }
    let minor = parts.count > 1 ? Int(parts[1]) : 0
    guard let minor else { return nil }
    self.init(major, minor)
  }

  public var description: String { "\(major).\(minor)" }

  public static func < (left: CUDAVersion, right: CUDAVersion) -> Bool {
    (left.major, left.minor) < (right.major, right.minor)
  }
}
