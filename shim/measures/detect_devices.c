/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "detect": device nodes and the device rules.
 *
 * A container gets the nodes every runtime gives it (null, zero, full,
 * random, urandom, tty, console, ptmx, pts) and the devices its class
 * names by type and number; any other device, whether the spec lists it
 * (docker --device), a measure turned it into a node hardshim creates
 * (devices.h) or a volume is a device node, is refused.  --privileged (a
 * device rule allowing every device) is refused as a whole.  The device
 * rules become deny-all plus exactly the allowed nodes, each with the
 * access the engine's own rules gave it and the class allows: a node in
 * the image or a volume cannot be opened. */
#include "config.h"

#include "measures/detect.h"
#include "host/devices.h"
#include "host/host_refs.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>

#define ANY_MINOR UINT32_MAX

static const struct
{
  uint32_t major, minor; /* char devices */
} _default_nodes[] = {
  { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 }, { 5, 0 }, { 5, 1 }, { 5, 2 }, { 136, ANY_MINOR },
};

typedef struct
{
  char type; /* 'c' or 'b' */
  uint32_t major, minor;
} _node;

enum
{
  ACC_R = 1,
  ACC_W = 2,
  ACC_M = 4
};

static unsigned
_access_bits (const char *s)
{
  unsigned a = 0;

  for (; *s; s++)
    a |= *s == 'r' ? ACC_R : *s == 'w' ? ACC_W : *s == 'm' ? ACC_M : 0;
  return a;
}

static hs_json
_access_string (unsigned a)
{
  char s[4];
  size_t n = 0;

  if (a & ACC_R)
    s[n++] = 'r';
  if (a & ACC_W)
    s[n++] = 'w';
  if (a & ACC_M)
    s[n++] = 'm';
  s[n] = '\0';
  return hs_json_new_string (s);
}

static bool
_is_default (const _node *n)
{
  for (size_t i = 0; n->type == 'c' && i < HS_ARRAY_SIZE (_default_nodes); i++)
    if (_default_nodes[i].major == n->major
        && (_default_nodes[i].minor == ANY_MINOR || _default_nodes[i].minor == n->minor))
      return true;
  return false;
}

/* The class's entry for n, or NULL. */
static const hs_allow_device *
_class_device (const hs_detect *d, const _node *n)
{
  const hs_allow *a = &d->ctx->class->allow;

  for (size_t i = 0; i < a->ndevices; i++)
    if (a->devices[i].type == n->type && a->devices[i].major == n->major && a->devices[i].minor == n->minor)
      return &a->devices[i];
  return NULL;
}

/* A rule's number field: absent, null or -1 match any. */
static bool
_matches_number (hs_json v, uint32_t n)
{
  int64_t x;

  if (v == NULL || hs_json_is_null (v))
    return true;
  if (hs_json_get_int (v, -1, UINT32_MAX, &x) < 0)
    return false; /* the runtime refuses it */
  return x == -1 || (uint32_t) x == n;
}

/* The access the engine's device rules (evaluated in order, from none, as
 * the runtime does on a cgroup-v1 host) give node n. */
static unsigned
_engine_access (hs_json rules, const _node *n)
{
  unsigned acc = 0;

  for (size_t i = 0; hs_json_is_array (rules) && i < hs_json_array_len (rules); i++)
    {
      hs_json r = hs_json_at (rules, i), type = hs_json_get (r, "type"), access = hs_json_get (r, "access");
      const char *t = hs_json_is_string (type) ? hs_json_string (type) : "a";
      unsigned bits = hs_json_is_string (access) ? _access_bits (hs_json_string (access)) : ACC_R | ACC_W | ACC_M;

      if ((t[0] != 'a' && t[0] != n->type) || !_matches_number (hs_json_get (r, "major"), n->major)
          || !_matches_number (hs_json_get (r, "minor"), n->minor))
        continue;
      if (hs_json_is_true (hs_json_get (r, "allow")))
        acc |= bits;
      else
        acc &= ~bits;
    }
  return acc;
}

/* A rule that allows reading or writing every device: --privileged. */
static bool
_allows_all (hs_json rules)
{
  _node probe[] = { { 'c', 1, 1 }, { 'b', 8, 0 }, { 'c', 4, 1 } }; /* mem, a disk, a tty */

  for (size_t i = 0; i < HS_ARRAY_SIZE (probe); i++)
    if ((_engine_access (rules, &probe[i]) & (ACC_R | ACC_W)) == 0)
      return false;
  return true;
}

/* What --privileged asked for, from the engine's spec. */
static char *
_privileged_parts (hs_json original)
{
  hs_json linux_ = hs_json_get (original, "linux"), devices = hs_json_get (linux_, "devices");
  hs_json caps = hs_json_get (hs_json_get (hs_json_get (original, "process"), "capabilities"), "bounding");
  hs_json mounts = hs_json_get (original, "mounts");
  _cleanup_strv_ hs_strv parts = { 0 };

  hs_strv_add (&parts, xstrdup ("every host device (a device rule allowing all of them)"));
  if (hs_json_is_array (devices) && hs_json_array_len (devices) > 0)
    hs_strv_add (&parts, xasprintf ("%zu host device nodes", hs_json_array_len (devices)));
  if (hs_json_array_has_string (caps, "CAP_SYS_ADMIN"))
    hs_strv_add (&parts, xasprintf ("%zu capabilities with CAP_SYS_ADMIN", hs_json_array_len (caps)));
  if (hs_json_get (linux_, "seccomp") == NULL)
    hs_strv_add (&parts, xstrdup ("no seccomp filter"));
  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i), type = hs_json_get (m, "type");
      if (hs_json_is_string (type) && strcmp (hs_json_string (type), "sysfs") == 0
          && !hs_json_array_has_string (hs_json_get (m, "options"), "ro"))
        {
          hs_strv_add (&parts, xstrdup ("a writable /sys"));
          break;
        }
    }
  return hs_strv_join (&parts, ", ");
}

/* Collects the nodes the container is given, refusing the ones it may not have. */
typedef struct
{
  hs_detect *d;
  bool privileged;
  _node *allowed; /* class devices present, for the rules */
  size_t nallowed;
} _devices;

static void
_judge (_devices *s, const char *where, const char *shown, const _node *n)
{
  hs_detect *d = s->d;
  _cleanup_json_ hs_json request = hs_json_new_object ();

  if (_is_default (n))
    return;
  if (_class_device (d, n) != NULL)
    {
      for (size_t i = 0; i < s->nallowed; i++)
        if (s->allowed[i].type == n->type && s->allowed[i].major == n->major && s->allowed[i].minor == n->minor)
          return;
      s->allowed = xrealloc (s->allowed, (s->nallowed + 1) * sizeof *n);
      s->allowed[s->nallowed++] = *n;
      return;
    }
  if (s->privileged)
    return; /* one refusal says it all */
  hs_json_object_set (request, "path", hs_json_new_string (shown));
  hs_json_object_set (request, "type", hs_json_new_string_printf ("%c", n->type));
  hs_json_object_set (request, "major", hs_json_new_uint (n->major));
  hs_json_object_set (request, "minor", hs_json_new_uint (n->minor));
  hs_detect_refuse (d, where, request,
                    "device %s (%s %u:%u; docker --device, podman --device, Kubernetes device plugins) is refused by "
                    "policy %s; allow it for a class with \"allow\": {\"devices\": [{\"type\": \"%c\", \"major\": %u, "
                    "\"minor\": %u}]}",
                    shown, n->type == 'b' ? "block" : "char", n->major, n->minor, d->policy_name, n->type, n->major,
                    n->minor);
}

/* /linux/devices entries a measure left (no user namespace). */
static void
_listed (_devices *s, hs_json devices)
{
  for (size_t i = 0; hs_json_is_array (devices) && i < hs_json_array_len (devices); i++)
    {
      hs_json dev = hs_json_at (devices, i), type = hs_json_get (dev, "type"), path = hs_json_get (dev, "path");
      uint64_t major = 0, minor = 0;
      _cleanup_free_ char *where = xasprintf ("/linux/devices/%zu", i);
      _node n;

      if (!hs_json_is_string (type) || strcmp (hs_json_string (type), "p") == 0)
        continue; /* a FIFO; the runtime refuses a bad type */
      hs_json_get_uint (hs_json_get (dev, "major"), UINT32_MAX, &major);
      hs_json_get_uint (hs_json_get (dev, "minor"), UINT32_MAX, &minor);
      n = (_node){ .type = hs_json_string (type)[0] == 'b' ? 'b' : 'c',
                   .major = (uint32_t) major,
                   .minor = (uint32_t) minor };
      _judge (s, where, hs_json_is_string (path) ? hs_json_string (path) : "?", &n);
    }
}

/* Mounts of nodes: ones hardshim creates (devices.h) and device nodes as volumes (host_refs.h). */
static void
_mounted (_devices *s, hs_json mounts)
{
  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i), src = hs_json_get (m, "source"), dest = hs_json_get (m, "destination");
      _cleanup_free_ char *where = xasprintf ("/mounts/%zu", i);
      const hs_bind_ref *ref;
      hs_devnode node;

      if (!hs_json_is_string (src))
        continue;
      if (hs_devnode_parse (hs_json_string (src), &node) == 0 && node.type != 'p')
        _judge (s, where, hs_json_is_string (dest) ? hs_json_string (dest) : "?",
                &(_node){ .type = node.type, .major = node.major, .minor = node.minor });
      else if ((ref = hs_host_bind_ref (s->d->ctx->host, hs_json_string (src))) != NULL && ref->kind == HS_BIND_DEVICE)
        _judge (s, where, hs_json_string (src),
                &(_node){ .type = ref->devtype, .major = ref->major, .minor = ref->minor });
    }
}

static hs_json
_rule (bool allow, const _node *n, unsigned access)
{
  hs_json r = hs_json_new_object ();

  hs_json_object_set (r, "allow", hs_json_new_bool (allow));
  if (n != NULL)
    {
      hs_json_object_set (r, "type", hs_json_new_string_printf ("%c", n->type));
      hs_json_object_set (r, "major", hs_json_new_uint (n->major));
      if (n->minor != ANY_MINOR)
        hs_json_object_set (r, "minor", hs_json_new_uint (n->minor));
    }
  hs_json_object_set (r, "access", _access_string (access));
  return r;
}

/* Deny-all, then the default nodes and the allowed ones. */
static hs_json
_rules (_devices *s, hs_json engine_rules)
{
  hs_json rules = hs_json_new_array ();

  hs_json_array_append (rules, _rule (false, NULL, ACC_R | ACC_W | ACC_M));
  for (size_t i = 0; i < HS_ARRAY_SIZE (_default_nodes); i++)
    {
      _node n = { 'c', _default_nodes[i].major, _default_nodes[i].minor };
      hs_json_array_append (rules, _rule (true, &n, ACC_R | ACC_W | ACC_M));
    }
  for (size_t i = 0; i < s->nallowed; i++)
    {
      const hs_allow_device *a = _class_device (s->d, &s->allowed[i]);
      unsigned acc = _engine_access (engine_rules, &s->allowed[i]) & _access_bits (a->access);
      if (acc != 0)
        hs_json_array_append (rules, _rule (true, &s->allowed[i], acc));
    }
  return rules;
}

static bool
_same_json (hs_json a, hs_json b)
{
  _cleanup_free_ char *ta = NULL, *tb = NULL;
  size_t la = 0, lb = 0;
  _cleanup_error_ hs_error err = { 0 };

  if (a == NULL || b == NULL)
    return a == b;
  return hs_json_generate (a, false, &ta, &la, &err) == 0 && hs_json_generate (b, false, &tb, &lb, &err) == 0
         && la == lb && memcmp (ta, tb, la) == 0;
}

int
hs_detect_devices (hs_detect *d, hs_json linux_, hs_json mounts, hs_error *err)
{
  hs_json engine_rules = hs_json_get (hs_json_get (hs_json_get (d->ctx->original, "linux"), "resources"), "devices");
  _devices s = { .d = d };
  hs_json resources, current;
  _cleanup_json_ hs_json rules = NULL;
  int r;

  s.privileged = _allows_all (engine_rules);
  if (s.privileged)
    {
      _cleanup_free_ char *parts = _privileged_parts (d->ctx->original);
      hs_detect_refuse (d, "/linux/resources/devices", engine_rules,
                        "privileged container (docker run --privileged, podman run --privileged, ctr run --privileged, "
                        "Kubernetes privileged: true) is refused by policy %s: it asks for %s; hardshim cannot "
                        "confine that; allow only the devices a workload needs for a class with \"allow\": "
                        "{\"devices\": [{\"type\": \"c\", \"major\": 10, \"minor\": 200}]}",
                        d->policy_name, parts);
    }
  _listed (&s, hs_json_get (linux_, "devices"));
  _mounted (&s, mounts);

  r = hs_measure_object (d->ctx, linux_, "resources", false, "/linux/resources", &resources, err);
  if (r < 0)
    goto out;
  rules = _rules (&s, engine_rules);
  current = hs_json_get (resources, "devices");
  if (!_same_json (current, rules))
    {
      _cleanup_json_ hs_json before = current != NULL ? hs_json_copy (current) : NULL;
      hs_json_object_set (resources, "devices", hs_json_copy (rules));
      hs_measure_record_note (d->ctx, false, "/linux/resources/devices", "changed", before, rules,
                              "deny every device but the ones every runtime gives and the class allows");
    }
out:
  free (s.allowed);
  return r;
}
