/* SPDX-License-Identifier: Apache-2.0 */
/* The fixed policies, the model host and the properties the fuzz targets
 * check (fuzz.h). */
#include "config.h"

#include "fuzz.h"

#include "host/host_refs.h"
#include "host/hook_probe.h"
#include "host/namespaces.h"
#include "lsm/lsm_host.h"
#include "seccomp/seccomp_merge.h"
#include "spec/spec.h"
#include "base/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
fz_fail (const char *fmt, ...)
{
  va_list ap;

  fputs ("PROPERTY FAILED: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  abort ();
}

const char *
fz_srcdir (void)
{
  const char *d = getenv ("HS_SRCDIR");
  return d != NULL && d[0] != '\0' ? d : HS_FUZZ_SRCDIR;
}

char *
fz_generate (hs_json v)
{
  hs_error err = { 0 };
  char *out = NULL;

  if (hs_json_generate (v, true, &out, NULL, &err) < 0)
    fz_fail ("a tree hardshim made does not serialise: %s", err.msg);
  return out;
}

/* ---- policies ------------------------------------------------------------- */

/* [1]: every kind of exception a class can have, so that the measures'
 * "allowed" paths run too. */
static const char _class_policy[]
    = "{\"capabilities\":{\"allow\":[\"CAP_NET_BIND_SERVICE\",\"CAP_CHOWN\"]},"
      "\"resources\":{\"pids\":4096,\"rlimits\":{\"RLIMIT_NOFILE\":65536,\"RLIMIT_RTPRIO\":0}},"
      "\"classes\":{\"web\":{\"match\":{\"annotation\":\"io.hardshim.class=web\"},"
      "\"user\":{\"subid_owner\":\"hardshim-web\"},"
      "\"allow\":{\"namespaces\":[\"network\",\"uts\"],"
      "\"binds\":[{\"source\":\"/var/run/docker.sock\"},{\"source\":\"/usr\",\"readonly\":false},"
      "{\"source\":\"/etc\",\"readonly\":true}],"
      "\"devices\":[{\"type\":\"c\",\"major\":10,\"minor\":200,\"access\":\"rw\"}],"
      "\"hooks\":[\"/usr/local/bin/trusted-hook\"]},"
      "\"resources\":{\"pids\":8192,\"oom_score_adj_min\":-500}}}}";

static hs_policy _policies[FZ_NPOLICIES];
static bool _loaded;

static void
_load_policy (const char *text, hs_policy *ret)
{
  _cleanup_free_ char *uid = xasprintf ("%s/tests/data/subid/subuid", fz_srcdir ());
  _cleanup_free_ char *gid = xasprintf ("%s/tests/data/subid/subgid", fz_srcdir ());
  hs_error err = { 0 };

  if (hs_policy_parse (text, strlen (text), "fuzz", ret, &err) < 0)
    fz_fail ("fuzz policy: %s", err.msg);
  /* the installed profile: this tree's */
  free (ret->seccomp_profile);
  ret->seccomp_profile = xasprintf ("%s/profiles/seccomp/default.json", fz_srcdir ());
  if (hs_policy_load_profiles (ret, &err) < 0 || hs_policy_load_subids (ret, uid, gid, &err) < 0)
    fz_fail ("fuzz policy: %s", err.msg);
}

const hs_policy *
fz_policy (size_t i)
{
  if (!_loaded)
    {
      _load_policy ("{}", &_policies[0]);
      _load_policy (_class_policy, &_policies[1]);
      _loaded = true;
    }
  return &_policies[i];
}

/* ---- the model host -------------------------------------------------------- */

/* What the bind-source probe finds at these spellings (host_paths.h);
 * every other source is a plain directory of its own. */
static const struct
{
  const char *path;
  hs_bind_kind kind;
  const char *what, *owner;
  bool above, missing;
  char devtype;
  uint32_t major, minor;
} _bind_table[] = {
  { "/", HS_BIND_SENSITIVE, "/", NULL, false, false, 0, 0, 0 },
  { "/etc", HS_BIND_SENSITIVE, "/etc", NULL, false, false, 0, 0, 0 },
  { "/etc/shadow", HS_BIND_SENSITIVE, "/etc", NULL, false, false, 0, 0, 0 },
  { "/proc", HS_BIND_SENSITIVE, "/proc", NULL, false, false, 0, 0, 0 },
  { "/sys", HS_BIND_SENSITIVE, "/sys", NULL, false, false, 0, 0, 0 },
  { "/root", HS_BIND_SENSITIVE, "/root", NULL, false, false, 0, 0, 0 },
  { "/boot", HS_BIND_SENSITIVE, "/boot", NULL, false, false, 0, 0, 0 },
  { "/dev", HS_BIND_SENSITIVE, "/dev", NULL, false, false, 0, 0, 0 },
  { "/var/lib/docker", HS_BIND_SENSITIVE, "/var/lib/docker", NULL, false, false, 0, 0, 0 },
  { "/var", HS_BIND_SENSITIVE, "/var/lib/docker", NULL, true, false, 0, 0, 0 },
  { "/usr", HS_BIND_SENSITIVE_RW, "/usr", NULL, false, false, 0, 0, 0 },
  { "/lib", HS_BIND_SENSITIVE_RW, "/lib", NULL, false, false, 0, 0, 0 },
  { "/var/run/docker.sock", HS_BIND_SOCKET, "/var/run/docker.sock", "Docker API", false, false, 0, 0, 0 },
  { "/run/containerd", HS_BIND_SOCKET, "/run/containerd/containerd.sock", "containerd", true, false, 0, 0, 0 },
  { "/dev/sda", HS_BIND_DEVICE, NULL, NULL, false, false, 'b', 8, 0 },
  { "/dev/kvm", HS_BIND_DEVICE, NULL, NULL, false, false, 'c', 10, 232 },
  { "/dev/net/tun", HS_BIND_DEVICE, NULL, NULL, false, false, 'c', 10, 200 },
  { "/dev/null", HS_BIND_DEVICE, NULL, NULL, false, false, 'c', 1, 3 },
  { "/missing", HS_BIND_PLAIN, NULL, NULL, false, true, 0, 0, 0 },
};

/* The hooks the model knows as an engine's own: docker's network hook (as
 * the golden docker spec names it) and one more. */
static bool
_engine_hook (const char *path)
{
  return strcmp (path, "/proc/3770/exe") == 0 || strcmp (path, "/usr/libexec/docker-network-hook") == 0;
}

static const char *const _stages[]
    = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" };

/* An identity per spelling: table entries on device 1, others on device 2. */
static hs_id_ref
_identity (const char *path)
{
  uint64_t h = 1469598103934665603ull;

  for (size_t i = 0; i < HS_ARRAY_SIZE (_bind_table); i++)
    if (strcmp (_bind_table[i].path, path) == 0)
      return (hs_id_ref){
        .exists = !_bind_table[i].missing, .error = _bind_table[i].missing ? ENOENT : 0, .dev = 1, .ino = i + 1
      };
  for (const char *p = path; *p; p++)
    h = (h ^ (unsigned char) *p) * 1099511628211ull;
  return (hs_id_ref){ .exists = true, .dev = 2, .ino = (ino_t) (h | 1) };
}

static void
_model_bind (hs_host *h, const char *source)
{
  hs_bind_ref *ref;

  for (size_t i = 0; i < h->nbinds; i++)
    if (strcmp (h->binds[i].source, source) == 0)
      return;
  h->binds = xrealloc (h->binds, (h->nbinds + 1) * sizeof *h->binds);
  ref = &h->binds[h->nbinds++];
  *ref = (hs_bind_ref){ .source = xstrdup (source), .fd = -1, .id = _identity (source), .kind = HS_BIND_PLAIN };
  for (size_t i = 0; i < HS_ARRAY_SIZE (_bind_table); i++)
    if (strcmp (_bind_table[i].path, source) == 0)
      {
        ref->kind = _bind_table[i].kind;
        ref->what = _bind_table[i].what ? xstrdup (_bind_table[i].what) : NULL;
        ref->owner = _bind_table[i].owner;
        ref->above = _bind_table[i].above;
        ref->devtype = _bind_table[i].devtype;
        ref->major = _bind_table[i].major;
        ref->minor = _bind_table[i].minor;
      }
}

static int
_hook_order (const void *a, const void *b)
{
  const hs_hook_ref *x = a, *y = b;
  int sx = hs_hook_stage_rank (x->stage), sy = hs_hook_stage_rank (y->stage);

  if (sx != sy)
    return sx < sy ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Namespaces joined by path (namespaces.h), by spelling: /proc/1/ and
 * /proc/self/ name the host's; /run/pod/ names a pod's, made in a user
 * namespace of its own whose mapping is the default class's; any other
 * path another container's, in the host's user namespace.  false when
 * the probe refuses the spec. */
static bool
_ns_model (hs_json spec, const hs_policy *policy, hs_host *h)
{
  static const char *const types[] = { "ipc", "uts", "network", "pid", "mount", "cgroup", "time" };
  hs_json namespaces = hs_json_get (hs_json_get (spec, "linux"), "namespaces"), ns;

  hs_json_foreach (namespaces, i, ns)
    {
      const char *type = hs_json_string (hs_json_get (ns, "type")), *path = hs_json_string (hs_json_get (ns, "path"));
      const char *known = NULL;
      bool pod;

      if (type == NULL || path == NULL || path[0] == '\0')
        continue;
      if (strcmp (type, "user") == 0)
        continue; /* owned by the host's: the user measure refuses a path */
      for (size_t k = 0; k < HS_ARRAY_SIZE (types); k++)
        if (strcmp (types[k], type) == 0)
          known = types[k];
      if (known == NULL || hs_namespaces_via (h, known) != NULL || h->n_joined == HS_ARRAY_SIZE (h->joined))
        return false;
      pod = strncmp (path, "/run/pod/", 9) == 0;
      h->joined[h->n_joined].type = known;
      h->joined[h->n_joined].via = xstrdup (path);
      h->joined[h->n_joined].fd = -1;
      h->joined[h->n_joined].is_host = strncmp (path, "/proc/1/", 8) == 0 || strncmp (path, "/proc/self/", 11) == 0;
      if (strcmp (known, "network") == 0)
        {
          h->joins_netns = true;
          h->netns_fd = -1;
          h->netns_via = h->joined[h->n_joined].via;
          h->netns_in_host_userns = !pod;
          h->netns_in_join_userns = pod;
        }
      h->n_joined++;
      if (pod && !h->joins_userns)
        {
          const hs_class *c = &policy->classes[0];
          _cleanup_free_ char *maps = xasprintf ("{\"uidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":%u}],"
                                                 "\"gidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":%u}]}",
                                                 c->uids.start, c->uids.size, c->gids.start, c->gids.size);
          hs_error err = { 0 };
          if (hs_json_parse (maps, strlen (maps), &h->join_maps, &err) < 0)
            fz_fail ("model maps: %s", err.msg);
          h->joins_userns = true;
          h->join_userns_fd = -1;
          h->join_userns_via = xstrdup (path);
        }
    }
  if (!h->joins_userns)
    h->netns_in_join_userns = false;
  return true;
}

bool
fz_host_model (hs_json spec, const hs_policy *policy, hs_host *ret)
{
  hs_host *h = ret;
  hs_json mounts = hs_json_get (spec, "mounts"), m, hooks = hs_json_get (spec, "hooks");
  hs_json cgroups_path = hs_json_get (hs_json_get (spec, "linux"), "cgroupsPath");

  *h = (hs_host){ .userns = true,
                  .landlock_abi = 7,
                  .apparmor_why = xstrdup ("no AppArmor in this kernel"),
                  .container_id = "c1",
                  .have_inherited = true,
                  .inherited_oom_score_adj = -998,
                  .n_inherited_rlimits = 2 };
  h->inherited_rlimits[0].type = "RLIMIT_NOFILE";
  h->inherited_rlimits[0].soft = 1048576;
  h->inherited_rlimits[0].hard = 1048576;
  h->inherited_rlimits[1].type = "RLIMIT_RTPRIO";
  h->inherited_rlimits[1].soft = 0;
  h->inherited_rlimits[1].hard = 99;

  if (!_ns_model (spec, policy, h))
    return false;

  hs_json_foreach (mounts, i, m)
    {
      bool recursive;
      const char *src = hs_json_string (hs_json_get (m, "source"));
      if (src != NULL && hs_spec_mount_is_bind (m, &recursive))
        _model_bind (h, src);
    }
  if (h->nbinds > 0)
    qsort (h->binds, h->nbinds, sizeof *h->binds, hs_bind_ref_compare);

  for (size_t s = 0; hs_json_is_object (hooks) && s < HS_ARRAY_SIZE (_stages); s++)
    {
      hs_json list = hs_json_get (hooks, _stages[s]), hook;
      hs_json_foreach (list, i, hook)
        {
          const char *path = hs_json_string (hs_json_get (hook, "path"));
          if (path == NULL)
            continue;
          h->hooks = xrealloc (h->hooks, (h->nhooks + 1) * sizeof *h->hooks);
          h->hooks[h->nhooks++] = (hs_hook_ref){
            .stage = _stages[s],
            .index = i,
            .path = xstrdup (path),
            .id = _identity (path),
            .trusted = strncmp (path, "/usr/", 5) == 0,
            .engine = _engine_hook (path) ? xstrdup ("docker's network hook") : NULL,
          };
        }
    }
  if (h->nhooks > 0)
    qsort (h->hooks, h->nhooks, sizeof *h->hooks, _hook_order);

  h->nclasses = policy->nclasses;
  h->class_binds = xcalloc (policy->nclasses, sizeof *h->class_binds);
  h->class_hooks = xcalloc (policy->nclasses, sizeof *h->class_hooks);
  for (size_t k = 0; k < policy->nclasses; k++)
    {
      const hs_allow *a = &policy->classes[k].allow;
      h->class_binds[k] = xcalloc (a->nbinds + 1, sizeof **h->class_binds);
      for (size_t j = 0; j < a->nbinds; j++)
        h->class_binds[k][j] = _identity (a->binds[j].source);
      h->class_hooks[k] = xcalloc (a->hooks.n + 1, sizeof **h->class_hooks);
      for (size_t j = 0; j < a->hooks.n; j++)
        h->class_hooks[k][j] = _identity (a->hooks.v[j]);
    }

  /* a cgroup of someone else's, by its spelling */
  if (hs_json_is_string (cgroups_path) && strcmp (hs_json_string (cgroups_path), "/system.slice/foreign") == 0)
    {
      h->cgroup_foreign = xstrdup ("/sys/fs/cgroup/system.slice/foreign");
      h->cgroup_foreign_procs = 3;
    }
  return true;
}

void
fz_host_release (hs_host *h)
{
  for (size_t i = 0; i < h->n_joined; i++)
    free (h->joined[i].via);
  for (size_t i = 0; i < h->nbinds; i++)
    {
      free (h->binds[i].source);
      free (h->binds[i].what);
    }
  for (size_t i = 0; i < h->nhooks; i++)
    {
      free (h->hooks[i].path);
      free ((char *) h->hooks[i].engine);
    }
  for (size_t k = 0; k < h->nclasses; k++)
    {
      free (h->class_binds[k]);
      free (h->class_hooks[k]);
    }
  free (h->class_binds);
  free (h->class_hooks);
  free (h->binds);
  free (h->hooks);
  free (h->cgroup_foreign);
  free (h->apparmor_why);
  free (h->join_userns_via);
  hs_json_free (h->join_maps);
  memset (h, 0, sizeof *h);
}

/* ---- process properties ---------------------------------------------------- */

static uint32_t
_id_of (const char *what, const char *key, hs_json v)
{
  uint64_t n;

  if (hs_json_get_uint (v, UINT32_MAX, &n) < 0)
    fz_fail ("%s: %s is %s, not a 32-bit id", what, key, hs_json_type_name (v));
  return (uint32_t) n;
}

/* Whether the mappings (an array of {containerID, hostID, size}) map container id id. */
static bool
_maps (hs_json maps, uint32_t id)
{
  hs_json m;

  hs_json_foreach (maps, i, m)
    {
      uint64_t c, n;
      if (hs_json_get_uint (hs_json_get (m, "containerID"), UINT32_MAX, &c) == 0
          && hs_json_get_uint (hs_json_get (m, "size"), UINT32_MAX, &n) == 0 && id >= c && id - c < n)
        return true;
    }
  return false;
}

static void
_check_user (const char *what, hs_json process, hs_json maps_linux)
{
  hs_json user = hs_json_get (process, "user"), extra = hs_json_get (user, "additionalGids"), g;
  hs_json umaps = hs_json_get (maps_linux, "uidMappings"), gmaps = hs_json_get (maps_linux, "gidMappings");
  bool mapped = hs_json_array_len (umaps) > 0 || hs_json_array_len (gmaps) > 0;
  uint32_t uid, gid;

  if (!hs_json_is_object (user))
    fz_fail ("%s: process.user is %s", what, hs_json_type_name (user));
  uid = _id_of (what, "process.user.uid", hs_json_get (user, "uid"));
  gid = _id_of (what, "process.user.gid", hs_json_get (user, "gid"));
  if (uid == 0 || gid == 0)
    fz_fail ("%s: the process runs as %u:%u", what, uid, gid);
  if (mapped && (!_maps (umaps, uid) || !_maps (gmaps, gid)))
    fz_fail ("%s: process.user %u:%u is not mapped by the user namespace", what, uid, gid);
  if (extra != NULL && !hs_json_is_array (extra))
    fz_fail ("%s: additionalGids is %s", what, hs_json_type_name (extra));
  hs_json_foreach (extra, i, g)
    {
      uint32_t id = _id_of (what, "additionalGids[]", g);
      if (id == 0)
        fz_fail ("%s: additionalGids has 0", what);
      if (mapped && !_maps (gmaps, id))
        fz_fail ("%s: additionalGids has %u, not mapped", what, id);
    }
}

static void
_check_caps (const char *what, hs_json process, const hs_policy *policy)
{
  static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
  hs_json caps = hs_json_get (process, "capabilities");

  if (caps != NULL && !hs_json_is_object (caps))
    fz_fail ("%s: capabilities is %s", what, hs_json_type_name (caps));
  for (size_t s = 0; s < HS_ARRAY_SIZE (sets); s++)
    {
      hs_json set = hs_json_get (caps, sets[s]), c;
      if (set != NULL && !hs_json_is_array (set))
        fz_fail ("%s: capabilities.%s is %s", what, sets[s], hs_json_type_name (set));
      hs_json_foreach (set, i, c)
        if (!hs_json_is_string (c) || !hs_strv_contains (&policy->cap_allow, hs_json_string (c)))
          fz_fail ("%s: capabilities.%s has %s, which the policy does not allow", what, sets[s],
                   hs_json_is_string (c) ? hs_json_string (c) : hs_json_type_name (c));
    }
}

void
fz_check_landlock_argv (const char *what, hs_json argv, const hs_policy *policy)
{
  size_t n = 0;
  const char *a;

#define ARG(i) (hs_json_string (hs_json_at (argv, (i))))
  if (!hs_json_is_array (argv))
    fz_fail ("%s: is %s", what, hs_json_type_name (argv));
  a = ARG (n++);
  if (a == NULL || strcmp (a, HS_LANDLOCK_DEST) != 0)
    fz_fail ("%s: the Landlock helper is not in front (`%s`)", what, a ? a : "(not a string)");
  for (size_t i = 0; i < policy->deny_write.n; i++)
    {
      const char *d = ARG (n), *p = ARG (n + 1);
      if (d == NULL || p == NULL || strcmp (d, "--deny") != 0 || strcmp (p, policy->deny_write.v[i]) != 0)
        fz_fail ("%s: the helper does not deny %s", what, policy->deny_write.v[i]);
      n += 2;
    }
  a = ARG (n++);
  if (a == NULL || strcmp (a, "--") != 0)
    fz_fail ("%s: the helper's options do not end in --", what);
  if (hs_json_array_len (argv) <= n)
    fz_fail ("%s: the helper has no command", what);
  for (size_t i = n; i < hs_json_array_len (argv); i++)
    if (ARG (i) == NULL)
      fz_fail ("%s: an argument is %s", what, hs_json_type_name (hs_json_at (argv, i)));
#undef ARG
}

static void
_check_resources (const char *what, hs_json process, const hs_class *class)
{
  hs_json oom = hs_json_get (process, "oomScoreAdj"), rlimits = hs_json_get (process, "rlimits"), e;
  int64_t n;

  /* the model host's runtime has -998: without one the process inherits it */
  if (hs_json_get_int (oom, -1000, 1000, &n) < 0)
    fz_fail ("%s: oomScoreAdj is %s", what, hs_json_type_name (oom));
  if (n < class->resources.oom_score_adj_min)
    fz_fail ("%s: oomScoreAdj %lld is below the class's minimum", what, (long long) n);
  hs_json_foreach (rlimits, i, e)
    {
      const char *type = hs_json_string (hs_json_get (e, "type"));
      for (size_t k = 0; type != NULL && k < class->resources.nrlimits; k++)
        {
          uint64_t hard = 0, soft = 0; /* absent: 0, as runc reads it */
          hs_json h = hs_json_get (e, "hard"), sv = hs_json_get (e, "soft");
          if (strcmp (type, class->resources.rlimits[k].type) != 0)
            continue;
          if ((h != NULL && hs_json_get_uint (h, UINT64_MAX, &hard) < 0)
              || (sv != NULL && hs_json_get_uint (sv, UINT64_MAX, &soft) < 0))
            fz_fail ("%s: rlimit %s without whole numbers", what, type);
          if (hard > class->resources.rlimits[k].max || soft > class->resources.rlimits[k].max)
            fz_fail ("%s: rlimit %s above the class's ceiling", what, type);
        }
    }
  /* a ceiling the process does not set: the model's inherited limits are above them */
  for (size_t k = 0; k < class->resources.nrlimits; k++)
    {
      bool found = false;
      hs_json_foreach (rlimits, i, e)
        found = found
                || (hs_json_is_string (hs_json_get (e, "type"))
                    && strcmp (hs_json_string (hs_json_get (e, "type")), class->resources.rlimits[k].type) == 0);
      bool inherited_above = (strcmp (class->resources.rlimits[k].type, "RLIMIT_NOFILE") == 0
                              && class->resources.rlimits[k].max < 1048576)
                             || (strcmp (class->resources.rlimits[k].type, "RLIMIT_RTPRIO") == 0
                                 && class->resources.rlimits[k].max < 99);
      if (!found && inherited_above)
        fz_fail ("%s: no %s: the process inherits one above the class's ceiling", what,
                 class->resources.rlimits[k].type);
    }
}

void
fz_check_process (const char *what, hs_json process, hs_json maps_linux, const hs_policy *policy, const hs_class *class)
{
  hs_json args = hs_json_get (process, "args");
  _cleanup_free_ char *args_what = xasprintf ("%s: process.args", what);

  if (!hs_json_is_object (process))
    fz_fail ("%s: process is %s", what, hs_json_type_name (process));
  _check_user (what, process, maps_linux);
  _check_caps (what, process, policy);
  if (!hs_json_is_true (hs_json_get (process, "noNewPrivileges")))
    fz_fail ("%s: noNewPrivileges is not true", what);
  if (args != NULL && !(hs_json_is_array (args) && hs_json_array_len (args) == 0))
    fz_check_landlock_argv (args_what, args, policy);
  _check_resources (what, process, class);
}

/* ---- seccomp ------------------------------------------------------------------ */

static bool
_rule_matches (const hs_scmp_rule *r, const uint64_t x[HS_SCMP_MAX_ARGS])
{
  for (size_t k = 0; k < r->nargs; k++)
    {
      if (r->args[k].index >= HS_SCMP_MAX_ARGS)
        fz_fail ("seccomp rule %s compares argument %u", r->name, r->args[k].index);
      if (!hs_scmp_arg_holds (&r->args[k], x[r->args[k].index]))
        return false;
    }
  return true;
}

/* Whether a call may get through p: a rule that lets calls through matches
 * it, or no rule of its name matches and the default lets calls through.
 * Where rules of two kinds match one call, it may. */
static bool
_may_pass (const hs_scmp_profile *p, const char *name, const uint64_t x[HS_SCMP_MAX_ARGS])
{
  size_t n;
  const hs_scmp_rule *rules = hs_scmp_find (p, name, &n);
  bool matched = false;

  for (size_t i = 0; i < n; i++)
    if (_rule_matches (&rules[i], x))
      {
        if (hs_scmp_rule_allows (&rules[i]))
          return true;
        matched = true;
      }
  return !matched && hs_scmp_default_allows (p);
}

typedef struct
{
  uint64_t *v[HS_SCMP_MAX_ARGS];
  size_t n[HS_SCMP_MAX_ARGS];
} _candidates;

static void
_cand_add (_candidates *c, uint32_t index, uint64_t x)
{
  if (c->n[index] >= 256)
    return; /* enough to try; a profile may have thousands of conditions */
  for (size_t i = 0; i < c->n[index]; i++)
    if (c->v[index][i] == x)
      return;
  c->v[index] = xrealloc (c->v[index], (c->n[index] + 1) * sizeof (uint64_t));
  c->v[index][c->n[index]++] = x;
}

static void
_cand_rules (_candidates *c, const hs_scmp_profile *p, const char *name)
{
  size_t n;
  const hs_scmp_rule *rules = p != NULL ? hs_scmp_find (p, name, &n) : NULL;

  for (size_t i = 0; rules != NULL && i < n; i++)
    for (size_t k = 0; k < rules[i].nargs; k++)
      {
        const hs_scmp_arg *a = &rules[i].args[k];
        if (a->index >= HS_SCMP_MAX_ARGS)
          fz_fail ("seccomp rule %s compares argument %u", name, a->index);
        _cand_add (c, a->index, a->value);
        _cand_add (c, a->index, a->value - 1);
        _cand_add (c, a->index, a->value + 1);
        _cand_add (c, a->index, a->value_two);
        _cand_add (c, a->index, a->value_two | ~a->value);
        _cand_add (c, a->index, a->value_two ^ 1);
        _cand_add (c, a->index, (a->value_two & a->value) | (~a->value & 0x5555555555555555ull));
      }
}

static uint64_t
_next (uint64_t *state)
{
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return *state;
}

/* Calls of name to try: every value of every condition and its
 * neighbours, in combinations that satisfy each rule, and random ones. */
static void
_check_name (const char *what, const char *name, const hs_scmp_profile *merged, const hs_scmp_profile *a,
             const hs_scmp_profile *b)
{
  const hs_scmp_profile *all[] = { merged, a, b };
  _candidates c = { 0 };
  uint64_t state = 0x9e3779b97f4a7c15ull;
  bool conditional = false;
  size_t tries;

  for (size_t i = 0; i < HS_ARRAY_SIZE (all); i++)
    _cand_rules (&c, all[i], name);
  for (size_t k = 0; k < HS_SCMP_MAX_ARGS; k++)
    {
      conditional = conditional || c.n[k] > 0;
      _cand_add (&c, (uint32_t) k, 0);
      _cand_add (&c, (uint32_t) k, UINT64_MAX);
      _cand_add (&c, (uint32_t) k, 0xffffffffull);
    }
  for (const char *p = name; *p; p++)
    state = (state ^ (unsigned char) *p) * 1099511628211ull;
  state |= 1;
  tries = conditional ? 64 : 1;

  /* calls each rule of the merged profile matches, where such a call is among the candidates */
  {
    size_t n;
    const hs_scmp_rule *rules = hs_scmp_find (merged, name, &n);
    for (size_t i = 0; i < n; i++)
      for (size_t t = 0; t < (n > 32 ? 2 : 8); t++)
        {
          uint64_t x[HS_SCMP_MAX_ARGS];
          for (size_t k = 0; k < HS_SCMP_MAX_ARGS; k++)
            {
              /* a value the rule's own conditions on k hold for, else any */
              x[k] = c.v[k][_next (&state) % c.n[k]];
              for (size_t q = 0; q < rules[i].nargs; q++)
                {
                  const hs_scmp_arg *a0 = &rules[i].args[q];
                  uint64_t tries_k[] = { a0->value, a0->value - 1, a0->value + 1, a0->value_two,
                                         a0->value_two | (~a0->value & _next (&state)) };
                  bool found = false;
                  if (a0->index != k)
                    continue;
                  for (size_t j = 0; j < HS_ARRAY_SIZE (tries_k) && !found; j++)
                    {
                      bool ok = true;
                      for (size_t r = 0; r < rules[i].nargs; r++)
                        if (rules[i].args[r].index == k && !hs_scmp_arg_holds (&rules[i].args[r], tries_k[j]))
                          ok = false;
                      if (ok)
                        x[k] = tries_k[j], found = true;
                    }
                  break;
                }
            }
          if (_may_pass (merged, name, x) && !(_may_pass (a, name, x) && (b == NULL || _may_pass (b, name, x))))
            fz_fail ("%s lets %s(%llx, %llx, %llx, %llx, %llx, %llx) through, which %s denies", what, name,
                     (unsigned long long) x[0], (unsigned long long) x[1], (unsigned long long) x[2],
                     (unsigned long long) x[3], (unsigned long long) x[4], (unsigned long long) x[5],
                     !_may_pass (a, name, x) ? "the first profile" : "the second profile");
        }
  }
  for (size_t t = 0; t < tries; t++)
    {
      uint64_t x[HS_SCMP_MAX_ARGS];
      for (size_t k = 0; k < HS_SCMP_MAX_ARGS; k++)
        x[k] = t == 0 ? 0 : c.v[k][_next (&state) % c.n[k]];
      if (_may_pass (merged, name, x) && !(_may_pass (a, name, x) && (b == NULL || _may_pass (b, name, x))))
        fz_fail ("%s lets %s(%llx, %llx, %llx, %llx, %llx, %llx) through, which %s denies", what, name,
                 (unsigned long long) x[0], (unsigned long long) x[1], (unsigned long long) x[2],
                 (unsigned long long) x[3], (unsigned long long) x[4], (unsigned long long) x[5],
                 !_may_pass (a, name, x) ? "the first profile" : "the second profile");
    }
  for (size_t k = 0; k < HS_SCMP_MAX_ARGS; k++)
    free (c.v[k]);
}

static bool
_excepted (const char *const *except, const char *name)
{
  for (; except != NULL && *except != NULL; except++)
    if (strcmp (*except, name) == 0)
      return true;
  return false;
}

void
fz_check_scmp_subset (const char *what, const hs_scmp_profile *merged, const hs_scmp_profile *a,
                      const hs_scmp_profile *b, const char *const *except)
{
  const hs_scmp_profile *all[] = { merged, a, b };
  uint64_t zero[HS_SCMP_MAX_ARGS] = { 0 };

  /* a call no profile names */
  if (_may_pass (merged, "hs_fuzz_no_such_call", zero)
      && !(_may_pass (a, "hs_fuzz_no_such_call", zero) && (b == NULL || _may_pass (b, "hs_fuzz_no_such_call", zero))))
    fz_fail ("%s lets calls no profile names through by default, which the others deny", what);
  for (size_t p = 0; p < HS_ARRAY_SIZE (all); p++)
    for (size_t i = 0; all[p] != NULL && i < all[p]->nrules; i++)
      {
        const char *name = all[p]->rules[i].name;
        size_t n;
        bool seen = false;
        if ((i > 0 && strcmp (all[p]->rules[i - 1].name, name) == 0) || _excepted (except, name))
          continue;
        for (size_t q = 0; q < p && !seen; q++) /* checked with an earlier profile's names */
          seen = all[q] != NULL && hs_scmp_find (all[q], name, &n) != NULL;
        if (seen)
          continue;
        _check_name (what, name, merged, a, b);
      }
}

static const char *const _landlock_calls[]
    = { "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", NULL };

void
fz_check_seccomp (hs_json obj, const hs_policy *policy, hs_json bounding, const hs_scmp_profile *engine, bool landlock)
{
  const hs_scmp_profile *p = policy->seccomp;
  hs_scmp_profile out = { 0 }, ours = { 0 };
  hs_error err = { 0 };
  const char *native = hs_scmp_native_arch ();

  if (!hs_json_is_object (obj))
    fz_fail ("linux.seccomp is %s", hs_json_type_name (obj));
  if (hs_scmp_parse (obj, false, "output", &out, &err) < 0)
    fz_fail ("the hardened linux.seccomp does not parse: %s", err.msg);
  if (hs_scmp_default_allows (&out))
    fz_fail ("the hardened seccomp default action %s lets calls through", out.default_action);
  if (out.arches.n != 1 || strcmp (out.arches.v[0], native) != 0)
    fz_fail ("the hardened seccomp profile names %zu architectures, not only %s", out.arches.n, native);
  if (hs_strv_contains (&out.flags, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
    fz_fail ("the hardened seccomp profile turns off the speculation mitigation");
  if (!hs_json_is_array (hs_json_get (obj, "flags")))
    fz_fail ("the hardened seccomp profile has no flags");

  /* hardshim's profile as the container gets it: includes/excludes against its bounding set */
  ours.default_action = p->default_action; /* static (seccomp_profile.h) */
  ours.has_default_errno = p->has_default_errno;
  ours.default_errno = p->default_errno;
  for (size_t i = 0; i < p->nrules; i++)
    {
      bool applies = true;
      for (size_t k = 0; k < p->rules[i].caps_include.n; k++)
        applies = applies && hs_json_array_has_string (bounding, p->rules[i].caps_include.v[k]);
      for (size_t k = 0; k < p->rules[i].caps_exclude.n; k++)
        applies = applies && !hs_json_array_has_string (bounding, p->rules[i].caps_exclude.v[k]);
      if (applies)
        hs_scmp_add_rule (&ours, &p->rules[i]);
    }
  fz_check_scmp_subset ("the hardened spec's seccomp profile", &out, &ours, engine, landlock ? _landlock_calls : NULL);
  hs_scmp_release (&out);
  hs_scmp_release (&ours);
}

/* ---- argv ------------------------------------------------------------------- */

char **
fz_argv (const uint8_t *data, size_t size, const char *prog, int *ret_argc)
{
  size_t n = 1 + (prog != NULL), at = 0;
  char **argv;
  int argc = 0;

  for (size_t i = 0; i < size; i++)
    n += data[i] == '\0';
  argv = xcalloc (n + 1, sizeof *argv);
  if (prog != NULL)
    argv[argc++] = xstrdup (prog);
  for (size_t i = 0; i <= size; i++)
    if (i == size || data[i] == '\0')
      {
        if (i == size && at == size && argc > 0 && size > 0)
          break; /* a trailing NUL ends the last argument */
        argv[argc++] = xstrndup ((const char *) data + at, i - at);
        at = i + 1;
      }
  argv[argc] = NULL;
  *ret_argc = argc;
  return argv;
}

void
fz_argv_free (char **argv)
{
  for (char **a = argv; a != NULL && *a != NULL; a++)
    free (*a);
  free (argv);
}

/* ---- the command line --------------------------------------------------------- */

void
fz_check_cli (const hs_cli *cli, int argc, char *const *argv)
{
  if (cli->command_at < 0 || cli->command_at >= argc || (cli->command_at > 0 && argv[cli->command_at] != cli->command)
      || (cli->command_at == 0 && cli->command != NULL))
    fz_fail ("cli: the subcommand is not argv[%d]", cli->command_at);
  if (cli->id_at < 0 || cli->id_at >= argc || (cli->id_at > 0 && argv[cli->id_at] != cli->id))
    fz_fail ("cli: the id is not argv[%d]", cli->id_at);
  if (cli->kind == HS_CMD_PASS)
    return;
  if (cli->kind == HS_CMD_DOCTOR || cli->kind == HS_CMD_EXPLAIN)
    {
      /* hardshim's own commands start nothing, and explain's id is optional */
      if (cli->kind == HS_CMD_EXPLAIN && (cli->bundle == NULL || cli->config == NULL))
        fz_fail ("cli: explain without a bundle or config");
      return;
    }
  if (cli->bundle == NULL || cli->config == NULL)
    fz_fail ("cli: no bundle or config");
  if (cli->id == NULL || cli->config[0] == '\0' || cli->id_at <= cli->command_at)
    fz_fail ("cli: a hardened subcommand without an id after it");
  if (strcmp (cli->id, ".") == 0 || strcmp (cli->id, "..") == 0 || cli->id[0] == '\0')
    fz_fail ("cli: id `%s`", cli->id);
  for (const char *p = cli->id; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'
          || (*p >= '+' && *p <= '.')))
      fz_fail ("cli: id `%s` has a character runc refuses", cli->id);
  if (hs_cli_reads_bundle (cli) != (cli->kind != HS_CMD_EXEC))
    fz_fail ("cli: reads_bundle");
  {
    _cleanup_free_ char *config = hs_cli_config_path (cli, cli->bundle, "/cwd");
    if (config == NULL || (config[0] != '/' && !(cli->bundle[0] != '/' && strcmp (cli->config, "config.json") == 0)))
      fz_fail ("cli: config path `%s`", config ? config : "(null)");
  }
  if (cli->kind != HS_CMD_EXEC)
    return;

  /* The line the runtime gets: the same exec of the same container, with
   * the hardened process file and none of exec's process options. */
  {
    static const char process_path[] = "/proc/self/fd/9";
    _cleanup_free_ char **out = hs_cli_exec_argv (cli, argc, argv, process_path);
    hs_cli again;
    hs_error err = { 0 };
    int n = 0;

    while (out[n] != NULL)
      n++;
    if (hs_cli_parse (n, out, &again, &err) < 0)
      fz_fail ("cli: the runtime's exec line does not parse: %s", err.msg);
    if (again.kind != HS_CMD_EXEC || again.id == NULL || strcmp (again.id, cli->id) != 0)
      fz_fail ("cli: the runtime's exec line is no exec of `%s`", cli->id);
    if (again.process == NULL || strcmp (again.process, process_path) != 0)
      fz_fail ("cli: the runtime's exec line runs process `%s`", again.process ? again.process : "(none)");
    if (again.exec.cwd || again.exec.user || again.exec.apparmor || again.exec.process_label || again.exec.tty != -1
        || again.exec.no_new_privs != -1 || again.exec.env.n || again.exec.caps.n || again.exec.gids.n)
      fz_fail ("cli: the runtime's exec line keeps a process option");
    if (again.id_at != n - 1)
      fz_fail ("cli: the runtime's exec line has arguments after the id");
    if ((cli->log == NULL) != (again.log == NULL) || (cli->log && strcmp (cli->log, again.log) != 0)
        || cli->systemd_cgroup != again.systemd_cgroup)
      fz_fail ("cli: the runtime's exec line lost a global option");
    hs_cli_release (&again);
  }
}

/* ---- the journal ---------------------------------------------------------------- */

void
fz_check_journal (const hs_journal *j)
{
  for (const char *p = j->buf; p != NULL && *p != '\0';)
    {
      const char *nl = strchr (p, '\n');
      _cleanup_json_ hs_json rec = NULL;
      hs_error err = { 0 };

      if (nl == NULL)
        fz_fail ("journal: a record without its newline: %s", p);
      if (hs_json_parse (p, (size_t) (nl - p), &rec, &err) < 0 || !hs_json_is_object (rec))
        fz_fail ("journal: a line is no JSON object (%s): %.*s", err.msg ? err.msg : "", (int) (nl - p), p);
      if (!hs_json_is_string (hs_json_get (rec, "measure")) || !hs_json_is_string (hs_json_get (rec, "action")))
        fz_fail ("journal: a record without measure or action: %.*s", (int) (nl - p), p);
      p = nl + 1;
    }
}
