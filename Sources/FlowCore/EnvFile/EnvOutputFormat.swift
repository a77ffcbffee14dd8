/// The ways merged variables can be written out.
public enum EnvOutputFormat: String, Sendable, CaseIterable {
  /// A JSON object of names to values.
  case json
  /// `export K='v'` lines a POSIX shell can `eval` safely.
  case sh
  /// `K="v"` lines in the compose dialect, escapes normalised.
  case dotenv
  /// `K=v` lines for `docker run --env-file`, which cannot carry newlines.
  case docker
  /// `export K := v` lines for GNU make, `$`, `#` and backslashes protected.
  case make
  /// `K=v` records each ended by a NUL byte, like `env -0`.
  case null
}
