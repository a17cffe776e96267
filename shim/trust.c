#include "config.h"

#include "trust.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool
_others_write (const struct stat *st)
{
  return (st->st_mode & S_IWOTH) != 0 || ((st->st_mode & S_IWGRP) != 0 && st->st_gid != 0);
}

/* Can anyone but root change the entry st at real?  (A directory that
 * others may write is fine only with the sticky bit, and then what is in
 * it is checked as its own owner.) */
static int
_check (const char *real, const struct stat *st, const char *what, hs_error *err)
{
  if (st->st_uid != 0)
    return hs_error_set (err, EPERM, "%s: `%s` is owned by uid %u: hardshim acts only on what root alone can change",
                         what, real, (unsigned) st->st_uid);
  if (_others_write (st) && !(S_ISDIR (st->st_mode) && (st->st_mode & S_ISVTX) != 0))
    return hs_error_set (err, EPERM, "%s: `%s` is writable by others (mode %04o): hardshim acts only on what root "
                         "alone can change", what, real, (unsigned) (st->st_mode & 07777));
  return 0;
}

int
hs_trust_path (const char *path, const char *what, hs_error *err)
{
  _cleanup_free_ char *real = realpath (path, NULL);
  _cleanup_close_ int dir = -1;
  struct stat st;
  int r;

  if (real == NULL)
    return hs_error_sys (err, errno, "%s `%s`", what, path);
  dir = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0 || fstat (dir, &st) < 0)
    return hs_error_sys (err, errno, "open `/`");
  r = _check ("/", &st, what, err);
  for (char *p = real + 1, *end; r == 0 && *p != '\0'; p = end)
    {
      end = strchrnul (p, '/');
      bool last = *end == '\0';
      *end = '\0';
      int next = openat (dir, p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 || fstat (next, &st) < 0)
        r = hs_error_sys (err, errno, "%s `%s`", what, real);
      else
        r = _check (real, &st, what, err);
      if (next >= 0)
        {
          close (dir);
          dir = next;
        }
      if (!last)
        *end++ = '/';
    }
  return r;
}
