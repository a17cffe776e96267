/* SPDX-License-Identifier: Apache-2.0 */
/* A class's "allow" (what the detect measure refuses otherwise) and
 * "resources" (what it repairs), as the policy writes them. */
#include "config.h"

#include "policy/policy_allow.h"
#include "base/util.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const struct
{
  const char *name;
  unsigned bit;
} _namespaces[] = {
  { "pid", HS_ALLOW_NS_PID }, { "network", HS_ALLOW_NS_NETWORK }, { "ipc", HS_ALLOW_NS_IPC },
  { "uts", HS_ALLOW_NS_UTS }, { "mount", HS_ALLOW_NS_MOUNT },
};

/* The rlimits Linux has, as the OCI spec spells them. */
static const char *const _rlimits[]
    = { "RLIMIT_CPU",      "RLIMIT_FSIZE",  "RLIMIT_DATA",    "RLIMIT_STACK", "RLIMIT_CORE",  "RLIMIT_RSS",
        "RLIMIT_NPROC",    "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",    "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
        "RLIMIT_MSGQUEUE", "RLIMIT_NICE",   "RLIMIT_RTPRIO",  "RLIMIT_RTTIME" };

static const struct
{
  const char *type;
  uint64_t max;
} _default_rlimits[] = {
  { "RLIMIT_NOFILE", 1048576 },
  { "RLIMIT_MEMLOCK", 67108864 },
  { "RLIMIT_RTPRIO", 0 },
  { "RLIMIT_NICE", 0 },
};

#define DEFAULT_PIDS 4096
#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000

/* Set (or replace) the ceiling of one rlimit type. */
static void
_set_rlimit (hs_resources *res, const char *type, uint64_t max)
{
  for (size_t i = 0; i < res->nrlimits; i++)
    if (strcmp (res->rlimits[i].type, type) == 0)
      {
        res->rlimits[i].max = max;
        return;
      }
  res->rlimits = xrealloc (res->rlimits, (res->nrlimits + 1) * sizeof *res->rlimits);
  res->rlimits[res->nrlimits].type = xstrdup (type);
  res->rlimits[res->nrlimits].max = max;
  res->nrlimits++;
}

void
hs_policy_resources_defaults (hs_resources *ret)
{
  memset (ret, 0, sizeof *ret);
  ret->pids = DEFAULT_PIDS;
  ret->oom_score_adj_min = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_default_rlimits); i++)
    _set_rlimit (ret, _default_rlimits[i].type, _default_rlimits[i].max);
}

void
hs_policy_resources_copy (const hs_resources *src, hs_resources *ret)
{
  memset (ret, 0, sizeof *ret);
  ret->pids = src->pids;
  ret->oom_score_adj_min = src->oom_score_adj_min;
  for (size_t i = 0; i < src->nrlimits; i++)
    _set_rlimit (ret, src->rlimits[i].type, src->rlimits[i].max);
}

void
hs_policy_resources_release (hs_resources *res)
{
  for (size_t i = 0; i < res->nrlimits; i++)
    free (res->rlimits[i].type);
  free (res->rlimits);
  memset (res, 0, sizeof *res);
}

void
hs_policy_allow_release (hs_allow *allow)
{
  for (size_t i = 0; i < allow->nbinds; i++)
    free (allow->binds[i].source);
  free (allow->binds);
  free (allow->devices);
  hs_strv_release (&allow->hooks);
  memset (allow, 0, sizeof *allow);
}

/* An absolute path in its clean form: no `.`, `..` or empty component, no
 * trailing `/`; `/` itself only when root_ok. */
static int
_clean_path (hs_json v, const char *where, bool root_ok, hs_error *err)
{
  int r = hs_policy_want (v, HS_JSON_STRING, where, err);
  _cleanup_free_ char *clean = NULL;
  const char *s;

  if (r < 0)
    return r;
  s = hs_json_string (v);
  if (s[0] != '/')
    return hs_error_set (err, EINVAL, "`%s` must be an absolute path, got `%s`", where, s);
  if (strlen (s) >= PATH_MAX)
    return hs_error_set (err, EINVAL, "`%s` is longer than %d bytes", where, PATH_MAX - 1);
  clean = hs_path_clean (s);
  if (strcmp (clean, s) != 0)
    return hs_error_set (err, EINVAL, "`%s` must be a clean path (no `.`, `..`, `//` or trailing `/`), got `%s`", where,
                         s);
  if (!root_ok && s[1] == '\0')
    return hs_error_set (err, EINVAL, "`%s` must name a program, got `/`", where);
  return 0;
}

static int
_parse_namespaces (hs_json v, const char *where, unsigned *ret, hs_error *err)
{
  int r = hs_policy_want (v, HS_JSON_ARRAY, where, err);

  for (size_t i = 0; r == 0 && i < hs_json_array_len (v); i++)
    {
      _cleanup_free_ char *w = xasprintf ("%s[%zu]", where, i);
      hs_json e = hs_json_at (v, i);
      size_t k;

      r = hs_policy_want (e, HS_JSON_STRING, w, err);
      if (r < 0)
        break;
      for (k = 0; k < HS_ARRAY_SIZE (_namespaces); k++)
        if (strcmp (hs_json_string (e), _namespaces[k].name) == 0)
          break;
      if (k == HS_ARRAY_SIZE (_namespaces))
        return hs_error_set (err, EINVAL, "`%s` must be `pid`, `network`, `ipc`, `uts` or `mount`, got `%s`", w,
                             hs_json_string (e));
      *ret |= _namespaces[k].bit;
    }
  return r;
}

/* allow.binds[i]: {"source": "/abs", "readonly": true} */
static int
_parse_bind (hs_json v, const char *where, hs_allow_bind *ret, hs_error *err)
{
  static const char *const keys[] = { "source", "readonly", NULL };
  _cleanup_free_ char *dot = xasprintf ("%s.", where);
  _cleanup_free_ char *w_source = xasprintf ("%s.source", where);
  _cleanup_free_ char *w_ro = xasprintf ("%s.readonly", where);
  hs_json source = hs_json_get (v, "source"), ro = hs_json_get (v, "readonly");
  int r = hs_policy_want (v, HS_JSON_OBJECT, where, err);

  if (r == 0)
    r = hs_policy_known_keys (v, dot, keys, err);
  if (r == 0)
    r = _clean_path (source, w_source, true, err);
  if (r == 0 && ro != NULL)
    r = hs_policy_want (ro, HS_JSON_BOOL, w_ro, err);
  if (r < 0)
    return r;
  ret->source = xstrdup (hs_json_string (source));
  ret->readonly = ro == NULL || hs_json_is_true (ro);
  return 0;
}

/* A device number: a whole number below 2^32. */
static int
_device_number (hs_json v, const char *where, uint32_t *ret, hs_error *err)
{
  uint64_t n;
  int r = hs_policy_want (v, HS_JSON_NUMBER, where, err);

  if (r < 0)
    return r;
  if (hs_json_get_uint (v, UINT32_MAX, &n) < 0)
    return hs_error_set (err, EINVAL, "`%s` must be a whole number below 4294967296, got %s", where,
                         hs_json_number_text (v));
  *ret = (uint32_t) n;
  return 0;
}

/* Access: a non-empty subset of "rwm", kept in that order. */
static int
_device_access (hs_json v, const char *where, char ret[4], hs_error *err)
{
  int r = hs_policy_want (v, HS_JSON_STRING, where, err);
  const char *s;
  bool has[3] = { false, false, false };
  size_t n = 0;

  if (r < 0)
    return r;
  s = hs_json_string (v);
  for (const char *c = s; *c != '\0'; c++)
    {
      const char *at = strchr ("rwm", *c);
      if (at == NULL || has[at - "rwm"])
        return hs_error_set (err, EINVAL, "`%s` must be letters of `rwm`, each once, got `%s`", where, s);
      has[at - "rwm"] = true;
    }
  if (s[0] == '\0')
    return hs_error_set (err, EINVAL, "`%s` is empty: give some of `rwm`", where);
  for (size_t i = 0; i < 3; i++)
    if (has[i])
      ret[n++] = "rwm"[i];
  ret[n] = '\0';
  return 0;
}

/* allow.devices[i]: {"type": "c", "major": 10, "minor": 200, "access": "rwm"} */
static int
_parse_device (hs_json v, const char *where, hs_allow_device *ret, hs_error *err)
{
  static const char *const keys[] = { "type", "major", "minor", "access", NULL };
  _cleanup_free_ char *dot = xasprintf ("%s.", where);
  _cleanup_free_ char *w_type = xasprintf ("%s.type", where);
  _cleanup_free_ char *w_major = xasprintf ("%s.major", where);
  _cleanup_free_ char *w_minor = xasprintf ("%s.minor", where);
  _cleanup_free_ char *w_access = xasprintf ("%s.access", where);
  hs_json type = hs_json_get (v, "type"), access = hs_json_get (v, "access");
  hs_allow_device d = { .access = "rwm" };
  int r = hs_policy_want (v, HS_JSON_OBJECT, where, err);

  if (r == 0)
    r = hs_policy_known_keys (v, dot, keys, err);
  if (r == 0)
    r = hs_policy_want (type, HS_JSON_STRING, w_type, err);
  if (r == 0)
    {
      /* "u" (unbuffered) is a character device, as runc reads it. */
      if (strcmp (hs_json_string (type), "c") == 0 || strcmp (hs_json_string (type), "u") == 0)
        d.type = 'c';
      else if (strcmp (hs_json_string (type), "b") == 0)
        d.type = 'b';
      else
        r = hs_error_set (err, EINVAL, "`%s` must be `c` (character) or `b` (block), got `%s`", w_type,
                          hs_json_string (type));
    }
  if (r == 0)
    r = _device_number (hs_json_get (v, "major"), w_major, &d.major, err);
  if (r == 0)
    r = _device_number (hs_json_get (v, "minor"), w_minor, &d.minor, err);
  if (r == 0 && access != NULL)
    r = _device_access (access, w_access, d.access, err);
  if (r == 0)
    *ret = d;
  return r;
}

int
hs_policy_parse_allow (hs_json v, const char *where, hs_allow *ret, hs_error *err)
{
  static const char *const keys[] = { "namespaces", "binds", "devices", "hooks", NULL };
  _cleanup_free_ char *dot = xasprintf ("%s.", where);
  _cleanup_free_ char *w_ns = xasprintf ("%s.namespaces", where);
  _cleanup_free_ char *w_binds = xasprintf ("%s.binds", where);
  _cleanup_free_ char *w_devices = xasprintf ("%s.devices", where);
  _cleanup_free_ char *w_hooks = xasprintf ("%s.hooks", where);
  hs_json binds = hs_json_get (v, "binds"), devices = hs_json_get (v, "devices"), hooks = hs_json_get (v, "hooks");
  hs_json ns = hs_json_get (v, "namespaces");
  int r = hs_policy_want (v, HS_JSON_OBJECT, where, err);

  if (r == 0)
    r = hs_policy_known_keys (v, dot, keys, err);
  if (r == 0 && ns != NULL)
    r = _parse_namespaces (ns, w_ns, &ret->namespaces, err);
  if (r == 0 && binds != NULL && (r = hs_policy_want (binds, HS_JSON_ARRAY, w_binds, err)) == 0)
    {
      ret->binds = xcalloc (hs_json_array_len (binds) + 1, sizeof *ret->binds);
      for (size_t i = 0; r == 0 && i < hs_json_array_len (binds); i++)
        {
          _cleanup_free_ char *w = xasprintf ("%s[%zu]", w_binds, i);
          r = _parse_bind (hs_json_at (binds, i), w, &ret->binds[i], err);
          if (r == 0)
            ret->nbinds++;
        }
    }
  if (r == 0 && devices != NULL && (r = hs_policy_want (devices, HS_JSON_ARRAY, w_devices, err)) == 0)
    {
      ret->devices = xcalloc (hs_json_array_len (devices) + 1, sizeof *ret->devices);
      for (size_t i = 0; r == 0 && i < hs_json_array_len (devices); i++)
        {
          _cleanup_free_ char *w = xasprintf ("%s[%zu]", w_devices, i);
          r = _parse_device (hs_json_at (devices, i), w, &ret->devices[i], err);
          if (r == 0)
            ret->ndevices++;
        }
    }
  if (r == 0 && hooks != NULL && (r = hs_policy_want (hooks, HS_JSON_ARRAY, w_hooks, err)) == 0)
    for (size_t i = 0; r == 0 && i < hs_json_array_len (hooks); i++)
      {
        _cleanup_free_ char *w = xasprintf ("%s[%zu]", w_hooks, i);
        hs_json e = hs_json_at (hooks, i);
        r = _clean_path (e, w, false, err);
        if (r == 0 && !hs_strv_contains (&ret->hooks, hs_json_string (e)))
          hs_strv_add (&ret->hooks, xstrdup (hs_json_string (e)));
      }
  return r;
}

/* An integer in [min, max], written as one ("-500", not "-5e2"). */
static int
_integer (hs_json v, const char *where, int64_t min, int64_t max, int64_t *ret, hs_error *err)
{
  const char *s;
  int r = hs_policy_want (v, HS_JSON_NUMBER, where, err);

  if (r < 0)
    return r;
  s = hs_json_number_text (v);
  if (hs_parse_int (s, strlen (s), min, max, ret) < 0)
    return hs_error_set (err, EINVAL, "`%s` must be an integer from %" PRId64 " to %" PRId64 ", got %s", where, min,
                         max, s);
  return 0;
}

static int
_parse_rlimits (hs_json v, const char *where, hs_resources *res, hs_error *err)
{
  int r = hs_policy_want (v, HS_JSON_OBJECT, where, err);

  for (size_t i = 0; r == 0 && i < hs_json_object_len (v); i++)
    {
      const char *type = hs_json_key_at (v, i);
      _cleanup_free_ char *w = xasprintf ("%s.%s", where, type);
      hs_json e = hs_json_value_at (v, i);
      uint64_t max;
      size_t k;

      for (k = 0; k < HS_ARRAY_SIZE (_rlimits); k++)
        if (strcmp (type, _rlimits[k]) == 0)
          break;
      if (k == HS_ARRAY_SIZE (_rlimits))
        return hs_error_set (err, EINVAL,
                             "unknown rlimit `%s` (names as the OCI spec writes them, such as "
                             "`RLIMIT_NOFILE`)",
                             w);
      r = hs_policy_want (e, HS_JSON_NUMBER, w, err);
      if (r == 0 && hs_json_get_uint (e, UINT64_MAX, &max) < 0)
        r = hs_error_set (err, EINVAL, "`%s` must be a whole number up to 18446744073709551615, got %s", w,
                          hs_json_number_text (e));
      if (r == 0)
        _set_rlimit (res, type, max);
    }
  return r;
}

int
hs_policy_parse_resources (hs_json v, const char *where, hs_resources *res, hs_error *err)
{
  static const char *const keys[] = { "pids", "oom_score_adj_min", "rlimits", NULL };
  _cleanup_free_ char *dot = xasprintf ("%s.", where);
  _cleanup_free_ char *w_pids = xasprintf ("%s.pids", where);
  _cleanup_free_ char *w_oom = xasprintf ("%s.oom_score_adj_min", where);
  _cleanup_free_ char *w_rlimits = xasprintf ("%s.rlimits", where);
  hs_json pids = hs_json_get (v, "pids"), oom = hs_json_get (v, "oom_score_adj_min"),
          rlimits = hs_json_get (v, "rlimits");
  int r = hs_policy_want (v, HS_JSON_OBJECT, where, err);
  uint64_t n;

  if (r == 0)
    r = hs_policy_known_keys (v, dot, keys, err);
  if (r == 0 && pids != NULL && (r = hs_policy_want (pids, HS_JSON_NUMBER, w_pids, err)) == 0)
    {
      if (hs_json_get_uint (pids, INT64_MAX, &n) < 0)
        r = hs_error_set (err, EINVAL, "`%s` must be a whole number (0: add no limit), got %s", w_pids,
                          hs_json_number_text (pids));
      else
        res->pids = (int64_t) n;
    }
  if (r == 0 && oom != NULL)
    r = _integer (oom, w_oom, OOM_SCORE_ADJ_MIN, OOM_SCORE_ADJ_MAX, &res->oom_score_adj_min, err);
  if (r == 0 && rlimits != NULL)
    r = _parse_rlimits (rlimits, w_rlimits, res, err);
  return r;
}
