/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "seccomp/seccomp_merge.h"
#include "base/util.h"

#include <string.h>

#define SPEC_ALLOW "SECCOMP_FILTER_FLAG_SPEC_ALLOW"

/* How one profile treats one syscall. */
typedef enum
{
  K_ALLOW, /* every call gets through */
  K_DENY,  /* no call gets through */
  K_COND,  /* argument conditions decide; unmatched calls get the default */
} kind;

typedef struct view
{
  const hs_scmp_profile *p;
  const hs_scmp_rule *rules;
  size_t n;
  kind k;
  hs_scmp_rule uncond; /* K_ALLOW, K_DENY: the rule in effect (shallow; may be the default) */
} view;

/* rules, n of them: p's rules for name (the merge's walk found them). */
static void
_view (const hs_scmp_profile *p, const char *name, const hs_scmp_rule *rules, size_t n, view *v)
{
  const hs_scmp_rule *allow = NULL, *deny = NULL;

  memset (v, 0, sizeof *v);
  v->p = p;
  v->rules = n > 0 ? rules : NULL;
  v->n = n;
  for (size_t i = 0; i < v->n; i++)
    if (v->rules[i].nargs == 0 && hs_scmp_rule_allows (&v->rules[i]))
      allow = allow ? allow : &v->rules[i];
    else if (v->rules[i].nargs == 0)
      deny = deny ? deny : &v->rules[i];

  if (v->n == 0)
    {
      v->uncond.action = p->default_action;
      v->uncond.has_errno = p->has_default_errno;
      v->uncond.errno_ret = p->default_errno;
      v->k = hs_scmp_default_allows (p) ? K_ALLOW : K_DENY;
    }
  else if (deny != NULL) /* an unconditional denial wins over everything */
    v->uncond = *deny, v->k = K_DENY;
  else if (allow != NULL)
    v->uncond = *allow, v->k = K_ALLOW;
  else
    {
      /* Conditions that only allow, over a default that allows: every call
       * gets through (hardshim's profile in audit mode, for one). */
      bool denies = false;
      for (size_t i = 0; i < v->n; i++)
        denies = denies || !hs_scmp_rule_allows (&v->rules[i]);
      v->k = denies || !hs_scmp_default_allows (p) ? K_COND : K_ALLOW;
      v->uncond.action = p->default_action;
      v->uncond.has_errno = p->has_default_errno;
      v->uncond.errno_ret = p->default_errno;
    }
  v->uncond.name = name;
}

static bool
_allows_any (const view *v)
{
  if (v->k != K_COND)
    return v->k == K_ALLOW;
  for (size_t i = 0; i < v->n; i++)
    if (hs_scmp_rule_allows (&v->rules[i]))
      return true;
  return hs_scmp_default_allows (v->p);
}

/* Where both profiles let a call through, the merged rule takes the
 * engine's action when it narrows (LOG; NOTIFY, TRACE, errnoRet 0, which
 * ask someone else or make the result up), else hardshim's: a rule of
 * theirs may narrow what hardshim allows, never cover what it denies. */
static void
_take_engine_action (hs_scmp_rule *r, const hs_scmp_rule *engine)
{
  if (strcmp (engine->action, "SCMP_ACT_LOG") != 0 && !hs_scmp_rule_asks (engine))
    return;
  r->action = engine->action;
  r->has_errno = engine->has_errno;
  r->errno_ret = engine->errno_ret;
}

static bool
_same_rule (const hs_scmp_rule *a, const hs_scmp_rule *b)
{
  return hs_scmp_same_action (a, b) && a->nargs == b->nargs
         && memcmp (a->args, b->args, a->nargs * sizeof a->args[0]) == 0;
}

/* Add r for name unless an identical rule for name is there already (rules
 * of the name being merged are the last ones). */
static void
_emit (hs_scmp_profile *ret, const char *name, const hs_scmp_rule *r)
{
  hs_scmp_rule copy = *r;

  for (size_t i = ret->nrules; i-- > 0 && strcmp (ret->rules[i].name, name) == 0;)
    if (_same_rule (&ret->rules[i], r))
      return;
  copy.name = name;
  hs_scmp_add_rule (ret, &copy);
}

/* An unconditional rule, left out when the merged default does the same. */
static void
_emit_uncond (hs_scmp_profile *ret, const char *name, const hs_scmp_rule *r)
{
  if ((r->action == ret->default_action || strcmp (r->action, ret->default_action) == 0)
      && r->has_errno == ret->has_default_errno && (!r->has_errno || r->errno_ret == ret->default_errno))
    return;
  _emit (ret, name, r);
}

static const hs_scmp_rule *_denials (const view *a, const view *b, const hs_scmp_rule ***ret, size_t *ret_n);
static bool _emit_decided (hs_scmp_profile *ret, const char *name, hs_scmp_rule *allow, size_t *nallow,
                           const hs_scmp_rule *const *deny, size_t ndeny, const hs_scmp_rule *deny_all);

/* One side's rules, as _both_conditional writes both sides' (so that
 * hardening a hardened spec again gives the same text): its denials, the
 * allowed cases no denial overlaps, every call denied where two denials of
 * different actions overlap.  Allowing rules take engine's action where
 * _take_engine_action says (engine: the engine's rule for every call, or
 * NULL).  Whether anything the side allows is denied so. */
static bool
_emit_all_as (hs_scmp_profile *ret, const char *name, const view *v, const hs_scmp_rule *engine)
{
  _cleanup_free_ const hs_scmp_rule **deny = NULL;
  _cleanup_free_ hs_scmp_rule *allow = xcalloc (v->n + 1, sizeof *allow);
  size_t ndeny, nallow = 0;
  const hs_scmp_rule *deny_all = _denials (v, NULL, &deny, &ndeny);

  for (size_t i = 0; i < v->n; i++)
    if (hs_scmp_rule_allows (&v->rules[i]))
      {
        allow[nallow] = v->rules[i];
        if (engine != NULL)
          _take_engine_action (&allow[nallow], engine);
        nallow++;
      }
  return _emit_decided (ret, name, allow, &nallow, deny, ndeny, deny_all);
}

static bool
_emit_all (hs_scmp_profile *ret, const char *name, const view *v)
{
  return _emit_all_as (ret, name, v, NULL);
}

bool
hs_scmp_arg_holds (const hs_scmp_arg *c, uint64_t x)
{
  switch (c->op)
    {
    case HS_SCMP_NE:
      return x != c->value;
    case HS_SCMP_LT:
      return x < c->value;
    case HS_SCMP_LE:
      return x <= c->value;
    case HS_SCMP_EQ:
      return x == c->value;
    case HS_SCMP_GE:
      return x >= c->value;
    case HS_SCMP_GT:
      return x > c->value;
    case HS_SCMP_MASKED_EQ:
      return (x & c->value) == c->value_two;
    }
  return false;
}

int
hs_scmp_arg_and (const hs_scmp_arg *a, const hs_scmp_arg *b, hs_scmp_arg *ret)
{
  if (a->op == b->op && a->value == b->value && (a->op != HS_SCMP_MASKED_EQ || a->value_two == b->value_two))
    {
      *ret = *a;
      return 1;
    }
  if (a->op == HS_SCMP_EQ || b->op == HS_SCMP_EQ)
    {
      const hs_scmp_arg *eq = a->op == HS_SCMP_EQ ? a : b, *other = eq == a ? b : a;
      if (!hs_scmp_arg_holds (other, eq->value))
        return 0;
      *ret = *eq;
      return 1;
    }
  if (a->op == HS_SCMP_MASKED_EQ && b->op == HS_SCMP_MASKED_EQ)
    {
      uint64_t common = a->value & b->value;
      if ((a->value_two & a->value) != a->value_two || (b->value_two & b->value) != b->value_two
          || (a->value_two & common) != (b->value_two & common))
        return 0;
      *ret = *a;
      ret->value = a->value | b->value;
      ret->value_two = a->value_two | b->value_two;
      return 1;
    }
  return -1;
}

/* Every call that matches cond also matches c (same index). */
static bool
_implies (const hs_scmp_arg *cond, const hs_scmp_arg *c)
{
  if (cond->op == c->op && cond->value == c->value
      && (cond->op != HS_SCMP_MASKED_EQ || cond->value_two == c->value_two))
    return true;
  if (cond->op == HS_SCMP_EQ)
    return hs_scmp_arg_holds (c, cond->value);
  if (cond->op == HS_SCMP_MASKED_EQ && c->op == HS_SCMP_MASKED_EQ)
    return (c->value & ~cond->value) == 0 && (cond->value_two & c->value) == c->value_two;
  return false;
}

/* Every call that matches narrow also matches wide. */
static bool
_covers (const hs_scmp_rule *wide, const hs_scmp_rule *narrow)
{
  for (size_t i = 0; i < wide->nargs; i++)
    {
      size_t j;
      for (j = 0; j < narrow->nargs && narrow->args[j].index != wide->args[i].index; j++)
        ;
      if (j == narrow->nargs || !_implies (&narrow->args[j], &wide->args[i]))
        return false;
    }
  return true;
}

/* The conditions of a and b together, in *ret (action left to the caller). */
static int
_rule_and (const hs_scmp_rule *a, const hs_scmp_rule *b, hs_scmp_rule *ret)
{
  *ret = *a;
  for (size_t i = 0; i < b->nargs; i++)
    {
      size_t j;
      for (j = 0; j < ret->nargs && ret->args[j].index != b->args[i].index; j++)
        ;
      if (j == ret->nargs)
        {
          ret->args[ret->nargs++] = b->args[i];
          continue;
        }
      int r = hs_scmp_arg_and (&ret->args[j], &b->args[i], &ret->args[j]);
      if (r <= 0)
        return r;
    }
  /* by index: one conjunction is written one way, whichever side it came from */
  for (size_t i = 1; i < ret->nargs; i++)
    for (size_t j = i; j > 0 && ret->args[j - 1].index > ret->args[j].index; j--)
      {
        hs_scmp_arg t = ret->args[j];
        ret->args[j] = ret->args[j - 1];
        ret->args[j - 1] = t;
      }
  return 1;
}

/* Names come in the merge's walk, each name once, in order: one already
 * in s can only be its last. */
static void
_add_name (hs_strv *s, const char *name)
{
  if (s->n == 0 || strcmp (s->v[s->n - 1], name) != 0)
    hs_strv_add (s, xstrdup (name));
}

/* Whether one of the engine's NOTIFY, TRACE or errnoRet 0 rules is not in
 * allow as it was (narrowed by hardshim's conditions, or gone). */
static bool
_asks_changed (const view *e, const hs_scmp_rule *allow, size_t nallow)
{
  for (size_t j = 0; j < e->n; j++)
    {
      bool same = false;
      if (!hs_scmp_rule_asks (&e->rules[j]))
        continue;
      for (size_t a = 0; a < nallow && !same; a++)
        same = _same_rule (&allow[a], &e->rules[j]);
      if (!same)
        return true;
    }
  return false;
}

/* The denials of a and b (b may be NULL), in order; where one covers
 * another only the wider is kept (libseccomp refuses two rules of
 * different actions for one case).  Returns the denial to deny every call
 * with when two of different actions overlap in part (not writable), else
 * NULL. */
static const hs_scmp_rule *
_denials (const view *a, const view *b, const hs_scmp_rule ***ret, size_t *ret_n)
{
  const hs_scmp_rule **deny = NULL, *deny_all = NULL;
  size_t ndeny = 0;

  for (size_t pass = 0; pass < 2; pass++)
    {
      const view *v = pass == 0 ? a : b;
      for (size_t i = 0; v != NULL && i < v->n; i++)
        {
          const hs_scmp_rule *d = &v->rules[i];
          bool covered = false;
          if (hs_scmp_rule_allows (d))
            continue;
          for (size_t k = 0; k < ndeny && !covered; k++)
            covered = _covers (deny[k], d);
          for (size_t k = ndeny; !covered && k-- > 0;)
            if (_covers (d, deny[k]))
              memmove (&deny[k], &deny[k + 1], (--ndeny - k) * sizeof *deny);
          if (covered)
            continue;
          for (size_t k = 0; k < ndeny; k++)
            {
              hs_scmp_rule both;
              if (!hs_scmp_same_action (d, deny[k]) && _rule_and (d, deny[k], &both) != 0)
                deny_all = deny[k]; /* partial overlap, two actions: not writable */
            }
          deny = xrealloc (deny, (ndeny + 1) * sizeof *deny);
          deny[ndeny++] = d;
        }
    }
  *ret = deny;
  *ret_n = ndeny;
  return deny_all;
}

/* A total order of rules of one name: action, then conditions. */
static int
_rule_order (const void *x, const void *y)
{
  const hs_scmp_rule *a = x, *b = y;
  int c = strcmp (a->action, b->action);

  if (c != 0)
    return c;
  if (a->has_errno != b->has_errno)
    return a->has_errno ? 1 : -1;
  if (a->has_errno && a->errno_ret != b->errno_ret)
    return a->errno_ret < b->errno_ret ? -1 : 1;
  if (a->nargs != b->nargs)
    return a->nargs < b->nargs ? -1 : 1;
  for (size_t i = 0; i < a->nargs; i++)
    {
      const hs_scmp_arg *p = &a->args[i], *q = &b->args[i];
      if (p->index != q->index)
        return p->index < q->index ? -1 : 1;
      if (p->op != q->op)
        return p->op < q->op ? -1 : 1;
      if (p->value != q->value)
        return p->value < q->value ? -1 : 1;
      if (p->value_two != q->value_two)
        return p->value_two < q->value_two ? -1 : 1;
    }
  return 0;
}

static int
_rule_ptr_order (const void *x, const void *y)
{
  return _rule_order (*(const hs_scmp_rule *const *) x, *(const hs_scmp_rule *const *) y);
}

/* Write the rules decided for name: the denials (or, deny_all, one denial
 * of every call), then the allowed cases (allow, *nallow of them, which
 * this shortens) but those a denial may overlap (which of two rules wins
 * is up to libseccomp) and those another of the same action covers
 * (merging again finds the same rules, not more).  Each kind in the order
 * of _rule_order, whatever order they were found in: hardening a hardened
 * spec again gives the same text.  Whether an allowed case went. */
static bool
_emit_decided (hs_scmp_profile *ret, const char *name, hs_scmp_rule *allow, size_t *nallow,
               const hs_scmp_rule *const *deny_in, size_t ndeny, const hs_scmp_rule *deny_all)
{
  size_t n = *nallow;
  bool narrowed = false;
  _cleanup_free_ const hs_scmp_rule **deny = xcalloc (ndeny + 1, sizeof *deny);

  if (ndeny > 1)
    {
      memcpy (deny, deny_in, ndeny * sizeof *deny);
      qsort (deny, ndeny, sizeof *deny, _rule_ptr_order);
    }
  else if (ndeny == 1)
    deny[0] = deny_in[0];

  for (size_t a = n; a-- > 0;)
    for (size_t k = 0; k < ndeny; k++)
      {
        hs_scmp_rule both;
        if (_rule_and (deny[k], &allow[a], &both) != 0)
          {
            narrowed = true;
            memmove (&allow[a], &allow[a + 1], (--n - a) * sizeof *allow); /* in order */
            break;
          }
      }
  for (size_t a = n; a-- > 0;)
    for (size_t b = 0; b < n; b++)
      if (b != a && hs_scmp_same_action (&allow[a], &allow[b]) && _covers (&allow[b], &allow[a])
          && (b < a || !_covers (&allow[a], &allow[b])))
        {
          memmove (&allow[a], &allow[a + 1], (--n - a) * sizeof *allow);
          break;
        }
  if (n > 1)
    qsort (allow, n, sizeof *allow, _rule_order);
  if (deny_all != NULL)
    {
      hs_scmp_rule all = *deny_all;
      all.nargs = 0;
      narrowed = true;
      n = 0;
      _emit (ret, name, &all);
    }
  else
    for (size_t k = 0; k < ndeny; k++)
      _emit (ret, name, deny[k]);
  for (size_t a = 0; a < n; a++)
    _emit (ret, name, &allow[a]);
  *nallow = n;
  return narrowed;
}

/* Both profiles decide by arguments: allow the conjunctions, keep every
 * denial, and give up the allowed cases a denial might overlap. */
static void
_both_conditional (hs_scmp_profile *ret, const char *name, const view *h, const view *e, hs_scmp_diff *diff)
{
  _cleanup_free_ hs_scmp_rule *allow = NULL;
  _cleanup_free_ const hs_scmp_rule **deny = NULL;
  const hs_scmp_rule *deny_all = NULL;
  size_t nallow = 0, ndeny = 0;
  bool narrowed = false;
  /* A side whose default allows lets through every case none of its
   * denials matches: the other side's allowed cases are candidates as they
   * are, and the overlap check below removes those a denial touches. */
  bool h_open = hs_scmp_default_allows (h->p);
  bool e_open = hs_scmp_default_allows (e->p);

  for (size_t i = 0; i < h->n; i++)
    for (size_t j = 0; j <= e->n; j++)
      {
        const hs_scmp_rule *hr = &h->rules[i], *er = j < e->n ? &e->rules[j] : NULL;
        hs_scmp_rule both;
        int r;

        if (!hs_scmp_rule_allows (hr) || (er != NULL && !hs_scmp_rule_allows (er)) || (er == NULL && !e_open))
          continue;
        r = er != NULL ? _rule_and (hr, er, &both) : (both = *hr, 1);
        if (r < 0)
          narrowed = true;
        if (r <= 0)
          continue;
        both.action = hr->action;
        both.has_errno = hr->has_errno;
        both.errno_ret = hr->errno_ret;
        _take_engine_action (&both, er != NULL ? er : &e->uncond);
        allow = xrealloc (allow, (nallow + 1) * sizeof *allow);
        allow[nallow++] = both;
      }
  for (size_t j = 0; h_open && j < e->n; j++)
    if (hs_scmp_rule_allows (&e->rules[j]))
      {
        allow = xrealloc (allow, (nallow + 1) * sizeof *allow);
        allow[nallow++] = e->rules[j];
      }

  deny_all = _denials (h, e, &deny, &ndeny);
  if (_emit_decided (ret, name, allow, &nallow, deny, ndeny, deny_all))
    narrowed = true;

  if (narrowed)
    _add_name (&diff->narrowed, name);
  if (nallow == 0 && _allows_any (e))
    _add_name (&diff->removed, name);
  else if (_asks_changed (e, allow, nallow))
    _add_name (&diff->conditioned, name);
  else
    _add_name (&diff->kept, name);
}

/* ours' rules for name are hr, hn of them; engine's er, en. */
static void
_merge_one (hs_scmp_profile *ret, const char *name, const hs_scmp_profile *ours, const hs_scmp_rule *hr, size_t hn,
            const hs_scmp_profile *engine, const hs_scmp_rule *er, size_t en, hs_scmp_diff *diff)
{
  view h, e;

  _view (ours, name, hr, hn, &h);
  _view (engine, name, er, en, &e);
  if (h.k == K_DENY)
    {
      _emit_uncond (ret, name, &h.uncond);
      if (_allows_any (&e))
        _add_name (&diff->removed, name);
    }
  else if (e.k == K_DENY)
    {
      /* A call the engine denies by its default stays with the merged
       * default (which denies too): an explicit rule would hide the syscall
       * from the runtime's ENOSYS handling of syscalls newer than the profile. */
      if (e.n > 0)
        _emit_uncond (ret, name, &e.uncond);
      _add_name (&diff->kept, name);
    }
  else if (h.k == K_ALLOW && e.k == K_ALLOW)
    {
      hs_scmp_rule r = h.uncond;
      _take_engine_action (&r, &e.uncond);
      _emit_uncond (ret, name, &r);
      if (hs_scmp_rule_asks (&e.uncond))
        _add_name (&diff->kept, name);
    }
  else if (h.k == K_ALLOW) /* the engine's conditions decide */
    {
      bool all = _emit_all (ret, name, &e);
      _add_name (&diff->kept, name);
      if (all || (hs_scmp_default_allows (engine) && !hs_scmp_default_allows (ret)))
        _add_name (&diff->narrowed, name);
    }
  else if (e.k == K_ALLOW) /* hardshim's conditions decide */
    {
      if (_emit_all_as (ret, name, &h, &e.uncond))
        _add_name (&diff->narrowed, name);
      _add_name (&diff->conditioned, name);
    }
  else
    _both_conditional (ret, name, &h, &e, diff);
}

static bool
_has_notify (const hs_scmp_profile *p)
{
  if (strcmp (p->default_action, "SCMP_ACT_NOTIFY") == 0)
    return true;
  for (size_t i = 0; i < p->nrules; i++)
    if (strcmp (p->rules[i].action, "SCMP_ACT_NOTIFY") == 0)
      return true;
  return false;
}

/* The engine's listener settings go with its NOTIFY rules: kept while one
 * is left (where hardshim allows the call), dropped with the last. */
static void
_listener (hs_scmp_profile *ret, const hs_scmp_profile *engine, hs_scmp_diff *diff)
{
  if (engine->extra == NULL)
    return;
  if (_has_notify (ret))
    ret->extra = hs_json_copy (engine->extra);
  else
    diff->listener_dropped = true;
}

static const hs_scmp_profile _unconfined = { .default_action = "SCMP_ACT_ALLOW" };

/* From ours' rule i on, the first name take keeps a rule of: its rules as
 * taken in *ret_rules (ours' own when take is NULL, else *buf, of *cap
 * rules), their number in *ret_n, the number of ours' rules of the name in
 * *ret_all.  Returns the index of the name's first rule (ours->nrules:
 * none is left). */
static size_t
_next_name (const hs_scmp_profile *ours, size_t i, hs_scmp_take_fn take, void *data, hs_scmp_rule **buf, size_t *cap,
            const hs_scmp_rule **ret_rules, size_t *ret_n, size_t *ret_all)
{
  for (; i < ours->nrules; i += *ret_all)
    {
      const char *name = ours->rules[i].name;
      size_t all = 1, n = 0;

      while (i + all < ours->nrules
             && (ours->rules[i + all].name == name || strcmp (ours->rules[i + all].name, name) == 0))
        all++;
      *ret_all = all;
      if (take == NULL)
        {
          *ret_rules = &ours->rules[i];
          *ret_n = all;
          return i;
        }
      if (all > *cap)
        {
          *cap = all;
          *buf = xrealloc (*buf, all * sizeof **buf);
        }
      for (size_t k = 0; k < all; k++)
        if (take (&ours->rules[i + k], &(*buf)[n], data))
          n++;
      if (n > 0)
        {
          *ret_rules = *buf;
          *ret_n = n;
          return i;
        }
    }
  *ret_rules = NULL;
  *ret_n = 0;
  *ret_all = 0;
  return ours->nrules;
}

void
hs_scmp_merge (const hs_scmp_profile *ours, const hs_scmp_profile *engine, hs_scmp_profile *ret, hs_scmp_diff *diff)
{
  hs_scmp_merge_taken (ours, NULL, NULL, engine, ret, diff);
}

/* A name whose one rule does, unconditionally, what the default does is
 * said twice: without the rule the default does the same.  The merge
 * writes it the short way, which a merge of its own result finds again
 * (hardening a hardened spec changes nothing). */
static void
_drop_default_only (hs_scmp_profile *p)
{
  size_t kept = 0;

  for (size_t i = 0; i < p->nrules; i++)
    {
      const hs_scmp_rule *r = &p->rules[i];
      bool alone = (i == 0 || strcmp (p->rules[i - 1].name, r->name) != 0)
                   && (i + 1 == p->nrules || strcmp (p->rules[i + 1].name, r->name) != 0);
      if (alone && r->nargs == 0 && r->caps_include.n == 0 && r->caps_exclude.n == 0
          && strcmp (r->action, p->default_action) == 0 && r->has_errno == p->has_default_errno
          && (!r->has_errno || r->errno_ret == p->default_errno))
        continue;
      p->rules[kept++] = *r;
    }
  p->nrules = kept;
}

void
hs_scmp_merge_taken (const hs_scmp_profile *ours, hs_scmp_take_fn take, void *data, const hs_scmp_profile *engine,
                     hs_scmp_profile *ret, hs_scmp_diff *diff)
{
  _cleanup_free_ hs_scmp_rule *buf = NULL;
  const hs_scmp_profile *d;
  const hs_scmp_rule *hr;
  size_t i, j = 0, hn, hall, cap = 0;

  if (engine == NULL)
    engine = &_unconfined;
  memset (ret, 0, sizeof *ret);
  memset (diff, 0, sizeof *diff);

  /* The stricter default: hardshim's when it denies (always, but in audit
   * mode), else the engine's when that denies. */
  d = !hs_scmp_default_allows (ours) || strcmp (engine->default_action, "SCMP_ACT_ALLOW") == 0 ? ours : engine;
  ret->default_action = hs_scmp_action_name (ret, d->default_action);
  ret->has_default_errno = d->has_default_errno;
  ret->default_errno = d->default_errno;
  for (size_t a = 0; a < ours->arches.n; a++)
    hs_strv_add (&ret->arches, xstrdup (ours->arches.v[a]));
  for (size_t pass = 0; pass < 2; pass++)
    {
      const hs_strv *f = pass == 0 ? &ours->flags : &engine->flags;
      for (size_t k = 0; k < f->n; k++)
        if (strcmp (f->v[k], SPEC_ALLOW) != 0 && !hs_strv_contains (&ret->flags, f->v[k]))
          hs_strv_add (&ret->flags, xstrdup (f->v[k]));
    }

  /* Walk the names of both sorted rule lists once: each name's rules on
   * either side are the ones from i (as taken: hr, hn of them) and from j
   * on.  The merged rules come out in name order (the sort only checks
   * that). */
  hs_scmp_reserve (ret, ours->nrules + engine->nrules);
  i = _next_name (ours, 0, take, data, &buf, &cap, &hr, &hn, &hall);
  while (i < ours->nrules || j < engine->nrules)
    {
      const char *name;
      size_t en = 0;
      int c = i == ours->nrules ? 1 : j == engine->nrules ? -1 : strcmp (ours->rules[i].name, engine->rules[j].name);
      name = c <= 0 ? ours->rules[i].name : engine->rules[j].name;
      while (c >= 0 && j + en < engine->nrules
             && (engine->rules[j + en].name == name || strcmp (engine->rules[j + en].name, name) == 0))
        en++;
      _merge_one (ret, name, ours, c <= 0 ? hr : NULL, c <= 0 ? hn : 0, engine, en ? &engine->rules[j] : NULL, en,
                  diff);
      if (c <= 0)
        i = _next_name (ours, i + hall, take, data, &buf, &cap, &hr, &hn, &hall);
      j += en;
    }
  hs_scmp_sort (ret);
  _drop_default_only (ret);
  _listener (ret, engine, diff);
}

bool
hs_scmp_allow_always (hs_scmp_profile *p, const char *name)
{
  hs_scmp_rule allow = { .name = name, .action = "SCMP_ACT_ALLOW" };
  size_t n, kept = 0;
  const hs_scmp_rule *r = hs_scmp_find (p, name, &n);

  if (n == 1 && r->nargs == 0 && strcmp (r->action, allow.action) == 0)
    return false;
  if (n == 0 && strcmp (p->default_action, allow.action) == 0)
    return false;
  for (size_t i = 0; i < p->nrules; i++)
    if (strcmp (p->rules[i].name, name) == 0)
      {
        hs_strv_release (&p->rules[i].caps_include);
        hs_strv_release (&p->rules[i].caps_exclude);
      }
    else
      p->rules[kept++] = p->rules[i];
  p->nrules = kept;
  hs_scmp_add_rule (p, &allow);
  hs_scmp_sort (p);
  return true;
}

void
hs_scmp_diff_release (hs_scmp_diff *d)
{
  hs_strv_release (&d->removed);
  hs_strv_release (&d->conditioned);
  hs_strv_release (&d->kept);
  hs_strv_release (&d->narrowed);
}
