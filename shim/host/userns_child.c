/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/userns_child.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define _STACK_SIZE (64 * 1024)

/* The child of a new user namespace (_start_new): it shares its parent's
 * memory, so it touches nothing but its own mapping (its stack, and at the
 * mapping's start the two descriptors of done, copied there: the parent's
 * frame is gone by the time the child reads them).  It also shares the
 * parent's thread pointer, hence errno: neither call below fails (done[1]
 * is open in the child's copy of the table, signals are blocked). */
static int
_parked (void *arg)
{
  const int *done = arg;
  char c;

  close (done[1]);
  (void) !read (done[0], &c, 1); /* until the parent closes its end */
  _exit (0);
}

/* A new user namespace: its child is cloned into it sharing the parent's
 * memory (CLONE_VM), which spares fork's copy of the page tables (about
 * 0.3 ms of CPU here).  Every signal is blocked in the child: no handler
 * of the parent's runs on its stack. */
static pid_t
_start_new (int done[2], void **ret_stack)
{
  sigset_t all, old;
  void *stack = mmap (NULL, _STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  pid_t pid;
  int e;

  if (stack == MAP_FAILED)
    return -1;
  memcpy (stack, done, 2 * sizeof (int)); /* the child's own copy, far below its stack's top */
  sigfillset (&all);
  sigprocmask (SIG_SETMASK, &all, &old);
  pid = clone (_parked, (char *) stack + _STACK_SIZE, CLONE_VM | CLONE_NEWUSER | SIGCHLD, stack);
  e = errno;
  sigprocmask (SIG_SETMASK, &old, NULL);
  if (pid < 0)
    {
      munmap (stack, _STACK_SIZE);
      errno = e;
      return -1;
    }
  *ret_stack = stack;
  return pid;
}

/* An existing user namespace: setns refuses a process that shares its
 * memory, so this child is forked. */
static pid_t
_start_joined (int userns, int done[2], int ready[2])
{
  pid_t pid = fork ();
  char c;

  if (pid == 0)
    {
      close (ready[0]);
      close (done[1]);
      if (setns (userns, CLONE_NEWUSER) < 0 || write (ready[1], "u", 1) != 1)
        _exit (1);
      (void) !read (done[0], &c, 1); /* until the parent closes its end */
      _exit (0);
    }
  return pid;
}

int
hs_userns_child_start (int userns, const char *what, hs_userns_child *ret, hs_error *err)
{
  int ready[2] = { -1, -1 }, done[2], r = 0;
  char c;
  pid_t pid;

  *ret = (hs_userns_child){ .pid = -1, .done = -1 };
  if (pipe2 (done, O_CLOEXEC) < 0)
    return hs_error_sys (err, errno, "pipe");
  if (userns >= 0 && pipe2 (ready, O_CLOEXEC) < 0)
    {
      r = hs_error_sys (err, errno, "pipe");
      close (done[0]);
      close (done[1]);
      return r;
    }
  pid = userns < 0 ? _start_new (done, &ret->stack) : _start_joined (userns, done, ready);
  if (pid < 0)
    r = hs_error_sys (err, errno, "could not %s a user namespace for %s", userns < 0 ? "create" : "enter", what);
  close (done[0]);
  ret->pid = pid;
  ret->done = done[1];
  if (userns >= 0)
    {
      close (ready[1]);
      if (r == 0 && read (ready[0], &c, 1) != 1)
        r = hs_error_set (err, EPERM, "could not enter a user namespace for %s", what);
      close (ready[0]);
    }
  if (r < 0)
    hs_userns_child_stop (ret);
  return r;
}

void
hs_userns_child_stop (hs_userns_child *c)
{
  int status;

  if (c->done >= 0)
    close (c->done);
  if (c->pid > 0)
    while (waitpid (c->pid, &status, 0) < 0 && errno == EINTR)
      ;
  if (c->stack != NULL) /* the child that ran on it is gone */
    munmap (c->stack, _STACK_SIZE);
  *c = (hs_userns_child){ .pid = -1, .done = -1 };
}
