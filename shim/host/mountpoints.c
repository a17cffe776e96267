/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/mountpoints.h"
#include "spec/spec.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
_open_in_root (int rootfd, const char *path, int flags)
{
  struct open_how how = { .flags = (uint64_t) (flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };

  return (int) syscall (SYS_openat2, rootfd, path, &how, sizeof how);
}

/* A tmpfs's "mode=" value as the kernel reads it (kstrtouint in base 8,
 * then the permission bits): an optional '+', octal digits (at most
 * 32 bits), an optional newline; anything else leaves *mode (the kernel
 * refuses the mount). */
static void
_tmpfs_mode (const char *s, mode_t *mode)
{
  size_t len;
  uint64_t v;

  s += s[0] == '+';
  while (s[0] == '0' && s[1] != '\0' && s[1] != '\n') /* any number of leading zeros */
    s++;
  len = strlen (s);
  if (len > 0 && s[len - 1] == '\n')
    len--;
  if (hs_parse_uint (s, len, 8, UINT32_MAX, &v) == 0)
    *mode = (mode_t) v & 07777;
}

/* The mount point a mount of m needs: a file (S_IFREG) for a bind mount
 * of a non-directory, else a directory.  The runtime gives a tmpfs the
 * mode of a directory that exists, and the tmpfs's own ("mode=", else
 * 1777) to one it creates: a directory made for a tmpfs gets that mode. */
static mode_t
_kind (hs_json m, const char *bundle)
{
  hs_json type = hs_json_get (m, "type");
  hs_json options = hs_json_get (m, "options");
  hs_json source = hs_json_get (m, "source");
  bool recursive;
  _cleanup_free_ char *src = NULL;
  struct stat st;

  if (hs_json_is_string (type) && strcmp (hs_json_string (type), "tmpfs") == 0)
    {
      mode_t mode = 01777;
      for (size_t i = 0; hs_json_is_array (options) && i < hs_json_array_len (options); i++)
        {
          hs_json o = hs_json_at (options, i);
          if (hs_json_is_string (o) && strncmp (hs_json_string (o), "mode=", 5) == 0)
            _tmpfs_mode (hs_json_string (o) + 5, &mode);
        }
      return S_IFDIR | mode;
    }
  if (!hs_spec_mount_is_bind (m, &recursive) || !hs_json_is_string (source))
    return S_IFDIR | 0755;
  src = hs_json_string (source)[0] == '/' ? xstrdup (hs_json_string (source))
                                          : xasprintf ("%s/%s", bundle, hs_json_string (source));
  return stat (src, &st) == 0 && !S_ISDIR (st.st_mode) ? S_IFREG | 0644 : S_IFDIR | 0755;
}

/* mkdir name in parent with exactly mode (the umask does not apply). */
static int
_mkdir_mode (int parent, const char *name, mode_t mode)
{
  _cleanup_close_ int fd = -1;

  if (mkdirat (parent, name, 0700) < 0)
    return -1;
  fd = openat (parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return fd < 0 ? -1 : fchmod (fd, mode);
}

/* dest without leading, trailing, repeated '/' and "." components. */
static char *
_relative (const char *dest)
{
  char *rel = xmalloc (strlen (dest) + 1), *out = rel;

  for (const char *p = dest; *p != '\0';)
    {
      size_t n = strcspn (p, "/");
      if (n > 0 && !(n == 1 && p[0] == '.'))
        {
          if (out != rel)
            *out++ = '/';
          memcpy (out, p, n);
          out += n;
        }
      p += n + (p[n] == '/');
    }
  *out = '\0';
  return rel;
}

/* The destinations of the mounts (as _relative gives them), sorted with
 * their index, so that whether a path lies below an earlier one is a few
 * binary searches, not a pass over every mount before it. */
typedef struct
{
  char *rel;
  size_t index;
} _dest;

static int
_cmp_dest (const void *a, const void *b)
{
  const _dest *x = a, *y = b;
  int c = strcmp (x->rel, y->rel);

  return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

static _dest *
_dests_sorted (hs_json mounts, size_t *ret_n)
{
  size_t len = hs_json_is_array (mounts) ? hs_json_array_len (mounts) : 0, n = 0;
  _dest *d = xcalloc (len + 1, sizeof *d);

  for (size_t i = 0; i < len; i++)
    {
      hs_json dest = hs_json_get (hs_json_at (mounts, i), "destination");
      if (hs_json_is_string (dest))
        d[n++] = (_dest){ _relative (hs_json_string (dest)), i };
    }
  qsort (d, n, sizeof *d, _cmp_dest);
  *ret_n = n;
  return d;
}

static void
_dests_free (_dest *d, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (d[i].rel);
  free (d);
}

/* The first mount whose destination is rel: its index, or SIZE_MAX. */
static size_t
_first_at (const _dest *d, size_t n, const char *rel)
{
  size_t lo = 0, hi = n;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (strcmp (d[mid].rel, rel) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < n && strcmp (d[lo].rel, rel) == 0 ? d[lo].index : SIZE_MAX;
}

/* Whether rel lies below the destination of a mount before mounts[i]: its
 * mount point is then in that mount (the tmpfs on /dev for /dev/pts), made
 * by the runtime inside the container, not in the rootfs. */
static bool
_under_earlier (const _dest *d, size_t n, size_t i, const char *rel)
{
  _cleanup_free_ char *above = xstrdup (rel);

  if (_first_at (d, n, "") < i)
    return true;
  for (char *slash = strchr (above, '/'); slash != NULL; slash = strchr (slash + 1, '/'))
    {
      bool below;
      *slash = '\0';
      below = _first_at (d, n, above) < i;
      *slash = '/';
      if (below)
        return true;
    }
  return false;
}

/* Create what is missing of path (relative to the rootfs, as _relative
 * gives it, replaced in *pathp as links are followed): directories, the
 * last one of kind (_kind), or a file.  Symbolic links are
 * followed inside the rootfs, as the runtime would; *ret_made is the path
 * that was created (NULL when nothing was missing).  A path the runtime
 * can report on better (not a directory on the way, too many links) is
 * left to it. */
static int
_create (int rootfd, char **pathp, mode_t kind, char **ret_made, hs_error *err)
{
  char *path = *pathp;
  size_t done = 0; /* path[0..done) exists and holds no symbolic link */
  int links = 0;

  *ret_made = NULL;
  while (path[done] != '\0')
    {
      size_t start = done + (done > 0), n = strcspn (path + start, "/");
      bool last = path[start + n] == '\0';
      _cleanup_free_ char *prefix = xstrndup (path, start + n), *parent_path = xstrndup (path, done);
      _cleanup_close_ int fd = _open_in_root (rootfd, prefix, O_PATH | O_NOFOLLOW);
      struct stat st;

      if (fd >= 0 && fstat (fd, &st) == 0 && S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX];
          ssize_t len = readlinkat (fd, "", target, sizeof target - 1);
          if (len <= 0 || ++links > 40)
            return 0;
          target[len] = '\0';
          _cleanup_free_ char *joined
              = xasprintf ("%s/%s%s", target[0] == '/' ? "" : parent_path, target, path + start + n);
          free (path);
          path = *pathp = _relative (joined);
          done = 0;
          continue;
        }
      if (fd < 0 && errno != ENOENT)
        return 0;
      if (fd < 0)
        {
          _cleanup_close_ int parent = done == 0 ? fcntl (rootfd, F_DUPFD_CLOEXEC, 0)
                                                 : _open_in_root (rootfd, parent_path, O_PATH | O_DIRECTORY);
          const char *name = path + start;
          int r;
          if (parent < 0)
            return 0;
          if (last && S_ISREG (kind))
            {
              int f = openat (parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
              r = f >= 0 ? close (f) : -1;
            }
          else
            {
              _cleanup_free_ char *dir = xstrndup (name, n);
              r = _mkdir_mode (parent, dir, last ? kind & 07777 : 0755);
            }
          if (r < 0)
            return hs_error_sys (err, errno, "create the mount point `/%s` in the rootfs", prefix);
          free (*ret_made);
          *ret_made = xasprintf ("/%s", path);
        }
      done = start + n;
    }
  return 0;
}

int
hs_mountpoints_create (hs_json spec, const char *rootfs, const char *bundle, hs_strv *ret, hs_error *err)
{
  hs_json mounts = hs_json_get (spec, "mounts");
  _cleanup_close_ int rootfd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  _dest *dests;
  size_t ndests;
  int r = 0;

  if (rootfd < 0)
    return hs_error_sys (err, errno, "open the rootfs `%s`", rootfs);
  dests = _dests_sorted (mounts, &ndests);
  for (size_t i = 0; r == 0 && hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i);
      hs_json dest = hs_json_get (m, "destination");
      if (!hs_json_is_string (dest))
        continue; /* the runtime refuses it */
      _cleanup_free_ char *rel = _relative (hs_json_string (dest));
      if (rel[0] == '\0' || _under_earlier (dests, ndests, i, rel))
        continue;
      char *made = NULL;
      r = _create (rootfd, &rel, _kind (m, bundle), &made, err);
      if (r == 0 && made != NULL)
        hs_strv_add (ret, made);
    }
  _dests_free (dests, ndests);
  return r;
}
