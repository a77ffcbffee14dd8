/// A version as installed software carries it: semver 2.0.0 (`1.2.3-rc.1+build.5`) and the
/// shapes real packages use (`20`, `3.6`, `6.28.04`, `20.0.506.1`).
///
/// Release parts compare numerically, missing parts count as zero (`3.6` == `3.6.0`),
/// a prerelease sorts before its release and build metadata is ignored for precedence.
/// `==` and `<` order by precedence first and then by build metadata, so two builds of one
/// release are distinct catalogue entries while every spec compares by precedence alone.
public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The numeric release parts as written (`6.28.04` keeps three parts, value 4).
  public let release: [UInt64]
  public let prerelease: [Identifier]
  public let build: [Identifier]

  public init(release: [UInt64], prerelease: [Identifier] = [], build: [Identifier] = []) {
    self.release = release.isEmpty ? [0] : release
    self.prerelease = prerelease
    self.build = build
  }

  public init(_ major: UInt64, _ minor: UInt64 = 0, _ patch: UInt64 = 0) {
    self.init(release: [major, minor, patch])
  }

  public var isPrerelease: Bool { !prerelease.isEmpty }

  /// The same version without prerelease and build metadata.
  public var releaseOnly: Version { Version(release: release) }

  /// The same version without build metadata.
  public var withoutBuild: Version { Version(release: release, prerelease: prerelease) }

  /// Release part `index`, zero when not written.
  public func part(_ index: Int) -> UInt64 { index < release.count ? release[index] : 0 }

  /// The lowest prerelease of this release, `X.Y.Z-0`: nothing of the release sorts before it.
  public var lowestPrerelease: Version {
    Version(release: release, prerelease: Version.lowestTag)
  }

  /// The prerelease tag `0`, shared by every lowest prerelease a spec names.
  private static let lowestTag: [Identifier] = [.numeric(0)]

  public var description: String {
    var text = release.map(String.init).joined(separator: ".")
    if !prerelease.isEmpty { text += "-" + prerelease.map(\.description).joined(separator: ".") }
    if !build.isEmpty { text += "+" + build.map(\.description).joined(separator: ".") }
    return text
  }

  /// Semver precedence: release parts, then prerelease; build metadata ignored.
  public func comparePrecedence(_ other: Version) -> Int {
    let count = max(release.count, other.release.count)
    for index in 0..<count {
      let left = part(index)
      let right = other.part(index)
      if left != right { return left < right ? -1 : 1 }
    }
    return Version.compareIdentifiers(prerelease, other.prerelease, emptyIsHighest: true)
  }

  public static func == (left: Version, right: Version) -> Bool {
    left.comparePrecedence(right) == 0 && left.build == right.build
  }

  public static func < (left: Version, right: Version) -> Bool {
    let order = left.comparePrecedence(right)
    if order != 0 { return order < 0 }
    return compareIdentifiers(left.build, right.build, emptyIsHighest: false) < 0
  }

  public func hash(into hasher: inout Hasher) {
    var significant = release.count
    while significant > 1 && release[significant - 1] == 0 { significant -= 1 }
    hasher.combine(release[0..<significant])
    hasher.combine(prerelease)
    hasher.combine(build)
  }

  static func compareIdentifiers(_ left: [Identifier], _ right: [Identifier], emptyIsHighest: Bool)
    -> Int
  {
    if left.isEmpty || right.isEmpty {
      if left.isEmpty && right.isEmpty { return 0 }
      return (left.isEmpty == emptyIsHighest) ? 1 : -1
    }
    for (a, b) in zip(left, right) where a != b { return a < b ? -1 : 1 }
    if left.count == right.count { return 0 }
    return left.count < right.count ? -1 : 1
  }
}

extension Version {
  /// A dot-separated prerelease or build identifier: numeric ones compare numerically and
  /// sort before alphanumeric ones, which compare in ASCII order.
  public enum Identifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    case numeric(UInt64)
    case text(String)

    public init(_ text: Substring) {
      if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = UInt64(text) {
        self = .numeric(value)
      } else {
        self = .text(String(text))
      }
    }

    /// The identifier written as `bytes`, read as `init(_:)` reads text.
    init(bytes: ArraySlice<UInt8>) {
      var value: UInt64 = 0
      var isNumber = !bytes.isEmpty
      for byte in bytes where isNumber {
        let (tens, tensOverflow) = value.multipliedReportingOverflow(by: 10)
        let (sum, sumOverflow) = tens.addingReportingOverflow(UInt64(byte &- 48))
        isNumber = byte >= 48 && byte <= 57 && !tensOverflow && !sumOverflow
        value = sum
      }
      self = isNumber ? .numeric(value) : .text(String(decoding: bytes, as: UTF8.self))
    }

    public var description: String {
      switch self {
      case .numeric(let value): return String(value)
      case .text(let text): return text
      }
    }

    public static func < (left: Identifier, right: Identifier) -> Bool {
      switch (left, right) {
      case (.numeric(let a), .numeric(let b)): return a < b
      case (.numeric, .text): return true
      case (.text, .numeric): return false
      case (.text(let a), .text(let b)): return Array(a.utf8).lexicographicallyPrecedes(b.utf8)
      }
    }
  }
}
