/// The answer for one set of requirements: the chosen versions, why each was chosen, and the
/// ordered environment actions that install them.
public struct Resolution: Sendable {
  /// The requests, the machine's facts (`ImplicitPackages.requests`) last.
  public var requirements: [PackageRequirement]
  /// How many of `requirements` are the machine's facts rather than asked for.
  public var implicitCount = 0
  public var packages: [PackageVersion]
  /// Rez's ephemerals required, each with the range left of it (`.foo` and `2.5+<2_`), on rez
  /// repositories (`rezFinished()`).
  public internal(set) var ephemerals: [(name: String, range: String)] = []
  public var actions: EnvironmentActions
  /// Per chosen package, every version of it (ascending) with its key: the newer ones are
  /// what `reasons()` explains.
  private(set) var candidates: [(versions: [Version], keys: [String])]
  let includePrereleases: Bool
  /// Per chosen package, the versions a filter hid, in words; nil when none.
  private(set) var hidden: [String?]
  /// Per chosen package, the other variants of its version, each with whether it ranked
  /// above the chosen one.
  private(set) var otherVariants: [[(entry: PackageVersion, preferred: Bool)]]
  /// The versions the solve was asked to keep (a lock's), which the reasons name.
  let preferences: [String: PreferredVersion]
  /// The rez packages' changes left out of the actions because their conditions stay
  /// unknown for this resolve (`EnvironmentActions.rez`).
  private(set) var undecided: [Diagnostic] = []

  /// `requirements` solved against `source`, with the machine's facts as packages and weak
  /// requests after them when `implicits` are given; what a resolve of requirements given as
  /// arguments and of each stage of a pipe document is. On a rez repository (through a
  /// filter too) without a lock's versions to keep, the answer is the one rez's own search
  /// gives (`RezRepository.followRez(_:filter:)`): taken as it is, or with `explain` followed
  /// by the solver, whose explanation compares it with the rest. `factCount`: how many of
  /// `requirements`, last, are the machine's facts already (not requests).
  public static func resolving(
    _ requirements: [PackageRequirement], source: any PackageSource,
    implicits: ImplicitPackages? = nil, includePrereleases: Bool = false,
    fullDerivation: Bool = false, preferences: [String: PreferredVersion] = [:],
    explain: Bool = false, factCount: Int = 0
  ) throws -> Resolution {
    var requirements = requirements
    var source = source
    var implicitCount = factCount
    if let implicits {
      let (placed, requests) = implicits.applied(to: source)
      requirements += requests
      implicitCount += requests.count
      source = placed
    }
    // A rez repository, or one a filter reads through.
    let search = preferences.isEmpty ? source.rezSearch : nil
    let repository = search?.repository
    if let repository {
      try repository.followRez(
        requirements.map(repository.rezRequirement(for:)), filter: search?.filter,
        implicitCount: implicitCount)
      if !explain, var answer = repository.resolution(of: requirements) {
        answer.implicitCount = implicitCount
        answer = try answer.rezFinished()
        repository.keep(undecided: answer.undecided)
        return answer
      }
    }
    var resolution = try Resolution(
      requirements, source: source, includePrereleases: includePrereleases,
      fullDerivation: fullDerivation, preferences: preferences)
    // Where rez's search stopped with an error, rez answers nothing: the solver, which
    // steps past what stopped it, explains a failure better, but its answer is not rez's.
    if let error = repository?.searchError {
      throw ResolveError.unsatisfiable(explanation: "rez's search stops: \(error)")
    }
    // On a rez repository, with its ephemerals, which the solver set aside, and listed and
    // applied in rez's order, however it was solved.
    resolution.implicitCount = implicitCount
    if let search = source.rezSearch {
      resolution = try resolution.rezFinished()
      search.repository.keep(undecided: resolution.undecided)
    }
    return resolution
  }

  /// Solves `requirements` against `source` in the solver's own order (`resolving` places
  /// the machine's facts and takes rez's answer first). A failure's reason is summarised
  /// past `Solver.summarySteps` steps unless `fullDerivation` asks for all of it. A package
  /// takes its version in `preferences` while the constraints allow it (a lock's).
  init(
    _ requirements: [PackageRequirement], source: any PackageSource,
    includePrereleases: Bool = false, fullDerivation: Bool = false,
    preferences: [String: PreferredVersion] = [:]
  ) throws {
    let solution = try Solver.solution(
      requirements, source: source, includePrereleases: includePrereleases,
      fullDerivation: fullDerivation, preferences: preferences)
    self.requirements = requirements
    self.packages = solution.packages
    self.actions = EnvironmentActions(packages: solution.packages)
    self.candidates = solution.candidates
    self.includePrereleases = includePrereleases
    self.hidden = solution.packages.map { source.hiddenText(of: $0.name) }
    self.otherVariants = solution.otherVariants
    self.preferences = preferences
  }

  /// The resolution of packages chosen elsewhere (rez's own search over rez repositories),
  /// in the order given, without actions until `rezFinished()` orders it. Without the other
  /// versions and variants the chosen ones were compared with, which only `reasons()`
  /// reads: explanations take the solver's way.
  init(requirements: [PackageRequirement], chosen packages: [PackageVersion]) {
    self.requirements = requirements
    self.packages = packages
    self.actions = EnvironmentActions(actions: [])
    self.candidates = packages.map { _ in ([], []) }
    self.includePrereleases = true
    self.hidden = packages.map { _ in nil }
    self.otherVariants = packages.map { _ in [] }
    self.preferences = [:]
  }

  /// The packages, and the ephemerals, in the order of the positions given (each once),
  /// their actions made anew as rez applies them (`EnvironmentActions.rez`).
  mutating func order(packages order: [Int], ephemerals ephemeralOrder: [Int]) {
    packages = order.map { packages[$0] }
    candidates = order.map { candidates[$0] }
    hidden = order.map { hidden[$0] }
    otherVariants = order.map { otherVariants[$0] }
    ephemerals = ephemeralOrder.map { ephemerals[$0] }
    var undecided: [Diagnostic] = []
    actions = EnvironmentActions.rez(
      packages: packages, ephemerals: ephemerals,
      requests: Array(requirements.dropLast(implicitCount)), undecided: { undecided.append($0) })
    self.undecided = undecided
  }

  /// Per chosen package, in the same order: what brought it in and what kept newer versions
  /// out.
  public func reasons() -> [[String]] {
    zip(zip(packages, candidates), hidden).map { chosen, hidden -> [String] in
      let (package, candidates) = chosen
      var why: [String] = requirements.filter { $0.name == package.name }.map {
        $0.kind == .required ? "requested as \($0)" : "constrained by the request \($0)"
      }
      if let provider = package.providedBy {
        return why + [
          "provided by \(provider), which stands in for any other \(package.name) while selected"
        ]
      }
      for other in packages {
        for requirement in other.requires where requirement.name == package.name {
          why.append(
            requirement.kind == .required
              ? "required by \(other.name) \(other.key) as \(requirement)"
              : "constrained by \(other.name) \(other.key) as \(requirement)")
        }
      }
      var seen: Set<String> = []
      let newer = zip(candidates.versions, candidates.keys).filter {
        package.version < $0.0 && seen.insert($0.1).inserted
      }
      if newer.isEmpty {
        why.append(
          hidden == nil ? "the newest version in the catalogue" : "the newest version not hidden")
      } else if preferences[package.name]?.key == package.key {
        why.append("kept as locked; newer versions: " + newer.map { $0.1 }.joined(separator: ", "))
      } else {
        let excluded = newer.map { version, key -> String in
          func blocks(_ requirement: PackageRequirement) -> Bool {
            !requirement.isKept(by: version, includingPrereleases: includePrereleases)
          }
          var against = requirements.filter { $0.name == package.name && blocks($0) }.map(
            \.description)
          for other in packages {
            for requirement in other.requires where requirement.name == package.name {
              if blocks(requirement) {
                against.append("\(other.name) \(other.key) requires \(requirement)")
              }
            }
            for requirement in other.conflicts where requirement.name == package.name {
              if !blocks(requirement) {
                against.append("\(other.name) \(other.key) conflicts with \(requirement)")
              }
            }
          }
          let blocking =
            against.isEmpty
            ? "its own requirements do not fit the rest" : against.joined(separator: "; ")
          return "\(key) (\(blocking))"
        }
        why.append("newer versions not chosen: " + excluded.joined(separator: ", "))
      }
      if let hidden { why.append("versions hidden: \(hidden)") }
      return why + variantReasons(package)
    }
  }

  /// The resolution as the pipe document carries it (and flow-resolve prints it): packages
  /// and ordered actions, with the reasons when `explain`. `Model/Document` writes it.
  public func stageResolution(explain: Bool = false) -> StageResolution {
    let reasons = explain ? self.reasons() : []
    let facts = Set(requirements.suffix(implicitCount).map(\.name))
    return StageResolution(
      requirements: requirements.dropLast(implicitCount).map(\.description),
      packages: packages.enumerated().map { index, package in
        var resolved = ResolvedPackage(
          name: package.name, version: package.key, label: package.label,
          priority: package.priority, definedAt: package.definedAt,
          because: explain ? reasons[index] : nil, variant: package.variant,
          providedBy: package.providedBy)
        resolved.entry = facts.contains(package.name) ? nil : PackageLock.digest(of: package)
        return resolved
      },
      ephemerals: ephemerals.map { RezRequirement.written($0.name, $0.range) },
      actions: actions.actions)
  }
}

extension Resolution {
  /// For a package with variants: which variant was chosen, and why each other variant of
  /// its version was not: a requirement the chosen packages break, else its rank below the
  /// chosen one by rez's rule, else that its requirements do not fit the rest.
  func variantReasons(_ package: PackageVersion) -> [String] {
    guard let variant = package.variant, let index = packages.firstIndex(of: package) else {
      return []
    }
    var why = ["variant \(variant) of \(package.key)"]
    for (other, preferred) in otherVariants[index] {
      let label = "variant \(other.variant ?? 0) not chosen"
      if let broken = broken(other) {
        why.append("\(label): \(broken)")
      } else if !preferred {
        why.append("\(label): ranked below variant \(variant) by the variant rule")
      } else {
        why.append("\(label): its requirements do not fit the rest")
      }
    }
    return why
  }

  /// The first requirement or conflict of `entry` that the chosen packages or the requests
  /// break, in words.
  private func broken(_ entry: PackageVersion) -> String? {
    for requirement in entry.requires where requirement.kind != .conflict {
      let allowed = requirement.spec.versions(includingPrereleases: includePrereleases)
      for request in requirements
      where request.name == requirement.name && request.kind != .conflict {
        let asked = request.spec.versions(includingPrereleases: includePrereleases)
        if allowed.intersection(asked).isEmpty {
          return "it requires \(requirement), which the request \(request) rules out"
        }
      }
    }
    for requirement in entry.requires {
      guard let chosen = packages.first(where: { $0.name == requirement.name }),
        !requirement.isKept(by: chosen.version, includingPrereleases: includePrereleases)
      else { continue }
      return requirement.kind == .conflict
        ? "it conflicts with \(chosen.name) \(chosen.key)"
        : "it requires \(requirement), and \(chosen.name) \(chosen.key) is selected"
    }
    for conflict in entry.conflicts {
      if let chosen = packages.first(where: { $0.name == conflict.name }) {
        return "it conflicts with \(chosen.name) \(chosen.key)"
      }
    }
    return nil
  }
}
