/* SPDX-License-Identifier: Apache-2.0 */
/* Mounts below a bind source.  An rbind brings every mount below its
 * source along (docker and podman volumes are rbinds): a source that is
 * nothing sensitive itself may hold a bind of `/`, of an engine's socket
 * or a procfs below it.  Each mount point strictly below a PLAIN source
 * (from /proc/self/mountinfo) is classified like a source
 * (host_paths.h); the first that is not plain makes the source that
 * kind, with above set and what naming the mount point and what it is. */
#ifndef HS_SUBMOUNTS_H
#define HS_SUBMOUNTS_H

#include "base/error.h"
#include "host/host_refs.h"

#include <stddef.h>

/* binds[0..n), after hs_host_paths_classify: below where each object the
 * probe opened is (its descriptor), not below what its path names by now. */
int hs_submounts_classify (hs_bind_ref *binds, size_t n, hs_error *err);

#endif
