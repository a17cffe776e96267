/* SPDX-License-Identifier: Apache-2.0 */
/* The intersection of hardshim's seccomp profile and the engine's: a call
 * gets through the merged profile only if it gets through both.
 *
 * A syscall the engine denies stays denied with the engine's action (so an
 * ENOSYS the engine chose for libc's sake stays ENOSYS); a syscall hardshim
 * denies is denied with hardshim's action; where both allow it under
 * argument conditions, the merged rules are the conjunctions.  When a
 * conjunction cannot be written as one seccomp rule, or an engine's
 * conditional denial could overlap an allowed case, the syscall is denied
 * altogether: stricter than either, never looser.
 *
 * NOTIFY, TRACE, LOG and ERRNO with errnoRet 0 count as allowing (a
 * listener, a tracer may let the call through): the engine's such rule may
 * narrow what hardshim allows, and keeps its action there, but never covers
 * a call hardshim denies.  The engine's listener settings stay only while a
 * NOTIFY rule does. */
#ifndef HS_SECCOMP_MERGE_H
#define HS_SECCOMP_MERGE_H

#include "policy/policy.h"
#include "seccomp/seccomp_profile.h"

typedef struct hs_scmp_diff
{
  hs_strv removed;       /* the engine allowed them (in some case), the merged profile denies them */
  hs_strv conditioned;   /* the engine allowed every call, the merged profile only some */
  hs_strv kept;          /* hardshim allowed more; the engine's denial or conditions are kept */
  hs_strv narrowed;      /* cases both allowed are denied: not expressible as seccomp rules */
  bool listener_dropped; /* the engine's listenerPath/listenerMetadata: no NOTIFY rule is left */
} hs_scmp_diff;

/* ours: hardshim's profile, already resolved for this container (caps,
 * architecture, audit).  engine: the spec's profile, NULL when it has none.
 * ret takes ours' architectures and, while a NOTIFY rule is left, the
 * engine's listener settings. */
void hs_scmp_merge (const hs_scmp_profile *ours, const hs_scmp_profile *engine, hs_scmp_profile *ret,
                    hs_scmp_diff *diff);
/* How hardshim's profile applies to one container: *ret is rule as it
 * applies (same name; action and conditions may differ), or false when it
 * does not apply. */
typedef bool (*hs_scmp_take_fn) (const hs_scmp_rule *rule, hs_scmp_rule *ret, void *data);
/* hs_scmp_merge of the profile made of ours' header (defaults,
 * architectures, flags) and, in order, its rules as take(data) gives them:
 * the same result, without a copy of that profile (the merge takes one
 * name's rules at a time).  take NULL: ours as it is. */
void hs_scmp_merge_taken (const hs_scmp_profile *ours, hs_scmp_take_fn take, void *data, const hs_scmp_profile *engine,
                          hs_scmp_profile *ret, hs_scmp_diff *diff);
void hs_scmp_diff_release (hs_scmp_diff *d);
#define _cleanup_scmp_diff_ _cleanup_ (hs_scmp_diff_release)
/* Let every call of name through (one unconditional ALLOW rule in place of
 * its rules); false when p did already. */
bool hs_scmp_allow_always (hs_scmp_profile *p, const char *name);

/* Whether argument value x meets condition c. */
bool hs_scmp_arg_holds (const hs_scmp_arg *c, uint64_t x);
/* The conjunction of two conditions on one argument: 1 and *ret when it is
 * one condition, 0 when no value satisfies both, -1 when it cannot be
 * written as one condition. */
int hs_scmp_arg_and (const hs_scmp_arg *a, const hs_scmp_arg *b, hs_scmp_arg *ret);

#endif
