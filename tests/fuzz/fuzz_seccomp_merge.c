/* SPDX-License-Identifier: Apache-2.0 */
/* The seccomp merge: two profiles (the input split at its first NUL byte:
 * hardshim's, resolved as the measure resolves it, and the engine's; no
 * second part: no engine profile) parsed as linux.seccomp objects and
 * merged.  The merged profile must let no call through that either
 * denies, serialise to a profile that parses back to itself, and, where
 * hardshim's is one it enforces, merge with hardshim's again to itself
 * (hardening twice changes nothing).  And the merge of hardshim's taken a
 * name at a time (hs_scmp_merge_taken, as the seccomp measure resolves
 * it) is the merge of a copy made of the same rules. */
#include "config.h"

#include "fuzz.h"

#include "seccomp/seccomp_merge.h"
#include "base/util.h"

#include <string.h>

static bool
_parse (const uint8_t *data, size_t size, const char *where, hs_scmp_profile *ret)
{
  _cleanup_json_ hs_json v = NULL;
  hs_error err = { 0 };

  if (hs_json_parse ((const char *) data, size, &v, &err) < 0 || hs_scmp_parse (v, false, where, ret, &err) < 0)
    {
      hs_error_release (&err);
      return false;
    }
  return true;
}

/* A profile as hardshim enforces one (profiles/seccomp/, resolved): a
 * default that denies, rules that allow (SCMP_ACT_ALLOW) or deny.  Not:
 * its audit form (LOG), nor NOTIFY, TRACE or errnoRet 0 of its own, with
 * which merging again may find other (never looser) rules. */
static bool
_enforced (const hs_scmp_profile *p)
{
  if (hs_scmp_default_allows (p))
    return false;
  for (size_t i = 0; i < p->nrules; i++)
    if (hs_scmp_rule_allows (&p->rules[i]) && strcmp (p->rules[i].action, "SCMP_ACT_ALLOW") != 0)
      return false;
  return true;
}

static char *
_text (const hs_scmp_profile *p)
{
  _cleanup_json_ hs_json v = hs_scmp_to_json (p);
  return fz_generate (v);
}

typedef struct
{
  bool audit;      /* denials become SCMP_ACT_LOG */
  size_t drop_len; /* rules whose name has this length do not apply */
} _taking;

static bool
_take (const hs_scmp_rule *rule, hs_scmp_rule *ret, void *data)
{
  const _taking *t = data;

  if (hs_scmp_is_foreign (rule->name) || strlen (rule->name) == t->drop_len)
    return false;
  hs_scmp_rule_taken (rule, t->audit, ret);
  return true;
}

static void
_same_strv (const char *what, const hs_strv *a, const hs_strv *b)
{
  bool same = a->n == b->n;

  for (size_t i = 0; same && i < a->n; i++)
    same = strcmp (a->v[i], b->v[i]) == 0;
  if (!same)
    fz_fail ("merged taken and merged copied: the diff's %s differ", what);
}

/* hs_scmp_merge_taken (ours through _take) against hs_scmp_merge of the
 * copy the seccomp measure used to make. */
static void
_check_taken (const hs_scmp_profile *ours, const hs_scmp_profile *engine, const _taking *t)
{
  hs_scmp_profile copy = { 0 }, a = { 0 }, b = { 0 };
  hs_scmp_diff da = { 0 }, db = { 0 };
  _cleanup_free_ char *ta = NULL, *tb = NULL;

  copy.default_action = hs_scmp_action_name (&copy, ours->default_action);
  copy.has_default_errno = ours->has_default_errno;
  copy.default_errno = ours->default_errno;
  for (size_t i = 0; i < ours->arches.n; i++)
    hs_strv_add (&copy.arches, xstrdup (ours->arches.v[i]));
  for (size_t i = 0; i < ours->flags.n; i++)
    hs_strv_add (&copy.flags, xstrdup (ours->flags.v[i]));
  for (size_t i = 0; i < ours->nrules; i++)
    {
      hs_scmp_rule r;
      if (_take (&ours->rules[i], &r, (void *) t))
        hs_scmp_add_rule (&copy, &r);
    }
  hs_scmp_merge (&copy, engine, &a, &da);
  hs_scmp_merge_taken (ours, _take, (void *) t, engine, &b, &db);
  ta = _text (&a);
  tb = _text (&b);
  if (strcmp (ta, tb) != 0)
    fz_fail ("merged taken and merged copied differ:\n%s\n---\n%s", ta, tb);
  _same_strv ("removed", &da.removed, &db.removed);
  _same_strv ("conditioned", &da.conditioned, &db.conditioned);
  _same_strv ("kept", &da.kept, &db.kept);
  _same_strv ("narrowed", &da.narrowed, &db.narrowed);
  if (da.listener_dropped != db.listener_dropped)
    fz_fail ("merged taken and merged copied: listener_dropped differs");
  hs_scmp_release (&copy);
  hs_scmp_release (&a);
  hs_scmp_release (&b);
  hs_scmp_diff_release (&da);
  hs_scmp_diff_release (&db);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *nul = memchr (data, '\0', size);
  size_t a_len = nul ? (size_t) (nul - data) : size;
  hs_scmp_profile ours = { 0 }, engine = { 0 }, merged = { 0 }, back = { 0 }, twice = { 0 };
  hs_scmp_diff diff = { 0 }, diff2 = { 0 };
  bool has_engine = nul != NULL;
  _cleanup_free_ char *text = NULL, *text_back = NULL, *text_twice = NULL;

  if (!_parse (data, a_len, "ours", &ours))
    return 0;
  if (has_engine && !_parse (nul + 1, size - a_len - 1, "engine", &engine))
    {
      hs_scmp_release (&ours);
      return 0;
    }
  if (has_engine)
    hs_scmp_drop_foreign (&engine);
  for (size_t k = 0; k < 4; k++)
    {
      _taking t = { .audit = k % 2 == 1, .drop_len = k < 2 ? 0 : 4 + size % 5 };
      _check_taken (&ours, has_engine ? &engine : NULL, &t);
    }
  hs_scmp_drop_foreign (&ours);
  hs_scmp_merge (&ours, has_engine ? &engine : NULL, &merged, &diff);
  fz_check_scmp_subset ("the merged profile", &merged, &ours, has_engine ? &engine : NULL, NULL);
  if (hs_strv_contains (&merged.flags, "SECCOMP_FILTER_FLAG_SPEC_ALLOW")
      && !hs_strv_contains (&ours.flags, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
    fz_fail ("the merged profile turns off the speculation mitigation");

  /* what the spec gets parses back to the same profile */
  text = _text (&merged);
  {
    _cleanup_json_ hs_json v = hs_scmp_to_json (&merged);
    hs_error err = { 0 };
    if (hs_scmp_parse (v, false, "merged", &back, &err) < 0)
      fz_fail ("the merged profile does not parse: %s\n%s", err.msg, text);
  }
  text_back = _text (&back);
  if (strcmp (text, text_back) != 0)
    fz_fail ("the merged profile reads back otherwise:\n%s\n---\n%s", text, text_back);

  /* hardening a hardened spec: merging with ours again changes nothing,
   * where ours is a profile hardshim enforces (_enforced) */
  hs_scmp_merge (&ours, &back, &twice, &diff2);
  text_twice = _text (&twice);
  if (_enforced (&ours) && strcmp (text, text_twice) != 0)
    fz_fail ("merging twice differs:\n%s\n---\n%s", text, text_twice);

  hs_scmp_release (&ours);
  hs_scmp_release (&engine);
  hs_scmp_release (&merged);
  hs_scmp_release (&back);
  hs_scmp_release (&twice);
  hs_scmp_diff_release (&diff);
  hs_scmp_diff_release (&diff2);
  return 0;
}
