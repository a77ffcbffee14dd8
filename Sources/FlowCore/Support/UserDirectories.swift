import Glibc

/// The user's configuration and cache folders, by the XDG base-directory rules: the
/// variable when set and not empty, else the default under the home folder, which is `HOME`
/// or, when that is unset, the password database's entry for this user. With no home folder
/// at all, both lie in `privateFolder`, named after the user id in the temporary folder,
/// which `checkPrivateFolder` makes and checks before any use: `/tmp` is open to every user.
public struct UserDirectories: Sendable {
  /// `$XDG_CONFIG_HOME`, else `HOME/.config`.
  public let config: String
  /// `$XDG_CACHE_HOME`, else `HOME/.cache`.
  public let cache: String
  /// `${TMPDIR:-/tmp}/flow-UID`, holding `.config` and `.cache` when no home folder is
  /// known; nil when there is one.
  public let privateFolder: String?
  /// The home folder: `$HOME`, else the password database's; nil when neither names one.
  public let home: String?

  public init(environment: EnvironmentMap) {
    self.init(environment: environment, passwordHome: UserDirectories.passwordHome)
  }

  /// `passwordHome` stands for the password database (tests give their own answer).
  init(environment: EnvironmentMap, passwordHome: () -> String?) {
    func variable(_ name: String) -> String? {
      environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
    let home = variable("HOME") ?? passwordHome()
    self.home = home
    if home == nil {
      let temporary = variable("TMPDIR").flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
      privateFolder = temporary + "/flow-" + String(geteuid())
    } else {
      privateFolder = nil
    }
    let base = home ?? privateFolder ?? ""
    config = variable("XDG_CONFIG_HOME") ?? base + "/.config"
    cache = variable("XDG_CACHE_HOME") ?? base + "/.cache"
  }

  /// flow's own configuration folder, `config/flow`.
  public var flowConfig: String { config + "/flow" }
  /// flow's own cache folder, `cache/flow`.
  public var flowCache: String { cache + "/flow" }

  /// Makes `privateFolder` (mode 0700) when it is missing, then checks that it is a folder,
  /// not a symbolic link, owned by this user and not writable by group or others: another
  /// user may have made it first. Nil when it can be used (or there is none), else why not.
  public func checkPrivateFolder() -> String? {
    guard let folder = privateFolder else { return nil }
    if mkdir(folder, 0o700) != 0 && errno != EEXIST {
      return "cannot create it: \(SystemError(errno))"
    }
    var status = stat()
    guard lstat(folder, &status) == 0 else { return "cannot read it: \(SystemError(errno))" }
    if (status.st_mode & S_IFMT) != S_IFDIR { return "not a folder" }
    if status.st_uid != geteuid() { return "not owned by this user" }
    if status.st_mode & 0o022 != 0 { return "writable by others" }
    return nil
  }

  /// This user's home folder in the password database, when it names an existing folder.
  static func passwordHome() -> String? {
    var entry = passwd()
    var found: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 16384)
    // The entry's strings point into the buffer, so they are read while it is held.
    let directory = buffer.withUnsafeMutableBufferPointer { space -> String? in
      guard getpwuid_r(geteuid(), &entry, space.baseAddress!, space.count, &found) == 0,
        found != nil, let directory = entry.pw_dir
      else { return nil }
      return String(cString: directory)
    }
    guard let home = directory else { return nil }
    var info = stat()
    guard home.hasPrefix("/"), stat(home, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
      return nil
    }
    return home
  }
}
