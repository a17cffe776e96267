/* SPDX-License-Identifier: Apache-2.0 */
/* References to host resources a spec makes, judged by what they are on the
 * host (DESIGN.md §0: identity by device and inode, never by spelling):
 * bind-mount sources, hook programs, the cgroup linux.cgroupsPath names.
 *
 * hs_host_probe_refs runs before the measures (which make no syscalls) and
 * fills the host struct; the detect measure (measures/detect.c) decides.
 *
 * Bind sources are resolved the way the kernel resolves them when the
 * runtime mounts them (symbolic links followed, a relative source taken
 * from the bundle directory) and each is classified against:
 *  - sensitive host paths: `/`, `/boot`, `/dev`, `/proc`, `/sys`, `/etc`,
 *    `/root` (refused in any mode), `/usr` and `/lib*` (refused read-write),
 *    the engines' state roots (`/var/lib/docker`, `/var/lib/containerd`,
 *    `/var/lib/containers`, `/var/lib/kubelet`, `/run/containerd`, ...) and
 *    the directories directly in them (they hold every container's data),
 *    and any directory above one of these;
 *  - engine control sockets (dockerd, containerd and its shims, CRI-O,
 *    podman, buildkitd, kubelet) and any directory above one;
 *  - device nodes (their type and number, which the device rules judge).
 * Paths deeper below a state root (docker's per-container `hosts`, named
 * volumes, kubelet's pod volumes) are plain.  The full lists and the order
 * of precedence: host_paths.h; hooks: hook_probe.h; the cgroup:
 * cgroup_probe.h. */
#ifndef HS_HOST_REFS_H
#define HS_HOST_REFS_H

#include "base/error.h"
#include "host/host.h"
#include "spec/json.h"
#include "policy/policy.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* An object's identity on the host; exists false when it could not be
 * resolved (errno in error). */
typedef struct hs_id_ref
{
  bool exists;
  int error;
  dev_t dev;
  ino_t ino;
} hs_id_ref;

typedef enum hs_bind_kind
{
  HS_BIND_PLAIN = 0,    /* nothing detect refuses */
  HS_BIND_SENSITIVE,    /* a sensitive host path, or a directory above one: refused */
  HS_BIND_SENSITIVE_RW, /* /usr or /lib*: refused unless the mount is read-only */
  HS_BIND_SOCKET,       /* an engine's control socket, or a directory above one */
  HS_BIND_DEVICE,       /* a device node */
} hs_bind_kind;

typedef struct hs_bind_ref
{
  char *source; /* the spec's mounts[].source, as written (the key detect looks up) */
  char *via;    /* the path resolved instead, or NULL: for hardshim's pin HS_PIN_DIR/N in a sealed spec,
                   the engine's source it kept (bind_pins.h) */
  int fd;       /* O_PATH descriptor of what it resolved to (-1: none): the object judged, which the
                   rootfs bridge hands the runtime (bind_pins.h) */
  hs_id_ref id; /* what it resolves to */
  hs_bind_kind kind;
  char *what;        /* not PLAIN: the sensitive path or socket it is or holds, e.g. "/var/run/docker.sock" */
  const char *owner; /* SOCKET: whose, e.g. "Docker API" (static); else NULL */
  bool above;        /* source is a directory above `what`, not `what` itself */
  char devtype;      /* DEVICE: 'c' or 'b' */
  uint32_t major, minor;
} hs_bind_ref;

typedef struct hs_hook_ref
{
  const char *stage;  /* "prestart", "createRuntime", ... (static) */
  size_t index;       /* in /hooks/STAGE */
  char *path;         /* the spec's hooks[].path */
  char *real;         /* the program's own path (links and `..` resolved), for the runtime; NULL when none
                         or for docker's hook (/proc/PID/exe names dockerd's running program) */
  hs_id_ref id;       /* the program it names */
  bool trusted;       /* it and every directory above its real path belong to root, writable by no one else */
  const char *engine; /* an engine's own hook recognised (e.g. "docker's network hook", "podman's hook
                         from /etc/containers/oci/hooks.d/x.json"), else NULL; the probe's are allocated */
} hs_hook_ref;

/* Fill host->binds, hooks, class_binds, class_hooks and cgroup_foreign for
 * spec (bundle: its directory, for relative sources; sealed: the spec has
 * hardshim's valid seal, seal.h, so that a source at hardshim's pin is
 * resolved from the engine's source it kept; systemd_cgroup: the runtime
 * was given --systemd-cgroup, so cgroupsPath is slice:prefix:name).  Each
 * bind source is opened once and the descriptor kept: what the measures
 * judge is what the runtime gets (bind_pins.h).  Errors only for what
 * cannot be judged at all (-errno); a source that does not exist is
 * recorded as such (the runtime refuses it). */
int hs_host_probe_refs (hs_json spec, const char *bundle, bool sealed, const hs_policy *policy, bool systemd_cgroup,
                        hs_host *host, hs_error *err);

/* The probe's record of bind source `source` (as the spec writes it), or
 * NULL.  The probe keeps binds sorted by source and hooks in stage order,
 * then index, and these search them so (a spec may have many); a record
 * not found so is looked for one by one. */
const hs_bind_ref *hs_host_bind_ref (const hs_host *host, const char *source);
/* The probe's record of hook STAGE[index], or NULL. */
const hs_hook_ref *hs_host_hook_ref (const hs_host *host, const char *stage, size_t index);
/* The order of bind records by source (qsort, bsearch). */
int hs_bind_ref_compare (const void *a, const void *b);
/* Whether a and b are the same object (both exist). */
bool hs_id_ref_same (const hs_id_ref *a, const hs_id_ref *b);
/* The identity of what path (absolute; symbolic links followed) is now. */
void hs_id_ref_of (const char *path, hs_id_ref *ret);
/* Free what hs_host_probe_refs put into host (host.c's hs_host_release calls it). */
void hs_host_refs_release (hs_host *host);

#endif
