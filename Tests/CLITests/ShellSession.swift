import Foundation
import Glibc

/// An interactive shell in a detached tmux session on its own server, typed into as a
/// person would, for tests of what the shell itself does (completion).
final class ShellSession {
  let server = "flow-test-" + UUID().uuidString
  let shell: String

  /// Whether tmux and `shell` are installed.
  static func canRun(_ shell: String) -> Bool {
    ["tmux", shell].allSatisfy { name in
      ["/usr/bin/", "/bin/", "/usr/local/bin/"].contains {
        FileManager.default.isExecutableFile(atPath: $0 + name)
      }
    }
  }

  /// Starts `shell` without its user's configuration in `folder`, with the built tools
  /// first on PATH and the completions for `tools` loaded.
  init(_ shell: String, in folder: URL, tools: [String]) throws {
    self.shell = shell
    let completions = ToolRun.root.appendingPathComponent("completions").path
    let command: String
    var setup: [String]
    switch shell {
    case "zsh":
      command = "zsh -f"
      setup = [
        "fpath=(\(completions)/zsh $fpath); autoload -U compinit; compinit -u -D",
        "PROMPT='$ '",
      ]
    case "fish":
      command = "fish --no-config"
      setup = tools.map { "source \(completions)/fish/\($0).fish" }
      setup.append("function fish_prompt; echo '$ '; end")
    default:
      command = "bash --norc --noprofile"
      setup = tools.map { "source \(completions)/bash/\($0)" } + ["PS1='$ '"]
    }
    let path = ToolRun.binaries.path + ":/usr/bin:/bin"
    try tmux(
      [
        "new-session", "-d", "-x", "200", "-y", "50", "-c", folder.path,
        "env", "-i", "PATH=\(path)", "HOME=\(folder.path)", "TERM=xterm", "LANG=C.UTF-8",
        "SHELL=/bin/\(shell)",
      ] + command.split(separator: " ").map(String.init))
    for line in setup { try type(line + "\n") }
    try type("clear\n")
  }

  deinit { _ = try? tmux(["kill-server"]) }

  /// Types `text` as it is (a `\n` is Enter).
  func type(_ text: String) throws {
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      if index > 0 { try tmux(["send-keys", "Enter"]) }
      if !line.isEmpty { try tmux(["send-keys", "-l", String(line)]) }
    }
  }

  func pressTab() throws { try tmux(["send-keys", "Tab"]) }

  /// Presses Ctrl-C, which the terminal turns into SIGINT for the program in front.
  func pressControlC() throws { try tmux(["send-keys", "C-c"]) }

  /// What the terminal shows now.
  func screen() throws -> String { try tmux(["capture-pane", "-p"]) }

  /// What the terminal shows now, with the escape sequences of its colours and styles.
  func styledScreen() throws -> String { try tmux(["capture-pane", "-p", "-e"]) }

  /// Whether the screen comes to show `text` while it is looked at again and again, up
  /// to a generous bound (a loaded machine is slow; the bound only ends a failing test).
  /// With `present: false`, whether it comes to no longer show it.
  func shows(_ text: String, present: Bool = true) throws -> Bool {
    for _ in 0..<300 {
      if try screen().contains(text) == present { return true }
      usleep(100_000)
    }
    return false
  }

  /// Runs tmux on this session's server and returns what it printed. tmux's first client
  /// starts the server as a daemon: the client is waited for by its pid alone, so nothing
  /// waits on the daemon or on files it keeps open.
  @discardableResult
  private func tmux(_ arguments: [String]) throws -> String {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent(
      "flow-tmux-" + UUID().uuidString)
    defer { try? FileManager.default.removeItem(at: output) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    // The server outlives this call: it must not keep other tests' pipes open, or their
    // readers would never see the end of their input. A shell closes every descriptor
    // above 2 that the child inherited, then becomes tmux.
    let closing =
      #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@""#
    let words =
      ["/bin/bash", "-c", closing, "bash", "/usr/bin/tmux", "-L", server, "-f", "/dev/null"]
      + arguments
    var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
    defer { for word in argv { free(word) } }
    // The test runner's threads block most signals, and a spawned process inherits the
    // mask: without clearing it the server would never end on kill-server's SIGTERM.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var every = sigset_t()
    sigfillset(&every)
    posix_spawnattr_setsigdefault(&attributes, &every)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    guard posix_spawn(&pid, "/bin/bash", &actions, &attributes, &argv, environ) == 0 else {
      throw ShellSessionError(message: "tmux could not be started")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    guard status == 0 else {
      throw ShellSessionError(message: "tmux \(arguments.first ?? ""): \(text)")
    }
    return text
  }
}

struct ShellSessionError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
