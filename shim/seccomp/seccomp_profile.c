/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "seccomp/seccomp_profile.h"
#include "seccomp/seccomp_builtin.h"
#include "policy/capnames.h"
#include "spec/file.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#define PROFILE_MAX_BYTES (1024u * 1024u)

static void _rule_release (hs_scmp_rule *r);
static int _lookup (const char *const *names, size_t n, const char *s);

struct hs_scmp_strings
{
  hs_scmp_strings *next;
  size_t used, size;
  char data[];
};

#define STRINGS_BLOCK 4000u

/* A copy of s in p's strings. */
static const char *
_own (hs_scmp_profile *p, const char *s)
{
  size_t len = strlen (s) + 1;
  hs_scmp_strings *b = p->strings;
  char *copy;

  if (b == NULL || b->size - b->used < len)
    {
      size_t size = len > STRINGS_BLOCK ? len : STRINGS_BLOCK;
      b = xmalloc (sizeof *b + size);
      b->used = 0;
      b->size = size;
      b->next = p->strings;
      p->strings = b;
    }
  copy = memcpy (b->data + b->used, s, len);
  b->used += len;
  return copy;
}

/* clang-format off */
static const char *const _actions[] = {
  "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",  "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",       "SCMP_ACT_TRAP",
  "SCMP_ACT_KILL",  "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_NOTIFY",
};
/* clang-format on */

/* Indexed by hs_scmp_op. */
static const char *const _ops[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};

static const struct
{
  uint32_t token;
  const char *name;
} _arches[] = {
  { SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64" },   { SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64" },
  { SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE" }, { SCMP_ARCH_S390X, "SCMP_ARCH_S390X" },
  { SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64" },
};

const char *
hs_scmp_native_arch (void)
{
  uint32_t native = seccomp_arch_native ();

  for (size_t i = 0; i < HS_ARRAY_SIZE (_arches); i++)
    if (_arches[i].token == native)
      return _arches[i].name;
  return NULL;
}

bool
hs_scmp_is_foreign (const char *name)
{
  int nr = seccomp_syscall_resolve_name_arch (SCMP_ARCH_NATIVE, name);

  return nr < 0 && nr != __NR_SCMP_ERROR;
}

void
hs_scmp_drop_foreign (hs_scmp_profile *p)
{
  size_t kept = 0;

  for (size_t i = 0; i < p->nrules; i++)
    {
      if (hs_scmp_is_foreign (p->rules[i].name))
        _rule_release (&p->rules[i]);
      else
        p->rules[kept++] = p->rules[i];
    }
  p->nrules = kept;
}

/* Indices into _actions. */
enum
{
  A_ALLOW,
  A_LOG,
  A_ERRNO,
  A_TRACE,
  A_TRAP,
  A_KILL,
  A_KILL_THREAD,
  A_KILL_PROCESS,
  A_NOTIFY,
};

/* The index of action in _actions, -1 when it is none: a pointer compare
 * for the names rules hold (hs_scmp_add_rule), else by text. */
static int
_action_index (const char *action)
{
  for (size_t i = 0; i < HS_ARRAY_SIZE (_actions); i++)
    if (action == _actions[i])
      return (int) i;
  return _lookup (_actions, HS_ARRAY_SIZE (_actions), action);
}

static bool
_lets_through (const char *action, bool has_errno, uint32_t errno_ret)
{
  int k = _action_index (action);

  return k == A_ALLOW || k == A_LOG || k == A_NOTIFY || k == A_TRACE || (k == A_ERRNO && has_errno && errno_ret == 0);
}

bool
hs_scmp_rule_allows (const hs_scmp_rule *r)
{
  return _lets_through (r->action, r->has_errno, r->errno_ret);
}

void
hs_scmp_rule_taken (const hs_scmp_rule *rule, bool audit, hs_scmp_rule *ret)
{
  *ret = *rule;
  memset (&ret->caps_include, 0, sizeof ret->caps_include);
  memset (&ret->caps_exclude, 0, sizeof ret->caps_exclude);
  if (audit && !hs_scmp_rule_allows (ret))
    {
      ret->action = "SCMP_ACT_LOG";
      ret->has_errno = false;
    }
}

bool
hs_scmp_default_allows (const hs_scmp_profile *p)
{
  return _lets_through (p->default_action, p->has_default_errno, p->default_errno);
}

bool
hs_scmp_rule_asks (const hs_scmp_rule *r)
{
  int k = _action_index (r->action);

  return hs_scmp_rule_allows (r) && k != A_ALLOW && k != A_LOG;
}

static int
_lookup (const char *const *names, size_t n, const char *s)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (names[i], s) == 0)
      return (int) i;
  return -1;
}

static int
_bad (const char *where, const char *what, hs_error *err)
{
  return hs_error_set (err, EINVAL, "%s: %s", where, what);
}

static int
_keys (hs_json obj, const char *const *known, size_t n, const char *where, hs_error *err)
{
  for (size_t i = 0; i < hs_json_object_len (obj); i++)
    if (_lookup (known, n, hs_json_key_at (obj, i)) < 0)
      return hs_error_set (err, EINVAL, "%s: unknown key `%s`", where, hs_json_key_at (obj, i));
  return 0;
}

static int
_uint (hs_json v, uint64_t max, const char *where, const char *key, uint64_t *ret, hs_error *err)
{
  if (hs_json_get_uint (v, max, ret) < 0)
    return hs_error_set (err, EINVAL, "%s: `%s` must be a whole number up to %llu", where, key,
                         (unsigned long long) max);
  return 0;
}

static int
_strings (hs_json arr, const char *where, const char *key, hs_strv *ret, hs_error *err)
{
  if (!hs_json_is_array (arr))
    return hs_error_set (err, EINVAL, "%s: `%s` must be an array of strings", where, key);
  for (size_t i = 0; i < hs_json_array_len (arr); i++)
    {
      if (!hs_json_is_string (hs_json_at (arr, i)))
        return hs_error_set (err, EINVAL, "%s: `%s` must be an array of strings", where, key);
      hs_strv_add (ret, xstrdup (hs_json_string (hs_json_at (arr, i))));
    }
  return 0;
}

const char *
hs_scmp_action_name (hs_scmp_profile *p, const char *action)
{
  int k = _action_index (action);

  return k >= 0 ? _actions[k] : _own (p, action);
}

static int
_action (hs_json v, const char *where, const char **ret, hs_error *err)
{
  int k;

  if (!hs_json_is_string (v))
    return _bad (where, "the action must be a string", err);
  if ((k = _lookup (_actions, HS_ARRAY_SIZE (_actions), hs_json_string (v))) < 0)
    return hs_error_set (err, EINVAL, "%s: unknown action `%s`", where, hs_json_string (v));
  *ret = _actions[k];
  return 0;
}

static int
_arg (hs_json a, const char *where, hs_scmp_rule *rule, hs_error *err)
{
  static const char *const keys[] = { "index", "value", "valueTwo", "op" };
  hs_json op = hs_json_get (a, "op");
  hs_scmp_arg *arg = &rule->args[rule->nargs];
  uint64_t index;
  int k, r;

  if (!hs_json_is_object (a))
    return _bad (where, "an argument condition must be an object", err);
  r = _keys (a, keys, HS_ARRAY_SIZE (keys), where, err);
  if (r == 0)
    r = _uint (hs_json_get (a, "index"), HS_SCMP_MAX_ARGS - 1, where, "index", &index, err);
  if (r == 0)
    r = _uint (hs_json_get (a, "value"), UINT64_MAX, where, "value", &arg->value, err);
  if (r == 0 && hs_json_get (a, "valueTwo") != NULL)
    r = _uint (hs_json_get (a, "valueTwo"), UINT64_MAX, where, "valueTwo", &arg->value_two, err);
  if (r < 0)
    return r;
  if (!hs_json_is_string (op) || (k = _lookup (_ops, HS_ARRAY_SIZE (_ops), hs_json_string (op))) < 0)
    return hs_error_set (err, EINVAL, "%s: unknown operator `%s`", where,
                         hs_json_is_string (op) ? hs_json_string (op) : "");
  arg->index = (uint32_t) index;
  arg->op = (hs_scmp_op) k;
  rule->nargs++;
  return 0;
}

static int
_caps (hs_json obj, const char *where, hs_strv *ret, hs_error *err)
{
  static const char *const keys[] = { "caps" };
  hs_json caps = hs_json_get (obj, "caps");
  int r;

  if (!hs_json_is_object (obj))
    return _bad (where, "`includes` and `excludes` must be objects", err);
  r = _keys (obj, keys, HS_ARRAY_SIZE (keys), where, err);
  if (r < 0 || caps == NULL)
    return r;
  if (!hs_json_is_array (caps))
    return _bad (where, "`caps` must be an array of strings", err);
  for (size_t i = 0; i < hs_json_array_len (caps); i++)
    {
      char *name = NULL;
      hs_json c = hs_json_at (caps, i);
      if (!hs_json_is_string (c))
        return _bad (where, "`caps` must be an array of strings", err);
      r = hs_capname_normalize (hs_json_string (c), &name, err);
      if (r < 0)
        {
          hs_error_prefix (err, "%s", where);
          return r;
        }
      hs_strv_add (ret, name);
    }
  return 0;
}

static void
_rule_release (hs_scmp_rule *r)
{
  if (r->caps_include.v == NULL && r->caps_exclude.v == NULL)
    return; /* most rules */
  hs_strv_release (&r->caps_include);
  hs_strv_release (&r->caps_exclude);
}

/* Whether two conditions of r compare the same argument. */
static bool
_compares_twice (const hs_scmp_rule *r)
{
  for (size_t i = 0; i < r->nargs; i++)
    for (size_t j = i + 1; j < r->nargs; j++)
      if (r->args[i].index == r->args[j].index)
        return true;
  return false;
}

/* Add rule for name: as it is, or, when it compares one argument twice, as
 * runc 1.1 and crun 1.8 build it (measured with both): each condition a
 * rule of its own, all of the same action (libseccomp refuses two
 * comparisons of one argument in a rule).  The names split go to
 * p->split. */
static void
_add_named (hs_scmp_profile *p, const hs_scmp_rule *rule, const char *name)
{
  bool split = _compares_twice (rule);

  for (size_t k = 0; k < (split ? rule->nargs : 1); k++)
    {
      hs_scmp_rule named = *rule, *added;
      named.name = name;
      added = hs_scmp_add_rule (p, &named);
      if (split)
        {
          added->args[0] = rule->args[k];
          added->nargs = 1;
        }
      /* conditions by argument index: one rule is written one way (the
       * merge writes its conjunctions so, seccomp_merge.h) */
      for (size_t i = 1; i < added->nargs; i++)
        for (size_t j = i; j > 0 && added->args[j - 1].index > added->args[j].index; j--)
          {
            hs_scmp_arg t = added->args[j];
            added->args[j] = added->args[j - 1];
            added->args[j - 1] = t;
          }
      for (size_t c = 0; c < rule->caps_include.n; c++)
        hs_strv_add (&added->caps_include, xstrdup (rule->caps_include.v[c]));
      for (size_t c = 0; c < rule->caps_exclude.n; c++)
        hs_strv_add (&added->caps_exclude, xstrdup (rule->caps_exclude.v[c]));
    }
  if (split && !hs_strv_contains (&p->split, name))
    hs_strv_add (&p->split, xstrdup (name));
}

/* One entry of `syscalls`: parsed once, added once per name. */
static int
_entry (hs_scmp_profile *p, hs_json e, bool profile_file, const char *where, hs_error *err)
{
  static const char *const keys[] = { "names", "action", "errnoRet", "args", "comment", "includes", "excludes" };
  size_t nkeys = profile_file ? HS_ARRAY_SIZE (keys) : 4;
  hs_json names = hs_json_get (e, "names"), args = hs_json_get (e, "args"), v;
  hs_scmp_rule rule = { 0 };
  uint64_t n;
  int r;

  if (!hs_json_is_object (e))
    return _bad (where, "a syscalls entry must be an object", err);
  r = _keys (e, keys, nkeys, where, err);
  if (r == 0 && (!hs_json_is_array (names) || hs_json_array_len (names) == 0))
    r = _bad (where, "`names` must be a non-empty array of strings", err);
  if (r == 0)
    r = _action (hs_json_get (e, "action"), where, &rule.action, err);
  if (r == 0 && (v = hs_json_get (e, "errnoRet")) != NULL
      && (r = _uint (v, UINT16_MAX, where, "errnoRet", &n, err)) == 0)
    {
      rule.has_errno = true;
      rule.errno_ret = (uint32_t) n;
    }
  if (r == 0 && args != NULL && !hs_json_is_array (args) && !hs_json_is_null (args))
    r = _bad (where, "`args` must be an array", err);
  for (size_t i = 0; r == 0 && hs_json_is_array (args) && i < hs_json_array_len (args); i++)
    if (rule.nargs == HS_SCMP_MAX_ARGS)
      r = _bad (where, "more argument conditions than a syscall has arguments", err);
    else
      r = _arg (hs_json_at (args, i), where, &rule, err);
  if (r == 0 && (v = hs_json_get (e, "includes")) != NULL)
    r = _caps (v, where, &rule.caps_include, err);
  if (r == 0 && (v = hs_json_get (e, "excludes")) != NULL)
    r = _caps (v, where, &rule.caps_exclude, err);
  for (size_t i = 0; r == 0 && i < hs_json_array_len (names); i++)
    {
      hs_json name = hs_json_at (names, i);
      if (!hs_json_is_string (name) || hs_json_string (name)[0] == '\0')
        r = _bad (where, "`names` must be a non-empty array of strings", err);
      else
        _add_named (p, &rule, hs_json_string (name));
    }
  _rule_release (&rule);
  return r;
}

static int
_parse (hs_json obj, bool profile_file, const char *where, hs_scmp_profile *p, hs_error *err)
{
  /* clang-format off */
  static const char *const keys[] = { "defaultAction", "defaultErrnoRet", "architectures", "flags", "syscalls",
                                      "listenerPath",  "listenerMetadata", "comment" };
  /* clang-format on */
  size_t nkeys = HS_ARRAY_SIZE (keys) - (profile_file ? 0 : 1);
  hs_json syscalls = hs_json_get (obj, "syscalls"), v;
  uint64_t n;
  int r;

  if (!hs_json_is_object (obj))
    return _bad (where, "must be an object", err);
  r = _keys (obj, keys, nkeys, where, err);
  if (r == 0)
    r = _action (hs_json_get (obj, "defaultAction"), where, &p->default_action, err);
  if (r == 0 && (v = hs_json_get (obj, "defaultErrnoRet")) != NULL
      && (r = _uint (v, UINT16_MAX, where, "defaultErrnoRet", &n, err)) == 0)
    {
      p->has_default_errno = true;
      p->default_errno = (uint32_t) n;
    }
  if (r == 0 && (v = hs_json_get (obj, "architectures")) != NULL && !hs_json_is_null (v))
    r = _strings (v, where, "architectures", &p->arches, err);
  if (r == 0 && (v = hs_json_get (obj, "flags")) != NULL && !hs_json_is_null (v))
    r = _strings (v, where, "flags", &p->flags, err);
  if (r == 0 && syscalls != NULL && !hs_json_is_array (syscalls) && !hs_json_is_null (syscalls))
    r = _bad (where, "`syscalls` must be an array", err);
  if (r == 0)
    {
      /* one rule a name (more where a rule is split): room for them at once */
      size_t names = 0;
      for (size_t i = 0; i < hs_json_array_len (syscalls); i++)
        names += hs_json_array_len (hs_json_get (hs_json_at (syscalls, i), "names"));
      hs_scmp_reserve (p, names);
    }
  for (size_t i = 0; r == 0 && hs_json_is_array (syscalls) && i < hs_json_array_len (syscalls); i++)
    {
      _cleanup_free_ char *at = xasprintf ("%s: syscalls[%zu]", where, i);
      r = _entry (p, hs_json_at (syscalls, i), profile_file, at, err);
    }
  for (size_t i = 0; r == 0 && i < 2; i++)
    {
      const char *key = i == 0 ? "listenerPath" : "listenerMetadata";
      if ((v = hs_json_get (obj, key)) == NULL)
        continue;
      if (!hs_json_is_string (v))
        return hs_error_set (err, EINVAL, "%s: `%s` must be a string", where, key);
      if (p->extra == NULL)
        p->extra = hs_json_new_object ();
      hs_json_object_set (p->extra, key, hs_json_copy (v));
    }
  if (r == 0)
    hs_scmp_sort (p);
  return r;
}

int
hs_scmp_parse (hs_json obj, bool profile_file, const char *where, hs_scmp_profile *ret, hs_error *err)
{
  _cleanup_scmp_profile_ hs_scmp_profile p = { 0 };
  int r = _parse (obj, profile_file, where, &p, err);

  if (r < 0)
    return r;
  *ret = TAKE_STRUCT (p);
  return 0;
}

int
hs_scmp_load (const char *path, hs_scmp_profile *ret, hs_error *err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_free_ char *shown = xasprintf ("seccomp profile `%s`", path);
  _cleanup_json_ hs_json tree = NULL;
  size_t len;
  int r;

  r = hs_file_read_trusted (path, shown, PROFILE_MAX_BYTES, &text, &len, err);
  if (r == 0 && len == hs_scmp_builtin_len && memcmp (text, hs_scmp_builtin_text, len) == 0)
    {
      hs_scmp_builtin_profile (ret);
      return 0;
    }
  if (r == 0 && (r = hs_json_parse (text, len, &tree, err)) < 0)
    hs_error_prefix (err, "%s", shown);
  if (r == 0)
    r = hs_scmp_parse (tree, true, shown, ret, err);
  return r;
}

void
hs_scmp_reserve (hs_scmp_profile *p, size_t n)
{
  if (n <= p->capacity - p->nrules)
    return;
  p->capacity = p->nrules + n;
  p->rules = xrealloc (p->rules, p->capacity * sizeof *p->rules);
}

void
hs_scmp_builtin_profile (hs_scmp_profile *ret)
{
  const char *s = hs_scmp_builtin_strings;
  const hs_scmp_builtin_head *h = &hs_scmp_builtin_head_;
  hs_scmp_profile p = { 0 };
  uint32_t last_action = UINT32_MAX; /* rules of one action come in runs */
  const char *action = NULL;

  p.default_action = hs_scmp_action_name (&p, s + h->default_action);
  p.has_default_errno = h->has_default_errno;
  p.default_errno = h->default_errno;
  for (uint32_t k = 0; k < h->narches; k++)
    hs_strv_add (&p.arches, xstrdup (s + hs_scmp_builtin_lists[h->arches + k]));
  for (uint32_t k = 0; k < h->nflags; k++)
    hs_strv_add (&p.flags, xstrdup (s + hs_scmp_builtin_lists[h->flags + k]));
  for (uint32_t k = 0; k < h->nsplit; k++)
    hs_strv_add (&p.split, xstrdup (s + hs_scmp_builtin_lists[h->split + k]));
  hs_scmp_reserve (&p, h->nrules);
  for (uint32_t i = 0; i < h->nrules; i++)
    {
      const hs_scmp_builtin_rule *b = &hs_scmp_builtin_rules[i];
      hs_scmp_rule *r = &p.rules[p.nrules++];

      memset (r, 0, sizeof *r);
      r->name = s + b->name; /* static: names are never freed one by one */
      if (b->action != last_action)
        action = hs_scmp_action_name (&p, s + (last_action = b->action));
      r->action = action;
      r->has_errno = b->has_errno;
      r->errno_ret = b->errno_ret;
      r->nargs = b->nargs;
      memcpy (r->args, b->args, b->nargs * sizeof r->args[0]);
      for (uint32_t k = 0; k < b->ninclude; k++)
        hs_strv_add (&r->caps_include, xstrdup (s + hs_scmp_builtin_lists[b->include + k]));
      for (uint32_t k = 0; k < b->nexclude; k++)
        hs_strv_add (&r->caps_exclude, xstrdup (s + hs_scmp_builtin_lists[b->exclude + k]));
    }
  *ret = p;
}

hs_scmp_rule *
hs_scmp_add_rule (hs_scmp_profile *p, const hs_scmp_rule *r)
{
  const char *last;
  hs_scmp_rule *n;

  last = p->nrules > 0 ? p->rules[p->nrules - 1].name : NULL;
  if (p->nrules == p->capacity)
    hs_scmp_reserve (p, p->capacity ? p->capacity : 64);
  n = &p->rules[p->nrules++];
  *n = *r;
  if (r->name != NULL)
    n->name = last != NULL && (last == r->name || strcmp (last, r->name) == 0) ? last : _own (p, r->name);
  n->action = hs_scmp_action_name (p, r->action);
  memset (&n->caps_include, 0, sizeof n->caps_include);
  memset (&n->caps_exclude, 0, sizeof n->caps_exclude);
  return n;
}

/* The end of the run of rules in name order that starts at idx[start]. */
static size_t
_run_end (const hs_scmp_profile *p, const size_t *idx, size_t start, size_t n)
{
  size_t end = start + 1;

  while (end < n && strcmp (p->rules[idx[end - 1]].name, p->rules[idx[end]].name) <= 0)
    end++;
  return end;
}

/* A stable merge sort of rule indices that merges the runs already in
 * order (a profile file lists a few), then moves each rule once. */
void
hs_scmp_sort (hs_scmp_profile *p)
{
  size_t n = p->nrules, runs;
  _cleanup_free_ size_t *buf = NULL;
  size_t *idx, *out;

  for (runs = 1; runs < n && strcmp (p->rules[runs - 1].name, p->rules[runs].name) <= 0; runs++)
    ;
  if (runs >= n)
    return;
  buf = xmalloc (2 * n * sizeof *buf);
  idx = buf;
  out = buf + n;
  for (size_t i = 0; i < n; i++)
    idx[i] = i;
  do
    {
      size_t start = 0, *t;
      runs = 0;
      while (start < n)
        {
          size_t mid = _run_end (p, idx, start, n), end = mid < n ? _run_end (p, idx, mid, n) : n;
          size_t a = start, b = mid, o = start;
          while (a < mid && b < end)
            out[o++] = strcmp (p->rules[idx[b]].name, p->rules[idx[a]].name) < 0 ? idx[b++] : idx[a++];
          while (a < mid)
            out[o++] = idx[a++];
          while (b < end)
            out[o++] = idx[b++];
          start = end;
          runs++;
        }
      t = idx, idx = out, out = t;
    }
  while (runs > 1);
  /* rules[i] takes rules[idx[i]]: follow each cycle with one rule aside */
  for (size_t i = 0; i < n; i++)
    {
      hs_scmp_rule aside;
      size_t j = i;
      if (idx[i] == i)
        continue;
      aside = p->rules[i];
      while (idx[j] != i)
        {
          size_t from = idx[j];
          p->rules[j] = p->rules[from];
          idx[j] = j;
          j = from;
        }
      p->rules[j] = aside;
      idx[j] = j;
    }
}

const hs_scmp_rule *
hs_scmp_find (const hs_scmp_profile *p, const char *name, size_t *ret_n)
{
  size_t lo = 0, hi = p->nrules, end;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (strcmp (p->rules[mid].name, name) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (end = lo; end < p->nrules && strcmp (p->rules[end].name, name) == 0; end++)
    ;
  *ret_n = end - lo;
  return end > lo ? &p->rules[lo] : NULL;
}

static hs_json
_entry_json (const hs_scmp_rule *r)
{
  hs_json e = hs_json_new_object ();
  hs_json names = hs_json_new_array ();

  hs_json_array_append (names, hs_json_new_string (r->name));
  hs_json_object_set (e, "names", names);
  hs_json_object_set (e, "action", hs_json_new_string (r->action));
  if (r->has_errno)
    hs_json_object_set (e, "errnoRet", hs_json_new_uint (r->errno_ret));
  if (r->nargs > 0)
    {
      hs_json args = hs_json_new_array ();
      for (size_t i = 0; i < r->nargs; i++)
        {
          hs_json a = hs_json_new_object ();
          hs_json_object_set (a, "index", hs_json_new_uint (r->args[i].index));
          hs_json_object_set (a, "value", hs_json_new_uint (r->args[i].value));
          hs_json_object_set (a, "valueTwo", hs_json_new_uint (r->args[i].value_two));
          hs_json_object_set (a, "op", hs_json_new_string (_ops[r->args[i].op]));
          hs_json_array_append (args, a);
        }
      hs_json_object_set (e, "args", args);
    }
  return e;
}

bool
hs_scmp_same_action (const hs_scmp_rule *a, const hs_scmp_rule *b)
{
  return (a->action == b->action || strcmp (a->action, b->action) == 0) && a->has_errno == b->has_errno
         && (!a->has_errno || a->errno_ret == b->errno_ret);
}

hs_json
hs_scmp_to_json (const hs_scmp_profile *p)
{
  hs_json obj = hs_json_new_object ();
  hs_json syscalls = hs_json_new_array ();
  _cleanup_free_ bool *done = xcalloc (p->nrules ? p->nrules : 1, sizeof (bool));

  hs_json_object_set (obj, "defaultAction", hs_json_new_string (p->default_action));
  if (p->has_default_errno)
    hs_json_object_set (obj, "defaultErrnoRet", hs_json_new_uint (p->default_errno));
  hs_json_object_set (obj, "architectures", hs_json_new_strv (&p->arches));
  hs_json_object_set (obj, "flags", hs_json_new_strv (&p->flags));
  for (size_t i = 0; p->extra != NULL && i < hs_json_object_len (p->extra); i++)
    hs_json_object_set (obj, hs_json_key_at (p->extra, i), hs_json_copy (hs_json_value_at (p->extra, i)));

  /* Unconditional rules of one action in one entry, in the order the
   * actions first appear; then every conditional rule on its own. */
  for (size_t i = 0; i < p->nrules; i++)
    {
      hs_json e, names;
      if (done[i] || p->rules[i].nargs > 0)
        continue;
      e = _entry_json (&p->rules[i]);
      names = hs_json_get (e, "names");
      for (size_t j = i + 1; j < p->nrules; j++)
        if (!done[j] && p->rules[j].nargs == 0 && hs_scmp_same_action (&p->rules[i], &p->rules[j]))
          {
            hs_json_array_append (names, hs_json_new_string (p->rules[j].name));
            done[j] = true;
          }
      hs_json_array_append (syscalls, e);
    }
  for (size_t i = 0; i < p->nrules; i++)
    if (p->rules[i].nargs > 0)
      hs_json_array_append (syscalls, _entry_json (&p->rules[i]));
  hs_json_object_set (obj, "syscalls", syscalls);
  return obj;
}

void
hs_scmp_release (hs_scmp_profile *p)
{
  hs_strv_release (&p->arches);
  hs_strv_release (&p->flags);
  hs_strv_release (&p->split);
  for (size_t i = 0; i < p->nrules; i++)
    _rule_release (&p->rules[i]);
  free (p->rules);
  hs_json_free (p->extra);
  while (p->strings != NULL)
    {
      hs_scmp_strings *next = p->strings->next;
      free (p->strings);
      p->strings = next;
    }
  memset (p, 0, sizeof *p);
}
