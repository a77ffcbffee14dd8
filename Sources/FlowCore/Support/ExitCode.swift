/// The exit statuses every flow tool uses (sysexits.h), from one place.
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
}
