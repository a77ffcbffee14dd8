/// A signal's name as people write it: `SIGKILL`, `SIGTERM`; `signal 64` when it has none.
public enum SignalName {
  public static func of(_ signal: Int32) -> String {
    guard let abbreviation = signalAbbreviation(signal) else { return "signal \(signal)" }
    return "SIG" + abbreviation
  }
}
