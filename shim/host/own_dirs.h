/* SPDX-License-Identifier: Apache-2.0 */
/* hardshim's own files as what a spec points at.
 *
 * In the runtime's mount namespace hardshim's state directory holds the
 * container's rootfs (the bridge, bridge.h) and the device nodes it makes
 * (devices.h); the directory also holds the seal key (seal.h).  A spec
 * that binds any of it, or the Landlock helper other than as the lsm
 * measure mounts it, or the journal file itself, is refused; so is a
 * root.path there.  A directory above the state directory (`/`, `/var`)
 * is the detect measure's to judge (measures/detect.c): refused, in the
 * engine's words, unless a class allows exactly that source; it carries
 * along only this container's own bridge and nodes.  Paths are judged by what they resolve to on the host,
 * symbolic links followed, not by their spelling.  Only a spec with a valid
 * seal (seal.h) may have hardshim's own device mounts, bridged root and
 * pinned bind sources (bind_pins.h); a pinned source is judged by the
 * engine's source it kept.
 *
 * A source is judged twice: by its spelling before the probe, and, after
 * it, by what the probe opened (host_refs.h), which is what the runtime
 * mounts where hardshim pins it: a path changed in between cannot slip
 * hardshim's files in. */
#ifndef HS_OWN_DIRS_H
#define HS_OWN_DIRS_H

#include "base/error.h"
#include "host/host.h"
#include "spec/json.h"
#include "policy/policy.h"

/* spec: as the engine wrote it (before the measures); bundle: its
 * absolute directory, against which relative paths resolve. */
int hs_own_dirs_check (hs_json spec, const char *bundle, bool sealed, const hs_policy *policy, hs_error *err);

/* The same for what the probe opened for each bind source (host->binds),
 * by the path the kernel gives that object. */
int hs_own_dirs_check_refs (hs_json spec, bool sealed, const hs_policy *policy, const hs_host *host, hs_error *err);

#endif
