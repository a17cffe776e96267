/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp measure and what it is built on.
 *
 * - Profile hygiene: every profile in profiles/seccomp/ names only syscalls
 *   libseccomp knows on this machine, and the profile a container gets
 *   compiles into a real libseccomp filter the way runc and crun build it
 *   (seccomp_init, seccomp_rule_add_array, seccomp_export_bpf to /dev/null;
 *   never seccomp_load).  default.json holds the required denials.
 * - hs_scmp_arg_and as a truth table.
 * - hs_scmp_merge as a table of small profiles: the merged JSON, exactly,
 *   and the diff lists; every merged profile compiles and merging it again
 *   with hardshim's profile gives the same text.
 * - hs_scmp_parse errors as a table.
 * - The measure through hs_harden.
 *
 * Test JSON is written with ' for " (no test string needs an apostrophe). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "measures/harden.h"
#include "runtime/journal.h"
#include "seccomp/seccomp_builtin.h"
#include "seccomp/seccomp_merge.h"
#include "seccomp/seccomp_profile.h"
#include "testutil.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <seccomp.h>

/* ---- helpers ------------------------------------------------------------ */

/* text with every ' turned into ". */
static char *
_dq (const char *text)
{
  char *s = xstrdup (text);

  for (char *p = s; *p; p++)
    if (*p == '\'')
      *p = '"';
  return s;
}

static hs_json
_tree (const char *single_quoted)
{
  _cleanup_free_ char *text = _dq (single_quoted);
  return tu_parse (text);
}

static char *
_generate (hs_json v)
{
  char *out = NULL;
  hs_error err = { 0 };

  if (hs_json_generate (v, false, &out, NULL, &err) < 0)
    abort ();
  return out;
}

static char *
_profile_text (const hs_scmp_profile *p)
{
  _cleanup_json_ hs_json j = hs_scmp_to_json (p);
  return _generate (j);
}

/* Parse a profile given as single-quoted JSON; aborts the test on failure. */
static void
_parse (const char *single_quoted, bool profile_file, hs_scmp_profile *ret)
{
  _cleanup_json_ hs_json tree = _tree (single_quoted);
  hs_error err = { 0 };

  if (hs_scmp_parse (tree, profile_file, "test", ret, &err) < 0)
    fail_msg ("test profile refused: %s\n%s", err.msg, single_quoted);
}

static char *
_join (const hs_strv *s)
{
  size_t len = 1;
  char *out;

  for (size_t i = 0; i < s->n; i++)
    len += strlen (s->v[i]) + 1;
  out = xcalloc (1, len);
  for (size_t i = 0; i < s->n; i++)
    {
      if (i > 0)
        strcat (out, ",");
      strcat (out, s->v[i]);
    }
  return out;
}

static const char *
_native (void)
{
  const char *n = hs_scmp_native_arch ();
  if (n == NULL)
    fail_msg ("hardshim does not support this machine's architecture");
  return n;
}

/* ---- libseccomp, as runc and crun use it -------------------------------- */

static bool
_supports_errno (const char *action)
{
  return strcmp (action, "SCMP_ACT_ERRNO") == 0 || strcmp (action, "SCMP_ACT_TRACE") == 0;
}

static uint32_t
_scmp_action (const char *action, bool has_errno, uint32_t errno_ret)
{
  uint16_t e = (uint16_t) (has_errno ? errno_ret : EPERM); /* runc and crun: EPERM when errnoRet is absent */

  if (strcmp (action, "SCMP_ACT_ALLOW") == 0)
    return SCMP_ACT_ALLOW;
  if (strcmp (action, "SCMP_ACT_LOG") == 0)
    return SCMP_ACT_LOG;
  if (strcmp (action, "SCMP_ACT_ERRNO") == 0)
    return SCMP_ACT_ERRNO (e);
  if (strcmp (action, "SCMP_ACT_TRACE") == 0)
    return SCMP_ACT_TRACE (e);
  if (strcmp (action, "SCMP_ACT_TRAP") == 0)
    return SCMP_ACT_TRAP;
  if (strcmp (action, "SCMP_ACT_KILL") == 0 || strcmp (action, "SCMP_ACT_KILL_THREAD") == 0)
    return SCMP_ACT_KILL_THREAD;
  if (strcmp (action, "SCMP_ACT_KILL_PROCESS") == 0)
    return SCMP_ACT_KILL_PROCESS;
  if (strcmp (action, "SCMP_ACT_NOTIFY") == 0)
    return SCMP_ACT_NOTIFY;
  fail_msg ("no libseccomp action for `%s`", action);
  return 0;
}

/* The libseccomp API level an action needs: LOG and KILL_PROCESS need 3,
 * NOTIFY 5.  libseccomp asks the kernel; under valgrind, which does not
 * know the seccomp syscall, the level is lower than the kernel's. */
static unsigned int
_action_api (const char *action)
{
  if (strcmp (action, "SCMP_ACT_LOG") == 0 || strcmp (action, "SCMP_ACT_KILL_PROCESS") == 0)
    return 3;
  if (strcmp (action, "SCMP_ACT_NOTIFY") == 0)
    return 5;
  return 1;
}

/* true, after a SKIP line, when p uses an action libseccomp cannot add here. */
static bool
_skip_unavailable (const hs_scmp_profile *p, const char *what)
{
  unsigned int api = seccomp_api_get (), need = _action_api (p->default_action);

  for (size_t i = 0; i < p->nrules; i++)
    if (_action_api (p->rules[i].action) > need)
      need = _action_api (p->rules[i].action);
  if (need <= api)
    return false;
  print_message ("SKIP compiling `%s`: it needs libseccomp API level %u, this system has %u%s\n", what, need, api,
                 getenv ("LD_PRELOAD") || getenv ("VALGRIND_LIB") ? " (under valgrind?)" : "");
  return true;
}

/* Build the filter the way runc and crun do (a rule whose action is the
 * default is skipped; errnoRet only on ERRNO and TRACE, as crun demands;
 * unknown syscalls are an error, as with crun's fail-unknown option),
 * generate its BPF into /dev/null, and never load it.  Returns the number
 * of problems, each printed with what. */
static int
_compile (const hs_scmp_profile *p, const char *what)
{
  int problems = 0, r, fd;
  uint32_t def;
  scmp_filter_ctx ctx;

  if (_skip_unavailable (p, what))
    return 0;
  if (p->has_default_errno && !_supports_errno (p->default_action))
    {
      print_error ("%s: defaultErrnoRet with %s (crun refuses it)\n", what, p->default_action);
      problems++;
    }
  def = _scmp_action (p->default_action, p->has_default_errno, p->default_errno);
  ctx = seccomp_init (def);
  if (ctx == NULL)
    {
      print_error ("%s: seccomp_init (%s) failed\n", what, p->default_action);
      return problems + 1;
    }
  for (size_t i = 0; i < p->arches.n; i++)
    {
      const char *a = p->arches.v[i];
      char lower[32] = { 0 };
      uint32_t token;

      if (strncmp (a, "SCMP_ARCH_", 10) == 0)
        a += 10;
      for (size_t k = 0; a[k] && k < sizeof lower - 1; k++)
        lower[k] = (char) tolower ((unsigned char) a[k]);
      token = seccomp_arch_resolve_name (lower);
      if (token == 0)
        {
          print_error ("%s: libseccomp does not know architecture `%s`\n", what, p->arches.v[i]);
          problems++;
          continue;
        }
      r = seccomp_arch_add (ctx, token);
      if (r < 0 && r != -EEXIST)
        {
          print_error ("%s: seccomp_arch_add (%s): %s\n", what, p->arches.v[i], strerror (-r));
          problems++;
        }
    }
  for (size_t i = 0; i < p->nrules; i++)
    {
      const hs_scmp_rule *rule = &p->rules[i];
      struct scmp_arg_cmp cmp[HS_SCMP_MAX_ARGS];
      uint32_t act;
      int nr;

      if (rule->has_errno && !_supports_errno (rule->action))
        {
          print_error ("%s: rule %zu (%s): errnoRet with %s (crun refuses it)\n", what, i, rule->name, rule->action);
          problems++;
        }
      act = _scmp_action (rule->action, rule->has_errno, rule->errno_ret);
      if (act == def)
        continue; /* runc and crun skip it: libseccomp would answer EACCES */
      nr = seccomp_syscall_resolve_name (rule->name);
      if (nr == __NR_SCMP_ERROR)
        {
          print_error ("%s: rule %zu: libseccomp does not know syscall `%s`\n", what, i, rule->name);
          problems++;
          continue;
        }
      for (size_t k = 0; k < rule->nargs; k++)
        {
          cmp[k].arg = rule->args[k].index;
          cmp[k].op = (enum scmp_compare) (rule->args[k].op + SCMP_CMP_NE); /* same order, from NE */
          cmp[k].datum_a = rule->args[k].value;
          cmp[k].datum_b = rule->args[k].op == HS_SCMP_MASKED_EQ ? rule->args[k].value_two : 0;
        }
      r = seccomp_rule_add_array (ctx, act, nr, (unsigned) rule->nargs, cmp);
      if (r != 0)
        {
          print_error ("%s: seccomp_rule_add_array for rule %zu (%s %s%s, %zu conditions): %s\n", what, i, rule->name,
                       rule->action, rule->has_errno ? " with errnoRet" : "", rule->nargs, strerror (-r));
          problems++;
        }
    }
  fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || (r = seccomp_export_bpf (ctx, fd)) != 0)
    {
      print_error ("%s: seccomp_export_bpf failed\n", what);
      problems++;
    }
  if (fd >= 0)
    close (fd);
  seccomp_release (ctx);
  return problems;
}

/* ---- what a profile does with one call ---------------------------------- */

/* libseccomp's reading, conservatively: an unconditional rule for the
 * syscall decides (the first one, as libseccomp keeps it); else the
 * conditional rules that match; else the default.  Matching rules that
 * disagree leave the call ambiguous: both flags set. */
typedef struct
{
  bool may_allow, may_deny;
} _verdict;

/* Whether a call may get through, written out here rather than taken from
 * the code under test: ALLOW, LOG; NOTIFY and TRACE (a listener or a tracer
 * may let it through); ERRNO 0 (reported as a success). */
static bool
_may_pass (const char *action, bool has_errno, uint32_t errno_ret)
{
  static const char *const pass[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE" };

  for (size_t i = 0; i < HS_ARRAY_SIZE (pass); i++)
    if (strcmp (action, pass[i]) == 0)
      return true;
  return strcmp (action, "SCMP_ACT_ERRNO") == 0 && has_errno && errno_ret == 0;
}

/* p NULL: no profile, every call goes through. */
static _verdict
_eval (const hs_scmp_profile *p, const char *name, const uint64_t *args)
{
  _verdict v = { false, false };
  const hs_scmp_rule *rules;
  bool matched = false;
  size_t n;

  if (p == NULL)
    return (_verdict){ true, false };
  rules = hs_scmp_find (p, name, &n);
  for (size_t i = 0; i < n; i++)
    if (rules[i].nargs == 0)
      {
        bool allows = _may_pass (rules[i].action, rules[i].has_errno, rules[i].errno_ret);
        return (_verdict){ allows, !allows };
      }
  for (size_t i = 0; i < n; i++)
    {
      bool all = true;
      for (size_t k = 0; k < rules[i].nargs && all; k++)
        all = hs_scmp_arg_holds (&rules[i].args[k], args[rules[i].args[k].index]);
      if (!all)
        continue;
      matched = true;
      if (_may_pass (rules[i].action, rules[i].has_errno, rules[i].errno_ret))
        v.may_allow = true;
      else
        v.may_deny = true;
    }
  if (!matched)
    {
      bool allows = _may_pass (p->default_action, p->has_default_errno, p->default_errno);
      v.may_allow = allows;
      v.may_deny = !allows;
    }
  return v;
}

#define PROBE_VALUES 32

typedef struct
{
  uint64_t v[HS_SCMP_MAX_ARGS][PROBE_VALUES];
  size_t n[HS_SCMP_MAX_ARGS];
} _probes;

static void
_probe_add (_probes *pr, uint32_t index, uint64_t value)
{
  for (size_t i = 0; i < pr->n[index]; i++)
    if (pr->v[index][i] == value)
      return;
  if (pr->n[index] < PROBE_VALUES)
    pr->v[index][pr->n[index]++] = value;
}

/* Argument values around every condition the profiles put on name. */
static void
_probes_for (const hs_scmp_profile *const *ps, size_t nps, const char *name, _probes *pr)
{
  memset (pr, 0, sizeof *pr);
  for (uint32_t i = 0; i < HS_SCMP_MAX_ARGS; i++)
    _probe_add (pr, i, 0);
  for (size_t k = 0; k < nps; k++)
    {
      size_t n;
      const hs_scmp_rule *rules = ps[k] ? hs_scmp_find (ps[k], name, &n) : NULL;
      for (size_t r = 0; rules != NULL && r < n; r++)
        for (size_t a = 0; a < rules[r].nargs; a++)
          {
            const hs_scmp_arg *c = &rules[r].args[a];
            _probe_add (pr, c->index, UINT64_MAX);
            _probe_add (pr, c->index, c->value);
            _probe_add (pr, c->index, c->value + 1);
            _probe_add (pr, c->index, c->value - 1);
            if (c->op == HS_SCMP_MASKED_EQ && c->value != 0)
              {
                uint64_t low = c->value & -c->value, high = 1ull << (63 - __builtin_clzll (c->value));
                _probe_add (pr, c->index, c->value_two);
                _probe_add (pr, c->index, c->value_two | ~c->value);
                _probe_add (pr, c->index, c->value_two ^ low);
                _probe_add (pr, c->index, c->value_two ^ high);
              }
          }
    }
}

/* Call fn for every combination of the probe values (at most a few
 * hundred thousand); stops early when fn returns false. */
static void
_each_probe (const _probes *pr, bool (*fn) (const uint64_t *args, void *data), void *data)
{
  size_t at[HS_SCMP_MAX_ARGS] = { 0 };
  uint64_t args[HS_SCMP_MAX_ARGS];

  for (;;)
    {
      size_t i;
      for (i = 0; i < HS_SCMP_MAX_ARGS; i++)
        args[i] = pr->v[i][at[i]];
      if (!fn (args, data))
        return;
      for (i = 0; i < HS_SCMP_MAX_ARGS; i++)
        {
          if (++at[i] < pr->n[i])
            break;
          at[i] = 0;
        }
      if (i == HS_SCMP_MAX_ARGS)
        return;
    }
}

/* Every name any of the profiles has a rule for, and one none has. */
static void
_all_names (const hs_scmp_profile *const *ps, size_t nps, hs_strv *ret)
{
  for (size_t k = 0; k < nps; k++)
    for (size_t r = 0; ps[k] != NULL && r < ps[k]->nrules; r++)
      if (!hs_strv_contains (ret, ps[k]->rules[r].name))
        hs_strv_add (ret, xstrdup (ps[k]->rules[r].name));
  hs_strv_add (ret, xstrdup ("hs_unlisted_call"));
}

typedef struct
{
  const hs_scmp_profile *ours, *engine, *merged;
  const char *name, *what;
  bool audit; /* check merged against engine alone, both ways */
  int problems;
} _sound_ctx;

static bool
_sound_one (const uint64_t *args, void *data)
{
  _sound_ctx *c = data;
  _verdict o = _eval (c->ours, c->name, args), e = _eval (c->engine, c->name, args);
  _verdict m = _eval (c->merged, c->name, args);
  const char *why = NULL;

  if (m.may_allow && m.may_deny)
    why = "the merged profile is ambiguous";
  else if (!c->audit && m.may_allow && (o.may_deny || e.may_deny))
    why = "the merged profile lets through a call one of the profiles stops";
  else if (c->audit && m.may_allow && e.may_deny && !e.may_allow)
    why = "the audit profile lets through a call the engine's profile stops";
  else if (c->audit && m.may_deny && e.may_allow && !e.may_deny)
    why = "the audit profile stops a call the engine's profile lets through";
  if (why == NULL)
    return true;
  c->problems++;
  print_error ("%s: %s: %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx): hardshim %s, engine %s, merged %s\n", c->what,
               why, c->name, (unsigned long long) args[0], (unsigned long long) args[1], (unsigned long long) args[2],
               (unsigned long long) args[3], (unsigned long long) args[4], (unsigned long long) args[5],
               c->ours == NULL ? "-"
               : o.may_allow   ? (o.may_deny ? "either" : "allows")
                               : "denies",
               e.may_allow ? (e.may_deny ? "either" : "allows") : "denies",
               m.may_allow ? (m.may_deny ? "either" : "allows") : "denies");
  return false; /* one example per syscall is enough */
}

/* Probe every syscall the profiles name: the merged profile never lets a
 * call through that ours or engine stops (audit: it does what the engine's
 * profile does).  Returns the number of syscalls with a counterexample. */
static int
_check_sound (const hs_scmp_profile *ours, const hs_scmp_profile *engine, const hs_scmp_profile *merged, bool audit,
              const char *what)
{
  const hs_scmp_profile *ps[] = { ours, engine, merged };
  hs_strv names = { 0 };
  int problems = 0;

  _all_names (ps, HS_ARRAY_SIZE (ps), &names);
  for (size_t i = 0; i < names.n; i++)
    {
      _probes pr;
      _sound_ctx c = { ours, engine, merged, names.v[i], what, audit, 0 };
      _probes_for (ps, HS_ARRAY_SIZE (ps), names.v[i], &pr);
      _each_probe (&pr, _sound_one, &c);
      problems += c.problems;
    }
  hs_strv_release (&names);
  return problems;
}

/* ---- hardening ---------------------------------------------------------- */

typedef struct
{
  hs_json spec;
  hs_journal journal;
  bool changed;
  int r;
  hs_error err;
} _hardened;

static void
_harden (const char *policy_text, const char *spec_text, bool process_file, _hardened *h)
{
  _cleanup_free_ char *policy_dq = _dq (policy_text);
  hs_policy policy;

  memset (h, 0, sizeof *h);
  h->spec = _tree (spec_text);
  tu_policy (policy_dq, &policy);
  hs_journal_init (&h->journal, "c1", NULL, "config.json", "create", policy.mode == HS_MODE_AUDIT);
  h->r = tu_harden (h->spec, process_file, "config.json", &policy, &h->journal, &h->changed, &h->err);
  hs_policy_release (&policy);
}

static void
_hardened_release (_hardened *h)
{
  hs_json_free (h->spec);
  hs_journal_release (&h->journal);
  hs_error_release (&h->err);
}

/* linux.seccomp of a hardened spec, parsed as an engine profile (strictly:
 * no hardshim-only keys).  Fails the test when there is none. */
static void
_spec_profile (hs_json spec, hs_scmp_profile *ret)
{
  hs_json s = hs_json_get (hs_json_get (spec, "linux"), "seccomp");
  hs_error err = { 0 };

  if (s == NULL)
    fail_msg ("the hardened spec has no linux.seccomp");
  if (hs_scmp_parse (s, false, "hardened", ret, &err) < 0)
    fail_msg ("the hardened spec's profile does not parse: %s", err.msg);
}

/* The action a profile takes on every call of name: its one unconditional
 * rule, or the default when it has no rule.  false when rules with
 * conditions decide, or when there are several. */
static bool
_uncond (const hs_scmp_profile *p, const char *name, const char **ret_action, bool *ret_has_errno, uint32_t *ret_errno)
{
  size_t n;
  const hs_scmp_rule *r = hs_scmp_find (p, name, &n);

  if (n == 0)
    {
      *ret_action = p->default_action;
      *ret_has_errno = p->has_default_errno;
      *ret_errno = p->default_errno;
      return true;
    }
  if (n > 1 || r->nargs > 0)
    return false;
  *ret_action = r->action;
  *ret_has_errno = r->has_errno;
  *ret_errno = r->errno_ret;
  return true;
}

#define MINIMAL_ROOT "'root':{'path':'rootfs'},'mounts':[]"
/* Specs not about namespaces have runc's (TU_LINUX), which the detect measure
 * needs: "{'process':{}," MINIMAL_ROOT "," TU_LINUX "}". */

/* ---- 1. profile hygiene ------------------------------------------------- */

static void
_profile_files (hs_strv *ret)
{
  _cleanup_free_ char *dir = xasprintf ("%s/profiles/seccomp", tu_srcdir ());
  char abs[PATH_MAX];
  DIR *d = opendir (dir);
  struct dirent *e;

  if (d == NULL || realpath (dir, abs) == NULL)
    fail_msg ("cannot open %s: %s", dir, strerror (errno));
  while ((e = readdir (d)) != NULL)
    {
      size_t len = strlen (e->d_name);
      if (len > 5 && strcmp (e->d_name + len - 5, ".json") == 0)
        hs_strv_add (ret, xasprintf ("%s/%s", abs, e->d_name));
    }
  closedir (d);
  /* a stable order for the messages */
  for (size_t i = 1; i < ret->n; i++)
    for (size_t j = i; j > 0 && strcmp (ret->v[j - 1], ret->v[j]) > 0; j--)
      {
        char *t = ret->v[j];
        ret->v[j] = ret->v[j - 1];
        ret->v[j - 1] = t;
      }
}

/* Every rule name of every profile resolves on this machine's architecture. */
static void
test_profile_names_resolve (void **state)
{
  hs_strv files = { 0 };

  _failures = 0;
  _profile_files (&files);
  assert_true (files.n >= 1);
  for (size_t f = 0; f < files.n; f++)
    {
      hs_scmp_profile p;
      hs_strv unknown = { 0 };
      hs_error err = { 0 };

      if (hs_scmp_load (files.v[f], &p, &err) < 0)
        {
          CASE_FAIL ("%s: %s\n", files.v[f], err.msg);
          hs_error_release (&err);
          continue;
        }
      for (size_t i = 0; i < p.nrules; i++)
        if (seccomp_syscall_resolve_name_arch (SCMP_ARCH_NATIVE, p.rules[i].name) == __NR_SCMP_ERROR
            && !hs_strv_contains (&unknown, p.rules[i].name))
          hs_strv_add (&unknown, xstrdup (p.rules[i].name));
      if (unknown.n > 0)
        {
          _cleanup_free_ char *names = _join (&unknown);
          CASE_FAIL ("%s: %zu syscall names libseccomp %u.%u.%u does not know on %s: %s\n", files.v[f], unknown.n,
                     seccomp_version ()->major, seccomp_version ()->minor, seccomp_version ()->micro, _native (),
                     names);
        }
      if (!hs_strv_contains (&p.arches, _native ()))
        CASE_FAIL ("%s: architectures lack this machine's %s\n", files.v[f], _native ());
      hs_strv_release (&unknown);
      hs_scmp_release (&p);
    }
  hs_strv_release (&files);
  assert_int_equal (_failures, 0);
}

/* Every capability a profile's includes/excludes name, as a JSON array text. */
static char *
_profile_caps (const char *path)
{
  hs_scmp_profile p;
  hs_strv caps = { 0 };
  hs_error err = { 0 };
  char *out;
  size_t len = 3;

  if (hs_scmp_load (path, &p, &err) < 0)
    fail_msg ("%s: %s", path, err.msg);
  for (size_t i = 0; i < p.nrules; i++)
    for (size_t pass = 0; pass < 2; pass++)
      {
        const hs_strv *s = pass == 0 ? &p.rules[i].caps_include : &p.rules[i].caps_exclude;
        for (size_t c = 0; c < s->n; c++)
          if (!hs_strv_contains (&caps, s->v[c]))
            hs_strv_add (&caps, xstrdup (s->v[c]));
      }
  for (size_t i = 0; i < caps.n; i++)
    len += strlen (caps.v[i]) + 3;
  out = xcalloc (1, len);
  strcat (out, "[");
  for (size_t i = 0; i < caps.n; i++)
    {
      if (i > 0)
        strcat (out, ",");
      strcat (out, "'");
      strcat (out, caps.v[i]);
      strcat (out, "'");
    }
  strcat (out, "]");
  hs_strv_release (&caps);
  hs_scmp_release (&p);
  return out;
}

/* The profile as a container gets it, with no capability and with every
 * capability the profile's rules depend on, compiles with libseccomp. */
static void
test_profile_compiles (void **state)
{
  hs_strv files = { 0 };

  _failures = 0;
  _profile_files (&files);
  for (size_t f = 0; f < files.n; f++)
    for (int with_caps = 0; with_caps < 2; with_caps++)
      {
        _cleanup_free_ char *caps = with_caps ? _profile_caps (files.v[f]) : xstrdup ("[]");
        _cleanup_free_ char *policy
            = xasprintf ("{'seccomp':{'profile':'%s'},'capabilities':{'allow':%s}}", files.v[f], caps);
        _cleanup_free_ char *spec = xasprintf ("{'process':{'capabilities':{'bounding':%s,'effective':%s,"
                                               "'permitted':%s}}," MINIMAL_ROOT "," TU_LINUX "}",
                                               caps, caps, caps);
        _cleanup_free_ char *what = xasprintf ("%s with capabilities %s", files.v[f], caps);
        _hardened h;
        hs_scmp_profile p;

        _harden (policy, spec, false, &h);
        if (h.r < 0)
          CASE_FAIL ("%s: hardening failed: %s\n", what, h.err.msg);
        else
          {
            _spec_profile (h.spec, &p);
            print_message ("%s: %zu rules\n", what, p.nrules);
            if (p.nrules < 10)
              CASE_FAIL ("%s: only %zu rules\n", what, p.nrules);
            _failures += _compile (&p, what);
            hs_scmp_release (&p);
          }
        _hardened_release (&h);
      }
  hs_strv_release (&files);
  assert_int_equal (_failures, 0);
}

static const char *const _required_eperm[] = {
  "mount",
  "umount2",
  "fsopen",
  "fsconfig",
  "fsmount",
  "fspick",
  "move_mount",
  "open_tree",
  "mount_setattr",
  "setns",
  "keyctl",
  "add_key",
  "request_key",
  "bpf",
  "perf_event_open",
  "ptrace",
  "process_vm_readv",
  "process_vm_writev",
  "open_by_handle_at",
  "userfaultfd",
  "io_uring_setup",
  "io_uring_enter",
  "io_uring_register",
  "kexec_load",
  "kexec_file_load",
  "init_module",
  "finit_module",
  "delete_module",
  "reboot",
  "swapon",
  "acct",
  "clock_settime",
  "settimeofday",
  "adjtimex",
};

static void
_check_denial (const hs_scmp_profile *p, const char *what, const char *name, uint32_t want_errno)
{
  const char *action;
  bool has_errno;
  uint32_t e;

  if (!_uncond (p, name, &action, &has_errno, &e))
    CASE_FAIL ("%s: %s is decided by argument conditions, expected ERRNO %u for every call\n", what, name, want_errno);
  else if (strcmp (action, "SCMP_ACT_ERRNO") != 0 || !has_errno || e != want_errno)
    CASE_FAIL ("%s: %s gets %s%s%u, expected SCMP_ACT_ERRNO %u\n", what, name, action,
               has_errno ? " errno " : " (no errnoRet) ", has_errno ? e : 0, want_errno);
}

/* default.json, as file and as the container gets it, denies what the issue names. */
static void
test_profile_required_denials (void **state)
{
  _cleanup_free_ char *path = xasprintf ("%s/profiles/seccomp/default.json", tu_srcdir ());
  _cleanup_free_ char *seccomp_text = NULL;
  hs_scmp_profile file, p;
  hs_error err = { 0 };
  _hardened h;
  size_t n;
  const hs_scmp_rule *r;
  hs_json s;

  _failures = 0;
  assert_int_equal (hs_scmp_load (path, &file, &err), 0);
  _harden ("{}", "{'process':{}," MINIMAL_ROOT "," TU_LINUX "}", false, &h);
  if (h.r < 0)
    fail_msg ("%s", h.err.msg);
  _spec_profile (h.spec, &p);

  for (size_t i = 0; i < HS_ARRAY_SIZE (_required_eperm); i++)
    {
      _check_denial (&file, "default.json", _required_eperm[i], EPERM);
      _check_denial (&p, "the container's profile", _required_eperm[i], EPERM);
    }
  /* clone3: an explicit ENOSYS in the file; in the container's profile the
   * rule may fold into the ENOSYS default, the effect is the same. */
  r = hs_scmp_find (&file, "clone3", &n);
  if (n != 1 || r->nargs != 0 || strcmp (r->action, "SCMP_ACT_ERRNO") != 0 || !r->has_errno || r->errno_ret != ENOSYS)
    CASE_FAIL ("default.json: clone3 must be one unconditional SCMP_ACT_ERRNO 38 rule\n");
  _check_denial (&p, "the container's profile", "clone3", ENOSYS);

  for (int pass = 0; pass < 2; pass++)
    {
      const hs_scmp_profile *q = pass == 0 ? &file : &p;
      const char *what = pass == 0 ? "default.json" : "the container's profile";
      if (strcmp (q->default_action, "SCMP_ACT_ERRNO") != 0 || !q->has_default_errno || q->default_errno != ENOSYS)
        CASE_FAIL ("%s: default %s %u, expected SCMP_ACT_ERRNO 38\n", what, q->default_action, q->default_errno);
      if (hs_strv_contains (&q->flags, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
        CASE_FAIL ("%s: SECCOMP_FILTER_FLAG_SPEC_ALLOW is set\n", what);
    }
  /* flags is written, so a runtime's own default flags cannot apply */
  s = hs_json_get (hs_json_get (h.spec, "linux"), "seccomp");
  if (!hs_json_is_array (hs_json_get (s, "flags")))
    CASE_FAIL ("the container's profile has no flags array\n");
  seccomp_text = _generate (s);
  if (strstr (seccomp_text, "SCMP_ACT_LOG") != NULL)
    CASE_FAIL ("the container's profile logs in enforce mode\n");

  hs_scmp_release (&file);
  hs_scmp_release (&p);
  _hardened_release (&h);
  assert_int_equal (_failures, 0);
}

/* The profiles hardshim wrote for the golden engine specs compile too. */
static void
test_golden_outputs_compile (void **state)
{
  static const char *const names[] = { "docker", "containerd", "podman", "runc" };

  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (names); i++)
    {
      _cleanup_free_ char *path = xasprintf ("%s/tests/data/golden/%s.json", tu_srcdir (), names[i]);
      _cleanup_free_ char *text = NULL;
      _cleanup_json_ hs_json spec = NULL;
      hs_scmp_profile p;

      if (access (path, R_OK) != 0)
        {
          print_message ("SKIP: %s: %s\n", path, strerror (errno));
          continue;
        }
      text = tu_read (path, NULL);
      spec = tu_parse (text);
      _spec_profile (spec, &p);
      _failures += _compile (&p, path);
      hs_scmp_release (&p);
    }
  assert_int_equal (_failures, 0);
}

/* ---- 2. hs_scmp_arg_and -------------------------------------------------- */

#define A(op, v)                                                                                                       \
  {                                                                                                                    \
    2, HS_SCMP_##op, (v), 0                                                                                            \
  }
#define M(mask, datum)                                                                                                 \
  {                                                                                                                    \
    2, HS_SCMP_MASKED_EQ, (mask), (datum)                                                                              \
  }

typedef struct
{
  const char *name;
  hs_scmp_arg a, b;
  int want;           /* 1, 0, -1 */
  hs_scmp_arg result; /* when want is 1 */
} _and_case;

static const _and_case _and_cases[] = {
  { "EQ and EQ, same value", A (EQ, 5), A (EQ, 5), 1, A (EQ, 5) },
  { "EQ and EQ, different values", A (EQ, 5), A (EQ, 6), 0, { 0 } },
  { "EQ and NE of another value", A (EQ, 5), A (NE, 6), 1, A (EQ, 5) },
  { "NE and EQ of another value (order)", A (NE, 6), A (EQ, 5), 1, A (EQ, 5) },
  { "EQ and NE of that value", A (EQ, 5), A (NE, 5), 0, { 0 } },
  { "EQ and LT holding", A (EQ, 5), A (LT, 6), 1, A (EQ, 5) },
  { "EQ and LT not holding", A (EQ, 5), A (LT, 5), 0, { 0 } },
  { "EQ and LE holding at the bound", A (EQ, 5), A (LE, 5), 1, A (EQ, 5) },
  { "EQ and GE not holding", A (EQ, 5), A (GE, 6), 0, { 0 } },
  { "EQ and GT holding", A (EQ, 5), A (GT, 4), 1, A (EQ, 5) },
  { "EQ and GT not holding", A (EQ, 5), A (GT, 5), 0, { 0 } },
  { "EQ and MASKED_EQ holding", A (EQ, 0x12), M (0xF0, 0x10), 1, A (EQ, 0x12) },
  { "MASKED_EQ and EQ not holding", M (0xF0, 0x10), A (EQ, 0x22), 0, { 0 } },
  { "EQ of a 64-bit value and a 32-bit mask", A (EQ, 0x100000000ull), M (0xFFFFFFFF, 0), 1, A (EQ, 0x100000000ull) },
  { "MASKED_EQ and MASKED_EQ on other bits: masks merge", M (0xF0, 0x10), M (0x0F, 0x02), 1, M (0xFF, 0x12) },
  { "MASKED_EQ and MASKED_EQ agreeing on common bits", M (0xF0, 0x10), M (0x30, 0x10), 1, M (0xF0, 0x10) },
  { "MASKED_EQ and MASKED_EQ contradicting on common bits", M (0xF0, 0x10), M (0x30, 0x20), 0, { 0 } },
  { "MASKED_EQ whose datum has bits outside its mask", M (0x0F, 0x10), M (0xF0, 0), 0, { 0 } },
  { "NE and NE of different values: not one condition", A (NE, 5), A (NE, 6), -1, { 0 } },
  { "LT and GT: not one condition", A (LT, 10), A (GT, 1), -1, { 0 } },
  { "LT and GT with nothing between: still -1", A (LT, 5), A (GT, 10), -1, { 0 } },
  { "NE and MASKED_EQ: not one condition", A (NE, 5), M (0xF0, 0x10), -1, { 0 } },
  { "identical NE", A (NE, 5), A (NE, 5), 1, A (NE, 5) },
  { "identical LT", A (LT, 5), A (LT, 5), 1, A (LT, 5) },
  { "identical MASKED_EQ", M (0xF0, 0x10), M (0xF0, 0x10), 1, M (0xF0, 0x10) },
};

static void
test_arg_and (void **state)
{
  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_and_cases); i++)
    {
      const _and_case *c = &_and_cases[i];
      hs_scmp_arg got = { 0 };
      int r = hs_scmp_arg_and (&c->a, &c->b, &got);

      if (r != c->want)
        CASE_FAIL ("arg_and `%s`: returned %d, expected %d\n", c->name, r, c->want);
      else if (r == 1
               && (got.index != c->result.index || got.op != c->result.op || got.value != c->result.value
                   || (got.op == HS_SCMP_MASKED_EQ && got.value_two != c->result.value_two)))
        CASE_FAIL ("arg_and `%s`: got index %u op %d value %#llx/%#llx, expected index %u op %d value %#llx/%#llx\n",
                   c->name, got.index, (int) got.op, (unsigned long long) got.value, (unsigned long long) got.value_two,
                   c->result.index, (int) c->result.op, (unsigned long long) c->result.value,
                   (unsigned long long) c->result.value_two);
      /* the conjunction does not depend on the order */
      {
        hs_scmp_arg swapped = { 0 };
        int rs = hs_scmp_arg_and (&c->b, &c->a, &swapped);
        if (rs != r)
          CASE_FAIL ("arg_and `%s`: %d one way, %d the other\n", c->name, r, rs);
      }
    }
  assert_int_equal (_failures, 0);
}

/* ---- 3. hs_scmp_merge ---------------------------------------------------- */

/* hardshim's profile: ENOSYS by default, x86_64 only (merge does not look at architectures). */
#define OURS(rules)                                                                                                    \
  "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'architectures':['SCMP_ARCH_X86_64'],'flags':[],"            \
  "'syscalls':[" rules "]}"
/* the engine's: EPERM by default (no defaultErrnoRet), three architectures */
#define ENGINE(rules)                                                                                                  \
  "{'defaultAction':'SCMP_ACT_ERRNO','architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X86','SCMP_ARCH_X32'],"            \
  "'syscalls':[" rules "]}"
#define MERGED(rules)                                                                                                  \
  "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'architectures':['SCMP_ARCH_X86_64'],'flags':[],"            \
  "'syscalls':[" rules "]}"
#define EQ0(v) "[{'index':0,'value':" #v ",'valueTwo':0,'op':'SCMP_CMP_EQ'}]"
#define EQ(i, v) "[{'index':" #i ",'value':" #v ",'valueTwo':0,'op':'SCMP_CMP_EQ'}]"
/* unshare's flags & CLONE_NEWUSER == v */
#define NEWUSER(v) "{'index':0,'value':268435456,'valueTwo':" #v ",'op':'SCMP_CMP_MASKED_EQ'}"

typedef struct
{
  const char *name;
  const char *ours;
  const char *engine; /* NULL: the spec has none */
  const char *expect; /* the merged profile's JSON, exactly */
  const char *removed, *conditioned, *kept, *narrowed;
} _merge_case;

/* clang-format off */
static const _merge_case _merge_cases[] = {
  { "no engine profile: hardshim's, less the rule the default makes redundant",
    OURS ("{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
          "{'names':['mount'],'action':'SCMP_ACT_ERRNO','errnoRet':1},"
          "{'names':['clone3'],'action':'SCMP_ACT_ERRNO','errnoRet':38},"
          "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':0,'op':'SCMP_CMP_EQ'}]},"
          "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':8,'op':'SCMP_CMP_EQ'}]}"),
    NULL,
    MERGED ("{'names':['mount'],'action':'SCMP_ACT_ERRNO','errnoRet':1},"
            "{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
            "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (
                0) "},"
                   "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (8) "}"),
    "clone3,mount", "personality", "", "" },

  { "engine's explicit denials of syscalls hardshim allows keep the engine's actions",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'architectures':['SCMP_ARCH_X86_64'],'flags':[],"
    "'syscalls':[{'names':['clone3','getpid','read'],'action':'SCMP_ACT_ALLOW'}]}",
    ENGINE ("{'names':['read'],'action':'SCMP_ACT_ALLOW'},"
            "{'names':['clone3'],'action':'SCMP_ACT_ERRNO','errnoRet':38},"
            "{'names':['getpid'],'action':'SCMP_ACT_ERRNO','errnoRet':13}"),
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'architectures':['SCMP_ARCH_X86_64'],'flags':[],"
    "'syscalls':[{'names':['clone3'],'action':'SCMP_ACT_ERRNO','errnoRet':38},"
    "{'names':['getpid'],'action':'SCMP_ACT_ERRNO','errnoRet':13},{'names':['read'],'action':'SCMP_ACT_ALLOW'}]}",
    "", "", "clone3,getpid", "" },

  { "engine's clone3 ENOSYS folds into hardshim's ENOSYS default",
    OURS ("{'names':['clone3','read'],'action':'SCMP_ACT_ALLOW'}"),
    ENGINE (
        "{'names':['read'],'action':'SCMP_ACT_ALLOW'},{'names':['clone3'],'action':'SCMP_ACT_ERRNO','errnoRet':38}"),
    MERGED ("{'names':['read'],'action':'SCMP_ACT_ALLOW'}"), "", "", "clone3", "" },

  { "engine's default denial of a syscall hardshim allows: no rule, the merged default denies",
    OURS ("{'names':['read','write','futex_waitv'],'action':'SCMP_ACT_ALLOW'}"),
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'syscalls':[{'names':['read','write'],'action':'SCMP_"
    "ACT_ALLOW'}]}",
    MERGED ("{'names':['read','write'],'action':'SCMP_ACT_ALLOW'}"), "", "", "futex_waitv", "" },

  { "hardshim's denial wins over the engine's allow; an engine allow hardshim does not list falls to the default",
    OURS ("{'names':['read'],'action':'SCMP_ACT_ALLOW'},{'names':['mount'],'action':'SCMP_ACT_ERRNO','errnoRet':1}"),
    ENGINE ("{'names':['mount','ptrace','read'],'action':'SCMP_ACT_ALLOW'}"),
    MERGED ("{'names':['mount'],'action':'SCMP_ACT_ERRNO','errnoRet':1},{'names':['read'],'action':'SCMP_ACT_ALLOW'}"),
    "mount,ptrace", "", "", "" },

  { "hardshim allows every call, the engine's conditions decide (denials first)",
    OURS ("{'names':['personality','socket'],'action':'SCMP_ACT_ALLOW'}"),
    ENGINE ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':0,'op':'SCMP_CMP_EQ'}]},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':40,'op':'SCMP_CMP_NE'}]},"
            "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':0,'value':40,'op':'SCMP_"
            "CMP_EQ'}]}"),
    MERGED ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (
        0) "},"
           "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':" EQ0 (
               40) "},"
                   "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':40,'valueTwo':0,'op':'"
                   "SCMP_"
                   "CMP_NE'}]}"),
    "", "", "personality,socket", "" },

  { "the engine allows every call, hardshim's conditions decide",
    OURS ("{'names':['clone'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':2114060288,'valueTwo':0,'op':'"
          "SCMP_CMP_MASKED_EQ'}]},"
          "{'names':['clone'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':268435456,'"
          "valueTwo':268435456,'op':'SCMP_CMP_MASKED_EQ'}]}"),
    ENGINE ("{'names':['clone'],'action':'SCMP_ACT_ALLOW'}"),
    MERGED ("{'names':['clone'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':268435456,'"
            "valueTwo':268435456,'op':'SCMP_CMP_MASKED_EQ'}]},"
            "{'names':['clone'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':2114060288,'valueTwo':0,'op':'"
            "SCMP_CMP_MASKED_EQ'}]}"),
    "", "clone", "", "" },

  { "both conditional: only the personality values both allow",
    OURS ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':0,'op':'SCMP_CMP_EQ'}]},"
          "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':8,'op':'SCMP_CMP_EQ'}]},"
          "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':4294967295,'op':'SCMP_"
          "CMP_EQ'}]}"),
    ENGINE ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':8,'op':'SCMP_CMP_EQ'}]},"
            "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':131072,'op':'SCMP_CMP_"
            "EQ'}]},"
            "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':4294967295,'op':'SCMP_"
            "CMP_EQ'}]}"),
    MERGED ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (
        8) "},"
           "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (4294967295) "}"),
    "", "", "personality", "" },

  { "both conditional: socket EQ AF_INET under the engine's NE AF_VSOCK is EQ AF_INET",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':2,'op':'SCMP_CMP_EQ'}]}"),
    ENGINE ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':40,'op':'SCMP_CMP_NE'}]}"),
    MERGED ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (2) "}"), "", "", "socket", "" },

  { "both conditional: conditions on other arguments are added",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':2,'op':'SCMP_CMP_EQ'},"
          "{'index':1,'value':15,'valueTwo':1,'op':'SCMP_CMP_MASKED_EQ'}]}"),
    ENGINE ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':2,'value':9,'op':'SCMP_CMP_NE'}]}"),
    MERGED ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':2,'valueTwo':0,'op':'SCMP_CMP_"
            "EQ'},{'index':1,'value':15,'valueTwo':1,'op':'SCMP_CMP_MASKED_EQ'},{'index':2,'value':9,'valueTwo':0,'"
            "op':'SCMP_CMP_NE'}]}"),
    "", "", "socket", "" },

  { "an engine denial disjoint from every allowed case keeps the allows (podman's NETLINK_AUDIT rule)",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':16,'op':'SCMP_CMP_EQ'}]}"),
    ENGINE ("{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':22,'args':[{'index':0,'value':16,'op':'SCMP_"
            "CMP_EQ'},{'index':2,'value':9,'op':'SCMP_CMP_EQ'}]},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':2,'value':9,'op':'SCMP_CMP_NE'}]}"),
    MERGED ("{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':22,'args':[{'index':0,'value':16,'valueTwo':0,'"
            "op':'SCMP_CMP_EQ'},{'index':2,'value':9,'valueTwo':0,'op':'SCMP_CMP_EQ'}]},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':16,'valueTwo':0,'op':'SCMP_"
            "CMP_EQ'},{'index':2,'value':9,'valueTwo':0,'op':'SCMP_CMP_NE'}]}"),
    "", "", "socket", "" },

  { "an engine denial that may overlap an allowed case drops every allow",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':16,'op':'SCMP_CMP_EQ'}]}"),
    ENGINE ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':16,'op':'SCMP_CMP_EQ'}]},"
            "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':22,'args':[{'index':2,'value':9,'op':'SCMP_"
            "CMP_EQ'}]}"),
    MERGED ("{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':22,'args':[{'index':2,'value':9,'valueTwo':0,'"
            "op':'SCMP_CMP_EQ'}]}"),
    "socket", "", "", "socket" },

  { "a conjunction that is not one condition (NE and NE on one argument) is denied",
    OURS ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':5,'op':'SCMP_CMP_NE'}]}"),
    ENGINE ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':6,'op':'SCMP_CMP_NE'}]}"),
    MERGED (""), "personality", "", "", "personality" },

  { "denylist engine (default ALLOW): hardshim's default; engine conditions alone narrow",
    OURS ("{'names':['read','clone'],'action':'SCMP_ACT_ALLOW'}"),
    "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['mount'],'action':'SCMP_ACT_ERRNO','errnoRet':1},"
    "{'names':['clone'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':268435456,'valueTwo':"
    "268435456,'op':'SCMP_CMP_MASKED_EQ'}]}]}",
    MERGED ("{'names':['read'],'action':'SCMP_ACT_ALLOW'},"
            "{'names':['clone'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':268435456,'"
            "valueTwo':268435456,'op':'SCMP_CMP_MASKED_EQ'}]}"),
    "", "", "clone", "clone" },

  { "denylist engine: what it allows by default and hardshim does not list is removed",
    OURS ("{'names':['read'],'action':'SCMP_ACT_ALLOW'}"),
    "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['mount'],'action':'SCMP_ACT_ERRNO','errnoRet':1},"
    "{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':268435456,'valueTwo':"
    "268435456,'op':'SCMP_CMP_MASKED_EQ'}]}]}",
    MERGED ("{'names':['read'],'action':'SCMP_ACT_ALLOW'}"), "unshare", "", "", "" },

  { "audit-style hardshim (default LOG) under an engine's default denial: the engine's default",
    "{'defaultAction':'SCMP_ACT_LOG','architectures':['SCMP_ARCH_X86_64'],'flags':[],'syscalls':[{'names':['read'],"
    "'action':'SCMP_ACT_ALLOW'},{'names':['mount'],'action':'SCMP_ACT_LOG'}]}",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'syscalls':[{'names':['mount','read'],'action':'SCMP_"
    "ACT_ALLOW'}]}",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'architectures':['SCMP_ARCH_X86_64'],'flags':[],"
    "'syscalls':[{'names':['mount'],'action':'SCMP_ACT_LOG'},{'names':['read'],'action':'SCMP_ACT_ALLOW'}]}",
    "", "", "", "" },

  { "engine quirk: an unconditional allow overrides its own conditional denial (as in libseccomp)",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'}]}"),
    ENGINE ("{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':0,'value':1,'op':'SCMP_"
            "CMP_EQ'}]},{'names':['socket'],'action':'SCMP_ACT_ALLOW'}"),
    MERGED ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (1) "}"), "", "socket", "", "" },

  { "engine quirk: one syscall both allowed and denied without conditions is denied",
    OURS ("{'names':['setns'],'action':'SCMP_ACT_ALLOW'}"),
    ENGINE ("{'names':['setns'],'action':'SCMP_ACT_ALLOW'},{'names':['setns'],'action':'SCMP_ACT_ERRNO','errnoRet':1}"),
    MERGED ("{'names':['setns'],'action':'SCMP_ACT_ERRNO','errnoRet':1}"), "", "", "setns", "" },

  { "both conditional: EQ values under an LT bound",
    OURS ("{'names':['prctl'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':100,'op':'SCMP_CMP_LT'}]}"),
    ENGINE ("{'names':['prctl'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':5,'op':'SCMP_CMP_EQ'}]},"
            "{'names':['prctl'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':200,'op':'SCMP_CMP_EQ'}]}"),
    MERGED ("{'names':['prctl'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (5) "}"), "", "", "prctl", "" },

  { "both conditional: LT and GT are not one condition, denied",
    OURS ("{'names':['prctl'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':100,'op':'SCMP_CMP_LT'}]}"),
    ENGINE ("{'names':['prctl'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':50,'op':'SCMP_CMP_GT'}]}"),
    MERGED (""), "prctl", "", "", "prctl" },

  { "both deny a case, the engine more narrowly and with another errno",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'}]},"
          "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':40,'op':'SCMP_CMP_"
          "EQ'}]}"),
    ENGINE ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'}]},"
            "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':0,'value':40,'op':'SCMP_"
            "CMP_EQ'},{'index':1,'value':1,'op':'SCMP_CMP_EQ'}]}"),
    /* hardshim's wider denial covers the engine's narrower one, which is
     * left out: libseccomp takes one action per case. */
    MERGED ("{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':" EQ0 (40) "},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (1) "}"),
    "", "", "socket", "" },

  { "the engine's LOG of a syscall both allow is kept", OURS ("{'names':['read','write'],'action':'SCMP_ACT_ALLOW'}"),
    ENGINE ("{'names':['read'],'action':'SCMP_ACT_ALLOW'},{'names':['write'],'action':'SCMP_ACT_LOG'}"),
    MERGED ("{'names':['read'],'action':'SCMP_ACT_ALLOW'},{'names':['write'],'action':'SCMP_ACT_LOG'}"), "", "", "",
    "" },

  { "SPEC_ALLOW dropped, the engine's other flags kept after hardshim's",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'architectures':['SCMP_ARCH_X86_64'],"
    "'flags':['SECCOMP_FILTER_FLAG_LOG'],'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW'}]}",
    "{'defaultAction':'SCMP_ACT_ERRNO','flags':['SECCOMP_FILTER_FLAG_SPEC_ALLOW','SECCOMP_FILTER_FLAG_TSYNC',"
    "'SECCOMP_FILTER_FLAG_LOG'],'syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW'}]}",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'architectures':['SCMP_ARCH_X86_64'],"
    "'flags':['SECCOMP_FILTER_FLAG_LOG','SECCOMP_FILTER_FLAG_TSYNC'],'syscalls':[{'names':['read'],'action':'SCMP_"
    "ACT_ALLOW'}]}",
    "", "", "", "" },

  /* issue 13 #4: NOTIFY, TRACE and errnoRet 0 count as allowing. */
  { "the engine's NOTIFY of unshare narrows hardshim's allowed case, never covers its denial",
    OURS ("{'names':['unshare'],'action':'SCMP_ACT_ALLOW','args':[" NEWUSER (0) "]},"
          "{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[" NEWUSER (268435456) "]}"),
    "{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/run/agent.sock','syscalls':[{'names':['unshare'],'action':"
    "'SCMP_ACT_NOTIFY'}]}",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'architectures':['SCMP_ARCH_X86_64'],'flags':[],"
    "'listenerPath':'/run/agent.sock','syscalls':[{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':"
    "[" NEWUSER (268435456) "]},{'names':['unshare'],'action':'SCMP_ACT_NOTIFY','args':[" NEWUSER (0) "]}]}",
    "", "unshare", "", "" },

  { "the engine's TRACE of unshare does not cover hardshim's denial either",
    OURS ("{'names':['unshare'],'action':'SCMP_ACT_ALLOW','args':[" NEWUSER (0) "]},"
          "{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[" NEWUSER (268435456) "]}"),
    "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['unshare'],'action':'SCMP_ACT_TRACE','errnoRet':1}]}",
    MERGED ("{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[" NEWUSER (268435456) "]},"
            "{'names':['unshare'],'action':'SCMP_ACT_TRACE','errnoRet':1,'args':[" NEWUSER (0) "]}"),
    "", "unshare", "", "" },

  { "the engine's errnoRet 0 (a made-up success) does not cover hardshim's denial",
    OURS ("{'names':['unshare'],'action':'SCMP_ACT_ALLOW','args':[" NEWUSER (0) "]},"
          "{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[" NEWUSER (268435456) "]}"),
    "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':0}]}",
    MERGED ("{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[" NEWUSER (268435456) "]},"
            "{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':0,'args':[" NEWUSER (0) "]}"),
    "", "unshare", "", "" },

  { "a NOTIFY whose condition matches every call (socket arg0 >= 0) is no condition; the listener goes with it",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'}]},"
          "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':16,'op':'SCMP_CMP_"
          "EQ'}]}"),
    "{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/run/agent.sock','listenerMetadata':'m','syscalls':[{'names':"
    "['socket'],'action':'SCMP_ACT_NOTIFY','args':[{'index':0,'value':0,'op':'SCMP_CMP_GE'}]}]}",
    MERGED ("{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':" EQ0 (16) "},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (1) "}"),
    "", "socket", "", "" },

  { "a conditional NOTIFY under the engine's default denial: NOTIFY on the cases both allow",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'}]},"
          "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':16,'op':'SCMP_CMP_"
          "EQ'}]}"),
    "{'defaultAction':'SCMP_ACT_ERRNO','listenerPath':'/run/agent.sock','syscalls':[{'names':['socket'],'action':"
    "'SCMP_ACT_NOTIFY','args':[{'index':0,'value':0,'op':'SCMP_CMP_GE'}]}]}",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'architectures':['SCMP_ARCH_X86_64'],'flags':[],"
    "'listenerPath':'/run/agent.sock','syscalls':[{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':"
    "" EQ0 (16) "},{'names':['socket'],'action':'SCMP_ACT_NOTIFY','args':" EQ0 (1) "}]}",
    "", "socket", "", "" },

  { "an engine ALLOW rule comparing one argument twice widens only within what hardshim allows",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'}]},"
          "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':17,'op':'SCMP_CMP_"
          "EQ'}]}"),
    ENGINE ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'},{'index':"
            "0,'value':17,'op':'SCMP_CMP_EQ'}]}"),
    MERGED ("{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':" EQ0 (17) "},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (1) "}"),
    "", "", "socket", "" },

  { "the engine's NOTIFY of a call hardshim denies by default is removed, and the listener with it",
    OURS ("{'names':['read'],'action':'SCMP_ACT_ALLOW'}"),
    "{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/run/agent.sock','syscalls':[{'names':['kexec_load'],'action':"
    "'SCMP_ACT_NOTIFY'}]}",
    MERGED ("{'names':['read'],'action':'SCMP_ACT_ALLOW'}"), "kexec_load", "", "", "" },

  /* found by tests/fuzz (seccomp_merge, pipeline): hardening twice gave other text */
  { "allowed cases a denial overlaps go, the others keep hardshim's order (merging again gives the same)",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (1) "},"
          "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (2) "},"
          "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (10) "}"),
    "{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['socket'],'action':'SCMP_ACT_ERRNO','args':" EQ0 (1) "}]}",
    MERGED ("{'names':['socket'],'action':'SCMP_ACT_ERRNO','args':" EQ0 (1) "},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (2) "},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (10) "}"),
    "", "", "socket", "socket" },
  { "a conjunction another allowed case covers is left out (merging again finds no more)",
    OURS ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (0) "},"
          "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':" EQ (1, 8) "}"),
    ENGINE ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (0) "},"
            "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (8) "}"),
    MERGED ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (0) "},"
            "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':8,'valueTwo':0,'op':'SCMP_"
            "CMP_EQ'},{'index':1,'value':8,'valueTwo':0,'op':'SCMP_CMP_EQ'}]}"),
    "", "", "personality", "" },

  { "two denials of different actions that overlap deny every call, with no engine profile as with one",
    OURS ("{'names':['unshare'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':402653184,'valueTwo':0,"
          "'op':'SCMP_CMP_MASKED_EQ'}]},"
          "{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[" NEWUSER (268435456) "]},"
          "{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':2,'args':[{'index':0,'value':134217728,"
          "'valueTwo':134217728,'op':'SCMP_CMP_MASKED_EQ'}]}"),
    NULL, MERGED ("{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':1}"), "", "unshare", "", "unshare" },

  { "with no engine profile as with one: an allowed case a denial overlaps goes, conditions by argument index",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':1,'value':1,'op':'SCMP_CMP_EQ'},"
          "{'index':0,'value':2,'op':'SCMP_CMP_EQ'}]},"
          "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':" EQ0 (2) "},"
          "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (1) "},"
          "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':1,'value':8,'op':'SCMP_CMP_EQ'},"
          "{'index':0,'value':0,'op':'SCMP_CMP_EQ'}]}"),
    NULL,
    MERGED ("{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':0,'valueTwo':0,'op':"
            "'SCMP_CMP_EQ'},{'index':1,'value':8,'valueTwo':0,'op':'SCMP_CMP_EQ'}]},"
            "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':" EQ0 (2) "},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':" EQ0 (1) "}"),
    "", "personality,socket", "", "socket" },

  { "allowed cases are written in one order however they were found (merging again gives the same)",
    OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':1,'value':15,'valueTwo':2,'op':'SCMP_CMP_"
          "MASKED_EQ'}]},"
          "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':10,'op':'SCMP_CMP_EQ'},{'index':1,"
          "'value':15,'valueTwo':1,'op':'SCMP_CMP_MASKED_EQ'}]},"
          "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':10,'op':'SCMP_CMP_EQ'},{'index':1,"
          "'value':15,'valueTwo':2,'op':'SCMP_CMP_MASKED_EQ'}]},"
          "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':" EQ0 (17) "}"),
    NULL,
    MERGED ("{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':" EQ0 (17) "},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':10,'valueTwo':0,'op':'SCMP_CMP_"
            "EQ'},{'index':1,'value':15,'valueTwo':1,'op':'SCMP_CMP_MASKED_EQ'}]},"
            "{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':10,'valueTwo':0,'op':'SCMP_CMP_"
            "EQ'},{'index':1,'value':15,'valueTwo':2,'op':'SCMP_CMP_MASKED_EQ'}]}"),
    "", "socket", "", "socket" },

  { "the engine's listener settings and NOTIFY rule are kept",
    OURS ("{'names':['read','mknod'],'action':'SCMP_ACT_ALLOW'}"),
    "{'defaultAction':'SCMP_ACT_ERRNO','listenerPath':'/run/agent.sock','listenerMetadata':'m1','syscalls':[{'"
    "names':['read'],'action':'SCMP_ACT_ALLOW'},{'names':['mknod'],'action':'SCMP_ACT_NOTIFY'}]}",
    "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'architectures':['SCMP_ARCH_X86_64'],'flags':[],"
    "'listenerPath':'/run/agent.sock','listenerMetadata':'m1','syscalls':[{'names':['mknod'],'action':'SCMP_ACT_"
    "NOTIFY'},{'names':['read'],'action':'SCMP_ACT_ALLOW'}]}",
    "", "", "mknod", "" },
};
/* clang-format on */

static void
_check_list (const char *case_name, const char *list, const hs_strv *got, const char *want)
{
  _cleanup_free_ char *g = _join (got);
  if (strcmp (g, want) != 0)
    CASE_FAIL ("merge `%s`: %s is [%s], expected [%s]\n", case_name, list, g, want);
}

static void
test_merge_cases (void **state)
{
  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_merge_cases); i++)
    {
      const _merge_case *c = &_merge_cases[i];
      _cleanup_free_ char *expect = _dq (c->expect);
      _cleanup_free_ char *got = NULL, *again_text = NULL;
      hs_scmp_profile ours, engine, merged, reparsed, again;
      hs_scmp_diff diff, diff2;
      _cleanup_json_ hs_json merged_json = NULL;
      hs_error err = { 0 };

      print_message ("merge: %s\n", c->name);
      _parse (c->ours, true, &ours);
      if (c->engine != NULL)
        {
          _parse (c->engine, false, &engine);
          hs_scmp_drop_foreign (&engine);
        }
      hs_scmp_merge (&ours, c->engine ? &engine : NULL, &merged, &diff);
      got = _profile_text (&merged);
      if (strcmp (got, expect) != 0)
        CASE_FAIL ("merge `%s`:\n got      %s\n expected %s\n", c->name, got, expect);
      _check_list (c->name, "removed", &diff.removed, c->removed);
      _check_list (c->name, "conditioned", &diff.conditioned, c->conditioned);
      _check_list (c->name, "kept", &diff.kept, c->kept);
      _check_list (c->name, "narrowed", &diff.narrowed, c->narrowed);

      /* runc and crun can build it */
      _failures += _compile (&merged, c->name);
      /* never looser than either */
      _failures += _check_sound (&ours, c->engine ? &engine : NULL, &merged, false, c->name);

      /* merging the result again with hardshim's profile changes nothing */
      merged_json = hs_scmp_to_json (&merged);
      if (hs_scmp_parse (merged_json, false, "merged", &reparsed, &err) < 0)
        {
          CASE_FAIL ("merge `%s`: the merged profile does not parse: %s\n", c->name, err.msg);
          hs_error_release (&err);
        }
      else
        {
          hs_scmp_merge (&ours, &reparsed, &again, &diff2);
          again_text = _profile_text (&again);
          if (strcmp (again_text, got) != 0)
            CASE_FAIL ("merge `%s`: not idempotent:\n once  %s\n twice %s\n", c->name, got, again_text);
          if (diff2.removed.n > 0 || diff2.conditioned.n > 0)
            CASE_FAIL ("merge `%s`: the second merge removes or conditions more\n", c->name);
          hs_scmp_release (&reparsed);
          hs_scmp_release (&again);
          hs_scmp_diff_release (&diff2);
        }

      hs_scmp_release (&ours);
      if (c->engine != NULL)
        hs_scmp_release (&engine);
      hs_scmp_release (&merged);
      hs_scmp_diff_release (&diff);
    }
  assert_int_equal (_failures, 0);
}

/* A whole real profile: default.json as the container gets it, merged with
 * each golden engine spec's profile, twice. */
static void
test_merge_real_profiles_idempotent (void **state)
{
  static const char *const names[] = { "docker", "containerd", "podman" };
  _hardened h;
  hs_scmp_profile ours;

  _failures = 0;
  /* hardshim's resolved profile: what hardening gives a spec without one */
  _harden ("{}", "{'process':{}," MINIMAL_ROOT "," TU_LINUX "}", false, &h);
  if (h.r < 0)
    fail_msg ("%s", h.err.msg);
  _spec_profile (h.spec, &ours);
  for (size_t i = 0; i < HS_ARRAY_SIZE (names); i++)
    {
      _cleanup_free_ char *path = xasprintf ("%s/tests/data/specs/%s.json", tu_srcdir (), names[i]);
      _cleanup_free_ char *text = NULL, *once = NULL, *twice = NULL;
      _cleanup_json_ hs_json spec = NULL, merged_json = NULL;
      hs_json given;
      hs_scmp_profile engine, merged, reparsed, again;
      hs_scmp_diff d1, d2;
      hs_error err = { 0 };

      if (access (path, R_OK) != 0)
        {
          print_message ("SKIP: %s: %s\n", path, strerror (errno));
          continue;
        }
      text = tu_read (path, NULL);
      spec = tu_parse (text);
      given = hs_json_get (hs_json_get (spec, "linux"), "seccomp");
      if (given == NULL)
        {
          print_message ("%s has no seccomp profile\n", names[i]);
          continue;
        }
      if (hs_scmp_parse (given, false, path, &engine, &err) < 0)
        fail_msg ("%s", err.msg);
      hs_scmp_drop_foreign (&engine);
      hs_scmp_merge (&ours, &engine, &merged, &d1);
      once = _profile_text (&merged);
      merged_json = hs_scmp_to_json (&merged);
      assert_int_equal (hs_scmp_parse (merged_json, false, "merged", &reparsed, &err), 0);
      hs_scmp_merge (&ours, &reparsed, &again, &d2);
      twice = _profile_text (&again);
      if (strcmp (once, twice) != 0)
        CASE_FAIL ("%s: merging twice differs:\n once  %s\n twice %s\n", names[i], once, twice);
      _failures += _compile (&merged, names[i]);
      _failures += _check_sound (&ours, &engine, &merged, false, names[i]);
      hs_scmp_release (&engine);
      hs_scmp_release (&merged);
      hs_scmp_release (&reparsed);
      hs_scmp_release (&again);
      hs_scmp_diff_release (&d1);
      hs_scmp_diff_release (&d2);
    }
  hs_scmp_release (&ours);
  _hardened_release (&h);
  assert_int_equal (_failures, 0);
}

/* Syscalls libseccomp knows but this architecture lacks filter nothing:
 * dropped.  Names libseccomp does not know are kept for a newer runtime. */
static void
test_drop_foreign (void **state)
{
  hs_scmp_profile p;
  size_t n;

  _parse ("{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['chown32','read','hs_no_such_call'],"
          "'action':'SCMP_ACT_ALLOW'}]}",
          false, &p);
  assert_int_equal (p.nrules, 3);
  hs_scmp_drop_foreign (&p);
  assert_int_equal (p.nrules, 2);
  assert_null (hs_scmp_find (&p, "chown32", &n));
  assert_non_null (hs_scmp_find (&p, "read", &n));
  assert_non_null (hs_scmp_find (&p, "hs_no_such_call", &n));
  hs_scmp_release (&p);
}

/* ---- 4. parse errors ----------------------------------------------------- */

typedef struct
{
  const char *name;
  bool profile_file;
  const char *text;
  const char *error; /* NULL: must parse */
} _parse_case;

#define RULE(extra)                                                                                                    \
  "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW'" extra "}]}"
#define ARGS(args) RULE (",'args':[" args "]")

static const _parse_case _parse_cases[] = {
  { "minimal engine profile", false, "{'defaultAction':'SCMP_ACT_ALLOW'}", NULL },
  { "unknown top-level key", false, "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRett':1}",
    "unknown key `defaultErrnoRett`" },
  { "comment at top level of an engine profile", false, "{'defaultAction':'SCMP_ACT_ERRNO','comment':'x'}",
    "unknown key `comment`" },
  { "comment at top level of a profile file", true, "{'defaultAction':'SCMP_ACT_ERRNO','comment':'x'}", NULL },
  { "unknown rule key in an engine profile", false, RULE (",'minKernel':'5.8'"), "unknown key `minKernel`" },
  { "comment in an engine profile's rule", false, RULE (",'comment':'x'"), "unknown key `comment`" },
  { "includes in an engine profile's rule", false, RULE (",'includes':{'caps':['CAP_SYS_ADMIN']}"),
    "unknown key `includes`" },
  { "excludes in an engine profile's rule", false, RULE (",'excludes':{'caps':['CAP_SYS_ADMIN']}"),
    "unknown key `excludes`" },
  { "comment, includes, excludes in a profile file's rule", true,
    RULE (",'comment':'x','includes':{'caps':['CAP_SYS_ADMIN']},'excludes':{'caps':['sys_chroot']}"), NULL },
  { "unknown rule key in a profile file", true, RULE (",'minKernel':'5.8'"), "unknown key `minKernel`" },
  { "includes with an unknown key (Docker's arches)", true, RULE (",'includes':{'arches':['amd64']}"),
    "unknown key `arches`" },
  { "includes with an unknown capability", true, RULE (",'includes':{'caps':['CAP_BOGUS']}"),
    "unknown capability `CAP_BOGUS`" },
  { "excludes with an unknown capability", true, RULE (",'excludes':{'caps':['CAP_SYS_ADMIN','']}"),
    "unknown capability" },
  { "includes caps not an array", true, RULE (",'includes':{'caps':'CAP_SYS_ADMIN'}"), "`caps` must be an array" },
  { "unknown action", false,
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['read'],'action':'SCMP_ACT_ALLOW_ALL'}]}",
    "unknown action `SCMP_ACT_ALLOW_ALL`" },
  { "unknown default action", false, "{'defaultAction':'SCMP_ACT_DENY'}", "unknown action `SCMP_ACT_DENY`" },
  { "no default action", false, "{'syscalls':[]}", "the action must be a string" },
  { "lower-case action", false, "{'defaultAction':'scmp_act_errno'}", "unknown action `scmp_act_errno`" },
  { "unknown operator", false, ARGS ("{'index':0,'value':1,'op':'SCMP_CMP_BETWEEN'}"),
    "unknown operator `SCMP_CMP_BETWEEN`" },
  { "no operator", false, ARGS ("{'index':0,'value':1}"), "unknown operator" },
  { "index 6", false, ARGS ("{'index':6,'value':1,'op':'SCMP_CMP_EQ'}"), "`index` must be a whole number up to 5" },
  { "index 5", false, ARGS ("{'index':5,'value':1,'op':'SCMP_CMP_EQ'}"), NULL },
  { "negative index", false, ARGS ("{'index':-1,'value':1,'op':'SCMP_CMP_EQ'}"), "`index`" },
  /* issue 13 #12: valid OCI, read as runc and crun read it (test_parse_same_argument_twice) */
  { "same argument index twice in one rule", false,
    ARGS ("{'index':1,'value':1,'op':'SCMP_CMP_NE'},{'index':1,'value':2,'op':'SCMP_CMP_NE'}"), NULL },
  { "seven conditions", false,
    ARGS ("{'index':0,'value':1,'op':'SCMP_CMP_EQ'},{'index':1,'value':1,'op':'SCMP_CMP_EQ'},"
          "{'index':2,'value':1,'op':'SCMP_CMP_EQ'},{'index':3,'value':1,'op':'SCMP_CMP_EQ'},"
          "{'index':4,'value':1,'op':'SCMP_CMP_EQ'},{'index':5,'value':1,'op':'SCMP_CMP_EQ'},"
          "{'index':0,'value':2,'op':'SCMP_CMP_EQ'}"),
    "more argument conditions" },
  { "value a string", false, ARGS ("{'index':0,'value':'1','op':'SCMP_CMP_EQ'}"), "`value` must be a whole number" },
  { "valueTwo a fraction", false, ARGS ("{'index':0,'value':1,'valueTwo':0.5,'op':'SCMP_CMP_MASKED_EQ'}"),
    "`valueTwo` must be a whole number" },
  { "largest 64-bit value", false, ARGS ("{'index':0,'value':18446744073709551615,'op':'SCMP_CMP_EQ'}"), NULL },
  { "unknown key in a condition", false, ARGS ("{'index':0,'value':1,'op':'SCMP_CMP_EQ','mask':1}"),
    "unknown key `mask`" },
  { "args not an array", false, RULE (",'args':{}"), "`args` must be an array" },
  { "names empty", false, "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':[],'action':'SCMP_ACT_ALLOW'}]}",
    "`names` must be a non-empty array of strings" },
  { "names missing (Docker's old `name`)", false,
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'name':'read','action':'SCMP_ACT_ALLOW'}]}", "unknown key `name`" },
  { "names missing", false, "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'action':'SCMP_ACT_ALLOW'}]}",
    "`names` must be a non-empty array of strings" },
  { "names not strings", false,
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['read',0],'action':'SCMP_ACT_ALLOW'}]}",
    "`names` must be a non-empty array of strings" },
  { "an empty name", false, "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':[''],'action':'SCMP_ACT_ALLOW'}]}",
    "`names` must be a non-empty array of strings" },
  { "names a string", false,
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':'read','action':'SCMP_ACT_ALLOW'}]}",
    "`names` must be a non-empty array of strings" },
  { "errnoRet a string", false,
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO','errnoRet':'1'}]}",
    "`errnoRet` must be a whole number" },
  { "errnoRet negative", false,
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO','errnoRet':-1}]}",
    "`errnoRet` must be a whole number" },
  { "errnoRet beyond 16 bits", false,
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':[{'names':['read'],'action':'SCMP_ACT_ERRNO','errnoRet':65536}]}",
    "`errnoRet` must be a whole number" },
  { "defaultErrnoRet a fraction", false, "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1.0}",
    "`defaultErrnoRet` must be a whole number" },
  { "syscalls an object", false, "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':{}}", "`syscalls` must be an array" },
  { "a syscalls entry a string", false, "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':['read']}",
    "a syscalls entry must be an object" },
  { "architectures holding a number", false, "{'defaultAction':'SCMP_ACT_ERRNO','architectures':[1]}",
    "`architectures` must be an array of strings" },
  { "flags a string", false, "{'defaultAction':'SCMP_ACT_ERRNO','flags':'SECCOMP_FILTER_FLAG_LOG'}",
    "`flags` must be an array of strings" },
  { "listenerPath a number", false, "{'defaultAction':'SCMP_ACT_ERRNO','listenerPath':1}",
    "`listenerPath` must be a string" },
  { "null syscalls, architectures and flags", false,
    "{'defaultAction':'SCMP_ACT_ERRNO','syscalls':null,'architectures':null,'flags':null}", NULL },
  { "not an object", false, "['SCMP_ACT_ERRNO']", "must be an object" },
};

static void
test_parse_errors (void **state)
{
  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_parse_cases); i++)
    {
      const _parse_case *c = &_parse_cases[i];
      _cleanup_json_ hs_json tree = _tree (c->text);
      char sentinel[] = "untouched";
      hs_scmp_profile p = { .default_action = sentinel };
      hs_error err = { 0 };
      int r = hs_scmp_parse (tree, c->profile_file, "`t.json`: /linux/seccomp", &p, &err);

      if (c->error == NULL)
        {
          if (r != 0)
            CASE_FAIL ("parse `%s`: refused: %s\n", c->name, err.msg);
          else
            hs_scmp_release (&p);
        }
      else if (r >= 0)
        {
          CASE_FAIL ("parse `%s`: accepted, expected an error with `%s`\n", c->name, c->error);
          hs_scmp_release (&p);
        }
      else
        {
          if (r != -EINVAL || err.code != EINVAL)
            CASE_FAIL ("parse `%s`: returned %d (code %d), expected -EINVAL\n", c->name, r, err.code);
          if (err.msg == NULL || strstr (err.msg, c->error) == NULL)
            CASE_FAIL ("parse `%s`: message `%s` lacks `%s`\n", c->name, err.msg ? err.msg : "(null)", c->error);
          /* the location is named */
          else if (strstr (err.msg, "`t.json`: /linux/seccomp") == NULL)
            CASE_FAIL ("parse `%s`: message `%s` does not name where\n", c->name, err.msg);
          if (p.default_action != sentinel)
            CASE_FAIL ("parse `%s`: the output was changed on failure\n", c->name);
        }
      hs_error_release (&err);
    }
  assert_int_equal (_failures, 0);
}

/* A rule comparing one argument twice (runc's own tests write one) is read
 * as runc 1.1 and crun 1.8 build it: each condition a rule of its own, the
 * conditions on other arguments too (measured with both runtimes: chmod
 * denied for mode 0700 or 0755, whatever a condition path == 0 says).  The
 * names go to split, and the merge treats the rules as any others. */
static void
test_parse_same_argument_twice (void **state)
{
  hs_scmp_profile p, ours, merged;
  hs_scmp_diff diff;
  _cleanup_free_ char *got = NULL, *want = NULL, *merged_text = NULL, *merged_want = NULL;

  _parse ("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['chmod','fchmodat'],'action':'SCMP_ACT_ERRNO',"
          "'errnoRet':13,'args':[{'index':1,'value':448,'op':'SCMP_CMP_EQ'},{'index':1,'value':493,'op':'SCMP_CMP_"
          "EQ'},{'index':0,'value':0,'op':'SCMP_CMP_EQ'}]},{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{"
          "'index':0,'value':1,'op':'SCMP_CMP_EQ'},{'index':1,'value':2,'op':'SCMP_CMP_EQ'}]}]}",
          false, &p);
  got = _profile_text (&p);
  want = _dq ("{'defaultAction':'SCMP_ACT_ALLOW','architectures':[],'flags':[],'syscalls':["
              "{'names':['chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':1,'value':448,'valueTwo':0,"
              "'op':'SCMP_CMP_EQ'}]},"
              "{'names':['chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':1,'value':493,'valueTwo':0,"
              "'op':'SCMP_CMP_EQ'}]},"
              "{'names':['chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':0,'value':0,'valueTwo':0,"
              "'op':'SCMP_CMP_EQ'}]},"
              "{'names':['fchmodat'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':1,'value':448,"
              "'valueTwo':0,'op':'SCMP_CMP_EQ'}]},"
              "{'names':['fchmodat'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':1,'value':493,"
              "'valueTwo':0,'op':'SCMP_CMP_EQ'}]},"
              "{'names':['fchmodat'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':0,'value':0,"
              "'valueTwo':0,'op':'SCMP_CMP_EQ'}]},"
              /* a rule with distinct indexes stays one rule (both must hold) */
              "{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':1,'valueTwo':0,'op':'SCMP_CMP_"
              "EQ'},{'index':1,'value':2,'valueTwo':0,'op':'SCMP_CMP_EQ'}]}]}");
  assert_string_equal (got, want);
  {
    _cleanup_free_ char *names = _join (&p.split);
    assert_string_equal (names, "chmod,fchmodat");
  }

  /* merged with hardshim's: the engine's three denials stay, never looser */
  _parse (OURS ("{'names':['chmod','read'],'action':'SCMP_ACT_ALLOW'}"), true, &ours);
  hs_scmp_drop_foreign (&p);
  hs_scmp_merge (&ours, &p, &merged, &diff);
  merged_text = _profile_text (&merged);
  /* (rules of one name in the merge's order: action, then conditions) */
  merged_want = _dq (MERGED ("{'names':['chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':" EQ0 (
      0) "},"
         "{'names':['chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':" EQ (
             1, 448) "},"
                     "{'names':['chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':" EQ (
                         1,
                         493) "},"
                              "{'names':['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':1,'valueTwo':0,"
                              "'op':'SCMP_CMP_EQ'},{'index':1,'value':2,'valueTwo':0,'op':'SCMP_CMP_EQ'}]}"));
  assert_string_equal (merged_text, merged_want);
  assert_int_equal (_check_sound (&ours, &p, &merged, false, "same argument twice"), 0);
  assert_int_equal (_compile (&merged, "same argument twice"), 0);
  hs_scmp_release (&p);
  hs_scmp_release (&ours);
  hs_scmp_release (&merged);
  hs_scmp_diff_release (&diff);
}

/* A rule in a profile file with several names becomes one rule per name,
 * each with the includes/excludes; the rules come out sorted. */
static void
test_parse_profile_file_rules (void **state)
{
  hs_scmp_profile p;
  size_t n;
  const hs_scmp_rule *r;

  _parse ("{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'syscalls':[{'names':['write','read'],'action':"
          "'SCMP_ACT_ALLOW','includes':{'caps':['sys_chroot']},'excludes':{'caps':['CAP_SYS_ADMIN']}},"
          "{'names':['read'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':3,'op':'SCMP_CMP_EQ'}]"
          "}]}",
          true, &p);
  assert_int_equal (p.nrules, 3);
  assert_string_equal (p.rules[0].name, "read");
  assert_string_equal (p.rules[1].name, "read");
  assert_string_equal (p.rules[2].name, "write");
  r = hs_scmp_find (&p, "read", &n);
  assert_int_equal (n, 2);
  assert_string_equal (r[0].action, "SCMP_ACT_ALLOW"); /* order within a name kept */
  assert_int_equal (r[0].caps_include.n, 1);
  assert_string_equal (r[0].caps_include.v[0], "CAP_SYS_CHROOT");
  assert_int_equal (r[0].caps_exclude.n, 1);
  assert_string_equal (r[0].caps_exclude.v[0], "CAP_SYS_ADMIN");
  assert_string_equal (r[1].action, "SCMP_ACT_ERRNO");
  assert_true (r[1].has_errno);
  assert_int_equal (r[1].errno_ret, 1);
  assert_int_equal (r[1].nargs, 1);
  assert_int_equal (r[1].args[0].op, HS_SCMP_EQ);
  assert_int_equal (r[1].args[0].value, 3);
  assert_int_equal (hs_scmp_find (&p, "write", &n)->caps_include.n, 1);
  assert_null (hs_scmp_find (&p, "open", &n));
  assert_int_equal (n, 0);
  hs_scmp_release (&p);
}

/* ---- 5. the measure through hs_harden ----------------------------------- */

typedef struct
{
  const char *name;
  const char *policy;
  bool process_file;
  const char *spec;
  const char *expect[6];     /* snippets of the hardened spec */
  const char *not_expect[4]; /* snippets it must not contain */
  const char *journal[6];    /* snippets of the journal */
  const char *not_journal[3];
  const char *error; /* hardening must fail with this in the message */
} _measure_case;

#define DOCKERISH                                                                                                      \
  "{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X86',"         \
  "'SCMP_ARCH_X32'],'syscalls':[{'names':['read','write','ptrace','clone3','exit_group'],'action':'SCMP_ACT_"          \
  "ALLOW'},{'names':['socket'],'action':'SCMP_ACT_ALLOW'}]"

/* clang-format off */
static const _measure_case _measure_cases[] = {
  /* issue 13 #4 */
  { "the engine's NOTIFY of unshare: hardshim's denials stay, journaled as changed, the listener kept",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':{" TU_LINUX_NS ",'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/run/a.sock',"
    "'listenerMetadata':'m','syscalls':[{'names':['unshare'],'action':'SCMP_ACT_NOTIFY'}]}}}",
    { "'listenerPath':'/run/a.sock','listenerMetadata':'m'",
      "{'names':['unshare'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':268435456,'valueTwo':"
      "268435456,'op':'SCMP_CMP_MASKED_EQ'}]}",
      "{'names':['unshare'],'action':'SCMP_ACT_NOTIFY','args':[{'index':0,'value':2114060416,'valueTwo':0," },
    { "{'names':['unshare'],'action':'SCMP_ACT_NOTIFY'}" },
    { "'unshare'],'after':'allowed only under hardshim's argument conditions'" },
    { "'action':'kept'", "listenerPath','action':'removed'" },
    NULL },
  { "a NOTIFY that matches every socket call is no condition: the listener settings go, journaled",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':{" TU_LINUX_NS ",'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/run/a.sock',"
    "'listenerMetadata':'m','syscalls':[{'names':['socket'],'action':'SCMP_ACT_NOTIFY','args':[{'index':0,'value':0,"
    "'op':'SCMP_CMP_GE'}]}]}}}",
    { "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':17," },
    { "SCMP_ACT_NOTIFY", "listenerPath", "listenerMetadata" },
    { "'path':'/linux/seccomp/listenerPath','action':'removed','before':'/run/a.sock','after':null",
      "'path':'/linux/seccomp/listenerMetadata','action':'removed','before':'m','after':null",
      "'socket','unshare'],'after':'allowed only under hardshim's argument conditions'" },
    { "'action':'kept'" },
    NULL },
  /* issue 13 #11 */
  { "an engine profile that denies landlock_* (or fakes them with errnoRet 0): the helper's calls are allowed",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':{" TU_LINUX_NS ",'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':6,"
    "'syscalls':[{'names':['read','write','exit_group'],'action':'SCMP_ACT_ALLOW'},{'names':['landlock_restrict_self'],"
    "'action':'SCMP_ACT_ERRNO','errnoRet':0}]}}}",
    { "'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38",
      "{'names':['exit_group','landlock_add_rule','landlock_create_ruleset','landlock_restrict_self','read','write'],"
      "'action':'SCMP_ACT_ALLOW'}" },
    { "'errnoRet':0" },
    { "'path':'/linux/seccomp/syscalls','action':'changed','before':['landlock_create_ruleset','landlock_add_rule',"
      "'landlock_restrict_self'],'after':'allowed: hardshim's Landlock helper restricts itself with them" },
    { NULL },
    NULL },
  /* issue 13 #12 */
  { "a rule comparing one argument twice is read as runc and crun read it, journaled",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':{" TU_LINUX_NS ",'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['"
    "chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':1,'value':448,'op':'SCMP_CMP_EQ'},{'index':1,"
    "'value':493,'op':'SCMP_CMP_EQ'}]}]}}}",
    { "{'names':['chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':1,'value':448,'valueTwo':0,'op':"
      "'SCMP_CMP_EQ'}]}",
      "{'names':['chmod'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':1,'value':493,'valueTwo':0,'op':"
      "'SCMP_CMP_EQ'}]}" },
    { NULL },
    { "'path':'/linux/seccomp/syscalls','action':'changed','before':['chmod'],'after':'a rule comparing one argument "
      "twice is read as runc and crun read it: one rule per condition'" },
    { NULL },
    NULL },
  { "no engine profile: hardshim's is added",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT "," TU_LINUX "}",
    { "'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38,'architectures':['SCMP_ARCH_", "'flags':[]",
      "'mount'" },
    { "SCMP_ACT_LOG", "SPEC_ALLOW" },
    { "'measure':'seccomp','path':'/linux/seccomp','action':'added','before':null,'after':{'profile':'" },
    { "'path':'/linux/seccomp/syscalls'" },
    NULL },
  { "linux.seccomp null is no profile",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':{" TU_LINUX_NS ",'seccomp':null}}",
    { "'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38" },
    { NULL },
    { "'measure':'seccomp','path':'/linux/seccomp','action':'added'" },
    { NULL },
    NULL },
  { "an engine profile is intersected, each difference journaled",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':{" TU_LINUX_NS ",'seccomp':" DOCKERISH ",'flags':['SECCOMP_FILTER_FLAG_SPEC_ALLOW']}}}",
    { "'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':38", "'flags':[]" },
    { "SCMP_ARCH_X86'", "SCMP_ARCH_X32", "SPEC_ALLOW" },
    { "'path':'/linux/seccomp','action':'changed'",
      "'path':'/linux/seccomp/architectures','action':'changed','before':['SCMP_ARCH_X86_64','SCMP_ARCH_X86','SCMP_"
      "ARCH_X32'],'after':['SCMP_ARCH_",
      "'path':'/linux/seccomp/flags','action':'changed','before':['SECCOMP_FILTER_FLAG_SPEC_ALLOW'],'after':[]",
      "'path':'/linux/seccomp/syscalls','action':'removed','before':['clone3','ptrace']",
      "'path':'/linux/seccomp/syscalls','action':'changed','before':['socket'],'after':'allowed only under "
      "hardshim's argument conditions'" },
    { NULL },
    NULL },
  { "an engine profile without flags gets them",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':{" TU_LINUX_NS ",'seccomp':" DOCKERISH "}}}",
    { "'flags':[]" },
    { NULL },
    { "'path':'/linux/seccomp/flags','action':'added','before':null,'after':[]" },
    { NULL },
    NULL },
  { "an engine profile with an unknown flag is refused",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':{" TU_LINUX_NS ",'seccomp':" DOCKERISH ",'flags':['SECCOMP_FILTER_FLAG_BOGUS']}}}",
    { NULL },
    { NULL },
    { NULL },
    { NULL },
    "`config.json`: /linux/seccomp/flags: unknown flag `SECCOMP_FILTER_FLAG_BOGUS`" },
  { "an engine profile that does not parse is refused with where",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':{" TU_LINUX_NS ",'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','x-new':1}}}",
    { NULL },
    { NULL },
    { NULL },
    { NULL },
    "`config.json`: /linux/seccomp: unknown key `x-new`" },
  { "linux.seccomp a string is refused",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':{" TU_LINUX_NS ",'seccomp':'default'}}",
    { NULL },
    { NULL },
    { NULL },
    { NULL },
    "`config.json`: /linux/seccomp: must be an object" },
  { "linux not an object is refused",
    "{}",
    false,
    "{'process':{}," MINIMAL_ROOT ",'linux':[]}",
    { NULL },
    { NULL },
    { NULL },
    { NULL },
    "/linux is an array" },
  { "exec process file: no seccomp measure",
    "{}",
    true,
    "{'user':{'uid':0,'gid':0},'args':['sh'],'capabilities':{'bounding':['CAP_KILL']}}",
    { "'noNewPrivileges':true" },
    { "seccomp", "linux" },
    { "'measure':'no_new_privileges'" },
    { "'measure':'seccomp'" },
    NULL },
};
/* clang-format on */

static void
test_measure_cases (void **state)
{
  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_measure_cases); i++)
    {
      const _measure_case *c = &_measure_cases[i];
      _cleanup_free_ char *out = NULL;
      _hardened h;

      print_message ("measure: %s\n", c->name);
      _harden (c->policy, c->spec, c->process_file, &h);
      if (c->error != NULL)
        {
          if (h.r >= 0)
            CASE_FAIL ("measure `%s`: accepted, expected `%s`\n", c->name, c->error);
          else if (h.r != -EINVAL || h.err.msg == NULL || strstr (h.err.msg, c->error) == NULL)
            CASE_FAIL ("measure `%s`: returned %d `%s`, expected -EINVAL with `%s`\n", c->name, h.r,
                       h.err.msg ? h.err.msg : "", c->error);
          _hardened_release (&h);
          continue;
        }
      if (h.r < 0)
        {
          CASE_FAIL ("measure `%s`: %s\n", c->name, h.err.msg);
          _hardened_release (&h);
          continue;
        }
      if (!h.changed)
        CASE_FAIL ("measure `%s`: *ret_changed false in enforce mode\n", c->name);
      out = _generate (h.spec);
      for (size_t e = 0; e < HS_ARRAY_SIZE (c->expect) && c->expect[e]; e++)
        {
          _cleanup_free_ char *want = _dq (c->expect[e]);
          if (strstr (out, want) == NULL)
            CASE_FAIL ("measure `%s`: spec\n%s\nlacks\n%s\n", c->name, out, want);
        }
      for (size_t e = 0; e < HS_ARRAY_SIZE (c->not_expect) && c->not_expect[e]; e++)
        {
          _cleanup_free_ char *bad = _dq (c->not_expect[e]);
          if (strstr (out, bad) != NULL)
            CASE_FAIL ("measure `%s`: spec contains `%s`\n", c->name, bad);
        }
      for (size_t e = 0; e < HS_ARRAY_SIZE (c->journal) && c->journal[e]; e++)
        {
          _cleanup_free_ char *want = _dq (c->journal[e]);
          /* the journal's why-texts hold a real apostrophe */
          _cleanup_free_ char *fixed = xstrdup (want);
          char *q = strstr (fixed, "hardshim\"s");
          if (q != NULL)
            q[8] = '\'';
          if (h.journal.buf == NULL || strstr (h.journal.buf, fixed) == NULL)
            CASE_FAIL ("measure `%s`: journal\n%s\nlacks\n%s\n", c->name, h.journal.buf ? h.journal.buf : "", fixed);
        }
      for (size_t e = 0; e < HS_ARRAY_SIZE (c->not_journal) && c->not_journal[e]; e++)
        {
          _cleanup_free_ char *bad = _dq (c->not_journal[e]);
          if (h.journal.buf != NULL && strstr (h.journal.buf, bad) != NULL)
            CASE_FAIL ("measure `%s`: journal contains `%s`\n", c->name, bad);
        }
      _hardened_release (&h);
    }
  assert_int_equal (_failures, 0);
}

/* No linux.seccomp: exactly hardshim's defaults, native architecture only. */
static void
test_measure_added_profile (void **state)
{
  _hardened h;
  hs_json s, v;
  _cleanup_json_ hs_json rec = NULL;
  const char *line;
  hs_error err = { 0 };

  _harden ("{}", "{'process':{}," MINIMAL_ROOT "," TU_LINUX "}", false, &h);
  assert_int_equal (h.r, 0);
  assert_true (h.changed);
  s = hs_json_get (hs_json_get (h.spec, "linux"), "seccomp");
  assert_true (hs_json_is_object (s));
  assert_string_equal (hs_json_string (hs_json_get (s, "defaultAction")), "SCMP_ACT_ERRNO");
  assert_string_equal (hs_json_number_text (hs_json_get (s, "defaultErrnoRet")), "38");
  v = hs_json_get (s, "architectures");
  assert_true (hs_json_is_array (v));
  assert_int_equal (hs_json_array_len (v), 1);
  assert_string_equal (hs_json_string (hs_json_at (v, 0)), _native ());
  v = hs_json_get (s, "flags");
  assert_true (hs_json_is_array (v));
  assert_int_equal (hs_json_array_len (v), 0);
  assert_true (hs_json_is_array (hs_json_get (s, "syscalls")));

  /* one record for the seccomp measure, "added", from nothing */
  line = strstr (h.journal.buf, "\"measure\":\"seccomp\"");
  assert_non_null (line);
  assert_null (strstr (line + 1, "\"measure\":\"seccomp\""));
  while (line > h.journal.buf && line[-1] != '\n')
    line--;
  assert_int_equal (hs_json_parse (line, (size_t) (strchr (line, '\n') - line), &rec, &err), 0);
  assert_string_equal (hs_json_string (hs_json_get (rec, "measure")), "seccomp");
  assert_string_equal (hs_json_string (hs_json_get (rec, "path")), "/linux/seccomp");
  assert_string_equal (hs_json_string (hs_json_get (rec, "action")), "added");
  assert_true (hs_json_is_null (hs_json_get (rec, "before")));
  assert_string_equal (hs_json_string (hs_json_get (hs_json_get (rec, "after"), "defaultAction")), "SCMP_ACT_ERRNO");
  _hardened_release (&h);
}

/* includes/excludes follow the bounding set the capabilities measure leaves. */
static void
test_measure_capability_rules (void **state)
{
  static const char *const spec = "{'process':{'capabilities':{'bounding':['CAP_SYS_CHROOT','CAP_SYS_ADMIN'],"
                                  "'effective':['CAP_SYS_CHROOT','CAP_SYS_ADMIN'],'permitted':['CAP_SYS_CHROOT',"
                                  "'CAP_SYS_ADMIN']}}," MINIMAL_ROOT "," TU_LINUX "}";
  static const struct
  {
    const char *policy;
    const char *spec;
    bool chroot_allowed;
  } cases[] = {
    { "{'capabilities':{'allow':['CAP_SYS_CHROOT']}}", spec, true },
    { "{}", spec, false },
    /* the policy allows it but the spec did not ask for it */
    { "{'capabilities':{'allow':['CAP_SYS_CHROOT']}}", "{'process':{}," MINIMAL_ROOT "," TU_LINUX "}", false },
  };

  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      _hardened h;
      hs_scmp_profile p;
      const char *action;
      bool has_errno;
      uint32_t e;

      _harden (cases[i].policy, cases[i].spec, false, &h);
      if (h.r < 0)
        fail_msg ("%s", h.err.msg);
      _spec_profile (h.spec, &p);
      if (!_uncond (&p, "chroot", &action, &has_errno, &e))
        CASE_FAIL ("case %zu: chroot decided by conditions\n", i);
      else if (cases[i].chroot_allowed ? strcmp (action, "SCMP_ACT_ALLOW") != 0
                                       : strcmp (action, "SCMP_ACT_ERRNO") != 0 || !has_errno || e != EPERM)
        CASE_FAIL ("case %zu (%s): chroot gets %s %u, expected %s\n", i, cases[i].policy, action, e,
                   cases[i].chroot_allowed ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO 1");
      /* a capability the bounding set lacks still denies its syscalls */
      if (!_uncond (&p, "vhangup", &action, &has_errno, &e) || strcmp (action, "SCMP_ACT_ERRNO") != 0 || e != EPERM)
        CASE_FAIL ("case %zu: vhangup is not ERRNO 1\n", i);
      _failures += _compile (&p, cases[i].policy);
      hs_scmp_release (&p);
      _hardened_release (&h);
    }
  assert_int_equal (_failures, 0);
}

/* Audit mode writes a profile that logs instead of denying, and nothing else. */
static void
test_measure_audit (void **state)
{
  static const char *const spec_text
      = "{'ociVersion':'1.0.2','process':{'user':{'uid':0,'gid':0},'args':['sh'],'noNewPrivileges':false,"
        "'capabilities':{'bounding':['CAP_SYS_ADMIN','CAP_NET_RAW'],'effective':['CAP_SYS_ADMIN']}},"
        "'root':{'path':'rootfs','readonly':false},'mounts':[{'destination':'/proc','type':'proc'}],"
        "'linux':{'namespaces':[{'type':'pid'},{'type':'mount'}],'maskedPaths':[]}}";
  _cleanup_json_ hs_json original = _tree (spec_text);
  _cleanup_free_ char *seccomp_text = NULL, *expected = NULL, *out = NULL;
  _hardened h;
  hs_json s, user;
  hs_scmp_profile p;

  _harden ("{'mode':'audit'}", spec_text, false, &h);
  assert_int_equal (h.r, 0);
  assert_true (h.changed);
  s = hs_json_get (hs_json_get (h.spec, "linux"), "seccomp");
  assert_true (hs_json_is_object (s));
  assert_string_equal (hs_json_string (hs_json_get (s, "defaultAction")), "SCMP_ACT_LOG");
  assert_null (hs_json_get (s, "defaultErrnoRet"));
  seccomp_text = _generate (s);
  if (strstr (seccomp_text, "SCMP_ACT_ERRNO") != NULL || strstr (seccomp_text, "errnoRet") != NULL)
    fail_msg ("audit profile denies: %s", seccomp_text);

  /* everything but linux.seccomp is as it was */
  user = hs_json_get (hs_json_get (h.spec, "process"), "user");
  assert_string_equal (hs_json_number_text (hs_json_get (user, "uid")), "0");
  hs_json_object_set (hs_json_get (original, "linux"), "seccomp", hs_json_copy (s));
  expected = _generate (original);
  out = _generate (h.spec);
  assert_string_equal (out, expected);

  /* the logging profile is applied, the rest would be */
  assert_non_null (strstr (h.journal.buf, "\"measure\":\"seccomp\",\"path\":\"/linux/seccomp\",\"action\":\"added\""));
  assert_non_null (strstr (
      h.journal.buf, "\"measure\":\"seccomp\",\"path\":\"/linux/seccomp\",\"action\":\"kept\",\"would\":\"added\""));
  assert_non_null (strstr (h.journal.buf, "\"path\":\"/process/user/uid\",\"action\":\"kept\",\"would\":\"changed\""));
  assert_null (strstr (h.journal.buf, "\"mode\":\"enforce\""));

  /* runc and crun can build it (LOG rules equal to the default are
   * skipped), and with no engine profile it lets every call through */
  _spec_profile (h.spec, &p);
  assert_int_equal (_compile (&p, "audit profile"), 0);
  assert_int_equal (_check_sound (NULL, NULL, &p, true, "audit profile"), 0);
  hs_scmp_release (&p);
  _hardened_release (&h);
}

/* ---- bugs found ------------------------------------------------------------ */

/* Both profiles deny one argument case with different actions (another
 * errno, or KILL_PROCESS).  libseccomp refuses a rule with another action
 * whose conditions equal, or are broader than, an earlier rule's (EEXIST),
 * and runc and crun then cannot start the container: the merged profile
 * must keep one denial per case, and libseccomp must build it. */
static void
test_merge_same_case_two_actions (void **state)
{
  static const struct
  {
    const char *name, *ours, *engine;
  } cases[] = {
    { "socket(AF_VSOCK): hardshim EPERM, engine EACCES",
      OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'}]},"
            "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':40,'op':'SCMP_"
            "CMP_EQ'}]}"),
      ENGINE ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'}]},"
              "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':0,'value':40,'op':'SCMP_"
              "CMP_EQ'}]}") },
    { "socket(AF_VSOCK): hardshim EPERM for SOCK_STREAM, engine EACCES for all (overlapping, not identical)",
      OURS ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'}]},"
            "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':40,'op':'SCMP_CMP_"
            "EQ'},{'index':1,'value':1,'op':'SCMP_CMP_EQ'}]}"),
      ENGINE ("{'names':['socket'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_EQ'}]},"
              "{'names':['socket'],'action':'SCMP_ACT_ERRNO','errnoRet':13,'args':[{'index':0,'value':40,'op':'SCMP_"
              "CMP_EQ'}]}") },
    { "clone(CLONE_NEWUSER): hardshim EPERM, engine KILL_PROCESS",
      OURS ("{'names':['clone'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':2114060288,'valueTwo':0,'op':'"
            "SCMP_CMP_MASKED_EQ'}]},"
            "{'names':['clone'],'action':'SCMP_ACT_ERRNO','errnoRet':1,'args':[{'index':0,'value':268435456,'"
            "valueTwo':268435456,'op':'SCMP_CMP_MASKED_EQ'}]}"),
      ENGINE ("{'names':['clone'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':2114060288,'valueTwo':0,'op':"
              "'SCMP_CMP_MASKED_EQ'}]},"
              "{'names':['clone'],'action':'SCMP_ACT_KILL_PROCESS','args':[{'index':0,'value':268435456,'valueTwo':"
              "268435456,'op':'SCMP_CMP_MASKED_EQ'}]}") },
  };

  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      hs_scmp_profile ours, engine, merged;
      hs_scmp_diff diff;
      _cleanup_free_ char *text = NULL;
      int problems;

      _parse (cases[i].ours, true, &ours);
      _parse (cases[i].engine, false, &engine);
      hs_scmp_merge (&ours, &engine, &merged, &diff);
      problems = _compile (&merged, cases[i].name);
      if (problems > 0)
        {
          text = _profile_text (&merged);
          CASE_FAIL ("%s: the merged profile cannot be built by libseccomp:\n%s\n", cases[i].name, text);
        }
      hs_scmp_release (&ours);
      hs_scmp_release (&engine);
      hs_scmp_release (&merged);
      hs_scmp_diff_release (&diff);
    }
  assert_int_equal (_failures, 0);
}

/* In audit mode the logging profile lets through every call the engine's
 * profile lets through (it only logs what hardshim would deny): hardshim's
 * conditional rules over its LOG default must not leave other calls of the
 * syscall to the engine's default denial. */
/* A syscall an engine both allows and denies without conditions (podman's
 * setns) is denied by hardshim on purpose, even though libseccomp keeps the
 * first of the two rules: drop such allows before comparing. */
static void
_deny_wins (hs_scmp_profile *p)
{
  size_t kept = 0;

  for (size_t i = 0; i < p->nrules; i++)
    {
      bool drop = false;
      if (p->rules[i].nargs == 0 && hs_scmp_rule_allows (&p->rules[i]))
        for (size_t k = 0; k < p->nrules && !drop; k++)
          drop = strcmp (p->rules[k].name, p->rules[i].name) == 0 && p->rules[k].nargs == 0
                 && !hs_scmp_rule_allows (&p->rules[k]);
      if (!drop) /* names are the profile's strings, actions static */
        p->rules[kept++] = p->rules[i];
    }
  p->nrules = kept;
}

static void
test_audit_allows_what_engine_allows (void **state)
{
  static const char *const names[] = { "docker", "podman" };

  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (names); i++)
    {
      _cleanup_free_ char *path = xasprintf ("%s/tests/data/specs/%s.json", tu_srcdir (), names[i]);
      _cleanup_free_ char *text = NULL, *what = NULL;
      _cleanup_json_ hs_json original = NULL;
      hs_scmp_profile engine, audit;
      hs_policy policy;
      hs_journal j;
      hs_error err = { 0 };
      bool changed;
      hs_json spec;

      if (access (path, R_OK) != 0)
        {
          print_message ("SKIP: %s: %s\n", path, strerror (errno));
          continue;
        }
      text = tu_read (path, NULL);
      original = tu_parse (text);
      spec = tu_parse (text);
      if (hs_scmp_parse (hs_json_get (hs_json_get (original, "linux"), "seccomp"), false, path, &engine, &err) < 0)
        fail_msg ("%s", err.msg);
      hs_scmp_drop_foreign (&engine);
      _deny_wins (&engine);
      tu_policy ("{\"mode\":\"audit\"}", &policy);
      hs_journal_init (&j, "c1", NULL, path, "create", true);
      assert_int_equal (tu_harden (spec, false, path, &policy, &j, &changed, &err), 0);
      _spec_profile (spec, &audit);
      what = xasprintf ("%s in audit mode", names[i]);
      _failures += _check_sound (NULL, &engine, &audit, true, what);
      hs_scmp_release (&engine);
      hs_scmp_release (&audit);
      hs_json_free (spec);
      hs_journal_release (&j);
      hs_policy_release (&policy);
    }
  assert_int_equal (_failures, 0);
}

/* An unknown capability in a profile file's includes/excludes is reported
 * with the file and the rule, like every other profile error. */
static void
test_unknown_capability_location (void **state)
{
  hs_json tree = _tree (RULE (",'includes':{'caps':['CAP_BOGUS']}"));
  hs_scmp_profile p;
  hs_error err = { 0 };
  int r = hs_scmp_parse (tree, true, "seccomp profile `x.json`", &p, &err);
  bool named;

  hs_json_free (tree);
  if (r == 0)
    hs_scmp_release (&p);
  assert_int_equal (r, -EINVAL);
  named = err.msg != NULL && strstr (err.msg, "unknown capability `CAP_BOGUS`") != NULL
          && strstr (err.msg, "seccomp profile `x.json`: syscalls[0]") != NULL;
  if (!named)
    print_error ("message `%s` does not name the profile and rule\n", err.msg ? err.msg : "(null)");
  hs_error_release (&err);
  assert_true (named);
}

/* A release takes an empty value: zeroed, or released already. */
static void
test_release_empty (void **state)
{
  _cleanup_free_ char *path = xasprintf ("%s/profiles/seccomp/default.json", tu_srcdir ());
  hs_scmp_profile p = { 0 }, merged = { 0 };
  hs_scmp_diff diff = { 0 };
  hs_error err = { 0 };

  hs_scmp_release (&p);
  hs_scmp_release (&p);
  hs_scmp_diff_release (&diff);
  hs_scmp_diff_release (&diff);
  if (hs_scmp_load (path, &p, &err) < 0)
    fail_msg ("%s: %s", path, err.msg);
  hs_scmp_merge (&p, &p, &merged, &diff);
  hs_scmp_release (&p);
  hs_scmp_release (&p);
  assert_int_equal (p.nrules, 0);
  hs_scmp_release (&merged);
  hs_scmp_release (&merged);
  hs_scmp_diff_release (&diff);
  hs_scmp_diff_release (&diff);
  {
    _cleanup_scmp_profile_ hs_scmp_profile q = { 0 }, m = { 0 };
    _cleanup_scmp_diff_ hs_scmp_diff d = { 0 };
    assert_int_equal (hs_scmp_load (path, &q, &err), 0);
    hs_scmp_merge (&q, &q, &m, &d);
  }
}

/* ---- the compiled-in default profile (seccomp_builtin.h) ---------------- */

static void
_same_strv (const hs_strv *a, const hs_strv *b, const char *what)
{
  if (a->n != b->n)
    fail_msg ("%s: %zu strings, expected %zu", what, a->n, b->n);
  for (size_t i = 0; i < a->n; i++)
    if (strcmp (a->v[i], b->v[i]) != 0)
      fail_msg ("%s[%zu]: `%s`, expected `%s`", what, i, a->v[i], b->v[i]);
}

static char *
_scmp_text (const hs_scmp_profile *p)
{
  _cleanup_json_ hs_json v = hs_scmp_to_json (p);
  char *out = NULL;
  hs_error err = { 0 };

  assert_int_equal (hs_json_generate (v, true, &out, NULL, &err), 0);
  return out;
}

/* Field by field, and as the OCI object: the built-in profile (got) is
 * what parsing gives (want). */
static void
_same_scmp (const hs_scmp_profile *got, const hs_scmp_profile *want)
{
  _cleanup_free_ char *tg = _scmp_text (got), *tw = _scmp_text (want);

  assert_string_equal (got->default_action, want->default_action);
  assert_int_equal (got->has_default_errno, want->has_default_errno);
  assert_int_equal (got->default_errno, want->default_errno);
  _same_strv (&got->arches, &want->arches, "architectures");
  _same_strv (&got->flags, &want->flags, "flags");
  _same_strv (&got->split, &want->split, "split");
  assert_true (got->extra == NULL && want->extra == NULL);
  assert_int_equal (got->nrules, want->nrules);
  for (size_t i = 0; i < got->nrules; i++)
    {
      const hs_scmp_rule *g = &got->rules[i], *w = &want->rules[i];
      assert_string_equal (g->name, w->name);
      assert_string_equal (g->action, w->action);
      assert_int_equal (g->has_errno, w->has_errno);
      assert_int_equal (g->errno_ret, w->errno_ret);
      assert_int_equal (g->nargs, w->nargs);
      for (size_t a = 0; a < g->nargs; a++)
        {
          assert_int_equal (g->args[a].index, w->args[a].index);
          assert_int_equal (g->args[a].op, w->args[a].op);
          assert_true (g->args[a].value == w->args[a].value);
          assert_true (g->args[a].value_two == w->args[a].value_two);
        }
      _same_strv (&g->caps_include, &w->caps_include, g->name);
      _same_strv (&g->caps_exclude, &w->caps_exclude, g->name);
    }
  assert_string_equal (tg, tw);
}

/* Whether p came from the compiled tables: its names are theirs. */
static bool
_from_builtin (const hs_scmp_profile *p)
{
  return p->nrules > 0 && p->rules[0].name >= hs_scmp_builtin_strings
         && p->rules[0].name < hs_scmp_builtin_strings + hs_scmp_builtin_strings_len;
}

/* The compiled bytes are the tree's default profile, and the compiled
 * profile is what hs_scmp_parse makes of them. */
static void
test_builtin_is_the_parsed_file (void **state)
{
  _cleanup_free_ char *path = xasprintf ("%s/profiles/seccomp/default.json", tu_srcdir ());
  size_t len;
  _cleanup_free_ char *text = tu_read (path, &len);
  _cleanup_json_ hs_json tree = NULL;
  _cleanup_scmp_profile_ hs_scmp_profile parsed = { 0 }, builtin = { 0 };
  hs_error err = { 0 };

  if (len != hs_scmp_builtin_len || memcmp (text, hs_scmp_builtin_text, len) != 0)
    fail_msg ("%s differs from the profile compiled in: run `make seccomp-builtin`", path);
  assert_int_equal (hs_json_parse (hs_scmp_builtin_text, hs_scmp_builtin_len, &tree, &err), 0);
  assert_int_equal (hs_scmp_parse (tree, true, "builtin", &parsed, &err), 0);
  hs_scmp_builtin_profile (&builtin);
  assert_true (_from_builtin (&builtin));
  assert_false (_from_builtin (&parsed));
  _same_scmp (&builtin, &parsed);
}

/* A profile loaded from the compiled tables is an ordinary one: changing
 * it changes nothing of the tables, and a release frees what it owns. */
static void
test_builtin_loaded_is_its_own (void **state)
{
  _cleanup_free_ char *path = xasprintf ("%s/profiles/seccomp/default.json", tu_srcdir ());
  _cleanup_scmp_profile_ hs_scmp_profile a = { 0 }, b = { 0 }, parsed = { 0 };
  _cleanup_json_ hs_json tree = NULL;
  hs_scmp_rule extra = { .name = "zzz_new", .action = "SCMP_ACT_ALLOW" };
  hs_error err = { 0 };

  if (geteuid () != 0)
    {
      print_message ("SKIP: hs_scmp_load wants a file only root can change (not root)\n");
      return;
    }
  assert_int_equal (hs_scmp_load (path, &a, &err), 0);
  assert_true (_from_builtin (&a));
  hs_scmp_drop_foreign (&a);
  assert_true (hs_scmp_allow_always (&a, "mount"));
  hs_scmp_add_rule (&a, &extra);
  hs_scmp_sort (&a);
  hs_scmp_release (&a);
  assert_int_equal (hs_scmp_load (path, &b, &err), 0);
  assert_int_equal (hs_json_parse (hs_scmp_builtin_text, hs_scmp_builtin_len, &tree, &err), 0);
  assert_int_equal (hs_scmp_parse (tree, true, "builtin", &parsed, &err), 0);
  _same_scmp (&b, &parsed);
}

/* The old path and the new: a profile file one byte longer than the
 * default (a newline at its end) is parsed, the default file is the
 * compiled profile; every spec hardens to the same bytes and the same
 * journal with either, in enforce and in audit mode. */
static void
test_builtin_hardens_as_parsed (void **state)
{
  static const char *const specs[] = { "docker", "podman", "containerd", "runc", "cri-container", "cri-sandbox" };
  static const char *const modes[] = { "enforce", "audit" };
  _cleanup_free_ char *src = xasprintf ("%s/profiles/seccomp/default.json", tu_srcdir ());
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *pa = xasprintf ("%s/a.json", dir), *pb = xasprintf ("%s/b.json", dir);
  _cleanup_free_ char *text = tu_read (src, NULL);
  _cleanup_free_ char *longer = xasprintf ("%s\n", text);

  if (geteuid () != 0)
    {
      print_message ("SKIP: hs_scmp_load wants a file only root can change (not root)\n");
      rmdir (dir);
      return;
    }
  tu_write (pa, text, 0644);
  tu_write (pb, longer, 0644);
  for (size_t m = 0; m < HS_ARRAY_SIZE (modes); m++)
    {
      _cleanup_free_ char *qa = xasprintf ("{\"mode\":\"%s\",\"seccomp\":{\"profile\":\"%s\"}}", modes[m], pa);
      _cleanup_free_ char *qb = xasprintf ("{\"mode\":\"%s\",\"seccomp\":{\"profile\":\"%s\"}}", modes[m], pb);
      hs_policy a, b;

      tu_policy (qa, &a);
      tu_policy (qb, &b);
      assert_true (_from_builtin (a.seccomp));
      assert_false (_from_builtin (b.seccomp));
      _same_scmp (a.seccomp, b.seccomp);
      for (size_t i = 0; i < HS_ARRAY_SIZE (specs); i++)
        {
          _cleanup_free_ char *in = xasprintf ("%s/tests/data/specs/%s.json", tu_srcdir (), specs[i]);
          _cleanup_free_ char *spec_text = tu_read (in, NULL);
          _cleanup_json_ hs_json sa = tu_parse (spec_text), sb = tu_parse (spec_text);
          _cleanup_free_ char *oa = NULL, *ob = NULL, *ja = NULL, *jb = NULL;
          hs_journal jra, jrb;
          hs_error err = { 0 };
          bool changed;
          int ra, rb;

          hs_journal_init (&jra, "c1", "/bundle", in, "create", false);
          hs_journal_init (&jrb, "c1", "/bundle", in, "create", false);
          ra = tu_harden (sa, false, in, &a, &jra, &changed, &err);
          hs_error_release (&err);
          rb = tu_harden (sb, false, in, &b, &jrb, &changed, &err);
          hs_error_release (&err);
          assert_int_equal (ra, rb);
          assert_int_equal (hs_json_generate (sa, true, &oa, NULL, &err), 0);
          assert_int_equal (hs_json_generate (sb, true, &ob, NULL, &err), 0);
          assert_string_equal (oa, ob);
          ja = tu_journal_without_times (&jra);
          jb = tu_journal_without_times (&jrb);
          for (char *hit = jb; (hit = strstr (hit, pb)) != NULL; hit += strlen (pb))
            memcpy (hit, pa, strlen (pa)); /* the profile's name, the same length */
          assert_string_equal (ja, jb);
          hs_journal_release (&jra);
          hs_journal_release (&jrb);
        }
      hs_policy_release (&a);
      hs_policy_release (&b);
    }
  unlink (pa);
  unlink (pb);
  rmdir (dir);
}

/* ---- the merge of hardshim's profile taken a name at a time ------------ */

typedef struct
{
  const char *const *caps; /* the bounding set, NULL-terminated */
  bool audit;
} _taking;

static bool
_has (const char *const *caps, const char *cap)
{
  for (; *caps != NULL; caps++)
    if (strcmp (*caps, cap) == 0)
      return true;
  return false;
}

/* As the seccomp measure takes a rule of hardshim's profile. */
static bool
_take (const hs_scmp_rule *rule, hs_scmp_rule *ret, void *data)
{
  const _taking *t = data;

  for (size_t i = 0; i < rule->caps_include.n; i++)
    if (!_has (t->caps, rule->caps_include.v[i]))
      return false;
  for (size_t i = 0; i < rule->caps_exclude.n; i++)
    if (_has (t->caps, rule->caps_exclude.v[i]))
      return false;
  if (hs_scmp_is_foreign (rule->name))
    return false;
  hs_scmp_rule_taken (rule, t->audit, ret);
  return true;
}

/* The old path and the new: hs_scmp_merge of the resolved copy the
 * seccomp measure used to make (rules added one by one, then the foreign
 * ones dropped) and hs_scmp_merge_taken, for the default profile under
 * several capability sets, in both modes, against the engines' profiles. */
static void
test_merge_taken_as_copied (void **state)
{
  static const char *const none[] = { NULL };
  static const char *const nice[] = { "CAP_SYS_NICE", NULL };
  static const char *const all[] = { "CAP_SYS_CHROOT", "CAP_SYS_NICE", "CAP_SYS_RAWIO", "CAP_SYSLOG", NULL };
  static const char *const *const capsets[] = { none, nice, all };
  static const char *const engines[] = { NULL, "docker", "podman", "containerd", "cri-container" };
  _cleanup_json_ hs_json tree = NULL;
  _cleanup_scmp_profile_ hs_scmp_profile ours = { 0 };
  hs_error err = { 0 };
  size_t compared = 0;

  assert_int_equal (hs_json_parse (hs_scmp_builtin_text, hs_scmp_builtin_len, &tree, &err), 0);
  assert_int_equal (hs_scmp_parse (tree, true, "default", &ours, &err), 0);
  for (size_t e = 0; e < HS_ARRAY_SIZE (engines); e++)
    {
      _cleanup_scmp_profile_ hs_scmp_profile engine = { 0 };
      if (engines[e] != NULL)
        {
          _cleanup_free_ char *path = xasprintf ("%s/tests/data/specs/%s.json", tu_srcdir (), engines[e]);
          _cleanup_free_ char *text = tu_read (path, NULL);
          _cleanup_json_ hs_json spec = tu_parse (text);
          hs_json given = hs_json_get (hs_json_get (spec, "linux"), "seccomp");
          if (given == NULL || hs_json_is_null (given))
            continue;
          assert_int_equal (hs_scmp_parse (given, false, path, &engine, &err), 0);
          hs_scmp_drop_foreign (&engine);
        }
      for (size_t c = 0; c < HS_ARRAY_SIZE (capsets); c++)
        for (int audit = 0; audit < 2; audit++)
          {
            _taking t = { .caps = capsets[c], .audit = audit };
            hs_scmp_profile copy = { 0 }, a = { 0 }, b = { 0 };
            hs_scmp_diff da = { 0 }, db = { 0 };
            _cleanup_free_ char *ta = NULL, *tb = NULL;

            copy.default_action = audit ? "SCMP_ACT_LOG" : ours.default_action;
            copy.has_default_errno = !audit && ours.has_default_errno;
            copy.default_errno = ours.default_errno;
            hs_strv_add (&copy.arches, xstrdup (hs_scmp_native_arch () ? hs_scmp_native_arch () : "SCMP_ARCH_X86_64"));
            for (size_t i = 0; i < ours.nrules; i++)
              {
                bool applies = true;
                for (size_t k = 0; k < ours.rules[i].caps_include.n; k++)
                  applies = applies && _has (t.caps, ours.rules[i].caps_include.v[k]);
                for (size_t k = 0; k < ours.rules[i].caps_exclude.n; k++)
                  applies = applies && !_has (t.caps, ours.rules[i].caps_exclude.v[k]);
                if (applies)
                  {
                    hs_scmp_rule *r = hs_scmp_add_rule (&copy, &ours.rules[i]);
                    if (audit && !hs_scmp_rule_allows (r))
                      {
                        r->action = "SCMP_ACT_LOG";
                        r->has_errno = false;
                      }
                  }
              }
            hs_scmp_drop_foreign (&copy);
            hs_scmp_merge (&copy, engines[e] ? &engine : NULL, &a, &da);
            {
              /* ours' header as the measure makes it; its rules as they are */
              hs_scmp_profile header = copy;
              header.rules = ours.rules;
              header.nrules = ours.nrules;
              hs_scmp_merge_taken (&header, _take, &t, engines[e] ? &engine : NULL, &b, &db);
            }
            ta = _scmp_text (&a);
            tb = _scmp_text (&b);
            assert_string_equal (ta, tb);
            _same_strv (&db.removed, &da.removed, "removed");
            _same_strv (&db.conditioned, &da.conditioned, "conditioned");
            _same_strv (&db.kept, &da.kept, "kept");
            _same_strv (&db.narrowed, &da.narrowed, "narrowed");
            assert_int_equal (da.listener_dropped, db.listener_dropped);
            hs_scmp_release (&copy);
            hs_scmp_release (&a);
            hs_scmp_release (&b);
            hs_scmp_diff_release (&da);
            hs_scmp_diff_release (&db);
            compared++;
          }
    }
  assert_true (compared >= 18);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_profile_names_resolve),
    cmocka_unit_test (test_release_empty),
    cmocka_unit_test (test_profile_compiles),
    cmocka_unit_test (test_profile_required_denials),
    cmocka_unit_test (test_golden_outputs_compile),
    cmocka_unit_test (test_arg_and),
    cmocka_unit_test (test_merge_cases),
    cmocka_unit_test (test_merge_real_profiles_idempotent),
    cmocka_unit_test (test_drop_foreign),
    cmocka_unit_test (test_parse_errors),
    cmocka_unit_test (test_parse_profile_file_rules),
    cmocka_unit_test (test_parse_same_argument_twice),
    cmocka_unit_test (test_measure_cases),
    cmocka_unit_test (test_measure_added_profile),
    cmocka_unit_test (test_measure_capability_rules),
    cmocka_unit_test (test_measure_audit),
    cmocka_unit_test (test_merge_same_case_two_actions),
    cmocka_unit_test (test_audit_allows_what_engine_allows),
    cmocka_unit_test (test_unknown_capability_location),
    cmocka_unit_test (test_builtin_is_the_parsed_file),
    cmocka_unit_test (test_builtin_loaded_is_its_own),
    cmocka_unit_test (test_builtin_hardens_as_parsed),
    cmocka_unit_test (test_merge_taken_as_copied),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
