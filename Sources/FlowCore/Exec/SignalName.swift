/// A signal's name as people write it: `SIGKILL`, `SIGTERM`; `signal 64` when it has none.
public enum SignalName {
  public static func of(_ signal: Int32) -> String {
    guard let abbreviation = signalAbbreviation(signal) else { return "signal \(signal)" }
    return "SIG" + String(cString: abbreviation)
  }
}

/// glibc's `sigabbrev_np` (2.32 and later): `KILL` for 9, nil for a number without a name.
/// The Glibc module leaves it out because it is declared only for `_GNU_SOURCE`.
@_silgen_name("sigabbrev_np")
private func signalAbbreviation(_ signal: Int32) -> UnsafePointer<CChar>?
