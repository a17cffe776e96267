/* SPDX-License-Identifier: Apache-2.0 */
/* Host side of the lsm measure (measures/lsm.c): what the measure needs to
 * know before it runs, and what must happen on the host after the spec is
 * decided.
 *
 * AppArmor: the profile is rendered from the installed template and the
 * policy's write-denied paths; its name carries a hash of its text, and it
 * is loaded only when that name is not loaded yet (apparmor.h).
 * Landlock: the helper program the policy names must be a root-owned
 * executable nobody else may write, since every container runs it first. */
#ifndef HS_LSM_HOST_H
#define HS_LSM_HOST_H

#include "base/error.h"
#include "host/host.h"
#include "policy/policy.h"

/* Where the Landlock helper is mounted in the container. */
#define HS_LANDLOCK_DIR "/dev/.hardshim"
#define HS_LANDLOCK_DEST HS_LANDLOCK_DIR "/landlock"

/* Before the measures: fill host->apparmor_profile/_text, check the helper. */
int hs_lsm_prepare (const hs_policy *policy, hs_host *host, hs_error *err);
/* After them, in enforce mode: load hardshim's AppArmor profile if needed. */
int hs_lsm_load (const hs_host *host, hs_error *err);

#endif
