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

/// Where ``aepo_spawn_in`` puts the child.
enum {
    /// The leader of a new process group (what ``aepo_spawn`` does).
    AEPO_SPAWN_NEW_GROUP = 0,
    /// In the caller's process group (a supervisor's command).
    AEPO_SPAWN_SAME_GROUP = 1,
    /// The leader of a new session (and group), detached from the caller's,
    /// starting with SIGTERM, SIGINT and SIGHUP blocked.
    AEPO_SPAWN_NEW_SESSION = 2,
};

/// ``aepo_spawn`` with the child's placement: one of the AEPO_SPAWN_* values.
int aepo_spawn_in(const char *path, char *const argv[], char *const envp[], const char *cwd,
                  int stdin_fd, int stdout_fd, int stderr_fd, int placement, pid_t *pid);

/// Frees the disk blocks of `[offset, offset + length)` of a file without
/// changing its size or any offset (a hole reads as zeros). 0 or an errno value.
int aepo_punch_hole(int fd, off_t offset, off_t length);

/// Waits for child `pid` and reaps it (retrying on EINTR). 0 or an errno value.
int aepo_supervised_wait(pid_t pid, int *signalled, int *code);

/// Ignores SIGTERM, SIGINT and SIGHUP, then unblocks every signal.
void aepo_ignore_stop_signals(void);

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
