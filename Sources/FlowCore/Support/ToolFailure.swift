/// An error a tool reports and ends with: its message, and the status it ends with.
///
/// Each domain's error type adopts this, so the status is decided where the error is
/// made, and each executable's one exit path (`ToolCommand.main`) needs no table.
public protocol ToolFailure: Error, CustomStringConvertible {
  var exitStatus: ExitStatus { get }
}
