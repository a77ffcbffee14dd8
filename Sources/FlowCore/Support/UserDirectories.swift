/// The user's configuration and cache folders, by the XDG base-directory rules: the
/// variable when set and not empty, else the default under `HOME`.
public struct UserDirectories: Sendable {
  /// `$XDG_CONFIG_HOME`, else `$HOME/.config`.
  public let config: String
  /// `$XDG_CACHE_HOME`, else `$HOME/.cache` (`/tmp/.cache` without `HOME`).
  public let cache: String

  public init(environment: [String: String]) {
    func variable(_ name: String) -> String? {
      environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
    config = variable("XDG_CONFIG_HOME") ?? (environment["HOME"] ?? "") + "/.config"
    cache = variable("XDG_CACHE_HOME") ?? (environment["HOME"] ?? "/tmp") + "/.cache"
  }

  /// flow's own configuration folder, `config/flow`.
  public var flowConfig: String { config + "/flow" }
  /// flow's own cache folder, `cache/flow`.
  public var flowCache: String { cache + "/flow" }
}
