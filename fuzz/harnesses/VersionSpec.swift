import FlowCore

/// Version and spec strings: the first line is read as a version, a spec (in each syntax)
/// and a requirement; a parsed version and spec agree with themselves.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVersionSpec(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
  let first = String(lines.first ?? "")
  let second = lines.count > 1 ? String(lines[1]) : first
  let version = try? Version(parsing: first)
  let specs = VersionSpec.SyntaxChoice.allCases.compactMap {
    try? VersionSpec(parsing: second, syntax: $0)
  }
  _ = try? PackageRequirement(parsing: text)
  if let version {
    if let reread = try? Version(parsing: version.description), reread != version {
      fatalError("version '\(first)' reads back as a different version")
    }
    for spec in specs {
      let matches = spec.matches(version, includingPrereleases: true)
      if matches != spec.versions(includingPrereleases: true).contains(version) {
        fatalError("spec '\(second)' and its version set disagree on '\(first)'")
      }
    }
  }
  return 0
}
