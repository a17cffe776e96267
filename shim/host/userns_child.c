/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/userns_child.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

int
hs_userns_child_start (int userns, const char *what, hs_userns_child *ret, hs_error *err)
{
  int ready[2], done[2], r = 0;
  char c;
  pid_t pid;

  *ret = (hs_userns_child){ .pid = -1, .done = -1 };
  if (pipe2 (ready, O_CLOEXEC) < 0)
    return hs_error_sys (err, errno, "pipe");
  if (pipe2 (done, O_CLOEXEC) < 0)
    {
      r = hs_error_sys (err, errno, "pipe");
      close (ready[0]);
      close (ready[1]);
      return r;
    }
  pid = fork ();
  if (pid == 0)
    {
      close (ready[0]);
      close (done[1]);
      if ((userns < 0 ? unshare (CLONE_NEWUSER) : setns (userns, CLONE_NEWUSER)) < 0 || write (ready[1], "u", 1) != 1)
        _exit (1);
      (void) !read (done[0], &c, 1); /* until the parent closes its end */
      _exit (0);
    }
  close (ready[1]);
  close (done[0]);
  *ret = (hs_userns_child){ .pid = pid, .done = done[1] };
  if (pid < 0)
    r = hs_error_sys (err, errno, "fork");
  else if (read (ready[0], &c, 1) != 1)
    r = hs_error_set (err, EPERM, "could not %s a user namespace for %s", userns < 0 ? "create" : "enter", what);
  close (ready[0]);
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
  *c = (hs_userns_child){ .pid = -1, .done = -1 };
}
