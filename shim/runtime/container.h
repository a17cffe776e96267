/* SPDX-License-Identifier: Apache-2.0 */
/* The container an exec process joins, found the way runc finds it: the
 * runtime's own `state` names the bundle, and the bundle's config.json is
 * the spec hardshim wrote at create.  An exec process is clamped to that
 * container's settings (its LSM labels), and without --process it is
 * built from that spec's process (exec_process.h). */
#ifndef HS_CONTAINER_H
#define HS_CONTAINER_H

#include "cli/cli.h"
#include "base/error.h"
#include "spec/spec.h"

typedef struct hs_container
{
  char *bundle;      /* absolute, from the runtime's state */
  int pid;           /* its init process, from the runtime's state (0: none) */
  hs_spec_file spec; /* <bundle>/config.json */
} hs_container;

/* Run `runtime <the engine's global options> state <id>` (its stderr is
 * the caller's, so the runtime's own "does not exist" reaches the engine)
 * and load the bundle's spec.  argv is the engine's command line. */
int hs_container_load (const char *runtime, const hs_cli *cli, char *const *argv, hs_container *ret, hs_error *err);
void hs_container_release (hs_container *c);
#define _cleanup_container_ _cleanup_ (hs_container_release)

#endif
