/* SPDX-License-Identifier: Apache-2.0 */
/* Bind mounts and the denied paths (policy lsm.deny_write), checked on the
 * host once the measures have decided the spec (measures/lsm.c made every
 * mount at or beneath a denied path read-only).
 *
 * - A writable bind mount elsewhere must not reach what lies beneath a
 *   denied path: volume P at /data and P/sub at /etc/app make /etc/app
 *   writable as /data/sub.  Refused at any depth and either way round (the
 *   writable source holding, being, or lying within the source of a mount
 *   beneath a denied path, or the image's own /etc and /home in the
 *   rootfs).  Sources are compared by what they are on the host: the
 *   device and inode of each source and of every directory above it, so
 *   that another spelling, a symbolic link or a host bind mount of the same
 *   directory does not hide the relation.
 * - The submounts of an rbind of a directory beneath a denied path are made
 *   read-only too ("rro", which runc 1.1 and crun 1.8 apply to the whole
 *   tree; crun refuses it on a file, and a file has no submounts). */
#ifndef HS_DENIED_MOUNTS_H
#define HS_DENIED_MOUNTS_H

#include "base/error.h"
#include "host/host.h"
#include "runtime/journal.h"
#include "spec/json.h"
#include "policy/policy.h"

/* file: the spec's path, for messages; bundle: where relative bind sources
 * and root.path are; host: the probe's, whose descriptors of the bind
 * sources are what is judged (bind_pins.h: what the runtime mounts).  In
 * audit mode the spec is left as it is and the journal says what would
 * change. */
int hs_denied_mounts_check (hs_json spec, const char *file, const char *bundle, const hs_policy *policy,
                            const hs_host *host, hs_journal *journal, hs_error *err);

#endif
