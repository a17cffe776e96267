#include "config.h"

#include "mountpoints.h"
#include "spec.h"
#include "util.h"

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

  if (YAJL_IS_STRING (type) && strcmp (type->u.string, "tmpfs") == 0)
    {
      mode_t mode = 01777;
      for (size_t i = 0; YAJL_IS_ARRAY (options) && i < options->u.array.len; i++)
        {
          hs_json o = options->u.array.values[i];
          char *end;
          if (YAJL_IS_STRING (o) && strncmp (o->u.string, "mode=", 5) == 0)
            {
              unsigned long v = strtoul (o->u.string + 5, &end, 8);
              if (*end == '\0' && end != o->u.string + 5 && v <= 07777)
                mode = (mode_t) v;
            }
        }
      return S_IFDIR | mode;
    }
  if (!hs_spec_mount_is_bind (m, &recursive) || !YAJL_IS_STRING (source))
    return S_IFDIR | 0755;
  src = source->u.string[0] == '/' ? xstrdup (source->u.string) : xasprintf ("%s/%s", bundle, source->u.string);
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

/* Whether rel lies below the destination of a mount before mounts[i]: its
 * mount point is then in that mount (the tmpfs on /dev for /dev/pts), made
 * by the runtime inside the container, not in the rootfs. */
static bool
_under_earlier (hs_json mounts, size_t i, const char *rel)
{
  for (size_t k = 0; k < i; k++)
    {
      hs_json dest = hs_json_get (mounts->u.array.values[k], "destination");
      if (!YAJL_IS_STRING (dest))
        continue;
      _cleanup_free_ char *above = _relative (dest->u.string);
      size_t n = strlen (above);
      if (n == 0 || (strncmp (rel, above, n) == 0 && rel[n] == '/'))
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
          _cleanup_free_ char *joined = xasprintf ("%s/%s%s", target[0] == '/' ? "" : parent_path, target,
                                                   path + start + n);
          free (path);
          path = *pathp = _relative (joined);
          done = 0;
          continue;
        }
      if (fd < 0 && errno != ENOENT)
        return 0;
      if (fd < 0)
        {
          _cleanup_close_ int parent = done == 0 ? fcntl (rootfd, F_DUPFD_CLOEXEC, 0) : _open_in_root (rootfd, parent_path, O_PATH | O_DIRECTORY);
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

  if (rootfd < 0)
    return hs_error_sys (err, errno, "open the rootfs `%s`", rootfs);
  for (size_t i = 0; YAJL_IS_ARRAY (mounts) && i < mounts->u.array.len; i++)
    {
      hs_json m = mounts->u.array.values[i];
      hs_json dest = hs_json_get (m, "destination");
      if (!YAJL_IS_STRING (dest))
        continue; /* the runtime refuses it */
      _cleanup_free_ char *rel = _relative (dest->u.string);
      if (rel[0] == '\0' || _under_earlier (mounts, i, rel))
        continue;
      char *made = NULL;
      int r = _create (rootfd, &rel, _kind (m, bundle), &made, err);
      if (r < 0)
        return r;
      if (made != NULL)
        hs_strv_add (ret, made);
    }
  return 0;
}
