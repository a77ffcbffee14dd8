extension VersionSpec {
  /// node-semver ranges: `||`-separated sets of space-separated comparators or a hyphen range.
  static func parseNode(_ text: String) throws -> VersionSpec {
    // Every branch adds its intervals to one list, sorted and merged once at the end: united
    // one at a time, a long list of `||` would be quadratic, and building a set per branch
    // was most of the work of reading one.
    var standardReleases: [VersionInterval] = []
    var standardPrereleases: [VersionInterval] = []
    var including: [VersionInterval] = []
    var scanner = VersionScanner(text: text)
    var standardIsAny = false
    var includingIsAny = false
    while true {
      let branchStart = scanner.index
      var branchEnd = branchStart
      let bytes = scanner.bytes
      while branchEnd < bytes.count
        && !(bytes[branchEnd] == UInt8(ascii: "|") && branchEnd + 1 < bytes.count
          && bytes[branchEnd + 1] == UInt8(ascii: "|"))
      {
        branchEnd += 1
      }
      SpecReadingWork.add(branchEnd - branchStart + 1)
      let terms = try nodeTerms(text, bytes: bytes, from: branchStart, to: branchEnd)
      // A branch's comparators are single intervals, so what they leave is one interval too.
      var exclusive = Optional(VersionInterval.all)
      var inclusive = Optional(VersionInterval.all)
      var named: [Version] = []
      var exclusiveIsAny = true
      var inclusiveIsAny = true
      // Read through positions, in place: a copy of a comparator retains its versions.
      for term in terms.indices {
        let byDefault = terms[term].comparators(includingPrereleases: false)
        for index in byDefault.indices {
          exclusive = exclusive?.intersection(byDefault[index].interval)
          exclusiveIsAny = exclusiveIsAny && byDefault[index].isAny
          if byDefault[index].version.isPrerelease && !byDefault[index].isAny {
            named.append(byDefault[index].version)
          }
        }
        let withPrereleases = terms[term].comparators(includingPrereleases: true)
        for index in withPrereleases.indices {
          inclusive = inclusive?.intersection(withPrereleases[index].interval)
          inclusiveIsAny = inclusiveIsAny && withPrereleases[index].isAny
        }
      }
      // A branch that is only "any" makes the whole range "any" (releases only by default).
      standardIsAny = standardIsAny || exclusiveIsAny
      includingIsAny = includingIsAny || inclusiveIsAny
      if let exclusive {
        standardReleases.append(exclusive)
        // Prereleases only of the releases the branch names (see `standardSet`).
        if !named.isEmpty {
          let allowed = VersionSet.normalized(named.map(VersionInterval.prereleases(of:)))
          standardPrereleases += VersionSet.intersect([exclusive], allowed)
        }
      }
      if let inclusive { including.append(inclusive) }
      if branchEnd >= bytes.count { break }
      scanner.index = branchEnd + 2
    }
    return VersionSpec(
      text: text, syntax: .node,
      standard: standardIsAny
        ? VersionSet.all.releasesOnly
        : VersionSet(releases: standardReleases, prereleases: standardPrereleases),
      includingPrereleases: includingIsAny ? .all : VersionSet(including))
  }

  /// One term of a node range before desugaring.
  struct NodeTerm {
    enum Kind {
      case primitive(String)
      case tilde, caret
      case hyphen(VersionScanner.Partial)
    }
    var kind: Kind
    var partial: VersionScanner.Partial

    struct Comparator {
      var interval: VersionInterval
      var version: Version
      var isAny = false
    }

    static let zero = Version(0, 0, 0)
    static let lowestZero = zero.lowestPrerelease

    /// node-semver's desugaring (`replaceTilde`, `replaceCaret`, `replaceXRange`,
    /// `hyphenReplace`), where `includePrerelease` lowers some bounds to `-0`.
    func comparators(includingPrereleases include: Bool) -> [Comparator] {
      let fixed = partial.fixed
      let major = fixed.count > 0 ? fixed[0] : 0
      let minor = fixed.count > 1 ? fixed[1] : 0
      let patch = fixed.count > 2 ? fixed[2] : 0
      func v(_ a: UInt64, _ b: UInt64, _ c: UInt64, lowest: Bool = false) -> Version {
        lowest ? Version(a, b, c).lowestPrerelease : Version(a, b, c)
      }
      func atLeast(_ version: Version) -> Comparator {
        // `>=0.0.0` (`>=0.0.0-0` with prereleases) becomes node-semver's "any" comparator.
        if version == (include ? NodeTerm.lowestZero : NodeTerm.zero) {
          return Comparator(interval: .all, version: version, isAny: true)
        }
        return Comparator(interval: VersionInterval(.below(version), .maximum), version: version)
      }
      func below(_ version: Version) -> Comparator {
        Comparator(interval: VersionInterval(.minimum, .below(version)), version: version)
      }
      func atMost(_ version: Version) -> Comparator {
        Comparator(interval: VersionInterval(.minimum, .above(version)), version: version)
      }
      let full = Version(release: fixed, prerelease: partial.prerelease)
      switch kind {
      case .tilde, .caret:
        if fixed.isEmpty { return [] }
        let isCaret = if case .caret = kind { true } else { false }
        // With prereleases included, node-semver 7.8 lowers the start of a partial caret or
        // tilde to `-0` (7.3 lowered carets only), and never that of a full version.
        let lowered = include
        if fixed.count == 1 {
          return [
            atLeast(v(major, 0, 0, lowest: lowered)), below(v(major + 1, 0, 0, lowest: true)),
          ]
        }
        if fixed.count == 2 {
          let high =
            isCaret && major != 0
            ? v(major + 1, 0, 0, lowest: true) : v(major, minor + 1, 0, lowest: true)
          return [atLeast(v(major, minor, 0, lowest: lowered)), below(high)]
        }
        if !isCaret {
          return [atLeast(full), below(v(major, minor + 1, 0, lowest: true))]
        }
        let high =
          major != 0
          ? v(major + 1, 0, 0, lowest: true)
          : minor != 0 ? v(0, minor + 1, 0, lowest: true) : v(0, 0, patch + 1, lowest: true)
        return [atLeast(full), below(high)]
      case .hyphen(let to):
        var result: [Comparator] = []
        if fixed.count == 1 {
          result.append(atLeast(v(major, 0, 0, lowest: include)))
        } else if fixed.count == 2 {
          result.append(atLeast(v(major, minor, 0, lowest: include)))
        } else if fixed.count >= 3 {
          result.append(
            atLeast(partial.prerelease.isEmpty && include ? full.lowestPrerelease : full))
        }
        let toFixed = to.fixed
        let toFull = Version(release: toFixed, prerelease: to.prerelease)
        if toFixed.count == 1 {
          result.append(below(v(toFixed[0] + 1, 0, 0, lowest: true)))
        } else if toFixed.count == 2 {
          result.append(below(v(toFixed[0], toFixed[1] + 1, 0, lowest: true)))
        } else if toFixed.count >= 3 {
          if !to.prerelease.isEmpty || !include {
            result.append(atMost(toFull))
          } else {
            result.append(below(v(toFixed[0], toFixed[1], toFixed[2] + 1, lowest: true)))
          }
        }
        return result
      case .primitive(var op):
        if fixed.count >= 3 {
          switch op {
          case ">":
            return [Comparator(interval: VersionInterval(.above(full), .maximum), version: full)]
          case ">=": return [atLeast(full)]
          case "<": return [below(full)]
          case "<=": return [atMost(full)]
          default:
            return [
              Comparator(interval: VersionInterval(.below(full), .above(full)), version: full)
            ]
          }
        }
        if op == "=" { op = "" }
        if fixed.isEmpty {
          if op == ">" || op == "<" {
            return [below(v(0, 0, 0, lowest: true))]
          }
          return []
        }
        if op.isEmpty {
          if fixed.count == 1 {
            return [
              atLeast(v(major, 0, 0, lowest: include)), below(v(major + 1, 0, 0, lowest: true)),
            ]
          }
          return [
            atLeast(v(major, minor, 0, lowest: include)),
            below(v(major, minor + 1, 0, lowest: true)),
          ]
        }
        let onlyMajor = fixed.count == 1
        switch op {
        case ">":
          let low =
            onlyMajor
            ? v(major + 1, 0, 0, lowest: include) : v(major, minor + 1, 0, lowest: include)
          return [atLeast(low)]
        case "<=":
          return [
            below(
              onlyMajor ? v(major + 1, 0, 0, lowest: true) : v(major, minor + 1, 0, lowest: true))
          ]
        case "<":
          return [below(v(major, minor, 0, lowest: true))]
        default:  // ">="
          return [atLeast(v(major, minor, 0, lowest: include))]
        }
      }
    }
  }

  private static let nodeOperators = [">=", "<=", ">", "<", "=", "~>", "~", "^"]

  private static func nodeTerms(
    _ text: String, bytes: [UInt8], from start: Int, to end: Int
  ) throws -> [NodeTerm] {
    var scanner = VersionScanner(text: text, bytes: bytes, start: start, end: end)
    var terms: [NodeTerm] = []
    scanner.skipSpaces()
    while !scanner.atEnd {
      var op = ""
      for candidate in nodeOperators where scanner.take(candidate) {
        op = candidate
        break
      }
      scanner.skipSpaces()
      while scanner.take("=") || scanner.take("v") {}
      let partial = try scanner.version(allowWildcards: true)
      // A prerelease needs all three parts written; on `1.x.x-alpha` node-semver ignores it.
      if partial.parts.count < 3 && partial.prereleaseMarked {
        throw ResolveError.invalidSpec(
          text: text, column: scanner.index + 1,
          reason: "a partial version cannot carry a prerelease")
      }
      let afterVersion = scanner.index
      scanner.skipSpaces()
      if op.isEmpty && terms.isEmpty && scanner.take("- ") {
        scanner.skipSpaces()
        while scanner.take("v") {}
        let to = try scanner.version(allowWildcards: true)
        scanner.skipSpaces()
        if !scanner.atEnd {
          throw ResolveError.invalidSpec(
            text: text, column: scanner.index + 1, reason: "unexpected text after a hyphen range")
        }
        return [NodeTerm(kind: .hyphen(to), partial: partial)]
      }
      if scanner.index == afterVersion && !scanner.atEnd {
        throw ResolveError.invalidSpec(
          text: text, column: scanner.index + 1, reason: "unexpected character")
      }
      let kind: NodeTerm.Kind =
        switch op {
        case "~", "~>": .tilde
        case "^": .caret
        default: .primitive(op)
        }
      terms.append(NodeTerm(kind: kind, partial: partial))
    }
    return terms
  }
}
