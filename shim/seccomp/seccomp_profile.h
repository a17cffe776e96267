/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp profiles as hardshim reasons about them: the OCI `linux.seccomp`
 * object, one rule per syscall name, rules sorted by name.
 *
 * The same type holds hardshim's profile files (profiles/seccomp/, which may
 * also carry `comment` keys and Docker-style `includes`/`excludes` of
 * capabilities on a rule) and the profile an engine put in a spec.  Parsing
 * is strict: an unknown key, action, operator or architecture is an error,
 * since a field hardshim does not understand could be one that restricts.
 *
 * A rule that compares one argument twice is valid OCI: runc and crun then
 * add each of its conditions as a rule of its own (any one matching is
 * enough), and so does the parser; the profile lists the names in split. */
#ifndef HS_SECCOMP_PROFILE_H
#define HS_SECCOMP_PROFILE_H

#include "base/error.h"
#include "spec/json.h"
#include "policy/policy.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HS_SCMP_MAX_ARGS 6 /* syscall arguments: one comparison per index */

typedef enum hs_scmp_op
{
  HS_SCMP_NE,
  HS_SCMP_LT,
  HS_SCMP_LE,
  HS_SCMP_EQ,
  HS_SCMP_GE,
  HS_SCMP_GT,
  HS_SCMP_MASKED_EQ,
} hs_scmp_op;

typedef struct hs_scmp_arg
{
  uint32_t index;
  hs_scmp_op op;
  uint64_t value;     /* the mask for MASKED_EQ */
  uint64_t value_two; /* the datum for MASKED_EQ */
} hs_scmp_arg;

typedef struct hs_scmp_rule
{
  const char *name;   /* owned by the profile (its strings) or static */
  const char *action; /* one of the action names, static */
  bool has_errno;
  uint32_t errno_ret;
  size_t nargs;
  hs_scmp_arg args[HS_SCMP_MAX_ARGS]; /* all conditions must hold */
  hs_strv caps_include;               /* profile files: rule applies only with all of these */
  hs_strv caps_exclude;               /* profile files: rule applies only with none of these */
} hs_scmp_rule;

/* Where a profile keeps its rules' names: a few blocks, not a string each. */
typedef struct hs_scmp_strings hs_scmp_strings;

typedef struct hs_scmp_profile
{
  const char *default_action; /* static, as rule actions */
  bool has_default_errno;
  uint32_t default_errno;
  hs_strv arches;
  hs_strv flags;
  hs_scmp_rule *rules; /* sorted by name; rules of one name keep their order */
  size_t nrules;
  size_t capacity;          /* allocated rules */
  hs_json extra;            /* listenerPath and listenerMetadata, kept as they are (NULL: none) */
  hs_strv split;            /* names with a rule comparing one argument twice, read as one rule per condition */
  hs_scmp_strings *strings; /* the names of rules (hs_scmp_add_rule copies them here) */
} hs_scmp_profile;

/* obj is a `linux.seccomp` object; profile_file allows comments and
 * includes/excludes.  where names obj in messages. */
int hs_scmp_parse (hs_json obj, bool profile_file, const char *where, hs_scmp_profile *ret, hs_error *err);
/* Read and parse a profile file.  A file of exactly the bytes of the
 * default profile this hardshim was built with gives the profile compiled
 * from them (seccomp_builtin.h), which is what parsing them gives. */
/* The compiled default profile (hs_scmp_builtin_profile: its names are
 * static, the rest is p's own, as after hs_scmp_parse). */
void hs_scmp_builtin_profile (hs_scmp_profile *ret);
int hs_scmp_load (const char *path, hs_scmp_profile *ret, hs_error *err);
/* The OCI object: unconditional rules of one action share an entry. */
hs_json hs_scmp_to_json (const hs_scmp_profile *p);
void hs_scmp_release (hs_scmp_profile *p);
#define _cleanup_scmp_profile_ _cleanup_ (hs_scmp_release)

/* Rules for name: a pointer into p->rules and their count (0: the default applies). */
const hs_scmp_rule *hs_scmp_find (const hs_scmp_profile *p, const char *name, size_t *ret_n);
/* Same action and errno. */
bool hs_scmp_same_action (const hs_scmp_rule *a, const hs_scmp_rule *b);
/* Whether a call the rule (the default) matches may get through: ALLOW,
 * LOG; NOTIFY and TRACE, where a listener or a tracer may let it through;
 * ERRNO with errnoRet 0, which tells the caller it succeeded.  For merging
 * all of these count as allowing: they may narrow what the other profile
 * allows, never cover what it denies.  ERRNO (another errno), KILL* and
 * TRAP stop the call. */
bool hs_scmp_rule_allows (const hs_scmp_rule *r);
/* rule as it applies once its capability conditions were met: shallow,
 * without them; in audit mode an action that stops the call only logs it. */
void hs_scmp_rule_taken (const hs_scmp_rule *rule, bool audit, hs_scmp_rule *ret);
bool hs_scmp_default_allows (const hs_scmp_profile *p);
/* Allows, but someone else decides or the result is made up: NOTIFY,
 * TRACE, ERRNO with errnoRet 0. */
bool hs_scmp_rule_asks (const hs_scmp_rule *r);
/* Append a copy of r (name, conditions and action; not includes/excludes)
 * to p.  The name is copied into p's strings (borrowed from the last rule
 * when it is the same name); the action becomes the static name. */
hs_scmp_rule *hs_scmp_add_rule (hs_scmp_profile *p, const hs_scmp_rule *r);
/* Room for n more rules without another allocation. */
void hs_scmp_reserve (hs_scmp_profile *p, size_t n);
/* The static name of action (one of the OCI actions; any other string is
 * copied into p's strings). */
const char *hs_scmp_action_name (hs_scmp_profile *p, const char *action);
/* Sort p's rules by name, keeping the order of rules of one name. */
void hs_scmp_sort (hs_scmp_profile *p);
/* Drop rules for syscalls libseccomp knows but this architecture does not
 * have (chown32 on x86_64): they filter nothing.  Names libseccomp does not
 * know are kept; a newer runtime may know them. */
void hs_scmp_drop_foreign (hs_scmp_profile *p);
/* Whether hs_scmp_drop_foreign drops rules for name. */
bool hs_scmp_is_foreign (const char *name);
/* The OCI name of this machine's architecture (e.g. SCMP_ARCH_X86_64), or NULL. */
const char *hs_scmp_native_arch (void);

#endif
