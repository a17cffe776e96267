/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/trust.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

/* Directories a walk of this process found only root can change, kept
 * open (a create walks below the same few for the policy, the profiles,
 * the bundle and the state directory).  A later walk takes such a
 * directory by its descriptor and checks it again with fstat: the same
 * owner, mode and ctime (a chmod, chown or ACL changes the ctime, and an
 * ACL the mode's group bits) mean it is still as checked; else it is
 * checked anew.  Only root can change such a directory or rename what is
 * in it; that the deepest one a walk takes is still what its name names
 * is checked too (_kept_still_named).  A mount or unmount anywhere in the
 * mount namespace (the kernel's event on /proc/self/mountinfo), or a new
 * mount namespace (hs_trust_forget), and all are forgotten: the kept
 * descriptors would not cross the new mounts. */
#define _KEPT_MAX 16
typedef struct
{
  char *real; /* "" for / */
  int fd;
  struct stat st;
} _kept_dir;
static _kept_dir _kept[_KEPT_MAX];
static size_t _nkept;
static int _mounts = -1; /* /proc/self/mountinfo while directories are kept */

/* Forget kept directory i; its descriptor is closed only while it is still
 * that directory (a stray close elsewhere may have given the number to
 * another file). */
static void
_kept_drop (size_t i)
{
  struct stat now;

  if (fstat (_kept[i].fd, &now) == 0 && now.st_dev == _kept[i].st.st_dev && now.st_ino == _kept[i].st.st_ino)
    close (_kept[i].fd);
  free (_kept[i].real);
  _kept[i] = _kept[--_nkept];
}

void
hs_trust_forget (void)
{
  while (_nkept > 0)
    _kept_drop (_nkept - 1);
  if (_mounts >= 0)
    close (_mounts);
  _mounts = -1;
}

/* Nothing was mounted or unmounted since the directories were kept (a
 * poll of mountinfo reports every change of the mount table): else they
 * are forgotten. */
static void
_kept_mounts_unchanged (void)
{
  struct pollfd p = { .fd = _mounts, .events = POLLPRI };

  if (_nkept > 0 && poll (&p, 1, 0) != 0)
    hs_trust_forget ();
}

static bool
_same_stat (const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_mode == b->st_mode && a->st_uid == b->st_uid
         && a->st_gid == b->st_gid && a->st_ctim.tv_sec == b->st_ctim.tv_sec
         && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The kept directory named by real's first n bytes, still as it was
 * checked: its descriptor (the kept one: not to be closed); else -1, and a
 * changed one is forgotten. */
static int
_kept_fd (const char *real, size_t n)
{
  for (size_t i = 0; i < _nkept; i++)
    if (strlen (_kept[i].real) == n && memcmp (_kept[i].real, real, n) == 0)
      {
        struct stat now;
        if (fstat (_kept[i].fd, &now) == 0 && _same_stat (&now, &_kept[i].st))
          return _kept[i].fd;
        _kept_drop (i);
        return -1;
      }
  return -1;
}

/* Keep fd, the directory real's first n bytes name, checked as st; false
 * when there is no room (fd stays the caller's). */
static bool
_keep (const char *real, size_t n, int fd, const struct stat *st)
{
  if (_nkept == _KEPT_MAX || !S_ISDIR (st->st_mode))
    return false;
  /* The mount table's events from here on (without /proc: nothing kept). */
  if (_nkept == 0 && _mounts < 0)
    _mounts = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  if (_mounts < 0)
    return false;
  _kept[_nkept++] = (_kept_dir){ xstrndup (real, n), fd, *st };
  return true;
}

/* The deepest kept directory on real's way must still be what its name
 * names (only root could have moved it, but then the walk would check one
 * directory and the caller use another): else all are forgotten. */
static void
_kept_still_named (const char *real)
{
  const _kept_dir *deepest = NULL;
  struct stat now;

  for (size_t i = 0; i < _nkept; i++)
    {
      size_t n = strlen (_kept[i].real);
      if (strncmp (real, _kept[i].real, n) == 0 && real[n] == '/' && (deepest == NULL || n > strlen (deepest->real)))
        deepest = &_kept[i];
    }
  if (deepest == NULL)
    return;
  if (fstatat (AT_FDCWD, deepest->real[0] == '\0' ? "/" : deepest->real, &now, AT_SYMLINK_NOFOLLOW) < 0
      || now.st_dev != deepest->st.st_dev || now.st_ino != deepest->st.st_ino)
    hs_trust_forget ();
}

int
hs_trust_real_path (const char *path, const char *resolved, const char *what, hs_error *err)
{
  _cleanup_free_ char *real = xstrdup (resolved);
  struct stat st;
  int dir, r = 0;
  bool kept; /* dir is a kept descriptor, not ours to close */

  if (strcmp (path, real) != 0)
    {
      r = _check_spelled (path, what, err);
      if (r < 0)
        return r;
    }
  _kept_mounts_unchanged ();
  _kept_still_named (real);
  dir = _kept_fd (real, 0);
  kept = dir >= 0;
  if (!kept)
    {
      dir = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (dir < 0 || fstat (dir, &st) < 0)
        r = hs_error_sys (err, errno, "open `/`");
      else
        r = _check ("/", "/", &st, what, err);
      kept = r == 0 && _keep (real, 0, dir, &st);
    }
  for (char *p = real + 1, *end; r == 0 && *p != '\0'; p = end)
    {
      end = strchrnul (p, '/');
      bool last = *end == '\0';
      int next = last ? -1 : _kept_fd (real, (size_t) (end - real));
      bool next_kept = next >= 0;
      if (!next_kept)
        {
          *end = '\0';
          next = openat (dir, p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
          if (next < 0 || fstat (next, &st) < 0)
            r = hs_error_sys (err, errno, "%s `%s`", what, real);
          else
            {
              _cleanup_free_ char *query = xasprintf ("/proc/self/fd/%d", next);
              r = _check (real, query, &st, what, err);
            }
          next_kept = r == 0 && !last && _keep (real, (size_t) (end - real), next, &st);
          if (!last)
            *end++ = '/';
        }
      else
        end++;
      if (!kept)
        close (dir);
      dir = next;
      kept = next_kept;
    }
  if (dir >= 0 && !kept)
    close (dir);
  return r;
}
