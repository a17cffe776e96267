/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the policy parser: a class's "allow" and "resources"
 * (policy_allow.c), and the checks every part of the parser shares
 * (policy.c).  Not for other modules: they read hs_policy (policy.h). */
#ifndef HS_POLICY_ALLOW_H
#define HS_POLICY_ALLOW_H

#include "base/error.h"
#include "spec/json.h"
#include "policy/policy.h"

/* Every key of obj must be one of the NULL-terminated names; where is the
 * key path of obj with a trailing '.' ("classes.ci.allow."). */
int hs_policy_known_keys (hs_json obj, const char *where, const char *const *names, hs_error *err);
/* v must exist and be of type (HS_JSON_BOOL: either boolean). */
int hs_policy_want (hs_json v, hs_json_type type, const char *where, hs_error *err);

/* Built-in resources: pids 4096, oom_score_adj_min 0, rlimit ceilings
 * RLIMIT_NOFILE 1048576, RLIMIT_MEMLOCK 67108864, RLIMIT_RTPRIO 0,
 * RLIMIT_NICE 0. */
void hs_policy_resources_defaults (hs_resources *ret);
void hs_policy_resources_copy (const hs_resources *src, hs_resources *ret);
void hs_policy_resources_release (hs_resources *res);
#define _cleanup_resources_ _cleanup_ (hs_policy_resources_release)
void hs_policy_allow_release (hs_allow *allow);
#define _cleanup_allow_ _cleanup_ (hs_policy_allow_release)

/* "allow" at key path where (an object) into *ret, which starts empty. */
int hs_policy_parse_allow (hs_json v, const char *where, hs_allow *ret, hs_error *err);
/* "resources" at key path where: each key given overrides *res, rlimits
 * type by type. */
int hs_policy_parse_resources (hs_json v, const char *where, hs_resources *res, hs_error *err);

#endif
