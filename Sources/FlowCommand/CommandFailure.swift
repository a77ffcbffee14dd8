import FlowCore

/// A failure a command decides itself (a combination of options that cannot work, a file
/// it cannot make), reported as `tool: message` and ending with `exitStatus`.
public struct CommandFailure: ToolFailure {
  public var message: String
  public var exitStatus: ExitStatus

  public init(_ message: String, status: ExitStatus) {
    self.message = message
    exitStatus = status
  }

  public var description: String { message }
}
