/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "seccomp": the container gets the policy's default-deny profile
 * (profiles/seccomp/), intersected with the profile the engine asked for.
 *
 * Rules a profile ties to capabilities (`includes`/`excludes`) are resolved
 * against the bounding set the capabilities measure left.  Only this
 * machine's native architecture is written, so i386 and x32 entry points
 * meet the filter's bad-architecture action.  `flags` is always written,
 * without SECCOMP_FILTER_FLAG_SPEC_ALLOW, so a runtime's own default cannot
 * turn off the speculative-execution mitigation.
 *
 * NOTIFY, TRACE, LOG and errnoRet 0 count as allowing when profiles are
 * merged (seccomp_merge.h); the engine's listener settings go when its last
 * NOTIFY rule does.  A rule comparing one argument twice is read as runc
 * and crun read it, one rule per condition, and journaled.
 *
 * Where measure lsm puts the Landlock helper in front of the process, the
 * helper's landlock_* calls are let through whatever the engine's profile
 * says: they only take rights away, and without them the container would
 * not start (or, under errnoRet 0, start with the helper believing it is
 * restricted).
 *
 * In audit mode the measure still writes a profile: hardshim's denials
 * become SCMP_ACT_LOG, so the kernel logs what enforcing would stop, and
 * whatever the engine's profile denies stays denied. */
#include "config.h"

#include "measures/measure.h"
#include "seccomp/seccomp_merge.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const _known_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

/* The calls hardshim's Landlock helper restricts itself with. */
static const char *const _landlock_calls[] = {
  "landlock_create_ruleset",
  "landlock_add_rule",
  "landlock_restrict_self",
};

static bool
_has_cap (hs_json bounding, const char *cap)
{
  return hs_json_array_has_string (bounding, cap);
}

static bool
_applies (const hs_scmp_rule *r, hs_json bounding)
{
  for (size_t i = 0; i < r->caps_include.n; i++)
    if (!_has_cap (bounding, r->caps_include.v[i]))
      return false;
  for (size_t i = 0; i < r->caps_exclude.n; i++)
    if (_has_cap (bounding, r->caps_exclude.v[i]))
      return false;
  return true;
}

/* hardshim's profile as this container gets it: native architecture only,
 * capability-dependent rules decided, denials logged instead in audit
 * mode.  header has the policy's rules as they are and owns nothing; the
 * merge takes them through _take, a name at a time. */
typedef struct
{
  hs_scmp_profile header;
  char *native[1];
  hs_json bounding;
  bool audit;
} _resolved;

static int
_resolve (hs_measure_ctx *ctx, hs_json bounding, bool audit, _resolved *ret, hs_error *err)
{
  const hs_scmp_profile *p = ctx->policy->seccomp;
  const char *native = hs_scmp_native_arch ();

  if (native == NULL || !hs_strv_contains (&p->arches, native))
    return hs_error_set (err, EINVAL, "seccomp profile `%s` has no rules for this machine's architecture (%s)",
                         ctx->policy->seccomp_profile, native ? native : "not supported by hardshim");
  memset (ret, 0, sizeof *ret);
  ret->native[0] = (char *) native;
  ret->header.default_action = audit && !hs_scmp_default_allows (p) ? "SCMP_ACT_LOG" : p->default_action;
  ret->header.has_default_errno = !audit && p->has_default_errno;
  ret->header.default_errno = p->default_errno;
  ret->header.arches = (hs_strv){ .v = ret->native, .n = 1 };
  ret->header.flags = p->flags;
  ret->header.rules = p->rules;
  ret->header.nrules = p->nrules;
  ret->bounding = bounding;
  ret->audit = audit;
  return 0;
}

/* A rule of hardshim's profile as it applies to this container
 * (hs_scmp_take_fn; data: the _resolved). */
static bool
_take (const hs_scmp_rule *rule, hs_scmp_rule *ret, void *data)
{
  const _resolved *res = data;

  if (!_applies (rule, res->bounding) || hs_scmp_is_foreign (rule->name))
    return false;
  hs_scmp_rule_taken (rule, res->audit, ret);
  return true;
}

static int
_check_flags (hs_measure_ctx *ctx, const hs_scmp_profile *engine, hs_error *err)
{
  for (size_t i = 0; engine != NULL && i < engine->flags.n; i++)
    {
      size_t k;
      for (k = 0; k < HS_ARRAY_SIZE (_known_flags); k++)
        if (strcmp (engine->flags.v[i], _known_flags[k]) == 0)
          break;
      if (k == HS_ARRAY_SIZE (_known_flags))
        return hs_error_set (err, EINVAL, "`%s`: /linux/seccomp/flags: unknown flag `%s`", ctx->file,
                             engine->flags.v[i]);
    }
  return 0;
}

static size_t
_allowed_count (const hs_scmp_profile *p)
{
  const char *last = NULL; /* rules of one name are adjacent */
  size_t n = 0;

  for (size_t i = 0; i < p->nrules; i++)
    if (hs_scmp_rule_allows (&p->rules[i]) && (last == NULL || strcmp (last, p->rules[i].name) != 0))
      {
        last = p->rules[i].name;
        n++;
      }
  return n;
}

static hs_json
_summary (const hs_scmp_profile *p, const char *source)
{
  hs_json s = hs_json_new_object ();

  if (source != NULL)
    hs_json_object_set (s, "profile", hs_json_new_string (source));
  hs_json_object_set (s, "defaultAction", hs_json_new_string (p->default_action));
  if (p->has_default_errno)
    hs_json_object_set (s, "defaultErrnoRet", hs_json_new_uint (p->default_errno));
  hs_json_object_set (s, "architectures", hs_json_new_strv (&p->arches));
  hs_json_object_set (s, "allowedSyscalls", hs_json_new_uint (_allowed_count (p)));
  return s;
}

static void
_record_names (hs_measure_ctx *ctx, const char *action, const hs_strv *names, const char *why)
{
  _cleanup_json_ hs_json before = NULL;
  _cleanup_json_ hs_json after = NULL;

  if (names->n == 0)
    return;
  before = hs_json_new_strv (names);
  after = hs_json_new_string (why);
  hs_measure_record (ctx, false, "/linux/seccomp/syscalls", action, before, after);
}

static bool
_same_strv (const hs_strv *a, const hs_strv *b)
{
  if (a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; i++)
    if (strcmp (a->v[i], b->v[i]) != 0)
      return false;
  return true;
}

static bool _same_text (const hs_scmp_profile *a, const hs_scmp_profile *b);

/* Whether a and b are the same OCI object (hs_scmp_to_json).  Defaults,
 * architectures and flags are written first and as they are: where they
 * differ, so does the text (the usual case, an engine's profile against
 * the merged one), without writing it. */
static bool
_same_profile (const hs_scmp_profile *a, const hs_scmp_profile *b)
{
  if (strcmp (a->default_action, b->default_action) != 0 || a->has_default_errno != b->has_default_errno
      || (a->has_default_errno && a->default_errno != b->default_errno) || !_same_strv (&a->arches, &b->arches)
      || !_same_strv (&a->flags, &b->flags))
    return false;
  return _same_text (a, b);
}

static bool
_same_text (const hs_scmp_profile *a, const hs_scmp_profile *b)
{
  _cleanup_json_ hs_json ja = hs_scmp_to_json (a);
  _cleanup_json_ hs_json jb = hs_scmp_to_json (b);
  _cleanup_free_ char *ta = NULL, *tb = NULL;
  hs_error err = { 0 };

  if (hs_json_generate (ja, false, &ta, NULL, &err) < 0 || hs_json_generate (jb, false, &tb, NULL, &err) < 0)
    abort (); /* trees we built: cannot fail */
  return strcmp (ta, tb) == 0;
}

/* The helper's calls let through in p; the names changed go to ret. */
static void
_allow_landlock (hs_measure_ctx *ctx, hs_scmp_profile *p, hs_strv *ret)
{
  if (!hs_measure_lsm_uses_landlock (ctx))
    return;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_landlock_calls); i++)
    if (hs_scmp_allow_always (p, _landlock_calls[i]) && ret != NULL)
      hs_strv_add (ret, xstrdup (_landlock_calls[i]));
}

/* Journal every way the merged profile differs from the engine's. */
static void
_record (hs_measure_ctx *ctx, const hs_scmp_profile *engine, bool engine_had_flags, const hs_scmp_profile *merged,
         const hs_scmp_diff *diff)
{
  _cleanup_json_ hs_json before = engine ? _summary (engine, NULL) : NULL;
  _cleanup_json_ hs_json after = _summary (merged, ctx->policy->seccomp_profile);

  if (engine != NULL && _same_profile (engine, merged))
    return;
  hs_measure_record (ctx, false, "/linux/seccomp", engine ? "changed" : "added", before, after);
  if (engine == NULL)
    return;
  if (!_same_strv (&engine->arches, &merged->arches))
    {
      _cleanup_json_ hs_json b = hs_json_new_strv (&engine->arches);
      _cleanup_json_ hs_json a = hs_json_new_strv (&merged->arches);
      hs_measure_record (ctx, false, "/linux/seccomp/architectures", "changed", b, a);
    }
  if (!engine_had_flags || !_same_strv (&engine->flags, &merged->flags))
    {
      _cleanup_json_ hs_json b = engine_had_flags ? hs_json_new_strv (&engine->flags) : NULL;
      _cleanup_json_ hs_json a = hs_json_new_strv (&merged->flags);
      hs_measure_record (ctx, false, "/linux/seccomp/flags", engine_had_flags ? "changed" : "added", b, a);
    }
  _record_names (ctx, "removed", &diff->removed, "denied: hardshim's profile does not allow them");
  _record_names (ctx, "changed", &diff->conditioned, "allowed only under hardshim's argument conditions");
  _record_names (ctx, "changed", &diff->narrowed,
                 "cases both profiles allow are denied: their intersection is not expressible as seccomp rules");
  _record_names (ctx, "kept", &diff->kept, "the engine's denial, argument conditions or NOTIFY/TRACE are kept");
  _record_names (ctx, "changed", &engine->split,
                 "a rule comparing one argument twice is read as runc and crun read it: one rule per condition");
  if (diff->listener_dropped)
    {
      const char *key;
      hs_json value;
      hs_json_foreach_member (engine->extra, i, key, value)
        {
          _cleanup_free_ char *path = xasprintf ("/linux/seccomp/%s", key);
          hs_measure_record_note (ctx, false, path, "removed", value, NULL,
                                  "no NOTIFY rule is left: hardshim denies every call the engine sent to it");
        }
    }
}

/* Audit mode: the spec gets hardshim's profile with its denials logged
 * instead of enforced (the journal says what enforce would do: _record). */
static int
_apply_logged (hs_measure_ctx *ctx, hs_json bounding, hs_json linux_, const hs_scmp_profile *engine, hs_error *err)
{
  _cleanup_scmp_profile_ hs_scmp_profile logged_merged = { 0 };
  _cleanup_scmp_diff_ hs_scmp_diff unused = { 0 };
  _resolved logged;
  _cleanup_json_ hs_json before = engine != NULL ? _summary (engine, NULL) : NULL;
  _cleanup_json_ hs_json after = NULL;
  int r;

  r = _resolve (ctx, bounding, true, &logged, err);
  if (r < 0)
    return r;
  hs_scmp_merge_taken (&logged.header, _take, &logged, engine, &logged_merged, &unused);
  _allow_landlock (ctx, &logged_merged, NULL);
  hs_json_object_set (linux_, "seccomp", hs_scmp_to_json (&logged_merged));
  after = _summary (&logged_merged, ctx->policy->seccomp_profile);
  hs_measure_record_applied (ctx, false, "/linux/seccomp", engine != NULL ? "changed" : "added", before, after);
  return 0;
}

int
hs_measure_seccomp (hs_measure_ctx *ctx, hs_error *err)
{
  bool audit = ctx->policy->mode == HS_MODE_AUDIT;
  hs_json caps = hs_json_get (ctx->process, "capabilities");
  hs_json bounding = hs_json_get (caps, "bounding");
  _cleanup_scmp_profile_ hs_scmp_profile engine = { 0 }, merged = { 0 };
  _cleanup_scmp_diff_ hs_scmp_diff diff = { 0 };
  _cleanup_strv_ hs_strv landlock = { 0 };
  bool has_engine = false, engine_had_flags = false;
  _resolved ours;
  hs_json linux_, given;
  int r;

  if (ctx->policy->seccomp == NULL)
    return hs_error_set (err, EINVAL, "no seccomp profile loaded (policy `%s`)", ctx->policy->source);
  r = hs_measure_object (ctx, ctx->spec, "linux", false, "/linux", &linux_, err);
  if (r < 0)
    return r;
  given = hs_json_get (linux_, "seccomp");
  if (given != NULL && !hs_json_is_null (given))
    {
      _cleanup_free_ char *where = xasprintf ("`%s`: /linux/seccomp", ctx->file);
      r = hs_scmp_parse (given, false, where, &engine, err);
      if (r < 0)
        return r;
      has_engine = true;
      hs_scmp_drop_foreign (&engine);
      engine_had_flags = hs_json_is_array (hs_json_get (given, "flags"));
    }

  r = _check_flags (ctx, has_engine ? &engine : NULL, err);
  if (r < 0)
    return r;
  r = _resolve (ctx, bounding, false, &ours, err);
  if (r < 0)
    return r;
  hs_scmp_merge_taken (&ours.header, _take, &ours, has_engine ? &engine : NULL, &merged, &diff);
  _allow_landlock (ctx, &merged, &landlock);
  _record (ctx, has_engine ? &engine : NULL, engine_had_flags, &merged, &diff);
  _record_names (ctx, "changed", &landlock,
                 "allowed: hardshim's Landlock helper restricts itself with them (they only take rights away)");
  if (audit)
    return _apply_logged (ctx, bounding, linux_, has_engine ? &engine : NULL, err);
  hs_json_object_set (linux_, "seccomp", hs_scmp_to_json (&merged));
  return 0;
}
