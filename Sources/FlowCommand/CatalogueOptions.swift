import ArgumentParser

/// `--catalog` and `--index`: where requirements are resolved from, the same in every tool
/// that resolves them.
public struct CatalogueOptions: ParsableArguments {
  public init() {}

  @Option(
    name: .customLong("catalog"),
    help: ArgumentHelp(
      "A catalogue file, a folder (config.toml then config.d/*.toml), Lifeblood's "
        + "configuration root or a rez repository (NAME/VERSION/package.py); repeatable. "
        + "Default: FLOW_CATALOG, LIFEBLOOD_CONFIG_LOCATION, REZ_PACKAGES_PATH, then "
        + "~/.config/flow/packages.toml."),
    completion: .file())
  public var catalogs: [String] = []

  @Option(
    help: "Where to keep the compiled catalogue index (default: under ~/.cache/flow).",
    completion: .file())
  public var index: String?
}
