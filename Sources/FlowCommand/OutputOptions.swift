import ArgumentParser

/// Where a command writes its result: `-o FILE` (atomically) or standard output.
public struct OutputOptions: ParsableArguments {
  @Option(
    name: [.customLong("output"), .customShort("o", allowingJoined: true)],
    help: ArgumentHelp("Write to FILE atomically instead of standard output.", valueName: "FILE"),
    completion: .file())
  public var path: String?

  public init() {}
}
