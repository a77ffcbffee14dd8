import ArgumentParser
import FlowCore

/// `--lock FILE` and `--locked`, shared by the tools that keep a section of `flow.lock`.
public struct LockOptions: ParsableArguments {
  @Option(
    name: .customLong("lock"),
    help: ArgumentHelp(
      "Keep to and record the lock in FILE, created when missing (default: flow.lock beside "
        + "the workflow, when it exists).", valueName: "FILE"),
    completion: .file())
  public var path: String?

  @Flag(help: "Refuse any change to the lock: print what would change and exit 65.")
  public var locked = false

  public init() {}

  /// The lock this run keeps to, if any (see `LockUse.open`).
  public func use(for workflow: Workflow) throws(LockFailure) -> LockUse? {
    try LockUse.open(explicit: path, locked: locked, workflow: workflow)
  }
}
