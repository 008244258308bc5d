#define _GNU_SOURCE
#include "CProcess.h"

#include <errno.h>
#include <linux/falloc.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int aepo_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
               int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid) {
    return aepo_spawn_in(path, argv, envp, cwd, stdin_fd, stdout_fd, stderr_fd, AEPO_SPAWN_NEW_GROUP, pid);
}

int aepo_spawn_in(const char *path, char *const argv[], char *const envp[], const char *cwd,
                  int stdin_fd, int stdout_fd, int stderr_fd, int placement, pid_t *pid) {
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_t actions;
    int result = posix_spawnattr_init(&attributes);
    if (result != 0) return result;
    result = posix_spawn_file_actions_init(&actions);
    if (result != 0) {
        posix_spawnattr_destroy(&attributes);
        return result;
    }
    sigset_t all, mask;
    sigfillset(&all);
    sigemptyset(&mask);
    // A server ignores SIGPIPE; a child (a shell pipeline) must not inherit that.
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (placement == AEPO_SPAWN_NEW_GROUP) flags |= POSIX_SPAWN_SETPGROUP;
    if (placement == AEPO_SPAWN_NEW_SESSION) {
        flags |= POSIX_SPAWN_SETSID;
        // A supervisor must outlive the SIGTERM sent to its group: it starts
        // with these blocked, so none lands before it ignores them.
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
    }
    result = posix_spawnattr_setflags(&attributes, flags);
    if (result == 0 && placement == AEPO_SPAWN_NEW_GROUP) result = posix_spawnattr_setpgroup(&attributes, 0);
    if (result == 0) result = posix_spawnattr_setsigdefault(&attributes, &all);
    if (result == 0) result = posix_spawnattr_setsigmask(&attributes, &mask);
    const int sources[3] = {stdin_fd, stdout_fd, stderr_fd};
    for (int target = 0; target < 3 && result == 0; target++) {
        if (sources[target] >= 0) {
            result = posix_spawn_file_actions_adddup2(&actions, sources[target], target);
        } else {
            result = posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0);
        }
    }
    if (result == 0 && cwd != NULL) result = posix_spawn_file_actions_addchdir_np(&actions, cwd);
    if (result == 0) result = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (result == 0) result = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return result;
}

int aepo_pipe(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
}

int aepo_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int aepo_wait_exit(pid_t pid) {
    siginfo_t info;
    while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) != 0) {
        if (errno != EINTR) return errno;
    }
    return 0;
}

int aepo_reap(pid_t pid, int *signalled, int *code) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return errno;
    }
    if (WIFSIGNALED(status)) {
        *signalled = 1;
        *code = WTERMSIG(status);
    } else {
        *signalled = 0;
        *code = WEXITSTATUS(status);
    }
    return 0;
}

int aepo_punch_hole(int fd, off_t offset, off_t length) {
    if (length <= 0) return 0;
    return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length) == 0 ? 0 : errno;
}

int aepo_supervised_wait(pid_t pid, int *signalled, int *code) {
    int status = 0;
    for (;;) {
        pid_t done = waitpid(pid, &status, 0);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) return errno;
    }
    *signalled = WIFSIGNALED(status) ? 1 : 0;
    *code = WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
    return 0;
}

void aepo_ignore_stop_signals(void) {
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}
