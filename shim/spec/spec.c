/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "spec/spec.h"
#include "spec/file.h"
#include "spec/spec_keys.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <stdbool.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* text, read from path (by hs_file_read_*, so NUL-terminated): a JSON
 * object whose keys runc and crun read alike. */
static int
_parse (const char *text, size_t len, const char *path, hs_json *ret, hs_error *err)
{
  _cleanup_json_ hs_json tree = NULL;
  int r;

  r = hs_json_parse_terminated (text, len, &tree, err);
  if (r < 0)
    {
      hs_error_prefix (err, "`%s`", path);
      return r;
    }
  if (!hs_json_is_object (tree))
    return hs_error_set (err, EINVAL, "`%s`: top level is %s, not an object", path, hs_json_type_name (tree));
  r = hs_spec_keys_check (tree, path, err);
  if (r < 0)
    return r;
  *ret = TAKE_PTR (tree);
  return 0;
}

int
hs_spec_load_fd (int fd, const char *path, hs_spec_file *ret, hs_error *err)
{
  _cleanup_free_ char *text = NULL, *shown = xasprintf ("`%s`", path);
  _cleanup_json_ hs_json tree = NULL;
  struct stat st;
  size_t len;
  int r;

  r = hs_file_read_fd (fd, shown, HS_JSON_MAX_BYTES, &text, &len, &st, err);
  if (r == 0)
    r = _parse (text, len, path, &tree, err);
  if (r < 0)
    return r;
  *ret = (hs_spec_file){ .path = xstrdup (path), .dirfd = -1, .st = st, .tree = TAKE_PTR (tree) };
  return 0;
}

int
hs_spec_load (const char *dir, const char *name, hs_spec_file *ret, hs_error *err)
{
  _cleanup_free_ char *path = NULL, *dirpath = NULL, *base = NULL, *text = NULL, *shown = NULL;
  _cleanup_close_ int dirfd = -1;
  _cleanup_json_ hs_json tree = NULL;
  const char *slash;
  struct stat st;
  size_t len;
  int r;

  if (name[0] == '/')
    path = xstrdup (name);
  else
    path = xasprintf ("%s/%s", dir, name);
  slash = strrchr (path, '/');
  dirpath = slash == path ? xstrdup ("/") : xstrndup (path, (size_t) (slash - path));
  base = xstrdup (slash + 1);
  if (base[0] == '\0')
    return hs_error_set (err, EINVAL, "`%s`: not a file name", path);

  dirfd = open (dirpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return hs_error_sys (err, errno, "open directory `%s`", dirpath);
  shown = xasprintf ("`%s`", path);
  r = hs_file_read_regular (dirfd, base, shown, true, HS_JSON_MAX_BYTES, &text, &len, &st, err);
  if (r < 0)
    return r;
  r = _parse (text, len, path, &tree, err);
  if (r < 0)
    return r;

  ret->path = TAKE_PTR (path);
  ret->name = TAKE_PTR (base);
  ret->dirfd = TAKE_FD (dirfd);
  ret->st = st;
  ret->tree = TAKE_PTR (tree);
  return 0;
}

#define _TMP_TAG ".hardshim-" /* .NAME.hardshim-XXXXXXXX: a temporary file beside NAME */

/* Remove the temporary files of f that a hardshim killed between linking
 * and renaming one left (complete copies, never read): a bundle's file is
 * rewritten by one hardshim at a time, so any there is stale.  Best effort:
 * one that stays is harmless. */
static void
_remove_stale (const hs_spec_file *f)
{
  _cleanup_free_ char *prefix = xasprintf (".%s" _TMP_TAG, f->name);
  size_t plen = strlen (prefix);
  int dfd = openat (f->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dfd >= 0 ? fdopendir (dfd) : NULL;
  struct dirent *e;

  if (d == NULL)
    {
      if (dfd >= 0)
        close (dfd);
      return;
    }
  while ((e = readdir (d)) != NULL)
    {
      struct stat st;
      /* Only hardshim's own: a regular file of this user (an exec's process
       * file may be in a directory others share, such as /tmp). */
      if (strncmp (e->d_name, prefix, plen) == 0 && strlen (e->d_name) == plen + 8
          && strspn (e->d_name + plen, "0123456789abcdef") == 8
          && fstatat (f->dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode)
          && st.st_uid == geteuid ())
        (void) unlinkat (f->dirfd, e->d_name, 0);
    }
  closedir (d);
}

/* Give the O_TMPFILE fd the name tmp in f's directory: AT_EMPTY_PATH needs
 * CAP_DAC_READ_SEARCH before Linux 6.10; /proc/self/fd/N does not. */
static int
_link_new (hs_spec_file *f, int fd, const char *tmp)
{
  char proc[64];

  if (linkat (fd, "", f->dirfd, tmp, AT_EMPTY_PATH) == 0)
    return 0;
  if (errno != ENOENT && errno != EPERM)
    return -errno;
  snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
  return linkat (AT_FDCWD, proc, f->dirfd, tmp, AT_SYMLINK_FOLLOW) == 0 ? 0 : -errno;
}

/* The new file's descriptor, not yet in the directory (O_TMPFILE), so that
 * a hardshim killed while writing leaves nothing behind; where the
 * filesystem has no O_TMPFILE, a new file named tmp. *ret_named says which. */
static int
_open_new (hs_spec_file *f, const char *tmp, bool *ret_named)
{
  int fd = openat (f->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);

  *ret_named = fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR);
  if (*ret_named)
    fd = openat (f->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  return fd;
}

/* text written in pieces: on the build machine's ext4 one write of a
 * megabyte into a new file took 10-15 ms at times (strace), where pieces
 * of 64 KiB took about 2 ms in all; likely the page cache's large folios
 * for one large write.  The file is named only once it is whole, so the
 * pieces change nothing for a reader. */
#define _WRITE_PIECE (64 * 1024)

static int
_write_pieces (int fd, const char *text, size_t len)
{
  for (size_t done = 0; done < len;)
    {
      size_t n = len - done < _WRITE_PIECE ? len - done : _WRITE_PIECE;
      int r = hs_write_all (fd, text + done, n);
      if (r < 0)
        return r;
      done += n;
    }
  return 0;
}

/* Write text to a new file next to f and rename it over f: f is the old
 * file or the new one, whole, whenever hardshim stops. */
static int
_replace (hs_spec_file *f, const char *text, size_t len, hs_error *err)
{
  _cleanup_free_ char *tmp = NULL;
  _cleanup_close_ int fd = -1;
  unsigned int rnd = 0;
  bool named = false;
  int r;

  _remove_stale (f);
  if (getrandom (&rnd, sizeof rnd, GRND_NONBLOCK) < 0)
    rnd = (unsigned int) getpid ();
  tmp = xasprintf (".%s" _TMP_TAG "%08x", f->name, rnd);
  fd = _open_new (f, tmp, &named);
  if (fd < 0)
    return hs_error_sys (err, errno, "create a temporary file beside `%s`", f->path);

  if (fchown (fd, f->st.st_uid, f->st.st_gid) < 0 && errno != EPERM)
    r = hs_error_sys (err, errno, "chown the temporary file for `%s`", f->path);
  else if (fchmod (fd, f->st.st_mode & 07777) < 0)
    r = hs_error_sys (err, errno, "chmod the temporary file for `%s`", f->path);
  else if ((r = _write_pieces (fd, text, len)) < 0)
    r = hs_error_sys (err, -r, "write `%s`", f->path);
  else if (fsync (fd) < 0)
    r = hs_error_sys (err, errno, "fsync `%s`", f->path);
  else if (!named && (r = _link_new (f, fd, tmp)) < 0)
    r = hs_error_sys (err, -r, "link the new `%s` beside it", f->path);
  else
    {
      named = true; /* tmp has a name from here */
      if (renameat (f->dirfd, tmp, f->dirfd, f->name) == 0)
        {
          (void) fsync (f->dirfd);
          return 0;
        }
      r = hs_error_sys (err, errno, "rename the new `%s` into place", f->path);
    }
  if (named)
    (void) unlinkat (f->dirfd, tmp, 0);
  return r;
}

int
hs_spec_save_text (hs_spec_file *f, char *pretty, size_t pretty_len, hs_error *err)
{
  _cleanup_free_ char *text = pretty;
  size_t len = pretty_len;
  int r = 0;

  if (f->dirfd < 0)
    return hs_error_set (err, EBADF, "`%s` is a descriptor, not a file hardshim can rewrite", f->path);
  /* Indented, unless that would be more than hardshim reads back (an exec
   * into the container reads its spec again); the indented text is freed
   * first, not to hold both. */
  if (len > HS_JSON_MAX_BYTES)
    {
      free (TAKE_PTR (text));
      r = hs_json_generate (f->tree, false, &text, &len, err);
    }
  if (r == 0 && len > HS_JSON_MAX_BYTES)
    r = hs_error_set (err, EFBIG, "the hardened spec would be larger than %u bytes: refused", HS_JSON_MAX_BYTES);
  if (r < 0)
    {
      hs_error_prefix (err, "`%s`", f->path);
      return r;
    }
  return _replace (f, text, len, err);
}

int
hs_spec_save (hs_spec_file *f, hs_error *err)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  int r;

  if (f->dirfd < 0)
    return hs_error_set (err, EBADF, "`%s` is a descriptor, not a file hardshim can rewrite", f->path);
  r = hs_json_generate (f->tree, true, &text, &len, err);
  if (r < 0)
    {
      hs_error_prefix (err, "`%s`", f->path);
      return r;
    }
  return hs_spec_save_text (f, TAKE_PTR (text), len, err);
}

bool
hs_spec_mount_is_bind (hs_json m, bool *ret_recursive)
{
  hs_json type = hs_json_get (m, "type"), opts = hs_json_get (m, "options");

  *ret_recursive = hs_json_array_has_string (opts, "rbind");
  return *ret_recursive || hs_json_array_has_string (opts, "bind")
         || (hs_json_is_string (type) && strcmp (hs_json_string (type), "bind") == 0);
}

char *
hs_spec_real_path (const hs_spec_file *f)
{
  _cleanup_free_ char *dir = hs_fd_path (f->dirfd);

  return xasprintf ("%s/%s", strcmp (dir, "/") == 0 ? "" : dir, f->name);
}

void
hs_spec_release (hs_spec_file *f)
{
  free (f->path);
  free (f->name);
  hs_json_free (f->tree);
  if (f->name != NULL && f->dirfd >= 0) /* a zeroed f's fd 0 is not its own */
    close (f->dirfd);
  memset (f, 0, sizeof *f);
  f->dirfd = -1;
}
