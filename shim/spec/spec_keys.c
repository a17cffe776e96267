/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "spec/spec_keys.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>

/* The field names of the OCI runtime spec's Go structs (specs-go, 1.2),
 * sorted in lower case for bsearch. */
/* clang-format off */
static const char *const _fields[] = {
  "access", "action", "additionalGids", "allow", "ambient", "annotations", "apparmorProfile", "architectures",
  "args", "blockIO", "bounding", "burst", "capabilities", "cgroupsPath", "checkBeforeUpdate", "class", "classID",
  "closID", "commandLine", "consoleSize", "containerID", "cpu", "cpus", "createContainer", "createRuntime", "cwd",
  "deadline", "defaultAction", "defaultErrnoRet", "destination", "devices", "disableOOMKiller", "domain",
  "domainname", "effective", "enableCMT", "enableMBM", "enableMonitoring", "env", "errnoRet", "execCPUAffinity",
  "fileMode", "final", "flags", "gid", "gidMappings", "hard", "hcaHandles", "hcaObjects", "height", "hooks",
  "hostID", "hostname", "hugepageLimits", "idle", "index", "inheritable", "initial", "intelRdt", "ioPriority",
  "kernel", "kernelTCP", "l3CacheSchema", "leafWeight", "limit", "linux", "listenerMetadata", "listenerPath",
  "major", "maskedPaths", "memBwSchema", "memory", "memoryPolicy", "mems", "minor", "mode", "mountLabel", "mounts",
  "name", "names", "namespaces", "nanosecs", "netDevices", "network", "nice", "nodes", "noNewPrivileges",
  "ociVersion", "oomScoreAdj", "op", "options", "pageSize", "path", "period", "permitted", "personality", "pids",
  "policy", "poststart", "poststop", "prestart", "priorities", "priority", "process", "quota", "rate", "rdma",
  "readonly", "readonlyPaths", "realtimePeriod", "realtimeRuntime", "reservation", "resources", "rlimits", "root",
  "rootfsPropagation", "runtime", "scheduler", "schemata", "seccomp", "secs", "selinuxLabel", "shares", "size",
  "soft", "solaris", "source", "startContainer", "swap", "swappiness", "syscalls", "sysctl", "terminal",
  "throttleReadBpsDevice", "throttleReadIOPSDevice", "throttleWriteBpsDevice", "throttleWriteIOPSDevice",
  "timeOffsets", "timeout", "type", "uid", "uidMappings", "umask", "unified", "useHierarchy", "user", "username",
  "value", "valueTwo", "vm", "weight", "weightDevice", "width", "windows", "zos",
};
/* clang-format on */

/* Objects whose keys are map keys, which Go matches exactly. */
static const char *const _maps[] = { "annotations", "netDevices", "rdma", "sysctl", "timeOffsets", "unified" };

/* key as Go compares it: ASCII letters in lower case, U+017F (ſ) as `s`
 * and U+212A (Kelvin sign) as `k`, every other byte as it is. */
static char *
_fold (const char *key)
{
  char *out = xmalloc (strlen (key) + 1), *o = out;

  for (const unsigned char *p = (const unsigned char *) key; *p; p++)
    {
      if (p[0] == 0xc5 && p[1] == 0xbf)
        *o++ = 's', p++;
      else if (p[0] == 0xe2 && p[1] == 0x84 && p[2] == 0xaa)
        *o++ = 'k', p += 2;
      else
        *o++ = (char) (*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
  *o = '\0';
  return out;
}

/* folded against field in lower case, as strcmp orders. */
static int
_cmp_field (const void *folded, const void *field)
{
  const unsigned char *a = folded, *b = *(const unsigned char *const *) field;

  for (;; a++, b++)
    {
      int lb = *b >= 'A' && *b <= 'Z' ? *b - 'A' + 'a' : *b;
      if (*a != lb || *a == '\0')
        return *a - lb;
    }
}

/* The spec's field name that key (folded: its _fold) stands for in another
 * case, or NULL.  _fields is sorted in lower case. */
static const char *
_field_in_other_case (const char *key, const char *folded)
{
  const char *const *field = bsearch (folded, _fields, HS_ARRAY_SIZE (_fields), sizeof _fields[0], _cmp_field);

  return field == NULL || strcmp (key, *field) == 0 ? NULL : *field;
}

static bool
_is_map (const char *key)
{
  for (size_t i = 0; key != NULL && i < HS_ARRAY_SIZE (_maps); i++)
    if (strcmp (key, _maps[i]) == 0)
      return true;
  return false;
}

static int _check (hs_json v, const char *pointer, const char *parent_key, const char *file, hs_error *err);

typedef struct
{
  const char *folded;
  size_t index;
} _folded_key;

static int
_cmp_folded (const void *a, const void *b)
{
  const _folded_key *x = a, *y = b;
  int c = strcmp (x->folded, y->folded);

  return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* For each of the n folded keys, the index of the next one that is the
 * same, or SIZE_MAX: found by sorting, O(n log n) for any number of keys. */
static size_t *
_next_same (char *const *folded, size_t n)
{
  _cleanup_free_ _folded_key *sorted = xcalloc (n + 1, sizeof *sorted);
  size_t *next = xcalloc (n + 1, sizeof *next);

  for (size_t i = 0; i < n; i++)
    sorted[i] = (_folded_key){ folded[i], i };
  qsort (sorted, n, sizeof *sorted, _cmp_folded);
  for (size_t i = 0; i < n; i++)
    {
      bool same = i + 1 < n && strcmp (sorted[i].folded, sorted[i + 1].folded) == 0;
      next[sorted[i].index] = same ? sorted[i + 1].index : SIZE_MAX;
    }
  return next;
}

static void
_free_folded (char **folded, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (folded[i]);
  free (folded);
}

/* The keys of one object: none a field name in another case (unless map),
 * no two the same to Go.  Named: the first key in order that breaks a rule,
 * with the next key it is the same as. */
static int
_check_keys (hs_json v, const char *pointer, bool map, const char *file, hs_error *err)
{
  size_t n = hs_json_object_len (v);
  char **folded = xcalloc (n + 1, sizeof (char *));
  _cleanup_free_ size_t *next = NULL;
  const char *where = pointer[0] ? pointer : "/";
  int r = 0;

  for (size_t i = 0; i < n; i++)
    folded[i] = _fold (hs_json_key_at (v, i));
  next = _next_same (folded, n);
  for (size_t i = 0; r == 0 && i < n; i++)
    {
      const char *key = hs_json_key_at (v, i);
      const char *field = map ? NULL : _field_in_other_case (key, folded[i]);
      if (field != NULL)
        r = hs_error_set (err, EINVAL,
                          "`%s`: key `%s` at %s: runc reads it as `%s` (Go matches JSON keys in any "
                          "case), hardshim does not: refused",
                          file, key, where, field);
      else if (next[i] != SIZE_MAX)
        r = hs_error_set (err, EINVAL, "`%s`: keys `%s` and `%s` at %s are one key to runc: refused", file, key,
                          hs_json_key_at (v, next[i]), where);
    }
  _free_folded (folded, n);
  return r;
}

static int
_check_object (hs_json v, const char *pointer, bool map, const char *file, hs_error *err)
{
  int r = _check_keys (v, pointer, map, file, err);

  for (size_t i = 0; r == 0 && i < hs_json_object_len (v); i++)
    {
      hs_json value = hs_json_value_at (v, i);
      _cleanup_free_ char *child = NULL;
      if (!hs_json_is_object (value) && !hs_json_is_array (value))
        continue; /* no keys below */
      child = xasprintf ("%s/%s", pointer, hs_json_key_at (v, i));
      r = _check (value, child, hs_json_key_at (v, i), file, err);
    }
  return r;
}

static int
_check (hs_json v, const char *pointer, const char *parent_key, const char *file, hs_error *err)
{
  if (hs_json_is_object (v))
    return _check_object (v, pointer, _is_map (parent_key), file, err);
  for (size_t i = 0; hs_json_is_array (v) && i < hs_json_array_len (v); i++)
    {
      hs_json value = hs_json_at (v, i);
      _cleanup_free_ char *child = NULL;
      int r;
      if (!hs_json_is_object (value) && !hs_json_is_array (value))
        continue; /* no keys below */
      child = xasprintf ("%s/%zu", pointer, i);
      r = _check (value, child, NULL, file, err);
      if (r < 0)
        return r;
    }
  return 0;
}

int
hs_spec_keys_check (hs_json tree, const char *file, hs_error *err)
{
  return _check (tree, "", NULL, file, err);
}
