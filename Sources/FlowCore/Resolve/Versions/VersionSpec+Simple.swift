extension VersionSpec {
  /// python-semanticversion `SimpleSpec`: comma-separated blocks, all of which must match.
  static func parseSimple(_ text: String) throws -> VersionSpec {
    let bytes = Array(text.utf8)
    // Intersected all at once: one at a time, a long list of `!=` would be quadratic.
    var including: [VersionSet] = []
    // The prerelease opt-in looks at the whole spec, as node-semver looks at a whole
    // comparator set: in `>=20.0.506-rc.1,<21` the first block lets 20.0.506-rc.2 in.
    var named: [Version] = []
    var start = 0
    while true {
      var end = start
      while end < bytes.count && bytes[end] != UInt8(ascii: ",") { end += 1 }
      SpecReadingWork.add(end - start + 1)
      let block = try simpleBlock(text, bytes: bytes, from: start, to: end)
      including.append(block.set)
      named += block.namedPrereleases
      if end >= bytes.count { break }
      start = end + 1
    }
    let matched = VersionSet.intersection(of: including)
    return VersionSpec(
      text: text, syntax: .simple, standard: standardSet(matched, naming: named),
      includingPrereleases: matched)
  }

  private static let simpleOperators = ["<=", "<", "==", "=", ">=", ">", "!=", "^", "~=", "~"]

  private static func simpleBlock(
    _ text: String, bytes: [UInt8], from start: Int, to end: Int
  ) throws -> (
    set: VersionSet, namedPrereleases: [Version]
  ) {
    var scanner = VersionScanner(text: text, bytes: bytes, start: start, end: end)
    scanner.skipSpaces()
    if scanner.atEnd {
      throw ResolveError.invalidSpec(text: text, column: scanner.index + 1, reason: "empty term")
    }
    let operatorStart = scanner.index
    var op = ""
    for candidate in simpleOperators where scanner.take(candidate) {
      op = candidate
      break
    }
    if op == "=" || op == "" { op = "==" }
    let versionStart = scanner.index
    let partial = try scanner.version(allowWildcards: true, lifeblood: true)
    scanner.skipSpaces()
    if !scanner.atEnd {
      throw ResolveError.invalidSpec(
        text: text, column: scanner.index + 1, reason: "unexpected character")
    }
    func fail(_ reason: String, at position: Int) -> ResolveError {
      .invalidSpec(text: text, column: position + 1, reason: reason)
    }
    let fixed = partial.fixed
    let hasMajor = fixed.count >= 1
    let hasMinor = fixed.count >= 2
    let hasPatch = fixed.count >= 3
    if !hasMajor && op != "==" && op != ">=" {
      throw fail("a wildcard major version works only with '==' or '>='", at: operatorStart)
    }
    if !hasPatch && (partial.prereleaseMarked || partial.buildMarked) {
      throw fail(
        "a partial version cannot carry a prerelease or build",
        at: partial.qualifierStart ?? versionStart)
    }
    if partial.buildMarked && op != "==" && op != "!=" {
      throw fail("build metadata works only with '==' or '!='", at: operatorStart)
    }
    var target = Version(
      release: hasPatch ? fixed : fixed + Array(repeating: 0, count: 3 - fixed.count))
    if hasPatch {
      target = Version(release: fixed, prerelease: partial.prerelease, build: partial.build)
    }
    let named = partial.prereleaseMarked ? [target] : []
    let natural = !partial.prereleaseMarked || !partial.prerelease.isEmpty
    let buildStrict = partial.buildMarked

    func lessThan(_ version: Version, natural: Bool) -> VersionSet {
      natural && !version.isPrerelease ? below(version.lowestPrerelease) : below(version)
    }
    let set: VersionSet
    switch op {
    case "^":
      let high: Version
      if target.part(0) != 0 {
        high = target.nextMajor
      } else if target.part(1) != 0 {
        high = target.nextMinor
      } else {
        high = target.nextPatch
      }
      set = atLeast(target).intersection(lessThan(high, natural: true))
    case "~":
      set = atLeast(target).intersection(
        lessThan(hasMinor ? target.nextMinor : target.nextMajor, natural: true))
    case "~=":
      set = atLeast(target).intersection(
        lessThan(hasPatch ? target.nextMinor : target.nextMajor, natural: true))
    case "==":
      if !hasMajor {
        set = atLeast(target)
      } else if !hasPatch {
        let high = hasMinor ? target.nextMinor : target.nextMajor
        set = atLeast(target).intersection(lessThan(high, natural: true))
      } else if buildStrict {
        set = .between(.justBelow(target), .justAbove(target))
      } else {
        set = exactly(target)
      }
    case "!=":
      if !hasPatch {
        let high = hasMinor ? target.nextMinor : target.nextMajor
        set = lessThan(target, natural: true).union(atLeast(high))
      } else if buildStrict {
        set = VersionSet.between(.justBelow(target), .justAbove(target)).complement
      } else if natural && !target.isPrerelease {
        set = VersionSet.between(.below(target.lowestPrerelease), .above(target)).complement
      } else {
        set = exactly(target).complement
      }
    case ">":
      if !hasPatch {
        set = atLeast(hasMinor ? target.nextMinor : target.nextMajor)
      } else {
        set = above(target)
      }
    case ">=":
      set = atLeast(target)
    case "<":
      set = lessThan(target, natural: natural)
    default:  // "<="
      if !hasPatch {
        set = lessThan(hasMinor ? target.nextMinor : target.nextMajor, natural: true)
      } else {
        set = atMost(target)
      }
    }
    return (set, named)
  }
}

extension Version {
  /// python-semanticversion's `next_major`: a prerelease of `X.0.0` goes up to `X.0.0`.
  var nextMajor: Version {
    if isPrerelease && part(1) == 0 && part(2) == 0 { return Version(part(0), 0, 0) }
    return Version(part(0) + 1, 0, 0)
  }
  var nextMinor: Version {
    if isPrerelease && part(2) == 0 { return Version(part(0), part(1), 0) }
    return Version(part(0), part(1) + 1, 0)
  }
  var nextPatch: Version {
    if isPrerelease { return Version(part(0), part(1), part(2)) }
    return Version(part(0), part(1), part(2) + 1)
  }
}
