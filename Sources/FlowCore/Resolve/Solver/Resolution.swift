/// The answer for one set of requirements: the chosen versions, why each was chosen, and the
/// ordered environment actions that install them.
public struct Resolution: Sendable {
  public var requirements: [PackageRequirement]
  public var packages: [PackageVersion]
  public var actions: EnvironmentActions
  /// Per chosen package, every version of it (ascending) with its key: the newer ones are
  /// what `reasons()` explains.
  let candidates: [(versions: [Version], keys: [String])]
  let includePrereleases: Bool
  /// Per chosen package, the versions a filter hid, in words; nil when none.
  let hidden: [String?]

  /// Solves `requirements` against `source`. A failure's reason is summarised past
  /// `Solver.summarySteps` steps unless `fullDerivation` asks for all of it.
  public init(
    _ requirements: [PackageRequirement], source: any PackageSource,
    includePrereleases: Bool = false, fullDerivation: Bool = false
  ) throws {
    let solution = try Solver.solution(
      requirements, source: source, includePrereleases: includePrereleases,
      fullDerivation: fullDerivation)
    self.requirements = requirements
    self.packages = solution.packages
    self.actions = EnvironmentActions(packages: solution.packages)
    self.candidates = solution.candidates
    self.includePrereleases = includePrereleases
    self.hidden = solution.packages.map { source.hiddenText(of: $0.name) }
  }

  /// Per chosen package, in the same order: what brought it in and what kept newer versions
  /// out.
  public func reasons() -> [[String]] {
    zip(zip(packages, candidates), hidden).map { chosen, hidden in
      let (package, candidates) = chosen
      var why: [String] = requirements.filter { $0.name == package.name }.map {
        $0.kind == .required ? "requested as \($0)" : "constrained by the request \($0)"
      }
      for other in packages {
        for requirement in other.requires where requirement.name == package.name {
          why.append(
            requirement.kind == .required
              ? "required by \(other.name) \(other.key) as \(requirement)"
              : "constrained by \(other.name) \(other.key) as \(requirement)")
        }
      }
      let newer = zip(candidates.versions, candidates.keys).filter { package.version < $0.0 }
      if newer.isEmpty {
        why.append(
          hidden == nil ? "the newest version in the catalogue" : "the newest version not hidden")
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
      return why
    }
  }

  /// The resolution as the pipe document carries it (and flow-resolve prints it): packages
  /// and ordered actions, with the reasons when `explain`. `Model/Document` writes it.
  public func stageResolution(explain: Bool = false) -> StageResolution {
    let reasons = explain ? self.reasons() : []
    return StageResolution(
      requirements: requirements.map(\.description),
      packages: packages.enumerated().map { index, package in
        ResolvedPackage(
          name: package.name, version: package.key, label: package.label,
          priority: package.priority, definedAt: package.definedAt,
          because: explain ? reasons[index] : nil)
      },
      actions: actions.actions)
  }
}
