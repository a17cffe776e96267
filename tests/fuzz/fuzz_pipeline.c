/* SPDX-License-Identifier: Apache-2.0 */
/* The create pipeline in one process: spec bytes → load (as from the
 * bundle: size, JSON, runc's key reading) → harden under each fixed policy
 * on the model host → serialise.  For every spec hardening accepts, the
 * output must be hardened (the properties below and in fuzz_common.c),
 * and hardening it again must give the same bytes. */
#include "config.h"

#include "fuzz.h"

#include "host/devices.h"
#include "host/host_refs.h"
#include "host/namespaces.h"
#include "lsm/lsm_host.h"
#include "measures/harden.h"
#include "runtime/journal.h"
#include "spec/spec.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

/* Load text as hardshim loads a bundle's config.json; NULL when refused. */
static hs_json
_load (const char *text, size_t len)
{
  _cleanup_close_ int fd = memfd_create ("fuzz-spec", MFD_CLOEXEC);
  hs_spec_file f = { 0 };
  hs_error err = { 0 };
  hs_json tree;

  if (fd < 0 || hs_write_all (fd, text, len) < 0 || lseek (fd, 0, SEEK_SET) != 0)
    fz_fail ("memfd");
  if (hs_spec_load_fd (fd, "config.json", &f, &err) < 0)
    {
      hs_error_release (&err);
      return NULL;
    }
  tree = TAKE_PTR (f.tree);
  hs_spec_release (&f);
  return tree;
}

static hs_json
_find_ns (hs_json namespaces, const char *type)
{
  hs_json ns, found = NULL;

  hs_json_foreach (namespaces, i, ns)
    {
      const char *t = hs_json_string (hs_json_get (ns, "type"));
      if (t == NULL)
        fz_fail ("a namespace without a string type");
      if (strcmp (t, type) == 0)
        {
          if (found != NULL)
            fz_fail ("namespace %s given twice", type);
          found = ns;
        }
    }
  return found;
}

static bool
_joined_host (const hs_host *h, const char *type)
{
  for (size_t k = 0; k < h->n_joined; k++)
    if (strcmp (h->joined[k].type, type) == 0)
      return h->joined[k].is_host;
  return true; /* a path the probe did not judge */
}

/* Whether the container stays in the host's namespace of type. */
static bool
_shares_host (const hs_host *h, hs_json namespaces, const char *type)
{
  hs_json entry = _find_ns (namespaces, type);
  const char *path = hs_json_string (hs_json_get (entry, "path"));

  if (entry != NULL && hs_json_get (entry, "path") != NULL && path == NULL)
    fz_fail ("namespace %s: path is not a string", type);
  if (entry != NULL && (path == NULL || path[0] == '\0'))
    return false;
  if (entry == NULL && strcmp (type, "network") == 0 && h->joins_netns)
    return _joined_host (h, type); /* hardshim enters it for the runtime */
  return _joined_host (h, type);
}

static void
_check_namespaces (hs_json linux_, const hs_host *h, const hs_class *c)
{
  static const struct
  {
    const char *type;
    unsigned allow;
    const char *sysctl[4];
  } host_ns[] = {
    { "pid", HS_ALLOW_NS_PID, { NULL } },
    { "network", HS_ALLOW_NS_NETWORK, { "net.", NULL } },
    { "ipc", HS_ALLOW_NS_IPC, { "kernel.shm", "kernel.msg", "kernel.sem", "fs.mqueue." } },
    { "uts", HS_ALLOW_NS_UTS, { "kernel.hostname", "kernel.domainname", NULL } },
    { "mount", HS_ALLOW_NS_MOUNT, { NULL } },
  };
  hs_json namespaces = hs_json_get (linux_, "namespaces"), user, cgroup, sysctl = hs_json_get (linux_, "sysctl");

  if (!hs_json_is_array (namespaces))
    fz_fail ("linux.namespaces is %s", hs_json_type_name (namespaces));
  user = _find_ns (namespaces, "user");
  if (user == NULL)
    fz_fail ("no user namespace");
  if (hs_json_get (user, "path") != NULL
      && !(h->joins_userns && hs_json_is_string (hs_json_get (user, "path"))
           && strcmp (hs_json_string (hs_json_get (user, "path")), HS_USERNS_PATH) == 0))
    fz_fail ("the user namespace is joined by path");
  cgroup = _find_ns (namespaces, "cgroup");
  if (cgroup == NULL || _shares_host (h, namespaces, "cgroup"))
    fz_fail ("no cgroup namespace of its own");
  for (size_t i = 0; i < HS_ARRAY_SIZE (host_ns); i++)
    {
      if (!_shares_host (h, namespaces, host_ns[i].type))
        continue;
      if (!(c->allow.namespaces & host_ns[i].allow))
        fz_fail ("the host's %s namespace is shared", host_ns[i].type);
      for (size_t k = 0; k < hs_json_object_len (sysctl); k++)
        for (size_t s = 0; s < HS_ARRAY_SIZE (host_ns[i].sysctl) && host_ns[i].sysctl[s] != NULL; s++)
          if (strncmp (hs_json_key_at (sysctl, k), host_ns[i].sysctl[s], strlen (host_ns[i].sysctl[s])) == 0)
            fz_fail ("sysctl %s of the host's %s namespace", hs_json_key_at (sysctl, k), host_ns[i].type);
    }
}

static void
_check_maps (hs_json linux_, const hs_class *c)
{
  static const char *const keys[] = { "uidMappings", "gidMappings" };
  const hs_idrange *ranges[] = { &c->uids, &c->gids };

  for (size_t k = 0; k < 2; k++)
    {
      hs_json maps = hs_json_get (linux_, keys[k]), m;
      if (!hs_json_is_array (maps) || hs_json_array_len (maps) == 0)
        fz_fail ("no %s", keys[k]);
      hs_json_foreach (maps, i, m)
        {
          uint64_t host, size;
          if (hs_json_get_uint (hs_json_get (m, "hostID"), UINT32_MAX, &host) < 0
              || hs_json_get_uint (hs_json_get (m, "size"), UINT32_MAX, &size) < 0)
            fz_fail ("%s[%zu] is no mapping", keys[k], i);
          if (host < ranges[k]->start || host + size > (uint64_t) ranges[k]->start + ranges[k]->size)
            fz_fail ("%s[%zu] maps host ids %llu+%llu outside class %s's", keys[k], i, (unsigned long long) host,
                     (unsigned long long) size, c->name);
        }
    }
}

static bool
_has (hs_json arr, const char *s)
{
  return hs_json_array_has_string (arr, s);
}

/* The last of ro/rw is ro, or the last of rro/rrw is rro (detect_binds.c). */
static bool
_read_only (hs_json m)
{
  hs_json opts = hs_json_get (m, "options"), o;
  bool ro = false, rro = false;

  hs_json_foreach (opts, k, o)
    {
      const char *s = hs_json_string (o);
      if (s == NULL)
        continue;
      if (strcmp (s, "ro") == 0 || strcmp (s, "rw") == 0)
        ro = s[1] == 'o';
      else if (strcmp (s, "rro") == 0 || strcmp (s, "rrw") == 0)
        rro = s[2] == 'o';
    }
  return ro || rro;
}

typedef struct
{
  char type;
  uint32_t major, minor;
} _node;

static const _node _default_nodes[] = { { 'c', 1, 3 }, { 'c', 1, 5 }, { 'c', 1, 7 }, { 'c', 1, 8 },
                                        { 'c', 1, 9 }, { 'c', 5, 0 }, { 'c', 5, 1 }, { 'c', 5, 2 } };

/* The class's access to node n (0: none), "rwm" for the nodes every runtime gives. */
static unsigned
_may_access (const hs_class *c, const _node *n)
{
  for (size_t i = 0; i < HS_ARRAY_SIZE (_default_nodes); i++)
    if (_default_nodes[i].type == n->type && _default_nodes[i].major == n->major && _default_nodes[i].minor == n->minor)
      return 7;
  if (n->type == 'c' && n->major == 136)
    return 7;
  for (size_t i = 0; i < c->allow.ndevices; i++)
    if (c->allow.devices[i].type == n->type && c->allow.devices[i].major == n->major
        && c->allow.devices[i].minor == n->minor)
      {
        unsigned a = 0;
        for (const char *p = c->allow.devices[i].access; *p; p++)
          a |= *p == 'r' ? 1 : *p == 'w' ? 2 : *p == 'm' ? 4 : 0;
        return a;
      }
  return 0;
}

static bool
_number_matches (hs_json v, uint32_t n)
{
  int64_t x;

  if (v == NULL || hs_json_is_null (v))
    return true;
  if (hs_json_get_int (v, -1, UINT32_MAX, &x) < 0)
    fz_fail ("a device rule's number is %s", hs_json_type_name (v));
  return x == -1 || (uint32_t) x == n;
}

/* The access the device rules give n, evaluated as runc does on cgroup v1. */
static unsigned
_rules_access (hs_json rules, const _node *n)
{
  unsigned acc = 0;
  hs_json r;

  hs_json_foreach (rules, i, r)
    {
      const char *t = hs_json_string (hs_json_get (r, "type")), *a = hs_json_string (hs_json_get (r, "access"));
      unsigned bits = 0;
      if (t == NULL)
        t = "a";
      if (a == NULL)
        a = "rwm";
      for (const char *p = a; *p; p++)
        bits |= *p == 'r' ? 1 : *p == 'w' ? 2 : *p == 'm' ? 4 : 0;
      if ((t[0] != 'a' && t[0] != n->type) || !_number_matches (hs_json_get (r, "major"), n->major)
          || !_number_matches (hs_json_get (r, "minor"), n->minor))
        continue;
      if (hs_json_is_true (hs_json_get (r, "allow")))
        acc |= bits;
      else
        acc &= ~bits;
    }
  return acc;
}

static void
_check_devices (hs_json linux_, hs_json mounts, const hs_class *c)
{
  static const _node probe[]
      = { { 'c', 1, 1 }, { 'b', 8, 0 },   { 'c', 4, 1 }, { 'c', 10, 200 }, { 'c', 10, 232 }, { 'c', 10, 229 },
          { 'c', 1, 3 }, { 'c', 136, 5 }, { 'b', 7, 0 }, { 'c', 189, 0 },  { 'c', 0, 0 },    { 'b', 1, 3 } };
  hs_json rules = hs_json_get (hs_json_get (linux_, "resources"), "devices"), r,
          devices = hs_json_get (linux_, "devices"), d, m;

  if (!hs_json_is_array (rules) || hs_json_array_len (rules) == 0)
    fz_fail ("no device rules");
  hs_json_foreach (rules, i, r)
    if (hs_json_is_true (hs_json_get (r, "allow")))
      {
        const char *t = hs_json_string (hs_json_get (r, "type"));
        int64_t major;
        if (t == NULL || (strcmp (t, "c") != 0 && strcmp (t, "b") != 0)
            || hs_json_get_int (hs_json_get (r, "major"), 0, UINT32_MAX, &major) < 0)
          fz_fail ("device rule %zu allows more than one device type or major number", i);
      }
  for (size_t i = 0; i < HS_ARRAY_SIZE (probe); i++)
    {
      unsigned have = _rules_access (rules, &probe[i]), may = _may_access (c, &probe[i]);
      if ((have & ~may) != 0)
        fz_fail ("the device rules give %c %u:%u access %u, the class %u", probe[i].type, probe[i].major,
                 probe[i].minor, have, may);
    }
  hs_json_foreach (devices, i, d)
    {
      const char *t = hs_json_string (hs_json_get (d, "type"));
      uint64_t major = 0, minor = 0;
      if (t == NULL || strcmp (t, "p") == 0)
        continue;
      hs_json_get_uint (hs_json_get (d, "major"), UINT32_MAX, &major);
      hs_json_get_uint (hs_json_get (d, "minor"), UINT32_MAX, &minor);
      _node n = { t[0] == 'b' ? 'b' : 'c', (uint32_t) major, (uint32_t) minor };
      if (_may_access (c, &n) == 0)
        fz_fail ("linux.devices[%zu] is %c %u:%u, which the class does not allow", i, n.type, n.major, n.minor);
    }
  hs_json_foreach (mounts, i, m)
    {
      hs_devnode node;
      const char *src = hs_json_string (hs_json_get (m, "source"));
      if (src != NULL && hs_devnode_parse (src, &node) == 0 && node.type != 'p'
          && _may_access (c, &(_node){ node.type, node.major, node.minor }) == 0)
        fz_fail ("mounts[%zu] is the device node %c %u:%u", i, node.type, node.major, node.minor);
    }
}

static bool
_class_allows_bind (const hs_host *h, const hs_policy *p, const hs_class *c, const hs_bind_ref *ref, bool *ret_ro)
{
  size_t k = (size_t) (c - p->classes);

  for (size_t j = 0; j < c->allow.nbinds; j++)
    if (hs_id_ref_same (&h->class_binds[k][j], &ref->id))
      {
        *ret_ro = c->allow.binds[j].readonly;
        return true;
      }
  return false;
}

static const char *const _mount_types[] = { "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2" };

static void
_check_mounts (hs_json spec, const hs_policy *p, const hs_host *h, const hs_class *c, bool own_userns)
{
  hs_json mounts = hs_json_get (spec, "mounts"), m, last;
  hs_json namespaces = hs_json_get (hs_json_get (spec, "linux"), "namespaces");
  const char *prop = hs_json_string (hs_json_get (hs_json_get (spec, "linux"), "rootfsPropagation"));
  size_t n = hs_json_array_len (mounts);
  bool dev_checked = false;

  if (!hs_json_is_array (mounts) || n == 0)
    fz_fail ("no mounts");
  if (prop != NULL && (strcmp (prop, "shared") == 0 || strcmp (prop, "rshared") == 0))
    fz_fail ("shared root propagation");
  last = hs_json_at (mounts, n - 1);
  if (!hs_json_is_string (hs_json_get (last, "destination"))
      || strcmp (hs_json_string (hs_json_get (last, "destination")), HS_LANDLOCK_DEST) != 0
      || !hs_json_is_string (hs_json_get (last, "source"))
      || strcmp (hs_json_string (hs_json_get (last, "source")), p->landlock_helper) != 0
      || hs_json_array_len (hs_json_get (last, "options")) != 4 || !_has (hs_json_get (last, "options"), "ro")
      || !_has (hs_json_get (last, "options"), "nosuid") || !_has (hs_json_get (last, "options"), "nodev")
      || !_has (hs_json_get (last, "options"), "bind"))
    fz_fail ("the last mount is not the Landlock helper, read-only");
  for (size_t i = 0; i < p->tmpfs.n; i++)
    {
      bool found = false;
      hs_json_foreach (mounts, k, m)
        {
          const char *d = hs_json_string (hs_json_get (m, "destination"));
          _cleanup_free_ char *clean = d != NULL ? hs_path_clean (d) : NULL;
          found = found || (clean != NULL && strcmp (clean, p->tmpfs.v[i]) == 0);
        }
      if (!found)
        fz_fail ("nothing is mounted at %s", p->tmpfs.v[i]);
    }
  hs_json_foreach (mounts, i, m)
    {
      const char *dest = hs_json_string (hs_json_get (m, "destination"));
      const char *type = hs_json_string (hs_json_get (m, "type"));
      const char *src = hs_json_string (hs_json_get (m, "source"));
      hs_json opts = hs_json_get (m, "options"), o;
      _cleanup_free_ char *clean = NULL;
      bool recursive, bind = hs_spec_mount_is_bind (m, &recursive);

      if (dest == NULL)
        fz_fail ("mounts[%zu] has no string destination", i);
      clean = hs_path_clean (dest);
      if (i + 1 < n && hs_path_within (clean, HS_LANDLOCK_DIR))
        fz_fail ("mounts[%zu] at %s is at the Landlock helper's directory", i, dest);
      /* the last mount at /dev or above, but the helper's, is the spec's /dev tmpfs */
      if (!dev_checked && i + 1 < n)
        {
          for (size_t k = n - 1; k-- > 0;)
            {
              const char *kd = hs_json_string (hs_json_get (hs_json_at (mounts, k), "destination"));
              _cleanup_free_ char *kc = kd != NULL ? hs_path_clean (kd) : NULL;
              const char *kt = hs_json_string (hs_json_get (hs_json_at (mounts, k), "type"));
              if (kc == NULL || !hs_path_within ("/dev", kc))
                continue;
              if (strcmp (kc, "/dev") != 0 || kt == NULL || strcmp (kt, "tmpfs") != 0)
                fz_fail ("mounts[%zu] at %s covers /dev, where the Landlock helper goes", k, kc);
              break;
            }
          dev_checked = true;
        }
      if (!bind)
        {
          bool known = false;
          for (size_t k = 0; type != NULL && k < HS_ARRAY_SIZE (_mount_types); k++)
            known = known || strcmp (type, _mount_types[k]) == 0;
          if (!known)
            fz_fail ("mounts[%zu] is a mount of type %s", i, type ? type : "(none)");
        }
      if (opts != NULL && !hs_json_is_array (opts))
        fz_fail ("mounts[%zu].options is %s", i, hs_json_type_name (opts));
      hs_json_foreach (opts, k, o)
        {
          const char *s = hs_json_string (o);
          if (s != NULL && (strcmp (s, "shared") == 0 || strcmp (s, "rshared") == 0))
            fz_fail ("mounts[%zu] has shared propagation", i);
          if (s != NULL && (strncasecmp (s, "idmap", 5) == 0 || strncasecmp (s, "ridmap", 6) == 0))
            fz_fail ("mounts[%zu] is idmapped (%s)", i, s);
        }
      if (hs_json_array_len (hs_json_get (m, "uidMappings")) > 0
          || hs_json_array_len (hs_json_get (m, "gidMappings")) > 0
          || (hs_json_get (m, "uidMappings") != NULL && !hs_json_is_null (hs_json_get (m, "uidMappings"))
              && !hs_json_is_array (hs_json_get (m, "uidMappings"))))
        fz_fail ("mounts[%zu] has its own id mappings", i);
      if (hs_policy_denied_at (p, clean) != NULL && (!_has (opts, "ro") || _has (opts, "rw") || _has (opts, "rrw")))
        fz_fail ("mounts[%zu] at %s, beneath a denied path, is not read-only", i, dest);
      if (bind && src != NULL)
        {
          const hs_bind_ref *ref = hs_host_bind_ref (h, src);
          bool want_ro = true, allowed = ref != NULL && _class_allows_bind (h, p, c, ref, &want_ro);
          hs_devnode node;
          if (ref == NULL)
            continue;
          if ((ref->kind == HS_BIND_SENSITIVE || ref->kind == HS_BIND_SOCKET) && !allowed)
            fz_fail ("mounts[%zu] binds the host's %s", i, src);
          if (ref->kind == HS_BIND_SENSITIVE_RW && !allowed && !_read_only (m))
            fz_fail ("mounts[%zu] binds the host's %s read-write", i, src);
          if (allowed && want_ro && ref->kind != HS_BIND_PLAIN && ref->kind != HS_BIND_DEVICE && !_read_only (m))
            fz_fail ("mounts[%zu] binds %s read-write; the class allows it read-only", i, src);
          if (ref->kind == HS_BIND_DEVICE && _may_access (c, &(_node){ ref->devtype, ref->major, ref->minor }) == 0)
            fz_fail ("mounts[%zu] binds the device %s", i, src);
          if (ref->id.exists && ref->kind != HS_BIND_DEVICE && hs_devnode_parse (src, &node) < 0
              && (!_has (opts, "nodev") || _has (opts, "dev")))
            fz_fail ("mounts[%zu], the volume %s, is not nodev", i, src);
        }
      /* mounts the container cannot make in a user namespace of its own */
      if (own_userns && type != NULL && strcmp (type, "sysfs") == 0
          && (_shares_host (h, namespaces, "network")
              || (h->joins_netns && !(h->joins_userns && h->netns_in_join_userns))))
        fz_fail ("mounts[%zu] mounts sysfs for a network namespace of another user namespace", i);
      if (own_userns && type != NULL && strcmp (type, "proc") == 0 && _shares_host (h, namespaces, "pid"))
        fz_fail ("mounts[%zu] mounts proc for the host's PID namespace", i);
      if (own_userns && type != NULL && strcmp (type, "mqueue") == 0 && _shares_host (h, namespaces, "ipc"))
        fz_fail ("mounts[%zu] mounts mqueue for the host's IPC namespace", i);
    }
}

static void
_check_hooks (hs_json spec, const hs_policy *p, const hs_host *h, const hs_class *c)
{
  static const char *const stages[]
      = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" };
  hs_json hooks = hs_json_get (spec, "hooks");
  size_t k = (size_t) (c - p->classes);

  for (size_t s = 0; s < HS_ARRAY_SIZE (stages); s++)
    {
      hs_json list = hs_json_get (hooks, stages[s]), hook;
      hs_json_foreach (list, i, hook)
        {
          const hs_hook_ref *ref = hs_host_hook_ref (h, stages[s], i);
          bool listed = false;
          for (size_t j = 0; ref != NULL && j < c->allow.hooks.n; j++)
            listed = listed || hs_id_ref_same (&h->class_hooks[k][j], &ref->id);
          if (ref == NULL || !(ref->engine != NULL || (listed && ref->trusted)))
            fz_fail ("hook %s[%zu] runs, neither an engine's nor one the class lists", stages[s], i);
          if (ref->engine == NULL && hs_json_array_len (hs_json_get (hook, "env")) > 0)
            fz_fail ("hook %s[%zu], one the class lists, has an environment", stages[s], i);
          if (strcmp (stages[s], "startContainer") == 0)
            {
              const char *path = hs_json_string (hs_json_get (hook, "path"));
              if (path == NULL || strcmp (path, HS_LANDLOCK_DEST) != 0)
                fz_fail ("startContainer hook %zu is not behind the Landlock helper", i);
              fz_check_landlock_argv ("a startContainer hook's args", hs_json_get (hook, "args"), p);
            }
        }
    }
}

static void
_check_annotations (hs_json spec)
{
  static const char *const prefixes[] = { "run.oci.", "org.systemd.property." };
  hs_json ann = hs_json_get (spec, "annotations"), v;
  const char *key;

  hs_json_foreach_member (ann, i, key, v)
    {
      for (size_t k = 0; k < HS_ARRAY_SIZE (prefixes); k++)
        if (strncmp (key, prefixes[k], strlen (prefixes[k])) == 0)
          fz_fail ("annotation %s", key);
      if (strcmp (key, "org.criu.config") == 0 && !(hs_json_is_string (v) && hs_json_string (v)[0] == '\0'))
        fz_fail ("annotation %s", key);
    }
}

static void
_check_spec (hs_json out, hs_json in, const hs_policy *p, const hs_host *h, const hs_scmp_profile *engine,
             const hs_plan *plan)
{
  static const char *const masked[] = { "/proc/kcore", "/proc/keys", "/sys/firmware", "/proc/timer_list" };
  static const char *const readonly[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/bus" };
  hs_json linux_ = hs_json_get (out, "linux"), process = hs_json_get (out, "process");
  const hs_class *c = NULL, *c_in = NULL;
  hs_error err = { 0 };
  int64_t pids;

  if (!hs_json_is_object (linux_))
    fz_fail ("linux is %s", hs_json_type_name (linux_));
  if (hs_policy_select_class (p, hs_json_get (out, "annotations"), "out", &c, &err) < 0
      || hs_policy_select_class (p, hs_json_get (in, "annotations"), "in", &c_in, &err) < 0)
    fz_fail ("the class cannot be told: %s", err.msg);
  if (c != c_in)
    fz_fail ("hardening changed the class from %s to %s", c_in->name, c->name);
  fz_check_process ("pipeline", process, linux_, p, c);
  if (!hs_json_is_true (hs_json_get (hs_json_get (out, "root"), "readonly")))
    fz_fail ("root.readonly is not true");
  _check_namespaces (linux_, h, c);
  _check_maps (linux_, c);
  _check_mounts (out, p, h, c, plan->bridge_rootfs);
  _check_devices (linux_, hs_json_get (out, "mounts"), c);
  _check_hooks (out, p, h, c);
  _check_annotations (out);
  if (h->cgroup_foreign != NULL)
    fz_fail ("the container is put into someone else's cgroup");
  if (c->resources.pids > 0
      && (hs_json_get_int (hs_json_get (hs_json_get (hs_json_get (linux_, "resources"), "pids"), "limit"), 1,
                           c->resources.pids, &pids)
          < 0))
    fz_fail ("no pids limit within the class's %lld", (long long) c->resources.pids);
  for (size_t i = 0; i < HS_ARRAY_SIZE (masked); i++)
    if (!_has (hs_json_get (linux_, "maskedPaths"), masked[i]))
      fz_fail ("%s is not masked", masked[i]);
  for (size_t i = 0; i < HS_ARRAY_SIZE (readonly); i++)
    if (!_has (hs_json_get (linux_, "readonlyPaths"), readonly[i]))
      fz_fail ("%s is not read-only", readonly[i]);
  fz_check_seccomp (hs_json_get (linux_, "seccomp"), p, hs_json_get (hs_json_get (process, "capabilities"), "bounding"),
                    engine, true);
}

/* Show where two texts differ, then fail. */
static void
_fail_diff (const char *what, const char *a, const char *b)
{
  size_t i = 0, line = 1;

  while (a[i] != '\0' && a[i] == b[i])
    line += a[i++] == '\n';
  fprintf (stderr, "first pass:\n%s\nsecond pass:\n%s\n", a, b);
  fz_fail ("%s: the outputs differ at line %zu: `%.60s` vs `%.60s`", what, line, a + i, b + i);
}

static void
_one (const char *text, size_t len, const hs_policy *p)
{
  _cleanup_json_ hs_json spec = _load (text, len);
  _cleanup_json_ hs_json in = NULL, again = NULL, out_tree = NULL;
  _cleanup_free_ char *out = NULL, *out2 = NULL, *regen = NULL;
  hs_scmp_profile engine = { 0 };
  bool has_engine = false;
  hs_host host;
  hs_journal j, j2;
  hs_plan plan, plan2;
  hs_error err = { 0 };
  int r;

  if (spec == NULL)
    return;
  in = hs_json_copy (spec);
  if (!fz_host_model (spec, p, &host))
    {
      fz_host_release (&host);
      return;
    }
  hs_journal_init (&j, "c1", "/bundle", "config.json", "create", false);
  r = hs_harden (spec, NULL, "config.json", p, &host, &j, &plan, &err);
  fz_check_journal (&j);
  hs_journal_release (&j);
  if (getenv ("FZ_VERBOSE") != NULL) /* what the seeds exercise */
    fprintf (stderr, "policy %s: %s\n", p->classes[p->nclasses - 1].name, r < 0 ? err.msg : "hardened");
  if (r < 0)
    {
      if (err.msg == NULL || err.msg[0] == '\0')
        fz_fail ("hardening failed (%d) without a message", r);
      hs_error_release (&err);
      fz_host_release (&host);
      return;
    }

  out = fz_generate (spec);
  /* The output parses, as the runtime will read it, and reads back the same. */
  out_tree = _load (out, strlen (out));
  if (out_tree == NULL)
    fz_fail ("the hardened spec does not load back:\n%s", out);
  regen = fz_generate (out_tree);
  if (strcmp (regen, out) != 0)
    _fail_diff ("serialise, parse, serialise", out, regen);

  {
    hs_json given = hs_json_get (hs_json_get (in, "linux"), "seccomp");
    if (given != NULL && !hs_json_is_null (given))
      {
        if (hs_scmp_parse (given, false, "engine", &engine, &err) < 0)
          fz_fail ("hardening accepted an engine seccomp profile that does not parse: %s", err.msg);
        has_engine = true;
      }
  }
  _check_spec (out_tree, in, p, &host, has_engine ? &engine : NULL, &plan);
  hs_scmp_release (&engine);

  /* Idempotence: the same policy and host harden the output to the same bytes. */
  again = _load (out, strlen (out));
  hs_journal_init (&j2, "c1", "/bundle", "config.json", "create", false);
  r = hs_harden (again, NULL, "config.json", p, &host, &j2, &plan2, &err);
  if (r < 0)
    fz_fail ("hardening the hardened spec fails: %s\n%s", err.msg, out);
  out2 = fz_generate (again);
  if (strcmp (out, out2) != 0)
    _fail_diff ("hardening twice", out, out2);
  for (const char *a = j2.buf; a != NULL && (a = strstr (a, "\"action\":\"")) != NULL; a += 10)
    if (strncmp (a + 10, "changed\"", 8) == 0 || strncmp (a + 10, "added\"", 6) == 0
        || strncmp (a + 10, "removed\"", 8) == 0)
      fz_fail ("hardening the hardened spec journals a change:\n%s", j2.buf);
  hs_journal_release (&j2);
  fz_host_release (&host);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  for (size_t i = 0; i < FZ_NPOLICIES; i++)
    _one ((const char *) data, size, fz_policy (i));
  return 0;
}
