/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "lsm": writes beneath the policy's paths (default /etc and
 * /home) are denied by the kernel's mandatory access control, whatever the
 * engine mounted there read-write.
 *
 * - AppArmor, where the kernel enforces it: process.apparmorProfile is
 *   hardshim's profile (lsm_host.h loads it), replacing any the engine chose.
 * - Landlock, where AppArmor is absent: the helper program is bind-mounted
 *   read-only at HS_LANDLOCK_DEST, as the last mount so that nothing covers
 *   it, and put in front of process.args: it denies the writes with
 *   Landlock and then executes the original command.  Exec processes get
 *   the same prefix (the container already has the mount), and so do
 *   startContainer hooks, which run inside the container.  The helper's
 *   mount point must be on the spec's /dev tmpfs.
 * - Neither: the policy decides, refuse (default) or start with an
 *   `unavailable` record.
 * - SELinux, where it is enabled, in addition: process.selinuxLabel and
 *   linux.mountLabel are the container types with an MCS category pair: the
 *   engine's pair when its label already has the container type (engines
 *   keep pairs unique), else a random one.  Where SELinux is off, a record
 *   says it was skipped.
 * - An exec process runs under the container's labels: the container's
 *   SELinux label, and, where AppArmor is off, the container's AppArmor
 *   profile value (none when it has none), whatever exec asked for. */
#include "config.h"

#include "measures/measure.h"
#include "lsm/lsm_host.h"
#include "lsm/selinux_label.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- AppArmor --------------------------------------------------------------- */

static int
_apparmor (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json v = hs_json_get (ctx->process, "apparmorProfile");
  _cleanup_json_ hs_json before = hs_json_copy (v);

  if (v != NULL && !hs_json_is_string (v))
    return hs_measure_bad_type (ctx, true, "/apparmorProfile", v, "a string", err);
  if (v != NULL && strcmp (hs_json_string (v), ctx->host->apparmor_profile) == 0)
    return 0;
  hs_json_object_set (ctx->process, "apparmorProfile", hs_json_new_string (ctx->host->apparmor_profile));
  hs_measure_record_note (ctx, true, "/apparmorProfile", v ? "changed" : "added", before,
                          hs_json_get (ctx->process, "apparmorProfile"),
                          v ? "the engine's profile is replaced by hardshim's" : NULL);
  return 0;
}

/* ---- Landlock -------------------------------------------------------------- */

/* [HS_LANDLOCK_DEST, "--deny", P1, "--deny", P2, ..., "--"] */
static hs_json
_prefix (const hs_policy *p)
{
  hs_json a = hs_json_new_array ();

  hs_json_array_append (a, hs_json_new_string (HS_LANDLOCK_DEST));
  for (size_t i = 0; i < p->deny_write.n; i++)
    {
      hs_json_array_append (a, hs_json_new_string ("--deny"));
      hs_json_array_append (a, hs_json_new_string (p->deny_write.v[i]));
    }
  hs_json_array_append (a, hs_json_new_string ("--"));
  return a;
}

/* The length of the helper prefix args already has (up to and including
 * "--"), or 0. */
static size_t
_has_prefix (hs_json args)
{
  if (hs_json_array_len (args) == 0 || strcmp (hs_json_string (hs_json_at (args, 0)), HS_LANDLOCK_DEST) != 0)
    return 0;
  for (size_t i = 1; i < hs_json_array_len (args); i++)
    if (strcmp (hs_json_string (hs_json_at (args, i)), "--") == 0)
      return i + 1;
  return 0;
}

/* Put the helper prefix in front of argv (an array of strings), replacing a
 * helper prefix with other paths; *ret_changed says whether it did. */
static int
_confine_argv (hs_measure_ctx *ctx, hs_json argv, const char *where, bool *ret_changed, hs_error *err)
{
  _cleanup_json_ hs_json want = _prefix (ctx->policy);
  size_t have = _has_prefix (argv);
  bool same = have == hs_json_array_len (want);

  *ret_changed = false;
  if (same && have == hs_json_array_len (argv))
    return hs_error_set (err, EINVAL, "`%s`: %s holds hardshim's Landlock helper but no command", ctx->file, where);
  for (size_t i = 0; same && i < have; i++)
    same = strcmp (hs_json_string (hs_json_at (argv, i)), hs_json_string (hs_json_at (want, i))) == 0;
  if (same)
    return 0;
  for (size_t i = have; i-- > 0;) /* a prefix with other paths: ours replaces it */
    hs_json_array_remove (argv, i);
  for (size_t i = hs_json_array_len (want); i-- > 0;)
    hs_json_array_insert (argv, 0, hs_json_copy (hs_json_at (want, i)));
  *ret_changed = true;
  return 0;
}

static int
_strings (hs_measure_ctx *ctx, hs_json a, bool under_process, const char *path, hs_error *err)
{
  if (!hs_json_is_array (a))
    return hs_measure_bad_type (ctx, under_process, path, a, "an array", err);
  for (size_t i = 0; i < hs_json_array_len (a); i++)
    if (!hs_json_is_string (hs_json_at (a, i)))
      {
        _cleanup_free_ char *elem = xasprintf ("%s[]", path);
        return hs_measure_bad_type (ctx, under_process, elem, hs_json_at (a, i), "a string", err);
      }
  return 0;
}

static char *
_note (hs_measure_ctx *ctx)
{
  return xasprintf ("Landlock ABI %d: hardshim's helper denies the writes, then executes the command%s",
                    ctx->host->landlock_abi,
                    ctx->host->landlock_abi < 3 ? " (truncate(2) by path is not denied below ABI 3)" : "");
}

static bool _is_helper_mount (hs_json m, const char *source);

/* An exec can be confined only in a container that has the helper: the
 * last of its mounts, as the measure put it at create. */
static int
_container_has_helper (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json mounts = hs_json_get (ctx->container, "mounts");

  if (hs_json_is_array (mounts) && hs_json_array_len (mounts) > 0
      && _is_helper_mount (hs_json_at (mounts, hs_json_array_len (mounts) - 1), ctx->policy->landlock_helper))
    return 0;
  return hs_error_set (err, EPERM,
                       "exec: the container has no Landlock helper at `" HS_LANDLOCK_DEST "` (it was not "
                       "started by hardshim in enforce mode): writes beneath its /etc and /home could not be denied");
}

static int
_confine_args (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json args = hs_json_get (ctx->process, "args");
  _cleanup_json_ hs_json before = hs_json_copy (args);
  _cleanup_free_ char *where = xasprintf ("%s/args", ctx->process_path), *note = NULL;
  bool changed;
  int r;

  if (args == NULL || (hs_json_is_array (args) && hs_json_array_len (args) == 0))
    return 0; /* nothing runs: the runtime refuses a process without a command */
  /* In audit mode no container has the helper: the exec's changes are what to report. */
  r = ctx->spec == NULL && ctx->policy->mode != HS_MODE_AUDIT ? _container_has_helper (ctx, err) : 0;
  if (r == 0)
    r = _strings (ctx, args, true, "/args", err);
  if (r == 0)
    r = _confine_argv (ctx, args, where, &changed, err);
  if (r < 0 || !changed)
    return r;
  note = _note (ctx);
  hs_measure_record_note (ctx, true, "/args", "changed", before, args, note);
  return 0;
}

/* startContainer hooks run inside the container: behind the helper too.
 * A hook {path: P, args: [A0, A1...]} becomes {path: helper, args: [helper,
 * --deny..., --, P, A1...]}. */
static int
_confine_hooks (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json hooks = hs_json_get (hs_json_get (ctx->spec, "hooks"), "startContainer");

  for (size_t i = 0; hs_json_is_array (hooks) && i < hs_json_array_len (hooks); i++)
    {
      hs_json h = hs_json_at (hooks, i), path = hs_json_get (h, "path"), args = hs_json_get (h, "args");
      _cleanup_free_ char *where = xasprintf ("/hooks/startContainer/%zu", i), *note = NULL;
      _cleanup_json_ hs_json before = hs_json_copy (h), argv = NULL;
      bool changed;
      int r;

      if (!hs_json_is_string (path))
        return hs_measure_bad_type (ctx, false, where, path, "a hook with a path", err);
      if (args != NULL && (r = _strings (ctx, args, false, where, err)) < 0)
        return r;
      if (strcmp (hs_json_string (path), HS_LANDLOCK_DEST) == 0 && args != NULL)
        argv = hs_json_copy (args); /* confined before: args holds the whole command */
      else
        {
          argv = hs_json_new_array ();
          hs_json_array_append (argv, hs_json_copy (path));
          for (size_t k = 1; args != NULL && k < hs_json_array_len (args); k++)
            hs_json_array_append (argv, hs_json_copy (hs_json_at (args, k)));
        }
      r = _confine_argv (ctx, argv, where, &changed, err);
      if (r < 0)
        return r;
      if (!changed && strcmp (hs_json_string (path), HS_LANDLOCK_DEST) == 0)
        continue;
      hs_json_object_set (h, "path", hs_json_new_string (HS_LANDLOCK_DEST));
      hs_json_object_set (h, "args", TAKE_PTR (argv));
      note = _note (ctx);
      hs_measure_record_note (ctx, false, where, "changed", before, h, note);
    }
  return 0;
}

/* The helper's mount options: read-only, and nothing set-id or device on it. */
static const char *const _helper_opts[] = { "bind", "ro", "nosuid", "nodev", NULL };

static bool
_is_helper_mount (hs_json m, const char *source)
{
  hs_json dst = hs_json_get (m, "destination"), src = hs_json_get (m, "source"), o = hs_json_get (m, "options");
  size_t n = HS_ARRAY_SIZE (_helper_opts) - 1;

  if (!hs_json_is_string (dst) || strcmp (hs_json_string (dst), HS_LANDLOCK_DEST) != 0 || !hs_json_is_string (src)
      || strcmp (hs_json_string (src), source) != 0 || !hs_json_is_array (o) || hs_json_array_len (o) != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!hs_json_array_has_string (o, _helper_opts[i]))
      return false;
  return true;
}

/* The helper's mount point must be on a tmpfs of the spec's own: the last
 * mount at /dev (or above it) must be a tmpfs, so that nothing of the image
 * or of a volume (a symbolic link, say) decides where the helper goes.
 * Specs without a /dev mount get runc's default one. */
static int
_check_dev (hs_measure_ctx *ctx, hs_json mounts, hs_error *err)
{
  for (size_t i = hs_json_array_len (mounts); i-- > 0;)
    {
      hs_json m = hs_json_at (mounts, i), dst = hs_json_get (m, "destination"), type = hs_json_get (m, "type");
      if (!hs_json_is_string (dst))
        continue;
      _cleanup_free_ char *clean = hs_path_clean (hs_json_string (dst));
      if (!hs_path_within ("/dev", clean))
        continue;
      if (strcmp (clean, "/dev") == 0 && hs_json_is_string (type) && strcmp (hs_json_string (type), "tmpfs") == 0)
        return 0;
      return hs_error_set (err, EINVAL,
                           "`%s`: /mounts/%zu at `%s` covers /dev, where hardshim mounts its Landlock "
                           "helper: the last mount there must be the spec's /dev tmpfs",
                           ctx->file, i, hs_json_string (dst));
    }
  static const char *const opts[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
  hs_json dev = hs_measure_new_mount ("/dev", "tmpfs", "tmpfs", opts);
  hs_json_array_insert (mounts, 0, dev);
  hs_measure_record_note (ctx, false, "/mounts", "added", NULL, dev, "/dev, where hardshim's Landlock helper goes");
  return 0;
}

/* The helper's mount, last, and no other mount at or below its directory. */
static int
_mount_helper (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json mounts = hs_json_get (ctx->spec, "mounts");
  _cleanup_json_ hs_json removed = hs_json_new_array ();
  size_t n;
  int r;

  if (mounts == NULL)
    hs_json_object_set (ctx->spec, "mounts", mounts = hs_json_new_array ());
  if (!hs_json_is_array (mounts))
    return hs_measure_bad_type (ctx, false, "/mounts", mounts, "an array", err);
  n = hs_json_array_len (mounts);
  if (n > 0 && _is_helper_mount (hs_json_at (mounts, n - 1), ctx->policy->landlock_helper))
    n--; /* ours, already last */
  for (size_t i = n; i-- > 0;)
    {
      hs_json dst = hs_json_get (hs_json_at (mounts, i), "destination");
      _cleanup_free_ char *clean = hs_json_is_string (dst) ? hs_path_clean (hs_json_string (dst)) : NULL;
      if (clean != NULL && hs_path_within (clean, HS_LANDLOCK_DIR))
        {
          hs_json_array_insert (removed, 0, hs_json_copy (hs_json_at (mounts, i)));
          hs_json_array_remove (mounts, i);
        }
    }
  if (hs_json_array_len (removed) > 0)
    hs_measure_record_note (ctx, false, "/mounts", "removed", removed, NULL,
                            "mounts at hardshim's Landlock helper directory `" HS_LANDLOCK_DIR "`");
  if ((r = _check_dev (ctx, mounts, err)) < 0)
    return r;
  if (hs_json_array_len (mounts) > 0
      && _is_helper_mount (hs_json_at (mounts, hs_json_array_len (mounts) - 1), ctx->policy->landlock_helper))
    return 0;

  hs_json m = hs_measure_new_mount (HS_LANDLOCK_DEST, "bind", ctx->policy->landlock_helper, _helper_opts);
  hs_json_array_append (mounts, m);
  hs_measure_record_note (ctx, false, "/mounts", "added", NULL, m, "hardshim's Landlock helper, read-only");
  return 0;
}

/* ---- mounts beneath the denied paths: read-only ----------------------------- */

/* Options that make a mount writable again after "ro" (runc and crun apply
 * them in order; "rrw" clears the recursive read-only attribute). */
static const char *const _writable_opts[] = { "rw", "rrw", NULL };

bool
hs_measure_read_only_mount (hs_json m)
{
  hs_json o = hs_json_get (m, "options");
  bool changed = false;

  if (o == NULL)
    hs_json_object_set (m, "options", o = hs_json_new_array ());
  for (size_t k = hs_json_array_len (o); k-- > 0;)
    for (const char *const *w = _writable_opts; *w != NULL; w++)
      if (hs_json_is_string (hs_json_at (o, k)) && strcmp (hs_json_string (hs_json_at (o, k)), *w) == 0)
        {
          hs_json_array_remove (o, k);
          changed = true;
          break;
        }
  if (!hs_json_array_has_string (o, "ro"))
    {
      hs_json_array_append (o, hs_json_new_string ("ro"));
      changed = true;
    }
  return changed;
}

/* Landlock has no right for chmod, chown, utimes or extended attributes:
 * a mount at or beneath a denied path is made read-only, which stops those
 * too.  Everything the spec mounts there, whatever its type.  (A mount
 * that lands there through a symbolic link of the image, and the submounts
 * of an rbind of a directory, are seen to on the host side,
 * denied_mounts.h.) */
static int
_readonly_mounts (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json mounts = hs_json_get (ctx->spec, "mounts");

  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i), dst = hs_json_get (m, "destination"), o = hs_json_get (m, "options");
      _cleanup_free_ char *clean = hs_json_is_string (dst) ? hs_path_clean (hs_json_string (dst)) : NULL, *path = NULL,
                          *note = NULL;
      _cleanup_json_ hs_json before = NULL;
      const char *denied = clean != NULL ? hs_policy_denied_at (ctx->policy, clean) : NULL;
      int r;

      if (denied == NULL)
        continue;
      path = xasprintf ("/mounts/%zu/options", i);
      if (o != NULL && (r = _strings (ctx, o, false, path, err)) < 0)
        return r;
      before = hs_json_copy (o);
      if (!hs_measure_read_only_mount (m))
        continue;
      note = xasprintf ("`%s` is beneath the denied path `%s`: read-only, so that modes, owners, times and extended "
                        "attributes cannot change there either",
                        hs_json_string (dst), denied);
      hs_measure_record_note (ctx, false, path, before != NULL ? "changed" : "added", before,
                              hs_json_get (m, "options"), note);
    }
  return 0;
}

/* ---- exec: the container's labels ------------------------------------------ */

/* The exec process's key (apparmorProfile, selinuxLabel) becomes the
 * container's value, or goes when the container has none. */
static int
_as_container (hs_measure_ctx *ctx, const char *key, hs_error *err)
{
  hs_json v = hs_json_get (ctx->process, key), want = hs_json_get (hs_json_get (ctx->container, "process"), key);
  _cleanup_free_ char *path = xasprintf ("/%s", key);
  _cleanup_json_ hs_json before = hs_json_copy (v);

  if (v != NULL && !hs_json_is_string (v))
    return hs_measure_bad_type (ctx, true, path, v, "a string", err);
  if (want != NULL && !hs_json_is_string (want))
    return hs_error_set (err, EINVAL, "the container's /process%s is %s, expected a string", path,
                         hs_json_type_name (want));
  if (v == NULL && want == NULL)
    return 0;
  if (v != NULL && want != NULL && strcmp (hs_json_string (v), hs_json_string (want)) == 0)
    return 0;
  if (want == NULL)
    {
      hs_json_object_remove (ctx->process, key);
      hs_measure_record_note (ctx, true, path, "removed", before, NULL, "the container runs without one");
      return 0;
    }
  hs_json_object_set (ctx->process, key, hs_json_copy (want));
  hs_measure_record_note (ctx, true, path, v ? "changed" : "added", before, want, "the container's");
  return 0;
}

/* ---- SELinux ---------------------------------------------------------------- */

static int
_selinux (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json v = hs_json_get (ctx->process, "selinuxLabel");
  _cleanup_free_ char *level = NULL, *label = NULL, *mount_label = NULL;
  hs_json linux_;
  int r;

  if (ctx->spec == NULL) /* exec: the container's label, which hardshim gave it */
    {
      hs_json want = hs_json_get (hs_json_get (ctx->container, "process"), "selinuxLabel");
      level = hs_json_is_string (want) ? hs_selinux_container_level (hs_json_string (want)) : NULL;
      if (level == NULL)
        return hs_error_set (err, EPERM,
                             "exec: the container's SELinux label `%s` is not the container type with a "
                             "category pair: refused",
                             hs_json_is_string (want) ? hs_json_string (want) : "");
      return _as_container (ctx, "selinuxLabel", err);
    }
  if (v != NULL && !hs_json_is_string (v))
    return hs_measure_bad_type (ctx, true, "/selinuxLabel", v, "a string", err);
  level = v ? hs_selinux_container_level (hs_json_string (v)) : NULL;
  if (level == NULL)
    level = hs_selinux_new_level (ctx->host->mcs_seed);
  label = hs_selinux_process_label (level);
  if (v == NULL || strcmp (hs_json_string (v), label) != 0)
    {
      _cleanup_json_ hs_json before = hs_json_copy (v);
      hs_json_object_set (ctx->process, "selinuxLabel", hs_json_new_string (label));
      hs_measure_record (ctx, true, "/selinuxLabel", v ? "changed" : "added", before,
                         hs_json_get (ctx->process, "selinuxLabel"));
    }
  if (ctx->spec == NULL)
    return 0;
  r = hs_measure_object (ctx, ctx->spec, "linux", false, "/linux", &linux_, err);
  if (r < 0)
    return r;
  mount_label = hs_selinux_mount_label (level);
  v = hs_json_get (linux_, "mountLabel");
  if (v == NULL || !hs_json_is_string (v) || strcmp (hs_json_string (v), mount_label) != 0)
    {
      _cleanup_json_ hs_json before = hs_json_copy (v);
      hs_json_object_set (linux_, "mountLabel", hs_json_new_string (mount_label));
      hs_measure_record (ctx, false, "/linux/mountLabel", v ? "changed" : "added", before,
                         hs_json_get (linux_, "mountLabel"));
    }
  return 0;
}

/* ---- the measure ------------------------------------------------------------ */

/* why: what keeps the writes from being denied. */
static int
_unavailable (hs_measure_ctx *ctx, const char *why, hs_error *err)
{
  _cleanup_free_ char *paths = hs_strv_join (&ctx->policy->deny_write, ", ");

  if (!ctx->policy->lsm_fallback)
    return hs_error_set (err, EOPNOTSUPP,
                         "refusing to start: writes beneath %s cannot be denied here: %s (policy "
                         "`lsm.unavailable` is `refuse`)",
                         paths, why);
  hs_measure_record_note (ctx, true, "", "unavailable", NULL, NULL, why);
  return 0;
}

bool
hs_measure_lsm_uses_landlock (const hs_measure_ctx *ctx)
{
  return !ctx->host->apparmor && ctx->host->landlock_abi > 0;
}

int
hs_measure_lsm (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json label;
  int r;

  if (ctx->spec == NULL && !ctx->host->apparmor && (r = _as_container (ctx, "apparmorProfile", err)) < 0)
    return r;
  if (ctx->spec != NULL && (r = _readonly_mounts (ctx, err)) < 0) /* before any mount is added: the engine's indexes */
    return r;
  if (ctx->host->apparmor)
    r = _apparmor (ctx, err);
  else if (hs_measure_lsm_uses_landlock (ctx))
    {
      r = _confine_args (ctx, err);
      if (r == 0 && ctx->spec != NULL)
        r = _confine_hooks (ctx, err);
      if (r == 0 && ctx->spec != NULL)
        r = _mount_helper (ctx, err);
      if (r == 0 && ctx->host->landlock_lost != NULL)
        r = _unavailable (ctx, ctx->host->landlock_lost, err);
    }
  else
    {
      _cleanup_free_ char *why
          = xasprintf ("no AppArmor (%s) and no Landlock (%s)", ctx->host->apparmor_why, ctx->host->landlock_why);
      r = _unavailable (ctx, why, err);
    }
  if (r < 0)
    return r;
  if (ctx->host->selinux)
    return _selinux (ctx, err);
  if (ctx->spec == NULL)
    return _as_container (ctx, "selinuxLabel", err);
  label = hs_json_get (ctx->process, "selinuxLabel"); /* left as the engine wrote it */
  hs_measure_record_note (ctx, true, "/selinuxLabel", "unavailable", label, label, "SELinux is off: skipped");
  return 0;
}
