/* SPDX-License-Identifier: Apache-2.0 */
/* Bind-mount volumes idmapped to the container's mapping (policy
 * `user.idmap_volumes`).
 *
 * In the rootfs bridge's private mount namespace (bridge.h), each bind
 * mount's source, which is by then hardshim's pin of the object it judged
 * (bind_pins.h), is covered by an idmapped clone of itself, so the runtime,
 * which resolves the source there, mounts the idmapped one: files on the
 * volume keep the container's ids on disk (a directory the host chowns to
 * 65534 is the container user's).  Where the filesystem does not take
 * idmapped mounts the volume stays a plain bind.  The journal says which,
 * for every volume; the spec itself is not changed, and the host's mount
 * table never sees the clones.
 *
 * Left alone, judged by the path of the object on the host: sources that
 * hold the rootfs or hardshim's own directories, sources inside the rootfs
 * (they come with it), device nodes, hardshim's Landlock helper, and a
 * source seen before. */
#ifndef HS_VOLUMES_H
#define HS_VOLUMES_H

#include "host/bind_pins.h"
#include "runtime/journal.h"
#include "spec/json.h"

/* userns: a user namespace fd with the container's mapping (-1: none could
 * be made, every volume stays a plain bind); rootfs: the real path of the
 * rootfs being bridged; pins: the bind sources pinned (bind_pins.h).
 * Cannot fail: a volume that cannot be idmapped is a plain bind, as without
 * the policy. */
void hs_volumes_idmap (hs_json spec, int userns, const char *rootfs, const hs_bind_pins *pins, hs_journal *journal);

#endif
