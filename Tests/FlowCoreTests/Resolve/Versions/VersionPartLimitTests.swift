import Testing

@testable import FlowCore

/// Specs take the number after a part (`^N` is below N+1): a part of UInt64's largest
/// value is refused as too large rather than overflowing. Found by the VersionSpec fuzzer.
@Suite struct VersionPartLimitTests {
  static let largest = "18446744073709551615"
  static let belowLargest: UInt64 = 18_446_744_073_709_551_614

  @Test(arguments: [
    largest, "^\(largest)", "~\(largest)", "\(largest).x", "1.\(largest)", "1.\(largest).x",
    "0 \(largest)", "1 - \(largest)", "1 - 1.\(largest)", "1 - 1.1.\(largest)", ">\(largest)",
    "<=1.\(largest)", "~=\(largest).0", "~=1.\(largest)", "==\(largest).*",
  ])
  func specWithTheLargestPartIsRefusedNotOverflowed(spec: String) {
    #expect(throws: ResolveError.self) { try VersionSpec(parsing: spec) }
  }

  @Test func versionWithTheLargestPartIsRefused() {
    #expect(throws: ResolveError.self) { try Version(parsing: Self.largest) }
  }

  @Test func partOneBelowTheLargestIsRead() throws {
    let version = try Version(parsing: "\(Self.belowLargest)")
    #expect(version.release == [Self.belowLargest])
    #expect(try VersionSpec(parsing: "^\(Self.belowLargest)").matches(version))
    #expect(try VersionSpec(parsing: "~=\(Self.belowLargest).0").matches(version))
    #expect(try VersionSpec(parsing: "\(Self.belowLargest).x").matches(version))
  }
}
