import FlowCommand
import FlowCore
import Glibc

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

  /// Runs `body` on the repositories and on them without what `--exclude` and `--time` hide,
  /// once more on them compiled anew when the reading was out of date
  /// (`RezRepository.reading`).
  func readingRez<Result>(
    _ roots: [String], facts: ImplicitPackages? = nil, console: Console,
    _ body: (RezRepository, any PackageSource) throws -> Result
  ) throws -> Result {
    // A file-size limit (`ulimit -f`) then fails the index write with EFBIG, which resolves
    // from memory, instead of ending the process.
    signal(SIGXFSZ, SIG_IGN)
    return try RezRepository.reading(
      roots: roots, at: index, environment: ProcessEnvironment.current,
      facts: facts?.facts ?? [], report: { console.report($0.description) }
    ) { repository in
      // Kept until the process ends: tearing down its caches would only cost time.
      _ = Unmanaged.passRetained(repository)
      var excluded: [PackageRequirement] = []
      for text in exclusions { excluded.append(try repository.requirement(parsing: text)) }
      let filter = try PackageFilter(exclusions: excluded, time: time)
      return try body(
        repository, filter.isEmpty ? repository : FilteredSource(repository, filter: filter))
    }
  }

  func resolveRez(_ roots: [String], console: Console) throws -> Never {
    // The machine's facts are packages of the repository, ranked among its versions, each
    // also a weak request after the asked ones, as rez adds its implicit packages.
    let facts =
      implicits == true ? ImplicitPackages.probed(environment: ProcessEnvironment.current) : nil
    let resolution = try readingRez(roots, facts: facts, console: console) {
      repository, source in
      var parsed: [PackageRequirement] = []
      let factRequests = repository.factRequests
      for text in requirements + factRequests {
        parsed.append(try repository.requirement(parsing: text))
      }
      // Package files are read as the searches meet them: what was skipped is told after.
      return try Resolution.resolving(
        parsed, source: source, includePrereleases: true, fullDerivation: fullDerivation,
        explain: explain, factCount: factRequests.count)
    }
    try emit(resolution, console: console)
  }
}
