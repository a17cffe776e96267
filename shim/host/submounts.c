/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/submounts.h"
#include "host/host_paths.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <linux/magic.h>

/* A mountinfo field with its octal escapes (\040 for a space) undone, in place. */
static char *
_unescape (char *s)
{
  char *w = s;

  for (const char *r = s; *r != '\0'; w++)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7')
        {
          *w = (char) (((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
          r += 4;
        }
      else
        *w = *r++;
    }
  *w = '\0';
  return s;
}

/* The mount points of this mount namespace (the runtime's, as it execs). */
static int
_mount_points (hs_strv *ret, hs_error *err)
{
  FILE *f = fopen ("/proc/self/mountinfo", "re");
  char *line = NULL;
  size_t cap = 0;

  if (f == NULL)
    return hs_error_sys (err, errno, "open `/proc/self/mountinfo`");
  while (getline (&line, &cap, f) > 0)
    {
      char *save = NULL, *field = strtok_r (line, " ", &save);
      for (int i = 1; field != NULL && i < 5; i++) /* field 5: the mount point */
        field = strtok_r (NULL, " ", &save);
      if (field != NULL)
        hs_strv_add (ret, xstrdup (_unescape (field)));
    }
  free (line);
  fclose (f);
  return 0;
}

/* The submount at point, classified; whether it is anything but plain. */
static int
_judge (const char *point, hs_bind_ref *ret, hs_error *err)
{
  _cleanup_close_ int fd = open (point, O_PATH | O_CLOEXEC | O_NOFOLLOW);
  struct statfs fs;
  struct stat st;
  bool via_proc;

  memset (ret, 0, sizeof *ret);
  ret->source = (char *) point;
  if (fd < 0 || fstat (fd, &st) < 0)
    return 0; /* gone, or not ours to see: the runtime will not see it either */
  ret->id = (hs_id_ref){ .exists = true, .dev = st.st_dev, .ino = st.st_ino };
  via_proc = fstatfs (fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
  return hs_host_paths_classify (ret, &via_proc, 1, err);
}

int
hs_submounts_classify (hs_bind_ref *binds, size_t n, hs_error *err)
{
  _cleanup_strv_ hs_strv points = { 0 };
  int r = 0;

  for (size_t i = 0; r == 0 && i < n; i++)
    {
      hs_bind_ref *b = &binds[i];
      _cleanup_free_ char *real = NULL;

      if (b->kind != HS_BIND_PLAIN || !b->id.exists || b->fd < 0)
        continue;
      /* Where the object the probe opened is (not what its path names by
       * now): the runtime mounts that one (bind_pins.h). */
      real = hs_fd_path (b->fd);
      if (real[0] != '/')
        continue;
      if (points.n == 0)
        r = _mount_points (&points, err);
      for (size_t k = 0; r == 0 && k < points.n; k++)
        {
          hs_bind_ref sub;
          if (strcmp (points.v[k], real) == 0 || !hs_path_within (points.v[k], real))
            continue;
          r = _judge (points.v[k], &sub, err);
          if (r < 0 || sub.kind == HS_BIND_PLAIN || sub.kind == HS_BIND_DEVICE)
            {
              free (sub.what);
              continue;
            }
          b->kind = sub.kind == HS_BIND_SENSITIVE_RW ? HS_BIND_SENSITIVE : sub.kind;
          b->owner = sub.owner;
          b->above = true;
          b->what = xasprintf ("%s (a mount of %s)", points.v[k], sub.what);
          free (sub.what);
          break;
        }
    }
  return r;
}
