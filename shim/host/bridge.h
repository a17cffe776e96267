/* SPDX-License-Identifier: Apache-2.0 */
/* The rootfs bridge: the rootfs stays reachable from inside the
 * container's user namespace.
 *
 * Engines put the rootfs under directories the container's mapped root may
 * not traverse (docker: /var/lib/docker/overlay2/ID/merged below a 0710
 * directory), and the runtime resolves root.path from inside the user
 * namespace.  So hardshim moves itself, and with it the runtime it execs,
 * into a mount namespace of its own that is a slave of the host's: host
 * mounts still propagate in, nothing propagates out.  There the rootfs is
 * mounted at HS_BRIDGE_DIR, a directory everyone may traverse: idmapped to
 * the container's mapping where the filesystem supports it, a plain bind
 * where it does not (overlayfs), and the journal says which.  root.path
 * then points there, and annotation HS_BRIDGE_ANNOTATION keeps the
 * rootfs's own path, so that the spec can be started again (only a spec
 * with hardshim's valid seal, seal.h, may have root.path at the bridge).
 *
 * Bind sources are pinned there first (bind_pins.h): the runtime mounts
 * the objects hardshim judged, not what their paths name by then.  Device
 * nodes (devices.h) and idmapped volumes (volumes.h) are made in the
 * same namespace, with a joined user namespace and a sysfs of a joined
 * network namespace (namespaces.h), and bind mounts get their sources'
 * locked flags (locked_flags.h).  The host's mount table never sees the bridge, and the container's mount
 * namespace holds the copy it needs: nothing is left to release on delete
 * or after a failed create, whatever way the runtime ends. */
#ifndef HS_BRIDGE_H
#define HS_BRIDGE_H

#include "base/error.h"
#include "measures/harden.h"
#include "host/host.h"
#include "runtime/journal.h"
#include "spec/json.h"
#include "policy/policy.h"

#define HS_BRIDGE_ANNOTATION "io.hardshim.rootfs"

/* spec: the hardened config.json, with the user namespace mappings the
 * user measure wrote; bundle: its absolute directory; sealed: the spec as
 * loaded had hardshim's valid seal; host: the probe's, whose bind sources
 * are pinned (bind_pins.h).  Leaves the calling process in the new mount
 * namespace. */
int hs_bridge_rootfs (hs_json spec, const char *bundle, bool sealed, const hs_policy *policy, const hs_host *host,
                      const hs_plan *plan, hs_journal *journal, hs_error *err);

#endif
