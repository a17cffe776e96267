/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/denied_mounts.h"
#include "host/host_refs.h"
#include "measures/measure.h"
#include "spec/spec.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROOTFS SIZE_MAX /* _view.mount of a denied path in the image */

/* A bind source (or a denied path in the rootfs) as it is on the host. */
typedef struct
{
  size_t mount;       /* index in /mounts, or ROOTFS */
  const char *dst;    /* its destination as written, or the denied path */
  const char *src;    /* its source as the engine wrote it, or the rootfs */
  const char *denied; /* the denied path it is at or beneath; NULL: writable elsewhere */
  char *real;         /* its real path on the host */
  dev_t dev;
  ino_t ino;
} _view;

/* A directory on the host (device, inode) that is view or above it. */
typedef struct
{
  dev_t dev;
  ino_t ino;
  size_t view;
} _ident;

typedef struct
{
  _view *v;
  size_t n;
  _ident *up[2]; /* [0]: of the denied views, [1]: of the writable ones */
  size_t n_up[2], cap_up[2];
} _views;

static void
_views_release (_views *s)
{
  for (size_t i = 0; i < s->n; i++)
    free (s->v[i].real);
  free (s->v);
  free (s->up[0]);
  free (s->up[1]);
}
#define _cleanup_views_ _cleanup_ (_views_release)

static int
_ident_cmp (const void *a, const void *b)
{
  const _ident *x = a, *y = b;

  if (x->dev != y->dev)
    return x->dev < y->dev ? -1 : 1;
  if (x->ino != y->ino)
    return x->ino < y->ino ? -1 : 1;
  return x->view < y->view ? -1 : x->view > y->view;
}

static void
_push (_views *s, int side, const struct stat *st, size_t view)
{
  if (s->n_up[side] == s->cap_up[side])
    {
      s->cap_up[side] = s->cap_up[side] ? 2 * s->cap_up[side] : 64;
      s->up[side] = xrealloc (s->up[side], s->cap_up[side] * sizeof (_ident));
    }
  s->up[side][s->n_up[side]++] = (_ident){ st->st_dev, st->st_ino, view };
}

/* The view open as fd, and every directory above it up to /, by walking
 * "..": the host's own way up, whatever the path's spelling. */
static void
_climb (_views *s, int side, int fd, const struct stat *st, size_t view)
{
  _cleanup_close_ int cur = -1;
  struct stat prev = *st, here;

  _push (s, side, st, view);
  if (S_ISDIR (st->st_mode))
    cur = openat (fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
  else
    {
      _cleanup_free_ char *dir = xstrdup (s->v[view].real);
      cur = s->v[view].real[0] == '/' ? open (dirname (dir), O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    }
  for (int depth = 0; cur >= 0 && depth < PATH_MAX / 2 && fstat (cur, &here) == 0; depth++)
    {
      if (here.st_dev == prev.st_dev && here.st_ino == prev.st_ino)
        break; /* / */
      _push (s, side, &here, view);
      prev = here;
      int next = openat (cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      close (cur);
      cur = next;
    }
}

static void
_add (_views *s, int fd, size_t mount, const char *dst, const char *src, const char *denied)
{
  struct stat st;

  if (fstat (fd, &st) < 0)
    return;
  s->v = xrealloc (s->v, (s->n + 1) * sizeof (_view));
  s->v[s->n] = (_view){ mount, dst, src, denied, hs_fd_path (fd), st.st_dev, st.st_ino };
  _climb (s, denied ? 0 : 1, fd, &st, s->n);
  s->n++;
}

/* Read-only as runc and crun apply the options in order: the last of
 * ro/rw, or rro; rrw clears it again (taken as writable when in doubt). */
static bool
_read_only (hs_json opts)
{
  bool ro = false, rro = false, rrw = false;

  for (size_t i = 0; hs_json_is_array (opts) && i < hs_json_array_len (opts); i++)
    {
      hs_json o = hs_json_at (opts, i);
      if (!hs_json_is_string (o))
        continue;
      if (strcmp (hs_json_string (o), "ro") == 0 || strcmp (hs_json_string (o), "rw") == 0)
        ro = hs_json_string (o)[1] == 'o';
      rro = rro || strcmp (hs_json_string (o), "rro") == 0;
      rrw = rrw || strcmp (hs_json_string (o), "rrw") == 0;
    }
  return (ro || rro) && !rrw;
}

/* "rro" for an rbind of a directory beneath a denied path. */
static void
_recursive_ro (hs_json m, size_t i, int fd, const char *denied, bool audit, hs_journal *journal)
{
  hs_json opts = hs_json_get (m, "options"), dst = hs_json_get (m, "destination");
  struct stat st;

  if (!hs_json_array_has_string (opts, "rbind") || hs_json_array_has_string (opts, "rro") || fstat (fd, &st) < 0
      || !S_ISDIR (st.st_mode))
    return;
  _cleanup_json_ hs_json before = hs_json_copy (opts), after = hs_json_copy (opts);
  _cleanup_free_ char *path = xasprintf ("/mounts/%zu/options", i);
  _cleanup_free_ char *note
      = xasprintf ("`%s` is beneath the denied path `%s`: its submounts read-only too", hs_json_string (dst), denied);
  hs_json_array_append (after, hs_json_new_string ("rro"));
  hs_journal_record_note (journal, "lsm", path, "changed", before, after, note);
  if (!audit)
    hs_json_array_append (opts, hs_json_new_string ("rro"));
}

static int
_open_path (const char *src, const char *bundle)
{
  _cleanup_free_ char *path = src[0] == '/' ? xstrdup (src) : xasprintf ("%s/%s", bundle, src);

  return open (path, O_PATH | O_CLOEXEC);
}

/* Bind source src as the probe opened it (host_refs.h; for a sealed spec's
 * pin, the engine's source it kept, which *ret_name gives), which is what
 * the runtime mounts where it is pinned (bind_pins.h): not what the path
 * names by now. */
static int
_open_source (const hs_host *host, const char *src, const char *bundle, const char **ret_name)
{
  const hs_bind_ref *ref = hs_host_bind_ref (host, src);

  *ret_name = ref != NULL && ref->via != NULL ? ref->via : src;
  if (ref == NULL)
    return _open_path (src, bundle);
  return ref->fd >= 0 ? fcntl (ref->fd, F_DUPFD_CLOEXEC, 0) : -1;
}

/* The image: its rootfs, and the denied paths as given and as its symbolic
 * links resolve them. */
typedef struct
{
  int fd; /* -1: no rootfs to look in */
  char *real;
  hs_strv denied;
} _image;

static void
_image_release (_image *img)
{
  if (img->fd >= 0)
    close (img->fd);
  free (img->real);
  hs_strv_release (&img->denied);
}
#define _cleanup_image_ _cleanup_ (_image_release)

static int
_open_in_image (const _image *img, const char *path, int flags)
{
  struct open_how how
      = { .flags = (uint64_t) (flags | O_PATH | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };

  return (int) syscall (SYS_openat2, img->fd, path, &how, sizeof how);
}

/* The target of the symbolic link open as fd (O_PATH | O_NOFOLLOW), or NULL. */
static char *
_link_target (int fd)
{
  char buf[PATH_MAX];
  ssize_t n = readlinkat (fd, "", buf, sizeof buf);

  return n <= 0 || (size_t) n >= sizeof buf ? NULL : xstrndup (buf, (size_t) n);
}

/* Where the clean path lands in the image, as the runtime resolves a mount
 * destination (symbolic links followed inside the rootfs, a dangling one
 * too: the runtime creates its target): the real path of its longest
 * existing prefix, then the rest.  NULL when that cannot be told. */
static char *
_in_image (const _image *img, const char *clean)
{
  _cleanup_free_ char *want = xstrdup (clean);

  for (int links = 0; links < 40; links++)
    {
      _cleanup_free_ char *prefix = xstrdup (want);
      size_t cut = strlen (prefix);
      for (;;)
        {
          _cleanup_close_ int fd = _open_in_image (img, prefix, 0);
          if (fd >= 0)
            {
              _cleanup_free_ char *real = hs_fd_path (fd);
              if (!hs_path_within (real, img->real))
                return NULL;
              const char *rel = strcmp (img->real, "/") == 0 ? real : real + strlen (img->real);
              return xasprintf ("%s%s", rel[0] == '\0' && want[cut] == '\0' ? "/" : rel, want + cut);
            }
          if ((errno != ENOENT && errno != ENOTDIR) || strcmp (prefix, "/") == 0)
            return NULL;
          _cleanup_close_ int link = _open_in_image (img, prefix, O_NOFOLLOW);
          if (link >= 0)
            {
              /* A dangling link: follow its text, as the runtime would. */
              _cleanup_free_ char *target = _link_target (link), *dir = xstrdup (prefix), *next = NULL;
              if (target == NULL)
                return NULL;
              next = target[0] == '/' ? xasprintf ("%s%s", target, want + cut)
                                      : xasprintf ("%s/../%s%s", dir, target, want + cut);
              free (want);
              want = hs_path_clean (next);
              break;
            }
          cut = (size_t) (strrchr (prefix, '/') - prefix);
          prefix[cut == 0 ? 1 : cut] = '\0';
        }
    }
  return NULL;
}

/* The denied path (as given) that the image's path lies at or beneath,
 * also as the image resolves the denied paths, or NULL. */
static const char *
_denied_in_image (const _image *img, const hs_policy *policy, const char *path)
{
  const char *d = hs_policy_denied_at (policy, path);

  for (size_t i = 0; d == NULL && i < img->denied.n; i++)
    if (img->denied.v[i] != NULL && hs_path_within (path, img->denied.v[i]))
      d = policy->deny_write.v[i];
  return d;
}

static void
_image_open (_image *img, hs_json spec, const char *bundle, const hs_policy *policy)
{
  hs_json path = hs_json_get (hs_json_get (spec, "root"), "path");

  img->fd = hs_json_is_string (path) ? _open_path (hs_json_string (path), bundle) : -1;
  if (img->fd < 0)
    return;
  img->real = hs_fd_path (img->fd);
  for (size_t i = 0; i < policy->deny_write.n; i++)
    hs_strv_add (&img->denied, _in_image (img, policy->deny_write.v[i]));
}

/* Mount i, at clean, lands beneath a denied path through a symbolic link of
 * the image: read-only as the lsm measure makes the ones written there. */
static const char *
_read_only_in_image (const _image *img, const hs_policy *policy, hs_json m, size_t i, const char *clean,
                     hs_journal *journal)
{
  _cleanup_free_ char *landing = img->fd >= 0 ? _in_image (img, clean) : NULL;
  const char *denied = landing ? _denied_in_image (img, policy, landing) : NULL;

  if (denied == NULL)
    return NULL;
  _cleanup_json_ hs_json before = hs_json_copy (hs_json_get (m, "options")), after = hs_json_copy (m);
  if (!hs_measure_read_only_mount (after))
    return denied;
  _cleanup_free_ char *path = xasprintf ("/mounts/%zu/options", i);
  _cleanup_free_ char *note = xasprintf ("`%s` leads to `%s` in the image (a symbolic link), beneath the denied path "
                                         "`%s`: read-only, so that modes, owners, times and extended attributes cannot "
                                         "change there either",
                                         hs_json_string (hs_json_get (m, "destination")), landing, denied);
  hs_journal_record_note (journal, "lsm", path, before ? "changed" : "added", before, hs_json_get (after, "options"),
                          note);
  if (policy->mode != HS_MODE_AUDIT)
    hs_measure_read_only_mount (m);
  return denied;
}

/* The bind mounts: beneath a denied path, or writable elsewhere; mounts
 * that land beneath a denied path through the image's links made read-only. */
static void
_collect_mounts (_views *s, const _image *img, hs_json spec, const char *bundle, const hs_policy *policy,
                 const hs_host *host, hs_journal *journal)
{
  hs_json mounts = hs_json_get (spec, "mounts");
  bool audit = policy->mode == HS_MODE_AUDIT;

  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i), src = hs_json_get (m, "source"), dst = hs_json_get (m, "destination");
      _cleanup_free_ char *clean = NULL;
      _cleanup_close_ int fd = -1;
      const char *denied, *name;
      bool recursive, writable;

      if (!hs_json_is_string (dst))
        continue;
      clean = hs_path_clean (hs_json_string (dst));
      denied = hs_policy_denied_at (policy, clean);
      writable = !_read_only (hs_json_get (m, "options"));
      if (denied == NULL)
        denied = _read_only_in_image (img, policy, m, i, clean, journal);
      if (!hs_spec_mount_is_bind (m, &recursive) || !hs_json_is_string (src) || (denied == NULL && !writable))
        continue;
      if ((fd = _open_source (host, hs_json_string (src), bundle, &name)) < 0)
        continue; /* the runtime reports a missing source */
      if (denied != NULL)
        _recursive_ro (m, i, fd, denied, audit, journal);
      _add (s, fd, i, hs_json_string (dst), name, denied);
    }
}

/* The denied paths in the image, resolved inside the rootfs as the
 * container sees them. */
static void
_collect_rootfs (_views *s, const _image *img, hs_json spec, const hs_policy *policy)
{
  hs_json path = hs_json_get (hs_json_get (spec, "root"), "path");

  for (size_t i = 0; img->fd >= 0 && i < policy->deny_write.n; i++)
    {
      _cleanup_close_ int fd = _open_in_image (img, policy->deny_write.v[i], 0);
      if (fd >= 0)
        _add (s, fd, ROOTFS, policy->deny_write.v[i], hs_json_string (path), policy->deny_write.v[i]);
    }
}

/* The first view (in mount order) whose climb passed (dev, ino), on side. */
static const _ident *
_find (const _views *s, int side, dev_t dev, ino_t ino)
{
  _ident key = { dev, ino, 0 };
  size_t lo = 0, hi = s->n_up[side];

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (_ident_cmp (&s->up[side][mid], &key) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < s->n_up[side] && s->up[side][lo].dev == dev && s->up[side][lo].ino == ino ? &s->up[side][lo] : NULL;
}

static char *
_name (const _view *v)
{
  if (v->mount == ROOTFS)
    return xasprintf ("the image's `%s` (`%s` in the rootfs)", v->dst, v->real);
  return xasprintf ("/mounts/%zu (`%s`, source `%s`)", v->mount, v->dst, v->src);
}

static int
_refuse (const char *file, const _view *w, const _view *d, const char *relation, hs_error *err)
{
  _cleanup_free_ char *wn = _name (w), *dn = _name (d);

  return hs_error_set (err, EPERM,
                       "`%s`: %s is writable and %s %s, beneath the denied path `%s`: what lies there "
                       "could be changed through `%s`. Mount the one at `%s` read-only, or not both",
                       file, wn, relation, dn, d->denied, w->dst, w->dst);
}

int
hs_denied_mounts_check (hs_json spec, const char *file, const char *bundle, const hs_policy *policy,
                        const hs_host *host, hs_journal *journal, hs_error *err)
{
  _cleanup_views_ _views s = { 0 };
  _cleanup_image_ _image img = { .fd = -1 };
  int r = 0;

  _image_open (&img, spec, bundle, policy);
  _collect_mounts (&s, &img, spec, bundle, policy, host, journal);
  _collect_rootfs (&s, &img, spec, policy);
  for (int side = 0; side < 2; side++)
    qsort (s.up[side], s.n_up[side], sizeof (_ident), _ident_cmp);
  for (size_t i = 0; i < s.n && r == 0; i++)
    {
      const _view *v = &s.v[i];
      const _ident *hit = _find (&s, v->denied ? 1 : 0, v->dev, v->ino);
      if (hit == NULL)
        continue;
      const _view *other = &s.v[hit->view];
      const _view *w = v->denied ? other : v, *d = v->denied ? v : other;
      const char *relation = w->dev == d->dev && w->ino == d->ino ? "is the same as"
                             : v->denied                          ? "lies within"
                                                                  : "holds";
      r = _refuse (file, w, d, relation, err);
    }
  return r;
}
