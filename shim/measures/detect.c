/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "detect": refuse what no other measure can repair, unless the
 * container's class allows exactly it (detect.h).  This file: the entry,
 * the refusals, mount types, shared propagation and the cgroup. */
#include "config.h"

#include "measures/detect.h"
#include "host/host_refs.h"
#include "spec/spec.h"
#include "base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
hs_detect_refuse (hs_detect *d, const char *path, hs_json request, const char *fmt, ...)
{
  va_list ap;
  char *msg;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  hs_measure_record_note (d->ctx, false, path, "refused", request, NULL, msg);
  if (d->refused++ == 0)
    d->first = msg;
  else
    free (msg);
}

static bool
_shared (hs_json v)
{
  return hs_json_is_string (v)
         && (strcmp (hs_json_string (v), "shared") == 0 || strcmp (hs_json_string (v), "rshared") == 0);
}

/* Filesystems a runtime mounts for every container; a bind is judged by
 * its source (detect_binds.c).  Any other type (overlay, ext4, nfs, ...)
 * would be mounted from host paths or devices hardshim does not judge. */
static const char *const _mount_types[] = { "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2" };

static void
_mount_type (hs_detect *d, size_t i, hs_json m)
{
  hs_json type = hs_json_get (m, "type"), dest = hs_json_get (m, "destination");
  bool recursive;
  _cleanup_free_ char *path = NULL;

  if (hs_spec_mount_is_bind (m, &recursive))
    return;
  for (size_t k = 0; hs_json_is_string (type) && k < HS_ARRAY_SIZE (_mount_types); k++)
    if (strcmp (hs_json_string (type), _mount_types[k]) == 0)
      return;
  path = xasprintf ("/mounts/%zu", i);
  hs_detect_refuse (d, path, m,
                    "a mount of type %s on %s (a filesystem the runtime would mount from host paths or devices) is "
                    "refused by policy %s; no class can allow it: mount it on the host and give it as a volume",
                    hs_json_is_string (type) ? hs_json_string (type) : "(none)",
                    hs_json_is_string (dest) ? hs_json_string (dest) : "?", d->policy_name);
}

/* Shared propagation lets mounts made inside reach the host. */
static void
_propagation (hs_detect *d, hs_json linux_, hs_json mounts)
{
  hs_json root = hs_json_get (linux_, "rootfsPropagation");

  if (_shared (root))
    hs_detect_refuse (d, "/linux/rootfsPropagation", root,
                      "shared root propagation (rootfsPropagation \"%s\") is refused by policy %s; no class can allow "
                      "it: use rslave",
                      hs_json_string (root), d->policy_name);
  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i), opts = hs_json_get (m, "options"), dest = hs_json_get (m, "destination");
      _mount_type (d, i, m);
      for (size_t k = 0; hs_json_is_array (opts) && k < hs_json_array_len (opts); k++)
        if (_shared (hs_json_at (opts, k)))
          {
            _cleanup_free_ char *path = xasprintf ("/mounts/%zu/options/%zu", i, k);
            hs_detect_refuse (d, path, m,
                              "shared mount propagation on %s (docker -v SRC:DEST:shared, Kubernetes "
                              "mountPropagation: Bidirectional) is refused by policy %s; no class can allow it: use "
                              "rslave (Kubernetes HostToContainer)",
                              hs_json_is_string (dest) ? hs_json_string (dest) : "?", d->policy_name);
            break;
          }
    }
}

static void
_cgroup (hs_detect *d, hs_json linux_)
{
  const hs_host *host = d->ctx->host;
  hs_json path = hs_json_get (linux_, "cgroupsPath");

  if (host->cgroup_foreign == NULL)
    return;
  if (!hs_json_is_string (path) || hs_json_string (path)[0] == '\0')
    {
      hs_detect_refuse (d, "/linux/cgroupsPath", path,
                        "the cgroup the runtime names after the container id %s (no linux.cgroupsPath) is the "
                        "existing cgroup %s, which holds %zu processes that are not this container's; it is refused "
                        "by policy %s: give the container a cgroup of its own",
                        host->container_id, host->cgroup_foreign, host->cgroup_foreign_procs, d->policy_name);
      return;
    }
  hs_detect_refuse (d, "/linux/cgroupsPath", path,
                    "linux.cgroupsPath \"%s\" (docker --cgroup-parent, ctr run --cgroup) names the existing cgroup "
                    "%s, which holds %zu processes that are not this container's; it is refused by policy %s: give "
                    "the container a cgroup of its own",
                    hs_json_is_string (path) ? hs_json_string (path) : "?", host->cgroup_foreign,
                    host->cgroup_foreign_procs, d->policy_name);
}

static char *
_policy_name (const hs_policy *p)
{
  if (p->builtin)
    return xasprintf ("%s (absent: built-in defaults)", p->path);
  return xstrdup (p->path);
}

static int
_spec_checks (hs_detect *d, hs_error *err)
{
  hs_measure_ctx *ctx = d->ctx;
  hs_json linux_, mounts = hs_json_get (ctx->spec, "mounts");
  int r;

  r = hs_measure_object (ctx, ctx->spec, "linux", false, "/linux", &linux_, err);
  if (r < 0)
    return r;
  hs_detect_namespaces (d, linux_);
  hs_detect_cgroup_ns (d, linux_);
  _propagation (d, linux_, mounts);
  hs_detect_hooks (d, hs_json_get (ctx->spec, "hooks"));
  _cgroup (d, linux_);
  hs_detect_binds (d, mounts);
  r = hs_detect_devices (d, linux_, mounts, err);
  if (r == 0)
    r = hs_detect_pids (d, linux_, err);
  return r;
}

int
hs_measure_detect (hs_measure_ctx *ctx, hs_error *err)
{
  hs_detect d = {
    .ctx = ctx,
    .class_index = (size_t) (ctx->class - ctx->policy->classes),
    .policy_name = _policy_name (ctx->policy),
  };
  int r = 0;

  if (ctx->spec != NULL)
    r = _spec_checks (&d, err);
  if (r == 0)
    r = hs_detect_process_resources (&d, err);
  if (r == 0 && d.refused > 0 && ctx->policy->mode == HS_MODE_ENFORCE)
    {
      if (d.refused == 1)
        r = hs_error_set (err, EPERM, "%s", d.first);
      else
        r = hs_error_set (err, EPERM, "%s (and %zu more refused: see the journal %s)", d.first, d.refused - 1,
                          ctx->policy->journal);
    }
  free (d.first);
  free (d.policy_name);
  return r;
}
