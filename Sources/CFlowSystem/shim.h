#ifndef FLOW_SYSTEM_SHIM_H
#define FLOW_SYSTEM_SHIM_H

// The glibc calls flow needs that the Swift Glibc module leaves out: they are declared
// only for _GNU_SOURCE, or are variadic. Each is wrapped in a plain C function here, so
// no Swift file declares a C symbol by hand.

#include <fcntl.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

extern int pipe2(int descriptors[2], int flags);
// glibc 2.29 and later.
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions,
                                                const char *path);
// glibc 2.32 and later.
extern const char *sigabbrev_np(int signal);

/// Makes orphans of this process's descendants its own children, so it reaps them.
static inline int flow_become_child_subreaper(void) {
  return prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL);
}

/// Adds a change of working folder to a spawn's file actions.
static inline int flow_spawn_actions_add_chdir(posix_spawn_file_actions_t *actions,
                                               const char *path) {
  return posix_spawn_file_actions_addchdir_np(actions, path);
}

/// A pipe whose two ends are close-on-exec from the start.
static inline int flow_make_pipe(int descriptors[2]) {
  return pipe2(descriptors, O_CLOEXEC);
}

/// `KILL` for 9; NULL for a number without a name.
static inline const char *flow_signal_abbreviation(int signal) {
  return sigabbrev_np(signal);
}

#endif
