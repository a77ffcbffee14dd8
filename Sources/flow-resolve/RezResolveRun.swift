import FlowCommand
import FlowCore

/// Resolving against rez repositories (`--catalog DIR` holding `NAME/VERSION/package.py`):
/// with `--syntax rez`, or by default when every catalogue is one.
extension ResolveRun {
  /// The rez repositories to read, or nil when this resolve reads TOML catalogues.
  func rezRepositories() throws -> [String]? {
    let sources =
      catalogs.isEmpty
      ? Catalogue.defaultSources(environment: ProcessEnvironment.current) : catalogs
    return try RezRepository.roots(of: sources, syntax: syntax)
  }

  /// The repositories, and them without what `--exclude` and `--time` hide.
  func openRez(_ roots: [String]) throws -> (
    repository: RezRepository, source: any PackageSource
  ) {
    let repository = try RezRepository(roots: roots)
    var excluded: [PackageRequirement] = []
    for text in exclusions { excluded.append(try repository.requirement(parsing: text)) }
    let filter = try PackageFilter(exclusions: excluded, time: time)
    return (repository, filter.isEmpty ? repository : FilteredSource(repository, filter: filter))
  }

  func resolveRez(_ roots: [String], console: Console) throws -> Never {
    let (repository, source) = try openRez(roots)
    var parsed: [PackageRequirement] = []
    var requests: [RezRequirement] = []
    for text in requirements {
      requests.append(try RezRequirement(parsing: text))
      parsed.append(try repository.requirement(parsing: text))
    }
    repository.requests = requests
    // Package files are read as the solver meets them: what was skipped is known after.
    let resolution: Resolution
    do {
      resolution = try Resolution(
        parsed, source: source, includePrereleases: true, fullDerivation: fullDerivation)
    } catch {
      for problem in repository.problems { console.report(problem.description) }
      throw error
    }
    for problem in repository.problems { console.report(problem.description) }
    try emit(resolution, console: console)
  }
}
