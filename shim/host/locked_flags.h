/* SPDX-License-Identifier: Apache-2.0 */
/* Bind mounts inside a user namespace keep their source's locked flags.
 *
 * A mount a user namespace's owner did not make has its nosuid, nodev and
 * noexec locked: a remount from inside the namespace that would clear one
 * fails with EPERM.  runc 1.1.5 remounts a bind mount to apply its
 * options ("ro", say) with only the flags the spec names, so a read-only
 * bind of a nosuid,nodev,noexec tmpfs (CRI's /dev/shm) fails.  Each bind
 * mount of a container hardshim maps gets the locked flags of its source's
 * mount added to its options (the mount has them anyway: a bind inherits
 * them), journaled. */
#ifndef HS_LOCKED_FLAGS_H
#define HS_LOCKED_FLAGS_H

#include "runtime/journal.h"
#include "spec/json.h"

/* In the runtime's mount namespace; bundle: the spec's absolute directory. */
void hs_locked_flags_add (hs_json spec, const char *bundle, hs_journal *journal);

#endif
