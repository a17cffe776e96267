/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "detect": host namespaces (judged by identity, host.h), the
 * sysctls of one shared with the host, and the cgroup namespace every
 * container gets. */
#include "config.h"

#include "measures/detect.h"
#include "host/host_refs.h"
#include "base/util.h"

#include <string.h>

/* The host namespaces a container may not share, in the engines' words. */
static const struct
{
  const char *type;
  unsigned allow; /* HS_ALLOW_NS_* */
  const char *words;
} _host_ns[] = {
  { "pid", HS_ALLOW_NS_PID, "host PID namespace (docker --pid=host, Kubernetes hostPID)" },
  { "network", HS_ALLOW_NS_NETWORK, "host network namespace (docker --net=host, Kubernetes hostNetwork)" },
  { "ipc", HS_ALLOW_NS_IPC, "host IPC namespace (docker --ipc=host, Kubernetes hostIPC)" },
  { "uts", HS_ALLOW_NS_UTS, "host UTS namespace (docker --uts=host)" },
  { "mount", HS_ALLOW_NS_MOUNT, "host mount namespace (a spec without a mount namespace)" },
};

/* The entry of type in /linux/namespaces, or NULL (and its index). */
static hs_json
_ns_entry (hs_json namespaces, const char *type, size_t *ret_index)
{
  for (size_t i = 0; hs_json_is_array (namespaces) && i < hs_json_array_len (namespaces); i++)
    {
      hs_json t = hs_json_get (hs_json_at (namespaces, i), "type");
      if (hs_json_is_string (t) && strcmp (hs_json_string (t), type) == 0)
        {
          *ret_index = i;
          return hs_json_at (namespaces, i);
        }
    }
  return NULL;
}

/* Whether the container would be in the host's namespace of type: no entry
 * (the runtime's, the host's) or a path the probe found is PID 1's.  A
 * network namespace hardshim enters for the runtime (namespaces.h) is in
 * host->joined with no entry left in the spec. */
static bool
_shares_host (const hs_host *host, hs_json entry, const char *type)
{
  hs_json path = hs_json_get (entry, "path");

  if (entry != NULL && (path == NULL || (hs_json_is_string (path) && hs_json_string (path)[0] == '\0')))
    return false; /* a new one */
  for (size_t k = 0; k < host->n_joined; k++)
    if (strcmp (host->joined[k].type, type) == 0)
      return host->joined[k].is_host;
  return true; /* none, or a path the probe did not judge: fail closed */
}

/* runc refuses a type given twice, crun takes the last: refused. */
static bool
_duplicate (hs_detect *d, hs_json namespaces)
{
  for (size_t i = 0; hs_json_is_array (namespaces) && i < hs_json_array_len (namespaces); i++)
    {
      hs_json t = hs_json_get (hs_json_at (namespaces, i), "type");
      size_t first = i;
      if (hs_json_is_string (t) && _ns_entry (namespaces, hs_json_string (t), &first) != NULL && first != i)
        {
          _cleanup_free_ char *path = xasprintf ("/linux/namespaces/%zu", i);
          hs_detect_refuse (d, path, hs_json_at (namespaces, i),
                            "the %s namespace is given twice in linux.namespaces (runc refuses it, crun takes the "
                            "last); it is refused by policy %s",
                            hs_json_string (t), d->policy_name);
          return true;
        }
    }
  return false;
}

/* Sysctls of a namespace the container shares with the host would change
 * the host's (runc refuses some of them, crun none). */
static const struct
{
  const char *prefix;
  const char *type;
} _sysctl_ns[] = {
  { "net.", "network" },   { "kernel.shm", "ipc" },      { "kernel.msg", "ipc" },        { "kernel.sem", "ipc" },
  { "fs.mqueue.", "ipc" }, { "kernel.hostname", "uts" }, { "kernel.domainname", "uts" },
};

static void
_host_sysctls (hs_detect *d, hs_json linux_, const char *type)
{
  hs_json sysctl = hs_json_get (linux_, "sysctl");

  for (size_t i = 0; hs_json_is_object (sysctl) && i < hs_json_object_len (sysctl); i++)
    for (size_t k = 0; k < HS_ARRAY_SIZE (_sysctl_ns); k++)
      {
        const char *key = hs_json_key_at (sysctl, i);
        if (strcmp (_sysctl_ns[k].type, type) != 0
            || strncmp (key, _sysctl_ns[k].prefix, strlen (_sysctl_ns[k].prefix)) != 0)
          continue;
        _cleanup_free_ char *path = xasprintf ("/linux/sysctl/%s", key);
        hs_detect_refuse (d, path, hs_json_value_at (sysctl, i),
                          "sysctl %s in the host's %s namespace would change the host's; it is refused by policy %s",
                          key, type, d->policy_name);
      }
}

void
hs_detect_namespaces (hs_detect *d, hs_json linux_)
{
  hs_json namespaces = hs_json_get (linux_, "namespaces");
  size_t at = 0;

  if (_duplicate (d, namespaces))
    return;

  for (size_t i = 0; i < HS_ARRAY_SIZE (_host_ns); i++)
    {
      hs_json entry = _ns_entry (namespaces, _host_ns[i].type, &at);
      _cleanup_free_ char *path
          = entry != NULL ? xasprintf ("/linux/namespaces/%zu", at) : xstrdup ("/linux/namespaces");
      _cleanup_json_ hs_json request = entry != NULL ? hs_json_copy (entry) : hs_json_new_object ();

      if (!_shares_host (d->ctx->host, entry, _host_ns[i].type))
        continue;
      _host_sysctls (d, linux_, _host_ns[i].type);
      if (d->ctx->class->allow.namespaces & _host_ns[i].allow)
        continue;
      if (entry == NULL)
        hs_json_object_set (request, "missing", hs_json_new_string (_host_ns[i].type));
      hs_detect_refuse (d, path, request,
                        "%s is refused by policy %s; allow it for a class with \"allow\": {\"namespaces\": [\"%s\"]}",
                        _host_ns[i].words, d->policy_name, _host_ns[i].type);
    }
}

/* No engine here asks for a cgroup namespace; without one the container
 * sees the host's cgroup paths.  Repaired, not refused. */
void
hs_detect_cgroup_ns (hs_detect *d, hs_json linux_)
{
  hs_json namespaces = hs_json_get (linux_, "namespaces");
  size_t at;
  _cleanup_json_ hs_json entry = NULL;

  hs_json have;

  if (!hs_json_is_array (namespaces))
    return;
  if ((have = _ns_entry (namespaces, "cgroup", &at)) != NULL)
    {
      /* the host's, joined by path: a new one instead */
      _cleanup_json_ hs_json before = hs_json_copy (have);
      _cleanup_free_ char *path = xasprintf ("/linux/namespaces/%zu", at);
      if (!_shares_host (d->ctx->host, have, "cgroup"))
        return;
      hs_json_object_remove (have, "path");
      hs_measure_record_note (d->ctx, false, path, "changed", before, have,
                              "the host's cgroup namespace: a cgroup namespace of its own instead");
      return;
    }
  entry = hs_json_new_object ();
  hs_json_object_set (entry, "type", hs_json_new_string ("cgroup"));
  hs_json_array_append (namespaces, hs_json_copy (entry));
  hs_measure_record_note (d->ctx, false, "/linux/namespaces", "added", NULL, entry,
                          "a cgroup namespace of its own: without one the container sees the host's cgroup paths");
}
