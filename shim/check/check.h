/* SPDX-License-Identifier: Apache-2.0 */
/* hardshim's own commands, which start nothing (hardshim(8), CHECKING A
 * HOST AND A BUNDLE):
 *
 * - `hardshim doctor [--policy FILE]`: the policy and what this host offers
 *   a container (user namespaces, subordinate ids, the LSMs, the runtime,
 *   the cgroup layout), one line per check: `ok`, `warn` or `FAIL`, what
 *   was checked, and for a failure what to do.
 * - `hardshim explain [--policy FILE] [-b DIR] [-f FILE] [ID]`: what
 *   create would change in a bundle, from the journal records of the same
 *   hardening (main.c's _decide_spec), printed for a reader, without
 *   writing the spec or the journal and without the host-side steps. */
#ifndef HS_CHECK_H
#define HS_CHECK_H

#include "runtime/journal.h"

#include <stdbool.h>
#include <stdio.h>

/* Run every check of doctor for the policy at policy_path, printing to
 * out; 0 when everything a container needs is there, 1 otherwise. */
int hs_doctor (const char *policy_path, FILE *out);

/* The journal's records, one line each (measure, path, action, before →
 * after) and an indented note line where a record has one; returns how
 * many records change the spec (or would, in audit mode). */
size_t hs_explain_print (const hs_journal *j, FILE *out);

#endif
