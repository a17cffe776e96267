/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/spawn.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* dup2 that also keeps fd open across exec when it already is target. */
static int
_dup_to (int fd, int target)
{
  return fd == target ? fcntl (fd, F_SETFD, 0) : dup2 (fd, target);
}

/* In the child: stdin /dev/null, stdout (and stderr) into out, then exec.
 * On failure errno goes to errno_fd.  Only async-signal-safe calls. */
static void __attribute__ ((noreturn))
_child (const char *path, char *const argv[], char *const envp[], int out, bool merge_stderr, int errno_fd)
{
  sigset_t none;
  int null = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  signal (SIGPIPE, SIG_DFL);
  if (null >= 0 && _dup_to (null, STDIN_FILENO) >= 0 && _dup_to (out, STDOUT_FILENO) >= 0
      && (!merge_stderr || _dup_to (out, STDERR_FILENO) >= 0))
    execve (path, argv, envp);
  {
    int e = errno;
    (void) !write (errno_fd, &e, sizeof e);
  }
  _exit (127);
}

/* Read fd to its end, keeping the first cap bytes in buf (NUL-terminated). */
static void
_drain (int fd, char *buf, size_t cap, size_t *ret_len, bool *ret_truncated)
{
  size_t len = 0;
  char skip[512];

  *ret_truncated = false;
  for (;;)
    {
      bool full = len == cap;
      ssize_t n = full ? read (fd, skip, sizeof skip) : read (fd, buf + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (full)
        *ret_truncated = true;
      else
        len += (size_t) n;
    }
  buf[len] = '\0';
  *ret_len = len;
}

int
hs_spawn_capture (const char *path, char *const argv[], char *const envp[], bool merge_stderr, size_t cap,
                  hs_spawn_output *ret, hs_error *err)
{
  _cleanup_close_ int out_r = -1, out_w = -1, errno_r = -1, errno_w = -1;
  _cleanup_free_ char *buf = xmalloc (cap + 1);
  hs_spawn_output o = { 0 };
  int fds[2], exec_errno = 0;
  ssize_t n;
  pid_t pid;

  if (path[0] != '/')
    return hs_error_set (err, EINVAL, "`%s` is not an absolute path", path);
  /* An engine may leave SIGCHLD ignored: then no exit status could be had. */
  signal (SIGCHLD, SIG_DFL);
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return hs_error_sys (err, errno, "pipe");
  out_r = fds[0], out_w = fds[1];
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return hs_error_sys (err, errno, "pipe");
  errno_r = fds[0], errno_w = fds[1];
  pid = fork ();
  if (pid < 0)
    return hs_error_sys (err, errno, "fork to run `%s`", path);
  if (pid == 0)
    _child (path, argv, envp != NULL ? envp : environ, out_w, merge_stderr, errno_w);
  close (TAKE_FD (out_w));
  close (TAKE_FD (errno_w));
  _drain (out_r, buf, cap, &o.len, &o.truncated);
  while ((n = read (errno_r, &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR)
    ;
  if (n != (ssize_t) sizeof exec_errno)
    exec_errno = 0;
  while (waitpid (pid, &o.status, 0) < 0)
    if (errno != EINTR)
      return hs_error_sys (err, errno, "wait for `%s`", path);
  if (exec_errno != 0)
    return hs_error_sys (err, exec_errno, "execute `%s`", path);
  o.out = TAKE_PTR (buf);
  *ret = o;
  return 0;
}

void
hs_spawn_output_release (hs_spawn_output *o)
{
  free (o->out);
  *o = (hs_spawn_output){ 0 };
}

void
hs_spawn_describe (int status, char *buf, size_t len)
{
  if (WIFEXITED (status))
    snprintf (buf, len, "exit status %d", WEXITSTATUS (status));
  else
    snprintf (buf, len, "killed by signal %d", WIFSIGNALED (status) ? WTERMSIG (status) : 0);
}
