/// Adds a `resolution` to every stage of a pipe document that has requirements; stages with
/// the same requirements are solved once.
public struct PipeResolution {
  public let source: any PackageSource
  public let includePrereleases: Bool
  public let explain: Bool
  /// Whether a stage that cannot be resolved is explained in full rather than summarised.
  public let fullDerivation: Bool
  /// The syntax the stages' specs are read in, as for requirements given as arguments.
  public let syntax: VersionSpec.SyntaxChoice
  /// The machine's facts as packages (`ImplicitPackages`), given to each stage that runs on
  /// this machine (`ImplicitPackages.forStage`); nil: none.
  public var implicits: ImplicitPackages?
  /// Per stage name, the versions to keep while they still fit (a lock's); see
  /// `PreferredVersion`.
  public var preferences: [String: [String: PreferredVersion]] = [:]

  public init(
    source: any PackageSource, includePrereleases: Bool = false, explain: Bool = false,
    fullDerivation: Bool = false, syntax: VersionSpec.SyntaxChoice = .auto
  ) {
    self.source = source
    self.includePrereleases = includePrereleases
    self.explain = explain
    self.fullDerivation = fullDerivation
    self.syntax = syntax
  }

  /// A problem with one stage: its name and what went wrong. The requirements come from the
  /// document, so a tool ends with the document's status, whatever the reason.
  public struct StageFailure: ToolFailure, Sendable {
    public var stage: String
    /// Where the stage is written (`FILE:LINE:COLUMN`), when known.
    public var place: String?
    public var error: ResolveError

    public var exitStatus: ExitStatus { .dataError }

    public var description: String {
      let place = place.map { "\($0): " } ?? ""
      return "\(place)stage '\(stage)': \(error)"
    }
  }

  /// Adds the resolutions to the workflow (to the stages at `selected` when given); returns
  /// how many distinct requirement sets were solved.
  public func annotate(_ workflow: inout Workflow, selected: [Int]? = nil) throws(StageFailure)
    -> Int
  {
    var solved: [[String]: StageResolution] = [:]
    // Stages mostly repeat their requirements word for word: those are not parsed again.
    var byText: [[WrittenRequirement]: StageResolution] = [:]
    for index in selected ?? Array(workflow.stages.indices) {
      let stage = workflow.stages[index]
      let items = stage.environment.requirements
      if items.isEmpty { continue }
      let facts = implicits?.forStage(stage)
      let preferred = preferences[stage.name] ?? [:]
      // Stages that share requirements but keep different locked versions are solved apart.
      let kept = preferred.sorted { $0.key < $1.key }.map {
        WrittenRequirement(package: "=" + $0.key, spec: $0.value.key + "/\($0.value.variant ?? -1)")
      }
      let written =
        items.map { WrittenRequirement(package: $0.package, spec: $0.spec) }
        + (facts?.requests ?? []).map {
          WrittenRequirement(package: "~" + $0.name, spec: $0.spec.text)
        } + kept
      if let known = byText[written] {
        workflow.stages[index].resolution = known
        continue
      }
      var requirements: [PackageRequirement] = []
      do {
        for item in items {
          requirements.append(
            try source.requirement(package: item.package, spec: item.spec, syntax: syntax))
        }
        let key =
          (requirements + (facts?.requests ?? [])).map(\.description)
          + kept.map { $0.package + $0.spec }
        if solved[key] == nil {
          solved[key] = try Resolution.resolving(
            requirements, source: source, implicits: facts, includePrereleases: includePrereleases,
            fullDerivation: fullDerivation, preferences: preferred, explain: explain
          ).stageResolution(explain: explain)
        }
        byText[written] = solved[key]
        workflow.stages[index].resolution = solved[key]
      } catch let error as ResolveError {
        throw StageFailure(stage: stage.name, place: workflow.place(of: stage), error: error)
      } catch {
        throw StageFailure(
          stage: stage.name, place: workflow.place(of: stage),
          error: .unsatisfiable(explanation: "\(error)"))
      }
    }
    return solved.count
  }

  /// A requirement as the document writes it.
  private struct WrittenRequirement: Hashable {
    var package: String
    var spec: String
  }
}
