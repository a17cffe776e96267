/* SPDX-License-Identifier: Apache-2.0 */
/* Namespaces a spec joins by path (pods, docker --net=container:X).
 *
 * A namespace belongs to the user namespace it was made in.  A container
 * that joins another container's IPC or PID namespace must be in that
 * container's user namespace too (it could not mount mqueue or proc
 * otherwise), and a container in a user namespace of its own cannot mount
 * sysfs for a network namespace it joins that belongs to another (CRI's
 * pod network, made in the host's).
 *
 * hs_namespaces_probe looks at what each path is, by asking the kernel (the
 * namespace's type, the user namespace that owns it, that one's id mapping
 * as /proc shows it), never at its spelling.  The user measure then joins
 * the owning user namespace when its mapping is the container's class's own
 * (two classes never share one), and the rootfs measure replaces a sysfs
 * the container cannot mount with a read-only bind of one hardshim mounts
 * inside the joined network namespace.  hs_namespaces_mount makes both in
 * the runtime's private mount namespace (bridge.h): the user namespace
 * bound at HS_USERNS_PATH, the sysfs at HS_SYSFS_DIR.
 *
 * runc 1.1.5 joins a user namespace first and the other namespaces after,
 * from inside it: it cannot join a network namespace that belongs to
 * another user namespace (CRI's pod network, for an app container in the
 * pod's user namespace).  There hardshim itself enters that network
 * namespace before it executes the runtime, and the container inherits it:
 * the spec's network entry is removed.
 *
 * Every other namespace joined by path is pinned: the runtime would open
 * the path again (a /proc/PID path may name another process by then), so
 * the namespace hardshim opened and checked is bound at HS_NS_DIR/TYPE and
 * the spec names that.  The engine's path is kept in annotation
 * HS_NS_ANNOTATION TYPE (for the network namespace hardshim enters too),
 * which only a sealed spec (seal.h) may use to name it again. */
#ifndef HS_NAMESPACES_H
#define HS_NAMESPACES_H

#include "base/error.h"
#include "measures/harden.h"
#include "host/host.h"
#include "spec/json.h"

#define HS_NS_DIR HS_STATE_DIR "/ns"
#define HS_USERNS_PATH HS_NS_DIR "/user"
#define HS_SYSFS_DIR HS_STATE_DIR "/sys"
#define HS_PROC_DIR HS_STATE_DIR "/proc"
#define HS_MQUEUE_DIR HS_STATE_DIR "/mqueue"
#define HS_NS_ANNOTATION "io.hardshim.ns."

/* Fill host's joined, join_* and netns_* from spec's /linux/namespaces; refuses a
 * path that is no namespace of its type, and namespaces of two user
 * namespaces other than the host's. */
int hs_namespaces_probe (hs_json spec, bool sealed, hs_host *host, hs_error *err);

/* exec: in a container that inherited its network namespace from the
 * runtime (the spec has HS_NS_ANNOTATION "network" and no network entry), the
 * runtime must start in the network namespace of the container's init
 * process pid, since it joins only the namespaces of the spec. */
int hs_namespaces_exec_netns (hs_json container_spec, int pid, hs_error *err);

/* The namespace of type the spec joins (host->joined), or NULL. */
const char *hs_namespaces_via (const hs_host *host, const char *type);

/* In the runtime's private mount namespace, what plan asks for. */
int hs_namespaces_mount (const hs_host *host, const hs_plan *plan, hs_error *err);

#endif
