/// The exit statuses every flow tool uses (sysexits.h, and env(1)'s for flow-exec),
/// from one place.
public enum ExitStatus: Int32, Sendable {
  case success = 0
  /// Something was found (lint), not an error of the tool.
  case found = 1
  case usage = 64
  case dataError = 65
  case noInput = 66
  case unavailable = 69
  case software = 70
  case ioError = 74
  case config = 78
  /// A stage ran past its time limit (timeout(1)'s status).
  case timedOut = 124
  /// flow-exec itself failed (env(1)'s status).
  case toolFailed = 125
  /// A stage's command was found but could not run.
  case cannotRun = 126
  /// A stage's command was not found.
  case notFound = 127

  /// The status a process stopped by `signal` reports in a shell: 128 plus the signal.
  public static func signalled(_ signal: Int32) -> Int32 { 128 + signal }
}
