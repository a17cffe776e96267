/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/own_dirs.h"
#include "host/bind_pins.h"
#include "host/devices.h"
#include "host/host_refs.h"
#include "lsm/lsm_host.h"
#include "host/namespaces.h"
#include "spec/spec.h"
#include "base/util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* What path resolves to: realpath of its longest existing prefix, then
 * the rest with "." and ".." taken lexically (it does not exist, so it
 * holds no link).  NULL, with errno, when a prefix exists but does not
 * resolve (a loop, a name of another mount namespace: hs_real_path):
 * what it names cannot be judged. */
static char *
_resolve (const char *path)
{
  _cleanup_free_ char *head = xstrdup (path);
  _cleanup_strv_ hs_strv parts = { 0 };
  char *real;

  while ((real = hs_real_path (head)) == NULL)
    {
      char *slash = strrchr (head, '/');
      if (errno != ENOENT && errno != ENOTDIR)
        return NULL;
      if (slash == NULL || slash == head)
        {
          head[0] = '\0';
          real = xstrdup ("/");
          break;
        }
      *slash = '\0';
    }
  _cleanup_free_ char *rest = xstrdup (path + strlen (head));
  for (char *save = NULL, *c = strtok_r (rest, "/", &save); c != NULL; c = strtok_r (NULL, "/", &save))
    hs_strv_add (&parts, xstrdup (c));
  for (size_t i = 0; i < parts.n; i++)
    {
      if (strcmp (parts.v[i], ".") == 0)
        continue;
      if (strcmp (parts.v[i], "..") == 0)
        {
          char *slash = strrchr (real, '/');
          slash[slash == real ? 1 : 0] = '\0';
          continue;
        }
      char *more = xasprintf ("%s%s%s", real, strcmp (real, "/") == 0 ? "" : "/", parts.v[i]);
      free (real);
      real = more;
    }
  return real;
}

/* real lies in one of hardshim's own paths (or, with above, holds one): which, or NULL.
 * One of those that does not resolve counts as held: nothing can be judged. */
static const char *
_owns (const char *real, const hs_policy *policy, bool above)
{
  _cleanup_free_ char *state = _resolve (HS_STATE_DIR), *journal = _resolve (policy->journal);
  _cleanup_free_ char *helper = _resolve (policy->landlock_helper), *helpers = _resolve (HS_HELPER_DIR);

  if (state == NULL || journal == NULL || helper == NULL || helpers == NULL)
    return "one of hardshim's own paths, which does not resolve";

  /* A bind source above it (`/`, `/var`) is the detect measure's to
   * judge: refused unless a class allows exactly it (host_paths.h).  A
   * rootfs above it never is. */
  if (hs_path_within (real, state) || (above && hs_path_within (state, real)))
    return "hardshim's state directory `" HS_STATE_DIR "` (the rootfs bridge, device nodes, the seal key)";
  if (strcmp (real, journal) == 0)
    return "hardshim's journal";
  if (strcmp (real, helper) == 0 || hs_path_within (real, helpers))
    return "hardshim's Landlock helper";
  return NULL;
}

/* The mount the lsm measure adds for the helper (lsm_host.h), as it adds it. */
static bool
_helper_mount (hs_json m, const hs_policy *policy)
{
  hs_json src = hs_json_get (m, "source"), dst = hs_json_get (m, "destination");

  return hs_json_is_string (src) && hs_json_is_string (dst) && strcmp (hs_json_string (dst), HS_LANDLOCK_DEST) == 0
         && strcmp (hs_json_string (src), policy->landlock_helper) == 0;
}

/* A relative path with a `..` component: runc joins it to the bundle and
 * takes `..` lexically, crun and the kernel after symbolic links; the two
 * can name different files (ATTACKS.md, two parsers). */
static bool
_ambiguous (const char *path)
{
  if (path[0] == '/')
    return false;
  for (const char *p = path; (p = strstr (p, "..")) != NULL; p += 2)
    if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
      return true;
  return false;
}

static int
_refuse_ambiguous (const char *where, const char *spelled, hs_error *err)
{
  return hs_error_set (err, EINVAL,
                       "%s `%s` is relative and has a `..`: runc and crun read it differently; "
                       "give an absolute path",
                       where, spelled);
}

static int
_refuse_unresolved (const char *where, const char *spelled, int errnum, hs_error *err)
{
  return hs_error_sys (err, errnum,
                       "%s `%s` does not resolve to a path of this mount namespace: refused, hardshim cannot "
                       "tell whether it points at its own files",
                       where, spelled);
}

static int
_refuse (const char *where, const char *spelled, const char *real, const char *what, hs_error *err)
{
  return hs_error_set (err, EPERM,
                       "%s `%s` (`%s`) is or holds %s: refused, a spec cannot point at hardshim's own "
                       "files",
                       where, spelled, real, what);
}

/* The path mount m's source names for this check, or NULL when it is
 * hardshim's own mount: the Landlock helper as the lsm measure mounts it,
 * and, in a sealed spec, its device nodes, sysfs, proc and mqueue.  A sealed spec's
 * source at hardshim's pin names the engine's source it kept (bind_pins.h). */
static const char *
_judged_source (hs_json spec, hs_json m, bool sealed, const hs_policy *policy)
{
  hs_json src = hs_json_get (m, "source");
  const char *kept;
  hs_devnode node;
  bool recursive;

  if (!hs_spec_mount_is_bind (m, &recursive) || !hs_json_is_string (src) || _helper_mount (m, policy))
    return NULL;
  if (!sealed)
    return hs_json_string (src);
  if (hs_devnode_parse (hs_json_string (src), &node) == 0 || strcmp (hs_json_string (src), HS_SYSFS_DIR) == 0
      || strcmp (hs_json_string (src), HS_PROC_DIR) == 0 || strcmp (hs_json_string (src), HS_MQUEUE_DIR) == 0)
    return NULL;
  kept = hs_bind_pins_kept_source (spec, hs_json_string (src));
  return kept != NULL ? kept : hs_json_string (src);
}

int
hs_own_dirs_check (hs_json spec, const char *bundle, bool sealed, const hs_policy *policy, hs_error *err)
{
  hs_json mounts = hs_json_get (spec, "mounts"), root = hs_json_get (hs_json_get (spec, "root"), "path");
  const char *what, *src;

  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      if ((src = _judged_source (spec, hs_json_at (mounts, i), sealed, policy)) == NULL)
        continue;
      if (_ambiguous (src))
        {
          _cleanup_free_ char *where = xasprintf ("/mounts/%zu/source", i);
          return _refuse_ambiguous (where, src, err);
        }
      _cleanup_free_ char *abs = src[0] == '/' ? xstrdup (src) : xasprintf ("%s/%s", bundle, src);
      _cleanup_free_ char *real = _resolve (abs);
      int errnum = errno;
      _cleanup_free_ char *where = xasprintf ("/mounts/%zu/source", i);
      if (real == NULL)
        return _refuse_unresolved (where, src, errnum, err);
      if ((what = _owns (real, policy, false)) != NULL)
        return _refuse (where, src, real, what, err);
    }
  if (hs_json_is_string (root) && _ambiguous (hs_json_string (root)))
    return _refuse_ambiguous ("/root/path", hs_json_string (root), err);
  if (hs_json_is_string (root) && !(sealed && strcmp (hs_json_string (root), HS_BRIDGE_DIR) == 0))
    {
      _cleanup_free_ char *abs = hs_json_string (root)[0] == '/' ? xstrdup (hs_json_string (root))
                                                                 : xasprintf ("%s/%s", bundle, hs_json_string (root));
      _cleanup_free_ char *real = _resolve (abs);
      if (real == NULL)
        return _refuse_unresolved ("/root/path", hs_json_string (root), errno, err);
      if ((what = _owns (real, policy, true)) != NULL)
        return _refuse ("/root/path", hs_json_string (root), real, what, err);
    }
  return 0;
}

int
hs_own_dirs_check_refs (hs_json spec, bool sealed, const hs_policy *policy, const hs_host *host, hs_error *err)
{
  hs_json mounts = hs_json_get (spec, "mounts");
  const char *what, *src;

  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i);
      const hs_bind_ref *ref;
      if ((src = _judged_source (spec, m, sealed, policy)) == NULL
          || (ref = hs_host_bind_ref (host, hs_json_string (hs_json_get (m, "source")))) == NULL || ref->fd < 0)
        continue;
      _cleanup_free_ char *real = hs_fd_path (ref->fd);
      if ((what = _owns (real, policy, false)) != NULL)
        {
          _cleanup_free_ char *where = xasprintf ("/mounts/%zu/source", i);
          return _refuse (where, src, real, what, err);
        }
    }
  return 0;
}
