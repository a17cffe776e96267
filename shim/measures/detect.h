/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "detect", split by what it judges: what no other measure can
 * repair is refused (unless the container's class allows exactly it), and
 * resources are repaired.  It runs last, on the spec the other measures
 * made; what it knows of the host (bind sources, hooks, the cgroup, joined
 * namespaces) the probe found before (host_refs.h, namespaces.h).
 *
 * Every refusal is a journal record (action "refused", the request as
 * "before", the message as "note"); in enforce mode the first message is
 * the error the engine shows, in audit mode the container starts. */
#ifndef HS_MEASURE_DETECT_H
#define HS_MEASURE_DETECT_H

#include "measures/measure.h"

typedef struct hs_detect
{
  hs_measure_ctx *ctx;
  size_t class_index; /* of ctx->class in the policy */
  char *policy_name;  /* "refused by policy NAME" */
  size_t refused;
  char *first; /* the first refusal's message */
} hs_detect;

/* Refuse the request at path (a JSON pointer from the spec root; request
 * may be NULL): fmt is the whole message, which names the policy
 * (d->policy_name) and says how to allow it. */
void hs_detect_refuse (hs_detect *d, const char *path, hs_json request, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* Host namespaces (detect_namespaces.c); a cgroup namespace of the
 * container's own, added or given instead of the host's. */
void hs_detect_namespaces (hs_detect *d, hs_json linux_);
void hs_detect_cgroup_ns (hs_detect *d, hs_json linux_);
/* Hooks (detect_hooks.c). */
void hs_detect_hooks (hs_detect *d, hs_json hooks);
/* Bind sources by what the probe found (detect_binds.c). */
void hs_detect_binds (hs_detect *d, hs_json mounts);
/* Device nodes and the device rules; --privileged (detect_devices.c). */
int hs_detect_devices (hs_detect *d, hs_json linux_, hs_json mounts, hs_error *err);
/* Whether the bind source the probe found at ref is one the class allows;
 * *ret_readonly: the class wants it read-only. */
bool hs_detect_class_allows_bind (const hs_detect *d, const struct hs_bind_ref *ref, bool *ret_readonly);
/* pids limit, oomScoreAdj, rlimits (detect_resources.c). */
int hs_detect_process_resources (hs_detect *d, hs_error *err);
int hs_detect_pids (hs_detect *d, hs_json linux_, hs_error *err);

#endif
