/* SPDX-License-Identifier: Apache-2.0 */
/* Apply the measures, in order, to a spec or an exec process file. */
#ifndef HS_HARDEN_H
#define HS_HARDEN_H

#include "base/error.h"
#include "host/host.h"
#include "runtime/journal.h"
#include "spec/json.h"
#include "policy/policy.h"

/* What the measures decided beyond the spec itself. */
typedef struct hs_plan
{
  bool changed;        /* spec must be written back (always in enforce mode; in audit
                          mode only when a measure applies something anyway) */
  bool bridge_rootfs;  /* hardshim gave the container a user namespace: the rootfs
                          must be made reachable from inside it (bridge.h) */
  bool idmap_volumes;  /* ...and its bind-mount volumes idmapped (the class's policy) */
  bool join_userns;    /* the container joins the user namespace that owns namespaces it joins
                          (namespaces.h): bound at HS_USERNS_PATH */
  bool sysfs_netns;    /* its /sys is a sysfs mounted in the network namespace it joins (or the host's) */
  bool proc_host;      /* its /proc is a proc hardshim mounts in the host's PID namespace */
  bool mqueue_host;    /* its mqueue is one hardshim mounts in the host's IPC namespace */
  bool enter_netns;    /* the runtime starts in that network namespace, which the container
                          inherits (namespaces.h) */
  bool pin_namespaces; /* the namespaces it joins by path are bound at HS_NS_DIR/TYPE */
} hs_plan;

/* spec: a whole config.json when container is NULL; else an exec process,
 * and container the spec of the container it joins (container.h). */
int hs_harden (hs_json spec, hs_json container, const char *file, const hs_policy *policy, const hs_host *host,
               hs_journal *journal, hs_plan *ret, hs_error *err);

#endif
