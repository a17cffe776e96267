/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/stdio_protect.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* A tmpfs mounted nowhere: a directory fd on its root. */
static int
_private_tmpfs (int *ret, hs_error *err)
{
  _cleanup_close_ int fs = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  int mnt;

  if (fs < 0)
    return hs_error_sys (err, errno, "fsopen tmpfs");
  if (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return hs_error_sys (err, errno, "create a tmpfs");
  mnt = fsmount (fs, FSMOUNT_CLOEXEC, 0);
  if (mnt < 0)
    return hs_error_sys (err, errno, "fsmount tmpfs");
  *ret = mnt;
  return 0;
}

/* Put on fd an open, with fd's flags, of a node of the device st describes,
 * with its owner and mode, on the private tmpfs *mnt (made on first use). */
static int
_replace (int fd, const struct stat *st, int *mnt, hs_error *err)
{
  _cleanup_close_ int node = -1;
  char name[16];
  int flags = fcntl (fd, F_GETFL), r;

  if (flags < 0)
    return hs_error_sys (err, errno, "fcntl F_GETFL");
  if (*mnt < 0 && (r = _private_tmpfs (mnt, err)) < 0)
    return r;
  snprintf (name, sizeof name, "n%d", fd);
  if (mknodat (*mnt, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev) < 0)
    return hs_error_sys (err, errno, "mknod");
  node = openat (*mnt, name, (flags & (O_ACCMODE | O_APPEND | O_NONBLOCK)) | O_NOCTTY | O_CLOEXEC);
  if (node < 0)
    return hs_error_sys (err, errno, "open the private node");
  if (fchown (node, st->st_uid, st->st_gid) < 0 || fchmod (node, st->st_mode & 07777) < 0)
    return hs_error_sys (err, errno, "copy owner and mode to the private node");
  if (dup3 (node, fd, 0) < 0) /* not O_CLOEXEC: the runtime's stdio */
    return hs_error_sys (err, errno, "dup3");
  return 0;
}

int
hs_stdio_protect (hs_error *err)
{
  static const char *const names[] = { "stdin", "stdout", "stderr" };
  _cleanup_close_ int mnt = -1; /* the open nodes keep the tmpfs alive */
  struct stat st;
  int r;

  for (int fd = 0; fd < 3; fd++)
    {
      if (fstat (fd, &st) < 0)
        {
          if (errno == EBADF)
            continue;
          return hs_error_sys (err, errno, "fstat %s", names[fd]);
        }
      if ((!S_ISCHR (st.st_mode) && !S_ISBLK (st.st_mode)) || isatty (fd))
        continue;
      r = _replace (fd, &st, &mnt, err);
      if (r < 0)
        {
          _cleanup_free_ char *path = hs_fd_path (fd);
          hs_error_prefix (err, "protecting %s (`%s`, %s %u:%u) from the runtime's chown", names[fd], path,
                           S_ISCHR (st.st_mode) ? "char" : "block", major (st.st_rdev), minor (st.st_rdev));
          return r;
        }
    }
  return 0;
}
