/* Measure "detect": refuse what no other measure can repair, unless the
 * container's class allows exactly it (detect.h).  This file: the entry,
 * the refusals, host namespaces, shared propagation, hooks and the
 * cgroup. */
#include "config.h"

#include "detect.h"
#include "../host_refs.h"
#include "../spec.h"
#include "../util.h"

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
  for (size_t i = 0; YAJL_IS_ARRAY (namespaces) && i < namespaces->u.array.len; i++)
    {
      hs_json t = hs_json_get (namespaces->u.array.values[i], "type");
      if (YAJL_IS_STRING (t) && strcmp (t->u.string, type) == 0)
        {
          *ret_index = i;
          return namespaces->u.array.values[i];
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

  if (entry != NULL && (path == NULL || (YAJL_IS_STRING (path) && path->u.string[0] == '\0')))
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
  for (size_t i = 0; YAJL_IS_ARRAY (namespaces) && i < namespaces->u.array.len; i++)
    {
      hs_json t = hs_json_get (namespaces->u.array.values[i], "type");
      size_t first = i;
      if (YAJL_IS_STRING (t) && _ns_entry (namespaces, t->u.string, &first) != NULL && first != i)
        {
          _cleanup_free_ char *path = xasprintf ("/linux/namespaces/%zu", i);
          hs_detect_refuse (d, path, namespaces->u.array.values[i],
                            "the %s namespace is given twice in linux.namespaces (runc refuses it, crun takes the "
                            "last); it is refused by policy %s",
                            t->u.string, d->policy_name);
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

  for (size_t i = 0; YAJL_IS_OBJECT (sysctl) && i < sysctl->u.object.len; i++)
    for (size_t k = 0; k < HS_ARRAY_SIZE (_sysctl_ns); k++)
      {
        const char *key = sysctl->u.object.keys[i];
        if (strcmp (_sysctl_ns[k].type, type) != 0
            || strncmp (key, _sysctl_ns[k].prefix, strlen (_sysctl_ns[k].prefix)) != 0)
          continue;
        _cleanup_free_ char *path = xasprintf ("/linux/sysctl/%s", key);
        hs_detect_refuse (d, path, sysctl->u.object.values[i],
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
static void
_add_cgroup_ns (hs_detect *d, hs_json linux_)
{
  hs_json namespaces = hs_json_get (linux_, "namespaces");
  size_t at;
  _cleanup_json_ hs_json entry = NULL;

  hs_json have;

  if (!YAJL_IS_ARRAY (namespaces))
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

static bool
_shared (hs_json v)
{
  return YAJL_IS_STRING (v) && (strcmp (v->u.string, "shared") == 0 || strcmp (v->u.string, "rshared") == 0);
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
  for (size_t k = 0; YAJL_IS_STRING (type) && k < HS_ARRAY_SIZE (_mount_types); k++)
    if (strcmp (type->u.string, _mount_types[k]) == 0)
      return;
  path = xasprintf ("/mounts/%zu", i);
  hs_detect_refuse (d, path, m,
                    "a mount of type %s on %s (a filesystem the runtime would mount from host paths or devices) is "
                    "refused by policy %s; no class can allow it: mount it on the host and give it as a volume",
                    YAJL_IS_STRING (type) ? type->u.string : "(none)", YAJL_IS_STRING (dest) ? dest->u.string : "?",
                    d->policy_name);
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
                      root->u.string, d->policy_name);
  for (size_t i = 0; YAJL_IS_ARRAY (mounts) && i < mounts->u.array.len; i++)
    {
      hs_json m = mounts->u.array.values[i], opts = hs_json_get (m, "options"), dest = hs_json_get (m, "destination");
      _mount_type (d, i, m);
      for (size_t k = 0; YAJL_IS_ARRAY (opts) && k < opts->u.array.len; k++)
        if (_shared (opts->u.array.values[k]))
          {
            _cleanup_free_ char *path = xasprintf ("/mounts/%zu/options/%zu", i, k);
            hs_detect_refuse (d, path, m,
                              "shared mount propagation on %s (docker -v SRC:DEST:shared, Kubernetes "
                              "mountPropagation: Bidirectional) is refused by policy %s; no class can allow it: use "
                              "rslave (Kubernetes HostToContainer)",
                              YAJL_IS_STRING (dest) ? dest->u.string : "?", d->policy_name);
            break;
          }
    }
}

static const char *const _stages[]
    = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" };

/* Whether the class lists the program of ref (by identity). */
static bool
_class_lists_hook (const hs_detect *d, const hs_hook_ref *ref)
{
  const hs_host *host = d->ctx->host;
  const hs_class *c = d->ctx->class;

  if (ref == NULL || host->class_hooks == NULL || d->class_index >= host->nclasses)
    return false;
  for (size_t j = 0; j < c->allow.hooks.n; j++)
    if (hs_id_ref_same (&host->class_hooks[d->class_index][j], &ref->id))
      return true;
  return false;
}

/* A class-listed hook runs with no environment from the spec: any
 * variable (LD_PRELOAD, GCONV_PATH, PATH for the programs a script calls,
 * an interpreter's options) could run the spec's own code in the program
 * the class trusts, as host root.  The first one, or NULL. */
static const char *
_hook_env (hs_json hook)
{
  hs_json env = hs_json_get (hook, "env");

  if (YAJL_IS_ARRAY (env) && env->u.array.len > 0)
    return YAJL_IS_STRING (env->u.array.values[0]) ? env->u.array.values[0]->u.string : "(not a string)";
  if (env != NULL && !YAJL_IS_ARRAY (env))
    return "(not an array)";
  return NULL;
}

/* A hook that runs gets the program's own path, the one the probe judged
 * (a link on the way could be swapped before the runtime runs it); not a
 * startContainer hook the lsm measure put its helper in front of. */
static void
_own_path (hs_detect *d, hs_json hook, const hs_hook_ref *ref, const char *stage, size_t i)
{
  hs_json path = hs_json_get (hook, "path");
  _cleanup_json_ hs_json before = NULL;
  _cleanup_free_ char *where = NULL;

  if (ref->real == NULL || !YAJL_IS_STRING (path) || strcmp (path->u.string, ref->path) != 0
      || strcmp (path->u.string, ref->real) == 0)
    return;
  before = hs_json_copy (path);
  hs_json_object_set (hook, "path", hs_json_new_string (ref->real));
  where = xasprintf ("/hooks/%s/%zu/path", stage, i);
  hs_measure_record_note (d->ctx, false, where, "changed", before, hs_json_get (hook, "path"),
                          "the program's own path, which the probe judged: the runtime looks the path up again");
}

/* Hooks run as host root, most in the host's namespaces: only an engine's
 * own (host_refs.h) and the programs the class lists run. */
static void
_hooks (hs_detect *d, hs_json hooks)
{
  for (size_t s = 0; YAJL_IS_OBJECT (hooks) && s < HS_ARRAY_SIZE (_stages); s++)
    {
      hs_json list = hs_json_get (hooks, _stages[s]);
      for (size_t i = 0; YAJL_IS_ARRAY (list) && i < list->u.array.len; i++)
        {
          hs_json hook = list->u.array.values[i];
          const hs_hook_ref *ref = hs_host_hook_ref (d->ctx->host, _stages[s], i);
          /* the engine's: the lsm measure may have put its helper in front */
          hs_json orig = hs_json_get (hs_json_get (d->ctx->original, "hooks"), _stages[s]);
          const char *prog;

          orig = YAJL_IS_ARRAY (orig) && i < orig->u.array.len ? hs_json_get (orig->u.array.values[i], "path") : NULL;
          prog = YAJL_IS_STRING (orig) ? orig->u.string : "(no path)";
          _cleanup_free_ char *path = xasprintf ("/hooks/%s/%zu", _stages[s], i);

          const char *env = _hook_env (hook);
          if ((ref != NULL && ref->engine != NULL) || (_class_lists_hook (d, ref) && ref->trusted && env == NULL))
            {
              _own_path (d, hook, ref, _stages[s], i);
              continue;
            }
          if (_class_lists_hook (d, ref) && ref->trusted)
            hs_detect_refuse (
                d, path, hook,
                "hook %s[%zu] %s is refused by policy %s: the class lists it, but the spec sets `%.*s` in "
                "its environment (a hook a class lists runs with none: any variable could make it run "
                "other code as root)",
                _stages[s], i, prog, d->policy_name, (int)strcspn (env, "="), env);
          else if (_class_lists_hook (d, ref))
            hs_detect_refuse (d, path, hook,
                              "hook %s[%zu] %s is refused by policy %s: the class lists it, but it or a directory "
                              "above it can be changed by a user other than root",
                              _stages[s], i, prog, d->policy_name);
          else
            hs_detect_refuse (d, path, hook,
                              "hook %s[%zu] %s (an OCI hook from the spec or an engine's hooks directory) is refused "
                              "by policy %s; allow it for a class with \"allow\": {\"hooks\": [\"%s\"]}",
                              _stages[s], i, prog, d->policy_name, prog);
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
  if (!YAJL_IS_STRING (path) || path->u.string[0] == '\0')
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
                    YAJL_IS_STRING (path) ? path->u.string : "?", host->cgroup_foreign, host->cgroup_foreign_procs,
                    d->policy_name);
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
  _add_cgroup_ns (d, linux_);
  _propagation (d, linux_, mounts);
  _hooks (d, hs_json_get (ctx->spec, "hooks"));
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
    .class_index = (size_t)(ctx->class - ctx->policy->classes),
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
