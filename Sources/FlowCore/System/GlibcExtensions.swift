internal import CFlowSystem
import Glibc

// The only file that imports the CFlowSystem shim: the rest of the core sees these as
// Swift functions, and no shim type reaches a public declaration.

/// Adds a change of working folder to a spawn's file actions
/// (`posix_spawn_file_actions_addchdir_np`, glibc 2.29).
func spawnActionsAddChangeDirectory(
  _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String
) -> Int32 {
  flow_spawn_actions_add_chdir(actions, path)
}

/// Makes orphans of this process's descendants its children (`PR_SET_CHILD_SUBREAPER`),
/// so that it reaps them.
@discardableResult
func becomeChildSubreaper() -> Int32 {
  flow_become_child_subreaper()
}

/// `KILL` for 9; nil for a number without a name (`sigabbrev_np`, glibc 2.32).
func signalAbbreviation(_ signal: Int32) -> String? {
  flow_signal_abbreviation(signal).map { String(cString: $0) }
}

/// `pipe2(descriptors, O_CLOEXEC)`.
func makeCloseOnExecPipe(_ descriptors: inout [Int32]) -> Int32 {
  flow_make_pipe(&descriptors)
}

/// Starts `path` in a child that the kernel kills when this process dies
/// (`PR_SET_PDEATHSIG`); returns 0 and sets `pid`, or an errno.
func spawnDyingWithParent(
  _ pid: inout pid_t, path: String, arguments: [UnsafeMutablePointer<CChar>?],
  environment: [UnsafeMutablePointer<CChar>?], output: Int32, keepsErrors: Bool,
  directory: String?, ownsProcessGroup: Bool
) -> Int32 {
  if let directory {
    return flow_spawn_dying_with_parent(
      &pid, path, arguments, environment, output, keepsErrors ? 1 : 0, directory,
      ownsProcessGroup ? 1 : 0)
  }
  return flow_spawn_dying_with_parent(
    &pid, path, arguments, environment, output, keepsErrors ? 1 : 0, nil,
    ownsProcessGroup ? 1 : 0)
}
