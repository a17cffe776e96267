/* SPDX-License-Identifier: Apache-2.0 */
/* The real OCI runtime that hardshim hands over to with execv. */
#ifndef HS_RUNTIME_H
#define HS_RUNTIME_H

#include "base/error.h"
#include "policy/policy.h"

/* HARDSHIM_RUNTIME, else the configured default: what every subcommand
 * hardshim passes through uses, without reading the policy. */
const char *hs_runtime_default (void);

/* The runtime for a hardened subcommand: the policy's, else the default.
 * A policy runtime that differs from the pass-through one is refused, since
 * `start`, `kill` and `delete` would then go to another runtime than `create`. */
int hs_runtime_choose (const hs_policy *policy, const char **ret, hs_error *err);

/* An absolute path to something that exists and is not hardshim itself
 * (loop guard). */
int hs_runtime_check (const char *runtime, hs_error *err);

/* execv(runtime, argv with argv[0] replaced); returns only on failure. */
int hs_runtime_exec (const char *runtime, char **argv, hs_error *err);

#endif
