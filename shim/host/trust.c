/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/trust.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Group write counts too, whatever the group (sshd's StrictModes does the
 * same for root). */
static bool
_others_write (const struct stat *st)
{
  return (st->st_mode & (S_IWGRP | S_IWOTH)) != 0;
}

/* A POSIX ACL can grant a user or group write without the mode showing it
 * (the group bits then show only the ACL's mask). */
static bool
_has_acl (const char *path)
{
  return getxattr (path, "system.posix_acl_access", NULL, 0) >= 0 || errno == ERANGE;
}

/* Root, or the user hardshim runs as (the same when it runs as root, as it
 * does in production; tests may run it as another user). */
static bool
_owner_ok (const struct stat *st)
{
  return st->st_uid == 0 || st->st_uid == geteuid ();
}

bool
hs_trust_stat (const struct stat *st)
{
  return _owner_ok (st) && (!_others_write (st) || (S_ISDIR (st->st_mode) && (st->st_mode & S_ISVTX) != 0));
}

/* Can anyone but root change the entry st at real?  (A directory that
 * others may write is fine only with the sticky bit, and then what is in
 * it is checked as its own owner.) */
static int
_check (const char *real, const char *query, const struct stat *st, const char *what, hs_error *err)
{
  if (_has_acl (query))
    return hs_error_set (err, EPERM,
                         "%s: `%s` has a POSIX ACL (it may grant others write): hardshim acts only on "
                         "what root alone can change",
                         what, real);
  if (hs_trust_stat (st))
    return 0;
  if (!_owner_ok (st))
    return hs_error_set (err, EPERM,
                         "%s: `%s` is owned by uid %u (mode %04o): hardshim acts only on what root alone can change",
                         what, real, (unsigned) st->st_uid, (unsigned) (st->st_mode & 07777));
  return hs_error_set (err, EPERM,
                       "%s: `%s` is writable by others (mode %04o): hardshim acts only on what root "
                       "alone can change",
                       what, real, (unsigned) (st->st_mode & 07777));
}

/* The directories path names on its way, as spelled (each followed where it
 * is a symbolic link): a link there chooses what is read. */
static int
_check_spelled (const char *path, const char *what, hs_error *err)
{
  const char *last = strrchr (path, '/');

  for (const char *p = path; last != NULL && p <= last; p++)
    {
      _cleanup_free_ char *dir = NULL;
      struct stat st;
      int r;
      if (*p != '/' || (p > path && p[-1] == '/'))
        continue;
      dir = p == path ? xstrdup ("/") : xstrndup (path, (size_t) (p - path));
      if (stat (dir, &st) < 0)
        return hs_error_sys (err, errno, "%s `%s`", what, dir);
      r = _check (dir, dir, &st, what, err);
      if (r < 0)
        return r;
    }
  return 0;
}

int
hs_trust_path (const char *path, const char *what, hs_error *err)
{
  _cleanup_free_ char *real = hs_real_path (path);
  int e = errno, r;

  if (real != NULL)
    return hs_trust_real_path (path, real, what, err);
  if (e != EXDEV)
    return hs_error_sys (err, e, "%s `%s`", what, path);
  /* Its name is not what it opened: replaced meanwhile (the directories
   * on its way say whether anyone but root could), or in another mount
   * namespace. */
  r = _check_spelled (path, what, err);
  if (r < 0)
    return r;
  return hs_error_set (err, EXDEV,
                       "%s `%s` changed while hardshim resolved it, or is an object of another mount namespace: "
                       "refused",
                       what, path);
}

int
hs_trust_real_path (const char *path, const char *resolved, const char *what, hs_error *err)
{
  _cleanup_free_ char *real = xstrdup (resolved);
  _cleanup_close_ int dir = -1;
  struct stat st;
  int r;

  if (strcmp (path, real) != 0)
    {
      r = _check_spelled (path, what, err);
      if (r < 0)
        return r;
    }
  dir = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0 || fstat (dir, &st) < 0)
    return hs_error_sys (err, errno, "open `/`");
  r = _check ("/", "/", &st, what, err);
  for (char *p = real + 1, *end; r == 0 && *p != '\0'; p = end)
    {
      end = strchrnul (p, '/');
      bool last = *end == '\0';
      *end = '\0';
      int next = openat (dir, p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 || fstat (next, &st) < 0)
        r = hs_error_sys (err, errno, "%s `%s`", what, real);
      else
        {
          _cleanup_free_ char *query = xasprintf ("/proc/self/fd/%d", next);
          r = _check (real, query, &st, what, err);
        }
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
