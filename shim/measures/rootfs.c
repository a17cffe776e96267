/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "rootfs": a read-only root filesystem, a fresh tmpfs where
 * programs expect to write (/tmp and /run by default), and the usual
 * masked and read-only paths of /proc and /sys. */
#include "config.h"

#include "measures/measure.h"
#include "host/namespaces.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>

static const char *const _masked_paths[] = {
  "/proc/acpi",        "/proc/asound",        "/proc/interrupts", "/proc/kcore",
  "/proc/keys",        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
  "/proc/sched_debug", "/proc/scsi",          "/sys/firmware",    "/sys/devices/virtual/powercap",
};

static const char *const _readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static const char *const _tmpfs_options[] = { "nosuid", "nodev", "mode=1777", NULL };

static int
_readonly_root (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json root = hs_json_get (ctx->spec, "root"), ro;
  _cleanup_json_ hs_json before = NULL;

  if (!hs_json_is_object (root))
    return hs_measure_bad_type (ctx, false, "/root", root, "an object", err);
  ro = hs_json_get (root, "readonly");
  if (hs_json_is_true (ro))
    return 0;
  if (ro != NULL && !hs_json_is_false (ro))
    return hs_measure_bad_type (ctx, false, "/root/readonly", ro, "a boolean", err);
  before = hs_json_copy (ro);
  hs_json_object_set (root, "readonly", hs_json_new_bool (true));
  hs_measure_record (ctx, false, "/root/readonly", before ? "changed" : "added", before,
                     hs_json_get (root, "readonly"));
  return 0;
}

/* Length of dest without trailing slashes ("/tmp/" and "/tmp" are one place). */
static size_t
_dest_len (const char *dest)
{
  size_t n = strlen (dest);
  while (n > 1 && dest[n - 1] == '/')
    n--;
  return n;
}

/* runc gives a new tmpfs the mode of the directory it covers (0755 for
 * /run in most images), so mode=1777 alone does not make it writable: the
 * tmpfs is also owned by the process user the "user" measure decided. */
static hs_json
_tmpfs_mount (const char *dest, hs_json owner)
{
  hs_json m = hs_measure_new_mount (dest, "tmpfs", "tmpfs", _tmpfs_options), opts = hs_json_get (m, "options");
  hs_json uid = hs_json_get (owner, "uid"), gid = hs_json_get (owner, "gid");

  if (hs_json_is_number (uid))
    hs_json_array_append (opts, hs_json_new_string_printf ("uid=%s", hs_json_number_text (uid)));
  if (hs_json_is_number (gid))
    hs_json_array_append (opts, hs_json_new_string_printf ("gid=%s", hs_json_number_text (gid)));
  return m;
}

/* Add a tmpfs at dest unless something is mounted there already.  It goes
 * before the first mount beneath dest, which must stay visible on top. */
static int
_tmpfs (hs_measure_ctx *ctx, hs_json mounts, const char *dest, hs_error *err)
{
  size_t dlen = _dest_len (dest), at = hs_json_array_len (mounts);

  hs_json m;
  hs_json_foreach (mounts, i, m)
    {
      hs_json d = hs_json_get (m, "destination");
      if (!hs_json_is_object (m) || !hs_json_is_string (d))
        return hs_measure_bad_type (ctx, false, "/mounts[]", m, "an object with a string destination", err);
      size_t mlen = _dest_len (hs_json_string (d));
      if (mlen == dlen && strncmp (hs_json_string (d), dest, dlen) == 0)
        return 0;
      if (at == hs_json_array_len (mounts) && mlen > dlen && strncmp (hs_json_string (d), dest, dlen) == 0
          && hs_json_string (d)[dlen] == '/')
        at = i;
    }

  hs_json_array_insert (mounts, at, _tmpfs_mount (dest, hs_json_get (ctx->process, "user")));
  _cleanup_free_ char *path = xasprintf ("/mounts/%zu", at);
  hs_measure_record (ctx, false, path, "added", NULL, hs_json_at (mounts, at));
  return 0;
}

/* Make sure every one of names is in linux.<key>. */
static int
_ensure_paths (hs_measure_ctx *ctx, hs_json linux_, const char *key, const char *const *names, size_t n, hs_error *err)
{
  hs_json arr = hs_json_get (linux_, key);
  _cleanup_free_ char *path = xasprintf ("/linux/%s", key);
  _cleanup_json_ hs_json before = hs_json_copy (arr);
  bool changed = false;

  if (arr == NULL)
    {
      arr = hs_json_new_array ();
      hs_json_object_set (linux_, key, arr);
    }
  if (!hs_json_is_array (arr))
    return hs_measure_bad_type (ctx, false, path, arr, "an array", err);
  for (size_t i = 0; i < n; i++)
    if (!hs_json_array_has_string (arr, names[i]))
      {
        hs_json_array_append (arr, hs_json_new_string (names[i]));
        changed = true;
      }
  if (changed)
    hs_measure_record (ctx, false, path, "added", before, arr);
  return 0;
}

/* Whether the container stays in the host's namespace of type (none
 * given, or a path the probe found to be PID 1's): the detect measure
 * refuses it unless the class allows it. */
static bool
_host_ns (hs_measure_ctx *ctx, const char *type)
{
  hs_json namespaces = hs_json_get (hs_json_get (ctx->spec, "linux"), "namespaces");
  const hs_host *h = ctx->host;

  for (size_t i = 0; hs_json_is_array (namespaces) && i < hs_json_array_len (namespaces); i++)
    {
      hs_json t = hs_json_get (hs_json_at (namespaces, i), "type");
      hs_json path = hs_json_get (hs_json_at (namespaces, i), "path");
      if (!hs_json_is_string (t) || strcmp (hs_json_string (t), type) != 0)
        continue;
      if (!hs_json_is_string (path) || hs_json_string (path)[0] == '\0')
        return false;
      for (size_t k = 0; k < h->n_joined; k++)
        if (strcmp (h->joined[k].type, type) == 0)
          return h->joined[k].is_host;
      return false;
    }
  /* none: the runtime's, unless hardshim enters a joined one for it */
  return !(strcmp (type, "network") == 0 && h->joins_netns);
}

/* Replace every mount of fstype with a bind of source (hardshim's, made in
 * the runtime's private mount namespace, namespaces.h) when replace; a
 * bind from source already in the spec (hardshim's own, sealed) asks for
 * the same.  Whether source is needed. */
static bool
_bind_instead (hs_measure_ctx *ctx, hs_json mounts, const char *fstype, const char *source, bool replace,
               const char *const *opts, const char *note)
{
  bool needed = false;

  for (size_t i = 0; i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i), type = hs_json_get (m, "type"), src = hs_json_get (m, "source");
      if (hs_json_is_string (src) && strcmp (hs_json_string (src), source) == 0)
        needed = true;
      if (!replace || !hs_json_is_string (type) || strcmp (hs_json_string (type), fstype) != 0)
        continue;
      _cleanup_json_ hs_json before = hs_json_copy (m);
      hs_json dst = hs_json_get (before, "destination"); /* m goes next */
      hs_json_array_remove (mounts, i);
      hs_json_array_insert (
          mounts, i, hs_measure_new_mount (hs_json_is_string (dst) ? hs_json_string (dst) : "/", "bind", source, opts));
      _cleanup_free_ char *path = xasprintf ("/mounts/%zu", i);
      hs_measure_record_note (ctx, false, path, "changed", before, hs_json_at (mounts, i), note);
      needed = true;
    }
  return needed;
}

/* A container in a user namespace of its own cannot mount sysfs for a
 * network namespace of another user namespace (CRI's pod network, made in
 * the host's; the host's own, where the class allows it), nor proc for the
 * host's PID or IPC namespace: those mounts become binds of a sysfs, proc
 * or mqueue hardshim mounts inside that namespace (namespaces.h). */
static void
_foreign_fs (hs_measure_ctx *ctx, hs_json mounts)
{
  static const char *const sys_opts[] = { "bind", "ro", "nosuid", "nodev", "noexec", NULL };
  static const char *const proc_opts[] = { "bind", "nosuid", "nodev", "noexec", NULL };
  const hs_host *h = ctx->host;
  bool own_userns = ctx->plan->bridge_rootfs;
  bool joined_net = h->joins_netns && !(ctx->plan->join_userns && h->netns_in_join_userns);

  if (_bind_instead (ctx, mounts, "sysfs", HS_SYSFS_DIR, own_userns && (joined_net || _host_ns (ctx, "network")),
                     sys_opts,
                     "the container's network namespace belongs to another user namespace, so the container cannot "
                     "mount sysfs for it: a read-only sysfs hardshim mounts inside it"))
    ctx->plan->sysfs_netns = true;
  if (_bind_instead (ctx, mounts, "proc", HS_PROC_DIR, own_userns && _host_ns (ctx, "pid"), proc_opts,
                     "the container shares the host's PID namespace, for which its user namespace cannot mount proc: "
                     "a proc hardshim mounts there"))
    ctx->plan->proc_host = true;
  if (_bind_instead (ctx, mounts, "mqueue", HS_MQUEUE_DIR, own_userns && _host_ns (ctx, "ipc"), proc_opts,
                     "the container shares the host's IPC namespace, for which its user namespace cannot mount mqueue: "
                     "an mqueue hardshim mounts there"))
    ctx->plan->mqueue_host = true;
}

int
hs_measure_rootfs (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json mounts = hs_json_get (ctx->spec, "mounts"), linux_;
  int r = 0;

  if (ctx->policy->readonly_rootfs)
    r = _readonly_root (ctx, err);
  if (r < 0)
    return r;

  if (mounts == NULL)
    {
      mounts = hs_json_new_array ();
      hs_json_object_set (ctx->spec, "mounts", mounts);
    }
  if (!hs_json_is_array (mounts))
    return hs_measure_bad_type (ctx, false, "/mounts", mounts, "an array", err);
  for (size_t i = 0; i < ctx->policy->tmpfs.n; i++)
    if ((r = _tmpfs (ctx, mounts, ctx->policy->tmpfs.v[i], err)) < 0)
      return r;
  _foreign_fs (ctx, mounts);

  r = hs_measure_object (ctx, ctx->spec, "linux", false, "/linux", &linux_, err);
  if (r == 0)
    r = _ensure_paths (ctx, linux_, "maskedPaths", _masked_paths, HS_ARRAY_SIZE (_masked_paths), err);
  if (r == 0)
    r = _ensure_paths (ctx, linux_, "readonlyPaths", _readonly_paths, HS_ARRAY_SIZE (_readonly_paths), err);
  return r;
}
