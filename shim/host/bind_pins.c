/* SPDX-License-Identifier: Apache-2.0 */
/* Bind-mount sources pinned to the objects the probe opened (bind_pins.h). */
#include "config.h"

#include "host/bind_pins.h"
#include "host/host_refs.h"
#include "lsm/lsm_host.h"
#include "spec/spec.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* More pins than this in one spec: refused (a runtime's mount table is no
 * place for more, and each pin holds a descriptor until it is mounted). */
#define _MAX_PINS 100000UL

/* N when source is exactly HS_PIN_DIR/N as hardshim writes it (decimal, no
 * leading zero, below _MAX_PINS). */
static bool
_pin_number (const char *source, unsigned long *ret)
{
  static const char prefix[] = HS_PIN_DIR "/";
  const char *p = source + sizeof prefix - 1;
  unsigned long n = 0;

  if (strncmp (source, prefix, sizeof prefix - 1) != 0 || *p == '\0' || (p[0] == '0' && p[1] != '\0'))
    return false;
  for (; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '9')
        return false;
      n = n * 10 + (unsigned long) (*p - '0');
      if (n >= _MAX_PINS)
        return false;
    }
  *ret = n;
  return true;
}

const char *
hs_bind_pins_kept_source (hs_json spec, const char *source)
{
  unsigned long n;
  _cleanup_free_ char *key = NULL;
  hs_json kept;

  if (!_pin_number (source, &n))
    return NULL;
  key = xasprintf (HS_PIN_ANNOTATION "%lu", n);
  kept = hs_json_get (hs_json_get (spec, "annotations"), key);
  return hs_json_is_string (kept) && hs_json_string (kept)[0] != '\0' ? hs_json_string (kept) : NULL;
}

/* A mount of hardshim's own, which no spec author can redirect: the
 * Landlock helper as the lsm measure mounts it (its path is the policy's,
 * root's), and, in a sealed spec, its device nodes, sysfs and proc in its
 * state directory (a spec without the seal cannot name them: own_dirs.h). */
static bool
_own (hs_json m, const char *source, const hs_bind_ref *ref, const hs_policy *policy)
{
  hs_json dst = hs_json_get (m, "destination");
  _cleanup_free_ char *clean = NULL;

  if (hs_json_is_string (dst) && strcmp (hs_json_string (dst), HS_LANDLOCK_DEST) == 0
      && strcmp (source, policy->landlock_helper) == 0)
    return true;
  if (source[0] != '/' || (ref != NULL && ref->via != NULL))
    return false;
  clean = hs_path_clean (source);
  return hs_path_within (clean, HS_STATE_DIR);
}

/* Clone ref's object with the mounts below it, a slave of its peer group.
 * With them, the runtime's bind or rbind of the clone does what it would do
 * with the source itself: an rbind takes the submounts along, and a plain
 * bind of a source with submounts stays refused inside a user namespace
 * (the kernel does not let it uncover what lies beneath them). */
static int
_clone (size_t i, const hs_bind_pin *pin, const hs_bind_ref *ref, int *ret, hs_error *err)
{
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE;
  struct mount_attr attr = { .propagation = MS_SLAVE };
  _cleanup_close_ int tree = open_tree (ref->fd, "", flags);

  if (tree < 0)
    return hs_error_sys (err, errno, "/mounts/%zu: clone the bind source `%s` (`%s`) for the runtime", i, pin->engine,
                         pin->real);
  if (mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return hs_error_sys (err, errno, "/mounts/%zu: make the clone of bind source `%s` a slave", i, pin->engine);
  *ret = TAKE_FD (tree);
  return 0;
}

/* ref, the probe's record of mount i's source, must hold what it opened. */
static int
_check_ref (size_t i, const char *source, const hs_bind_ref *ref, hs_error *err)
{
  int e;

  if (ref == NULL)
    return hs_error_set (err, EINVAL,
                         "/mounts/%zu: bind source `%s` was not looked at before the measures: "
                         "refused, hardshim could not hand the runtime what it judged",
                         i, source);
  if (ref->fd >= 0)
    return 0;
  e = ref->id.error != 0 ? ref->id.error : ENOENT;
  return hs_error_set (err, e, "/mounts/%zu: bind source `%s` cannot be opened: %s", i,
                       ref->via != NULL ? ref->via : source, strerror (e));
}

/* The first N free for a new pin: above every one a sealed spec names. */
static unsigned long
_first_free (hs_json mounts, const hs_host *host)
{
  unsigned long next = 0, n;

  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json src = hs_json_get (hs_json_at (mounts, i), "source");
      const hs_bind_ref *ref = hs_json_is_string (src) ? hs_host_bind_ref (host, hs_json_string (src)) : NULL;
      if (ref != NULL && ref->via != NULL && _pin_number (hs_json_string (src), &n) && n >= next)
        next = n + 1;
    }
  return next;
}

int
hs_bind_pins_clone (hs_json spec, const hs_host *host, const hs_policy *policy, hs_bind_pins *ret, hs_error *err)
{
  hs_json mounts = hs_json_get (spec, "mounts");
  size_t nmounts = hs_json_is_array (mounts) ? hs_json_array_len (mounts) : 0;
  _cleanup_free_ size_t *slot = xcalloc (host->nbinds + 1, sizeof *slot); /* [ref]: its pin */
  unsigned long next = _first_free (mounts, host);
  _cleanup_bind_pins_ hs_bind_pins pins = { .v = xcalloc (nmounts + 1, sizeof *pins.v),
                                            .of_mount = xcalloc (nmounts + 1, sizeof *pins.of_mount),
                                            .nmounts = nmounts };
  int r = 0;

  for (size_t k = 0; k < host->nbinds; k++)
    slot[k] = SIZE_MAX;
  for (size_t i = 0; i < nmounts; i++)
    pins.of_mount[i] = SIZE_MAX;
  for (size_t i = 0; r == 0 && i < nmounts; i++)
    {
      hs_json m = hs_json_at (mounts, i), src = hs_json_get (m, "source");
      const hs_bind_ref *ref;
      unsigned long n;
      bool recursive;
      size_t k;

      if (!hs_spec_mount_is_bind (m, &recursive) || !hs_json_is_string (src))
        continue;
      ref = hs_host_bind_ref (host, hs_json_string (src));
      if (_own (m, hs_json_string (src), ref, policy))
        continue;
      r = _check_ref (i, hs_json_string (src), ref, err);
      if (r < 0)
        break;
      k = (size_t) (ref - host->binds);
      if (slot[k] == SIZE_MAX)
        {
          if (ref->via == NULL || !_pin_number (hs_json_string (src), &n))
            n = next++;
          if (n >= _MAX_PINS)
            {
              r = hs_error_set (err, E2BIG, "more than %lu bind sources to pin: refused", _MAX_PINS);
              break;
            }
          hs_bind_pin *pin = &pins.v[pins.n];
          *pin = (hs_bind_pin){ .n = n,
                                .path = xasprintf (HS_PIN_DIR "/%lu", n),
                                .engine = xstrdup (ref->via != NULL ? ref->via : ref->source),
                                .real = hs_fd_path (ref->fd),
                                .tree = -1 };
          slot[k] = pins.n++;
          r = _clone (i, pin, ref, &pin->tree, err);
        }
      pins.of_mount[i] = slot[k];
    }
  if (r < 0)
    return r;
  *ret = TAKE_STRUCT (pins);
  return 0;
}

/* A tmpfs of this mount namespace at HS_PIN_DIR (the directory is made
 * 0711 on the host, and stays empty there): the pins' mount points. */
static int
_pin_dir (int *ret, hs_error *err)
{
  if (mkdir (HS_PIN_DIR, 0711) < 0 && errno != EEXIST)
    return hs_error_sys (err, errno, "create `%s`", HS_PIN_DIR);
  if (mount ("hardshim-binds", HS_PIN_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0711,size=4k") < 0)
    return hs_error_sys (err, errno, "mount a tmpfs at `%s`", HS_PIN_DIR);
  *ret = open (HS_PIN_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*ret < 0)
    return hs_error_sys (err, errno, "open `%s`", HS_PIN_DIR);
  return 0;
}

/* Mount pin's clone at dir/N: on a directory for a directory, on a file
 * for anything else. */
static int
_mount_one (int dir, hs_bind_pin *pin, hs_error *err)
{
  _cleanup_free_ char *name = xasprintf ("%lu", pin->n);
  _cleanup_close_ int tree = TAKE_FD (pin->tree);
  struct stat st;

  if (fstat (tree, &st) < 0)
    return hs_error_sys (err, errno, "stat the clone of bind source `%s`", pin->engine);
  if (S_ISDIR (st.st_mode))
    {
      if (mkdirat (dir, name, 0700) < 0)
        return hs_error_sys (err, errno, "create `%s`", pin->path);
    }
  else
    {
      _cleanup_close_ int file = openat (dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (file < 0)
        return hs_error_sys (err, errno, "create `%s`", pin->path);
    }
  if (move_mount (tree, "", dir, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return hs_error_sys (err, errno, "mount the clone of bind source `%s` at `%s`", pin->engine, pin->path);
  return 0;
}

/* Point mount i at pin, keep the engine's source, journal it. */
static void
_repoint (hs_json spec, size_t i, const hs_bind_pin *pin, hs_journal *journal)
{
  hs_json m = hs_json_at (hs_json_get (spec, "mounts"), i), ann = hs_json_get (spec, "annotations");
  _cleanup_json_ hs_json before = hs_json_copy (hs_json_get (m, "source"));
  _cleanup_free_ char *key = xasprintf (HS_PIN_ANNOTATION "%lu", pin->n), *path = xasprintf ("/mounts/%zu/source", i);
  _cleanup_free_ char *note
      = xasprintf ("the bind source `%s` as hardshim opened and judged it (`%s`), cloned where the "
                   "runtime mounts it: the path could name another by then",
                   pin->engine, pin->real);

  if (!hs_json_is_object (ann))
    hs_json_object_set (spec, "annotations", ann = hs_json_new_object ());
  hs_json_object_set (ann, key, hs_json_new_string (pin->engine));
  hs_json_object_set (m, "source", hs_json_new_string (pin->path));
  hs_journal_record_note (journal, "user", path, strcmp (hs_json_string (before), pin->path) == 0 ? "kept" : "changed",
                          before, hs_json_get (m, "source"), note);
}

int
hs_bind_pins_mount (hs_json spec, hs_bind_pins *pins, hs_journal *journal, hs_error *err)
{
  _cleanup_close_ int dir = -1;
  int r = 0;

  if (pins->n == 0)
    return 0;
  r = _pin_dir (&dir, err);
  for (size_t k = 0; r == 0 && k < pins->n; k++)
    r = _mount_one (dir, &pins->v[k], err);
  for (size_t i = 0; r == 0 && i < pins->nmounts; i++)
    if (pins->of_mount[i] != SIZE_MAX)
      _repoint (spec, i, &pins->v[pins->of_mount[i]], journal);
  return r;
}

const hs_bind_pin *
hs_bind_pins_of_mount (const hs_bind_pins *pins, size_t i)
{
  if (pins == NULL || i >= pins->nmounts || pins->of_mount[i] == SIZE_MAX)
    return NULL;
  return &pins->v[pins->of_mount[i]];
}

void
hs_bind_pins_release (hs_bind_pins *pins)
{
  for (size_t k = 0; k < pins->n; k++)
    {
      free (pins->v[k].path);
      free (pins->v[k].engine);
      free (pins->v[k].real);
      if (pins->v[k].tree >= 0)
        close (pins->v[k].tree);
    }
  free (pins->v);
  free (pins->of_mount);
  *pins = (hs_bind_pins){ 0 };
}
