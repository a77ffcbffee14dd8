/// The `.env` dialects flow reads. There is no common one: each follows the tool named.
public enum EnvFileDialect: String, Sendable, CaseIterable {
  /// docker compose's `.env` and `env_file` rules: quotes, escapes, `${…}` expansion.
  case compose
  /// python-dotenv's rules, including which forms it expands and which it leaves.
  case python
  /// `docker run --env-file`: no quotes, no expansion, a bare key inherits.
  case docker

  /// Whether values of this dialect can refer to other variables.
  public var expands: Bool { self != .docker }
}
