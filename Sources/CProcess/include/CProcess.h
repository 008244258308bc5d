#ifndef AEPO_CPROCESS_H
#define AEPO_CPROCESS_H

#include <sys/types.h>

/// Spawns `path` with `argv` and exactly the environment `envp`, as the
/// leader of a new process group, with every signal at its default action
/// and none blocked, and no file descriptor open but 0, 1 and 2.
/// `stdin_fd`, `stdout_fd` and `stderr_fd` become 0, 1 and 2 (-1: /dev/null).
/// `cwd` is the working directory (NULL: the caller's).
/// Returns 0 and the pid in `*pid`, or an errno value (ENOENT, EACCES, ...).
int aepo_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
               int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid);

/// pipe2(O_CLOEXEC); 0 or an errno value.
int aepo_pipe(int fds[2]);

/// A pollable descriptor that becomes readable when `pid` (a child) exits,
/// or -1 with errno (ENOSYS before Linux 5.3).
int aepo_pidfd_open(pid_t pid);

/// Blocks until child `pid` has exited, without reaping it. 0 or an errno value.
int aepo_wait_exit(pid_t pid);

/// Reaps child `pid` (blocking). Sets `*signalled` to 1 and `*code` to the
/// signal when a signal ended it, else 0 and the exit status. 0 or an errno value.
int aepo_reap(pid_t pid, int *signalled, int *code);

#endif
